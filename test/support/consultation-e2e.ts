import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { type Browser, type BrowserContext, type BrowserContextOptions, type Page } from 'playwright-core';
import {
  LocalVideoTrack,
  Room,
  RoomEvent,
  TrackPublishOptions,
  TrackSource,
  VideoBufferType,
  VideoFrame,
  VideoSource,
  dispose,
  type ChatMessage,
  type Participant,
} from '@livekit/rtc-node';
import { composeApp } from '../../app/compose.ts';
import { createAppointmentLinks } from '../../app/http/appointment-routes.ts';
import { type Customer, type StaffUser, type StorageHandle } from '../../core/index.ts';
import { defaultConsultationPolicy, type Advisor, type Appointment } from '../../core/services.ts';
import { openTestDatabase } from './database.ts';
import { ensureChromium, launchChromium } from './chromium.ts';
import { staffPassword } from './fixtures.ts';
import { startLivekitServer, type LivekitServer } from './livekit.ts';

// The whole app for browser tests of video consultations: a real livekit-server whose webhooks
// reach the app (so joins and leaves move the appointment along), the real clock (appointments
// are booked around "now"), a headless Chromium with a fake camera and microphone, and helpers
// for the advisor's side: their login, the room's lobby, admitting, and a Node participant.

export const SHOTS = new URL('../e2e/screenshots/', import.meta.url).pathname;
const WEBHOOK_PATH = '/api/video/webhooks';

type Composed = Awaited<ReturnType<typeof composeApp>>;

/** An advisor with a staff login of their own, logged in through the API. */
export interface AdvisorDesk {
  advisor: Advisor;
  user: StaffUser;
  username: string;
  /** The session cookie as sent in a `Cookie` header (`name=value`). */
  cookie: string;
}

/** What the app's access routes answer. */
export interface RoomAccess {
  url: string;
  token: string;
  roomName: string;
  identity: string;
  role: 'advisor' | 'customer';
}

export interface RoomParticipant {
  identity: string;
  name: string;
  role?: 'advisor' | 'customer';
  canPublish: boolean;
}

export interface ConsultationE2e {
  /** The app's address (also its PUBLIC_URL): http://127.0.0.1:PORT. */
  base: string;
  composed: Composed;
  stores: Composed['stores'];
  storage: StorageHandle;
  livekit: LivekitServer;
  /** One Chromium for the file, with the fake camera and microphone allowed. */
  browser: Browser;
  /** A new advisor (bills, Italian and English) with a staff login, logged in. */
  addAdvisor(options?: { name?: string; languages?: ('it-IT' | 'en-US')[] }): Promise<AdvisorDesk>;
  /** A new customer speaking `locale`. */
  addCustomer(locale: 'it-IT' | 'en-US', name?: { firstName: string; lastName: string }): Promise<Customer>;
  /**
   * An appointment written straight to the roster (the booking rules' slots would not fall
   * around the real clock's "now"), starting `startsInMinutes` from now, 30 minutes long.
   */
  book(options: {
    advisor: AdvisorDesk;
    customer: Customer;
    startsInMinutes?: number;
    topic?: string;
  }): Promise<Appointment>;
  /** The join link the customer receives, made by the app's appointment links. */
  joinLink(appointment: Appointment): string;
  /** The app's API with the advisor's session. */
  staffApi<T = unknown>(desk: AdvisorDesk, method: string, path: string, body?: unknown): Promise<T>;
  /** The advisor's token for the room, from POST /api/appointments/:id/access. */
  advisorAccess(desk: AdvisorDesk, appointment: Appointment): Promise<RoomAccess>;
  participants(desk: AdvisorDesk, appointment: Appointment): Promise<RoomParticipant[]>;
  /** Waits until the customer is in the room's lobby (connected, may not publish); their identity. */
  waitForLobby(desk: AdvisorDesk, appointment: Appointment, timeoutMs?: number): Promise<string>;
  /** Admits `identity` with POST /api/appointments/:id/admit. */
  admit(desk: AdvisorDesk, appointment: Appointment, identity: string): Promise<void>;
  /**
   * A new browser context (one per participant): English by default; with `staff`, logged in
   * as that advisor (their session cookie set for the app).
   */
  newContext(options?: BrowserContextOptions & { staff?: AdvisorDesk }): Promise<BrowserContext>;
  close(): Promise<void>;
}

/**
 * The app, livekit-server and Chromium for a consultation: on the test file's database, or on the
 * one `openStorage` opens (a benchmark, outside the test runner).
 */
export async function startConsultationE2e(
  options: { openStorage?: () => Promise<StorageHandle> } = {},
): Promise<ConsultationE2e> {
  ensureChromium();
  const storage = await (options.openStorage ?? openTestDatabase)();
  // The app must listen before livekit-server starts, so that its config can name the webhook
  // URL; requests are handed to the app once it is composed.
  let handler: RequestListener | undefined;
  const server: Server = createServer((req, res) => {
    if (handler) handler(req, res);
    else res.writeHead(503).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  let livekit: LivekitServer | undefined;
  let browser: Browser | undefined;
  try {
    livekit = await startLivekitServer({ webhookUrl: `${base}${WEBHOOK_PATH}` });
    const composed = await composeApp({
      storage,
      config: { PUBLIC_URL: base, SESSION_TTL_HOURS: 4, COOKIE_SECURE: false },
      logger: pino({ level: 'silent' }),
      video: { url: livekit.wsUrl, apiKey: livekit.apiKey, apiSecret: livekit.apiSecret },
    });
    handler = composed.app as unknown as RequestListener;
    browser = await launchChromium();
    return harness({ base, server, storage, livekit, composed, browser });
  } catch (error) {
    await browser?.close();
    await livekit?.stop();
    await closeServer(server);
    await storage.close();
    throw error;
  }
}

function harness(parts: {
  base: string;
  server: Server;
  storage: StorageHandle;
  livekit: LivekitServer;
  composed: Composed;
  browser: Browser;
}): ConsultationE2e {
  const { base, composed, browser } = parts;
  const { stores } = composed;
  // The same links the app sends (compose.ts builds them with these settings).
  const appointmentLinks = createAppointmentLinks({
    links: composed.links,
    publicUrl: base,
    joinGraceMinutes: defaultConsultationPolicy.lateGraceMs / 60_000,
  });
  let made = 0;
  const unique = () => `${Date.now().toString(36)}${(made++).toString(36)}`;

  const request = async <T>(cookie: string | undefined, method: string, path: string, body?: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method,
      // What changes state is sent as JSON, as the pages send it.
      headers: {
        ...(cookie ? { cookie } : {}),
        ...(method === 'GET' ? {} : { 'content-type': 'application/json' }),
      },
      body: method === 'GET' ? null : JSON.stringify(body ?? {}),
    });
    if (!response.ok) {
      throw new Error(`${method} ${path} answered ${response.status}: ${await response.text()}`);
    }
    return (response.status === 204 ? undefined : await response.json()) as T;
  };

  const self: ConsultationE2e = {
    base,
    composed,
    stores,
    storage: parts.storage,
    livekit: parts.livekit,
    browser,

    async addAdvisor(options = {}) {
      const username = `advisor-${unique()}`;
      const name = options.name ?? 'Elena Galli';
      const user = await stores.staff.addUser({
        username,
        displayName: name,
        role: 'advisor',
        password: staffPassword,
      });
      const advisor = await stores.advisors.addAdvisor({
        name,
        email: `${username}@example.it`,
        languages: options.languages ?? ['it-IT', 'en-US'],
        topics: ['billing'],
        timeZone: 'Europe/Rome',
        staffUserId: user.id,
      });
      const login = await fetch(`${base}/api/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username, password: staffPassword }),
      });
      const cookie = login.headers.get('set-cookie')?.split(';')[0];
      if (!login.ok || !cookie) throw new Error(`logging in as ${username} failed: ${login.status}`);
      return { advisor, user, username, cookie };
    },

    addCustomer(locale, name) {
      const italian = locale === 'it-IT';
      return stores.customers.create({
        firstName: name?.firstName ?? (italian ? 'Giulia' : 'Sam'),
        lastName: name?.lastName ?? (italian ? 'Rossi' : 'Taylor'),
        locale,
        segment: 'family',
      });
    },

    book({ advisor, customer, startsInMinutes = 1, topic = 'billing' }) {
      const startsAt = new Date(Date.now() + startsInMinutes * 60_000);
      return stores.advisors.addAppointment({
        customerId: customer.id,
        advisorId: advisor.advisor.id,
        topic,
        locale: customer.locale,
        startsAt,
        endsAt: new Date(startsAt.getTime() + 30 * 60_000),
        bookedVia: 'web',
        journeyId: null,
      });
    },

    joinLink: (appointment) => appointmentLinks.forAppointment(appointment).join.url,

    staffApi: (desk, method, path, body) => request(desk.cookie, method, path, body),

    advisorAccess: (desk, appointment) =>
      request<RoomAccess>(desk.cookie, 'POST', `/api/appointments/${appointment.id}/access`),

    participants: (desk, appointment) =>
      request<RoomParticipant[]>(desk.cookie, 'GET', `/api/appointments/${appointment.id}/participants`),

    async waitForLobby(desk, appointment, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const waiting = (await self.participants(desk, appointment)).find(
          (p) => p.role === 'customer' && !p.canPublish,
        );
        if (waiting) return waiting.identity;
        if (Date.now() > deadline)
          throw new Error(`no customer in the lobby of ${appointment.id} after ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    },

    admit: (desk, appointment, identity) =>
      request<void>(desk.cookie, 'POST', `/api/appointments/${appointment.id}/admit`, { identity }),

    async newContext(options = {}) {
      const { staff, ...contextOptions } = options;
      const context = await browser.newContext({ locale: 'en-US', ...contextOptions });
      if (staff) {
        const at = staff.cookie.indexOf('=');
        await context.addCookies([
          { name: staff.cookie.slice(0, at), value: staff.cookie.slice(at + 1), url: base },
        ]);
      }
      return context;
    },

    async close() {
      await browser.close();
      await parts.livekit.stop();
      await closeServer(parts.server);
      await parts.storage.close();
      await dispose();
    },
  };
  return self;
}

async function closeServer(server: Server) {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
}

/** What a <video> has shown so far, read in the browser. */
export interface VideoFrames {
  totalVideoFrames: number;
  videoWidth: number;
  videoHeight: number;
}

/**
 * Whether the <video> matching `selector` has decoded frames (totalVideoFrames > 0 and a
 * width), checked in the browser and polled until `timeoutMs`; the last reading either way.
 */
export async function decodedFrames(
  page: Page,
  selector: string,
  timeoutMs = 15_000,
): Promise<VideoFrames | null> {
  // Evaluated as text: this project's TypeScript has no DOM types outside video/browser.
  const read = () =>
    page.evaluate<VideoFrames | null>(`(() => {
      const video = document.querySelector(${JSON.stringify(selector)});
      if (!(video instanceof HTMLVideoElement)) return null;
      return {
        totalVideoFrames: video.getVideoPlaybackQuality().totalVideoFrames,
        videoWidth: video.videoWidth,
        videoHeight: video.videoHeight,
      };
    })()`);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const frames = await read();
    if (frames && frames.totalVideoFrames > 0 && frames.videoWidth > 0) return frames;
    if (Date.now() > deadline) return frames;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** True once the <video> matching `selector` has decoded frames; false if none came within `timeoutMs`. */
export async function hasDecodedFrames(page: Page, selector: string, timeoutMs = 15_000): Promise<boolean> {
  const frames = await decodedFrames(page, selector, timeoutMs);
  return Boolean(frames && frames.totalVideoFrames > 0 && frames.videoWidth > 0);
}

/** A participant joined from Node (@livekit/rtc-node), standing in for the other side's browser. */
export interface NodeParticipant {
  room: Room;
  /** Chat messages received from others, in order. */
  chat: { from: string; text: string }[];
  /** Resolves with the first received chat message whose text is `text`. */
  nextChat(text: string, timeoutMs?: number): Promise<{ from: string; text: string }>;
  sendChat(text: string): Promise<void>;
  /** Publishes a generated camera picture (a moving gradient, 320×240 at 15 fps) until `leave`. */
  publishVideo(): Promise<void>;
  leave(): Promise<void>;
}

export async function joinNodeParticipant(
  access: Pick<RoomAccess, 'url' | 'token'>,
): Promise<NodeParticipant> {
  const room = new Room();
  const chat: { from: string; text: string }[] = [];
  const waiters: { text: string; resolve: (line: { from: string; text: string }) => void }[] = [];
  room.on(RoomEvent.ChatMessage, (message: ChatMessage, participant?: Participant) => {
    const line = { from: participant?.identity ?? '', text: message.message };
    chat.push(line);
    for (const waiter of waiters.filter((w) => w.text === line.text)) waiter.resolve(line);
  });
  await room.connect(access.url, access.token, { autoSubscribe: true, dynacast: false });
  let timer: NodeJS.Timeout | undefined;
  let source: VideoSource | undefined;
  return {
    room,
    chat,
    nextChat(text, timeoutMs = 10_000) {
      const seen = chat.find((line) => line.text === text);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timeout = setTimeout(
          () =>
            reject(
              new Error(`no chat message "${text}" within ${timeoutMs} ms; got ${JSON.stringify(chat)}`),
            ),
          timeoutMs,
        );
        waiters.push({
          text,
          resolve: (line) => {
            clearTimeout(timeout);
            resolve(line);
          },
        });
      });
    },
    async sendChat(text) {
      await room.localParticipant!.sendChatMessage(text);
    },
    async publishVideo() {
      const [width, height] = [320, 240];
      source = new VideoSource(width, height);
      const track = LocalVideoTrack.createVideoTrack('camera', source);
      const options = new TrackPublishOptions();
      options.source = TrackSource.SOURCE_CAMERA;
      await room.localParticipant!.publishTrack(track, options);
      const data = new Uint8Array(width * height * 4);
      let tick = 0;
      const feed = () => {
        tick++;
        for (let y = 0; y < height; y++) {
          for (let x = 0; x < width; x++) {
            const i = (y * width + x) * 4;
            data[i] = (x + tick * 4) & 255;
            data[i + 1] = (y + tick * 2) & 255;
            data[i + 2] = 160;
            data[i + 3] = 255;
          }
        }
        source?.captureFrame(new VideoFrame(data, width, height, VideoBufferType.RGBA));
      };
      feed();
      timer = setInterval(feed, 1000 / 15);
    },
    async leave() {
      if (timer) clearInterval(timer);
      await room.disconnect();
      await source?.close();
    },
  };
}

/** A piece of text whose contrast with what is behind it is under 4.5:1 (WCAG AA). */
export interface LowContrast {
  text: string;
  ratio: number;
  color: string;
  background: string;
}

/**
 * Every visible, enabled piece of text on the page whose colour against its background (the
 * nearest opaque one behind it, white at the top) falls below 4.5:1, as WCAG 2 computes it from
 * the browser's computed styles. Text over video is left out (its background is the picture).
 */
export function lowContrastText(page: Page): Promise<LowContrast[]> {
  return page.evaluate<LowContrast[]>(`(() => {
    const parse = (c) => { const m = c.match(/rgba?\\(([^)]+)\\)/); if (!m) return null;
      const [r, g, b, a = 1] = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number); return { r, g, b, a }; };
    const lum = ({ r, g, b }) => { const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
      return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
    const backgroundOf = (el) => { for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor); if (c && c.a >= 0.99) return c; } return { r: 255, g: 255, b: 255, a: 1 }; };
    const found = [];
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent.trim(); const el = node.parentElement;
      if (!text || !el || el.closest('[hidden], video, script, style, noscript, .sr-only')) continue;
      if (el.closest('button:disabled, input:disabled, select:disabled')) continue;
      const box = el.getBoundingClientRect(); if (box.width === 0 || box.height === 0) continue;
      const style = getComputedStyle(el); if (style.visibility === 'hidden' || Number(style.opacity) === 0) continue;
      const fg = parse(style.color); const bg = backgroundOf(el); if (!fg) continue;
      const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x); const ratio = (a + 0.05) / (b + 0.05);
      if (ratio < 4.5) found.push({ text: text.slice(0, 60), ratio: Math.round(ratio * 100) / 100, color: style.color, background: 'rgb(' + bg.r + ', ' + bg.g + ', ' + bg.b + ')' });
    }
    return found;
  })()`);
}
