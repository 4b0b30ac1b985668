import { createServer, type Server } from 'node:http';
import { randomBytes } from 'node:crypto';
import express, { type Router } from 'express';
import { AccessToken, type WebhookEvent } from 'livekit-server-sdk';
import {
  AudioFrame,
  AudioSource,
  AudioStream,
  LocalAudioTrack,
  Room,
  RoomEvent,
  TrackKind,
  TrackPublishOptions,
  TrackSource,
  dispose,
  type RemoteTrack,
} from '@livekit/rtc-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresStores, type StorageHandle, type Stores } from '../../core/index.ts';
import {
  createConsultationLifecycle,
  type ConsultationLifecycle,
  type ConsultationLog,
  type ConsultationRecord,
  type ConsultationRooms,
} from '../../core/services.ts';
import { createPostgresConsultationLog } from '../../core/storage/postgres-consultation-log.ts';
import { createLivekitConsultationRooms } from '../../video/livekit-consultation-rooms.ts';
import { createConsultationTokens, type ConsultationTokens } from '../../video/consultation-tokens.ts';
import { createVideoWebhookRouter } from '../../video/livekit-webhooks.ts';
import { problemHandler } from '../../app/http/problem.ts';
import { createLogger } from '../../app/logger.ts';
import { openTestDatabase } from '../support/database.ts';
import { consultationFor } from '../support/fixtures.ts';
import { freePort } from '../support/app-process.ts';
import { LIVEKIT_INSTALL_TIMEOUT_MS, startLivekitServer, type LivekitServer } from '../support/livekit.ts';

// A real livekit-server posts its webhooks to a real Express app mounting the video router;
// two real participants (customer and advisor) join with @livekit/rtc-node.

const NO_SHOW_GRACE_MS = 2_000;
const WEBHOOK_PATH = '/api/video/webhooks';

let storage: StorageHandle;
let stores: Stores;
let log: ConsultationLog;
let livekit: LivekitServer;
let rooms: ConsultationRooms;
let tokens: ConsultationTokens;
let lifecycle: ConsultationLifecycle;
let http: Server;
let webhookUrl: string;
const deliveries: { event: string; body: Buffer; authorization: string; status: number }[] = [];
const openRooms: Room[] = [];

beforeAll(async () => {
  storage = await openTestDatabase();
  stores = createPostgresStores(storage.db);
  log = createPostgresConsultationLog(storage.db);

  // The app listens first so that the LiveKit config can name its webhook URL.
  const webhooks: { router?: Router } = {};
  const app = express();
  app.use(WEBHOOK_PATH, express.raw({ type: 'application/webhook+json' }), (req, res, next) => {
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    res.on('finish', () => {
      const event = (JSON.parse(body.toString() || '{}') as { event?: string }).event ?? '';
      deliveries.push({ event, body, authorization: req.get('Authorization') ?? '', status: res.statusCode });
    });
    next();
  });
  app.use((req, res, next) => (webhooks.router ? webhooks.router(req, res, next) : next()));
  app.use(problemHandler(createLogger({ level: 'silent' })));
  const port = await freePort();
  http = createServer(app);
  await new Promise<void>((resolve) => http.listen(port, '127.0.0.1', resolve));
  webhookUrl = `http://127.0.0.1:${port}${WEBHOOK_PATH}`;

  livekit = await startLivekitServer({ webhookUrl });
  const keys = { apiKey: livekit.apiKey, apiSecret: livekit.apiSecret };
  rooms = createLivekitConsultationRooms({ url: livekit.httpUrl, ...keys });
  const policy = { noShowGraceMs: NO_SHOW_GRACE_MS };
  tokens = createConsultationTokens({ url: livekit.wsUrl, rooms, policy, ...keys });
  lifecycle = createConsultationLifecycle({ log, interactions: stores.interactions, rooms, policy });
  webhooks.router = createVideoWebhookRouter({ lifecycle, ...keys });
}, LIVEKIT_INSTALL_TIMEOUT_MS);

afterAll(async () => {
  await Promise.allSettled(openRooms.map((room) => room.disconnect()));
  await livekit?.stop();
  await new Promise((resolve) => http?.close(resolve));
  await storage?.close();
  await dispose();
});

async function book(startsInMs: number) {
  const customer = await stores.customers.create({
    firstName: 'Giulia',
    lastName: 'Rossi',
    locale: 'it-IT',
    segment: 'family',
  });
  // The customer asked the voice assistant about the bill, which led to the booking.
  const asked = await stores.interactions.record({
    customerId: customer.id,
    channel: 'voice_assistant',
    touchpoint: 'alexa',
    direction: 'inbound',
    reason: 'bill_increase',
    startedAt: new Date(Date.now() - 5 * 60_000),
    outcome: 'handed_off',
  });
  const startsAt = new Date(Date.now() + startsInMs);
  const endsAt = new Date(startsAt.getTime() + 30 * 60_000);
  const booked = await consultationFor(stores, {
    customer,
    startsAt,
    endsAt,
    bookedVia: 'voice_assistant',
    journeyId: asked.journeyId,
  });
  return { ...booked, asked };
}

async function join(access: { url: string; token: string }): Promise<Room> {
  const room = new Room();
  openRooms.push(room);
  await room.connect(access.url, access.token, { autoSubscribe: true, dynacast: false });
  return room;
}

/** Publishes a 440 Hz tone as the microphone, fed in real time until stopped. */
async function publishTone(room: Room) {
  const source = new AudioSource(48_000, 1);
  const samples = Int16Array.from({ length: 480 }, (_, i) =>
    Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / 48_000)),
  );
  const track = LocalAudioTrack.createAudioTrack('microphone', source);
  const options = new TrackPublishOptions();
  options.source = TrackSource.SOURCE_MICROPHONE;
  const publication = await room.localParticipant!.publishTrack(track, options);
  let feeding = true;
  void (async () => {
    while (feeding) await source.captureFrame(new AudioFrame(samples, 48_000, 1, 480));
  })();
  return {
    publication,
    stop: () => {
      feeding = false;
    },
  };
}

/** Resolves with the loudest sample of the first audible frames `room` receives from `identity`. */
function hear(room: Room, identity: string): Promise<number> {
  return new Promise((resolve) => {
    room.on(RoomEvent.TrackSubscribed, (track: RemoteTrack, _publication, participant) => {
      if (participant.identity !== identity || track.kind !== TrackKind.KIND_AUDIO) return;
      void (async () => {
        for await (const frame of new AudioStream(track, 48_000, 1)) {
          const loudest = frame.data.reduce((max, s) => Math.max(max, Math.abs(s)), 0);
          if (loudest > 1000) return resolve(loudest);
        }
      })();
    });
  });
}

async function waitFor(
  appointmentId: string,
  condition: (record: ConsultationRecord) => boolean,
  what: string,
  timeoutMs = 15_000,
): Promise<ConsultationRecord> {
  const deadline = Date.now() + timeoutMs;
  let record = await log.consultation(appointmentId);
  while (!record || !condition(record)) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}; consultation is ${JSON.stringify(record?.state)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    record = await log.consultation(appointmentId);
  }
  return record;
}

/** What a change must not touch: the appointment, its sessions, processed events, the journey. */
async function snapshot(appointmentId: string, customerId: string) {
  const record = await log.consultation(appointmentId);
  const events = await storage.db
    .selectFrom('consultation_events')
    .select(['event_id'])
    .where('appointment_id', '=', appointmentId)
    .execute();
  const journey = await stores.interactions.forCustomer(customerId, { limit: 50 });
  return { record, events: events.length, journey: journey.length };
}

async function post(body: string, authorization?: string) {
  return fetch(webhookUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/webhook+json', ...(authorization ? { authorization } : {}) },
    body,
  });
}

async function sign(body: string, options: { secret?: string; ttl?: string } = {}) {
  const token = new AccessToken(livekit.apiKey, options.secret ?? livekit.apiSecret, {
    ttl: options.ttl ?? '5m',
  });
  token.sha256 = Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(body))).toString(
    'base64',
  );
  return token.toJwt();
}

function joinedEvent(appointmentId: string, identity: string) {
  return JSON.stringify({
    event: 'participant_joined',
    id: `EV_test_${randomBytes(6).toString('hex')}`,
    createdAt: String(Math.floor(Date.now() / 1000)),
    room: { sid: 'RM_test', name: `consultation-${appointmentId}` },
    participant: { sid: `PA_${randomBytes(6).toString('hex')}`, identity, state: 'ACTIVE' },
  } satisfies Partial<Record<keyof WebhookEvent, unknown>>);
}

describe('a video consultation on a real LiveKit server', () => {
  it('keeps the customer in the lobby until the advisor admits them, then the advisor hears them; webhooks take the appointment from booked to in progress to completed with its real duration', async () => {
    const { customer, advisor, appointment, asked } = await book(60_000);
    const customerAccess = await tokens.forCustomer(appointment, customer);
    const advisorAccess = await tokens.forAdvisor(appointment, advisor);

    const advisorRoom = await join(advisorAccess);
    const customerRoom = await join(customerAccess);
    const bothIn = Date.now();
    const inProgress = await waitFor(appointment.id, (r) => r.state.status === 'in_progress', 'in_progress');
    expect((await stores.advisors.upcomingAppointments(customer.id, new Date()))[0]?.status).toBe(
      'in_progress',
    );
    expect(Math.abs(inProgress.state.startedAt!.getTime() - bothIn)).toBeLessThan(1000);

    // In the lobby the customer can listen but not speak: the server refuses the track.
    const inLobby = await rooms.participants(appointment.id);
    expect(inLobby.find((p) => p.identity === customerAccess.identity)?.canPublish).toBe(false);
    await expect(publishTone(customerRoom)).rejects.toThrow();
    expect([...advisorRoom.remoteParticipants.values()][0]?.trackPublications.size).toBe(0);

    await rooms.admit(appointment.id, customerAccess.identity);
    const heard = hear(advisorRoom, customerAccess.identity);
    const tone = await publishTone(customerRoom);
    expect(await heard).toBeGreaterThan(1000);
    tone.stop();

    const advisorKicked = new Promise((resolve) => advisorRoom.once(RoomEvent.Disconnected, resolve));
    const customerLeft = Date.now();
    await customerRoom.disconnect();
    const done = await waitFor(
      appointment.id,
      (r) => r.state.status === 'completed' && r.journeyRecorded,
      'completed',
    );
    const measured = done.state.endedAt!.getTime() - done.state.startedAt!.getTime();
    expect(Math.abs(measured - (customerLeft - bothIn))).toBeLessThan(1000);
    expect(done.state.endedBy).toBe('customer');
    // The consultation is over: its room is deleted, which also ends the advisor's connection.
    await advisorKicked;

    // It joined the journey that started with the question to the voice assistant.
    const journey = await stores.interactions.journey(asked.journeyId);
    expect(journey.map((i) => [i.channel, i.touchpoint, i.outcome])).toEqual([
      ['voice_assistant', 'alexa', 'handed_off'],
      ['video', 'consultation', 'resolved'],
    ]);
    expect(journey[1]?.details).toMatchObject({
      appointmentId: appointment.id,
      came: ['advisor', 'customer'],
    });
    expect(Math.abs((journey[1]?.details.durationSeconds as number) * 1000 - measured)).toBeLessThan(100);
    expect(deliveries.filter((d) => d.status !== 200)).toEqual([]);
  });

  it('marks the appointment a no-show when only the customer comes within the grace period, and closes the room', async () => {
    const { customer, appointment } = await book(0);
    const customerRoom = await join(await tokens.forCustomer(appointment, customer));
    await waitFor(
      appointment.id,
      (r) => r.state.sessions.some((s) => s.role === 'customer'),
      'the customer joined',
    );

    expect(await lifecycle.sweep()).toMatchObject({ noShows: 0 });
    expect((await log.consultation(appointment.id))?.state.status).toBe('booked');

    const closed = new Promise((resolve) => customerRoom.once(RoomEvent.Disconnected, resolve));
    // A timer can fire a millisecond or so before the wall clock reaches its end (its start is
    // counted from the event loop's clock): waited again until the clock the sweep reads is there.
    const graceEnds = appointment.startsAt.getTime() + NO_SHOW_GRACE_MS;
    while (Date.now() < graceEnds) {
      await new Promise((resolve) => setTimeout(resolve, graceEnds - Date.now()));
    }
    expect(await lifecycle.sweep()).toMatchObject({ noShows: 1 });
    expect(await lifecycle.sweep()).toMatchObject({ noShows: 0 });
    await closed;

    const record = await log.consultation(appointment.id);
    expect(record?.state).toMatchObject({ status: 'no_show', endedBy: 'no_show', startedAt: null });
    const [entry] = await stores.interactions.forCustomer(customer.id, { limit: 1 });
    expect(entry).toMatchObject({ channel: 'video', touchpoint: 'consultation', outcome: 'failed' });
    expect(entry?.details).toMatchObject({ status: 'no_show', came: ['customer'] });
  });

  it('refuses forged, tampered, unsigned and expired webhooks with 401 and changes nothing', async () => {
    const { customer, appointment } = await book(60_000);
    const body = joinedEvent(appointment.id, `customer:${customer.id}`);
    const before = await snapshot(appointment.id, customer.id);

    const forged = await post(body, await sign(body, { secret: randomBytes(32).toString('hex') }));
    const tampered = await post(body.replace('participant_joined', 'participant_left'), await sign(body));
    const unsigned = await post(body);
    const expired = await post(body, await sign(body, { ttl: '-1m' }));
    for (const response of [forged, tampered, unsigned, expired]) {
      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    }
    expect(await snapshot(appointment.id, customer.id)).toEqual(before);

    // The same event, properly signed, is applied: the refusals above were about the signature.
    const genuine = await post(body, await sign(body));
    expect(await genuine.json()).toEqual({ outcome: 'applied' });
    expect((await snapshot(appointment.id, customer.id)).record?.state.sessions).toHaveLength(1);
  });

  it('processes a redelivered event once, even when the deliveries race', async () => {
    const { customer, appointment } = await book(60_000);
    const body = joinedEvent(appointment.id, `customer:${customer.id}`);
    const authorization = await sign(body);
    const responses = await Promise.all(Array.from({ length: 5 }, () => post(body, authorization)));
    const outcomes = await Promise.all(
      responses.map(async (r) => ((await r.json()) as { outcome: string }).outcome),
    );
    expect(outcomes.sort()).toEqual(['applied', 'duplicate', 'duplicate', 'duplicate', 'duplicate']);
    const after = await snapshot(appointment.id, customer.id);
    expect(after.events).toBe(1);
    expect(after.record?.state.sessions).toHaveLength(1);

    // A delivery LiveKit really made, sent again, changes nothing either.
    const real = deliveries.find((d) => d.event === 'participant_joined' && d.status === 200);
    expect(real).toBeDefined();
    const again = await post(real!.body.toString(), real!.authorization);
    expect(await again.json()).toEqual({ outcome: 'duplicate' });
  });
});
