import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, inject } from 'vitest';
import { pino } from 'pino';
import WebSocket from 'ws';
import { composeApp, type VideoServer } from '../../app/compose.ts';
import type { Config } from '../../app/config.ts';
import { serveUpgrades } from '../../app/server-lifecycle.ts';
import { openDatabase, type Clock, type MessageSender, type StorageHandle } from '../../core/index.ts';
import { createScratchDatabase } from './database.ts';
import { loggedInAgent } from './staff-login.ts';

export const IDENTITY_SECRET = 'the-site-and-the-chat-share-this-secret-2026';

export type ChatInstance = Awaited<ReturnType<typeof composeApp>> & {
  url: string;
  server: Server;
  endUpgraded: () => void;
};

/**
 * `count` instances of the app with the live chat on, each with its own connections and HTTP
 * server, on one new database of the run's PostgreSQL server.
 */
export async function startChatInstances(options: {
  count: number;
  clock?: Clock;
  config?: Partial<Config>;
  senders?: MessageSender[];
  /** A LiveKit deployment every instance uses for consultations. */
  video?: VideoServer;
}) {
  const scratch = await createScratchDatabase(inject('databaseServerUrl'), 'channel_pilot_chat');
  const storages: StorageHandle[] = [];
  const instances: ChatInstance[] = [];
  for (let i = 0; i < options.count; i++) {
    const storage = await openDatabase({ kind: 'postgres', url: scratch.url, poolSize: 5 });
    storages.push(storage);
    const composed = await composeApp({
      storage,
      config: {
        PUBLIC_URL: 'http://localhost:3000',
        SESSION_TTL_HOURS: 1,
        COOKIE_SECURE: false,
        CHAT_ENABLED: true,
        CHAT_IDENTITY_SECRET: IDENTITY_SECRET,
        // Advisors in most tests take chats through the API alone, without a console to beat:
        // they stay available for the length of a test unless it is about going away.
        CHAT_ADVISOR_AWAY_SECONDS: 3600,
        ...options.config,
      },
      logger: pino({ level: 'silent' }),
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.senders ? { senders: options.senders } : {}),
      ...(options.video ? { video: options.video } : {}),
    });
    const server = createServer(composed.app);
    const endUpgraded = serveUpgrades(server, composed.channels);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    instances.push({ ...composed, url: `ws://127.0.0.1:${port}`, server, endUpgraded });
  }
  return {
    instances,
    async close() {
      for (const instance of instances) {
        instance.endUpgraded();
        instance.server.closeAllConnections();
        await new Promise<void>((resolve) => instance.server.close(() => resolve()));
        for (const channel of instance.channels) await channel.close?.();
      }
      for (const storage of storages) await storage.close();
      await scratch.drop();
    },
  };
}

/**
 * Instances started as `startChatInstances` starts them, before the tests of the file that calls
 * this and closed after them; `started` is handed them once they listen.
 */
export function chatInstancesForFile(
  options: Parameters<typeof startChatInstances>[0],
  started: (instances: ChatInstance[]) => void,
) {
  let run: Awaited<ReturnType<typeof startChatInstances>> | undefined;
  beforeAll(async () => {
    run = await startChatInstances(options);
    started(run.instances);
  }, 120_000);
  afterAll(async () => {
    await run?.close();
  });
}

export interface Frame {
  type: string;
  [key: string]: unknown;
}
export interface ChatMessageFrame {
  seq: number;
  author: string;
  body: string;
  quickReplies: { label: string; value: string }[];
}

/** A visitor's WebSocket that keeps every frame it receives. */
export async function visitor(base: string, query: Record<string, string> = {}) {
  const socket = new WebSocket(`${base}/chat/socket?${new URLSearchParams(query)}`);
  const frames: Frame[] = [];
  socket.on('message', (data) => frames.push(JSON.parse(data.toString()) as Frame));
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
    socket.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => reject(Object.assign(new Error(body), { status: res.statusCode })));
    });
  });
  const messages = () => frames.filter((f) => f.type === 'message').map((f) => f.message as ChatMessageFrame);
  async function waitFor<T>(find: () => T | undefined, what: string, timeoutMs = 10_000): Promise<T> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const found = find();
      if (found !== undefined) return found;
      if (Date.now() > until)
        throw new Error(`no ${what} within ${timeoutMs} ms; frames: ${JSON.stringify(frames, null, 1)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
  const ready = await waitFor(() => frames.find((f) => f.type === 'ready'), 'ready frame');
  return {
    socket,
    frames,
    messages,
    ready: ready as Frame & { conversationId: string; key?: string },
    send: (frame: object) => socket.send(JSON.stringify(frame)),
    waitFor,
    /** The next message from `author` after seq `after`. */
    next: (author: string, after: number) =>
      waitFor(
        () => messages().find((m) => m.author === author && m.seq > after),
        `${author} message after ${after}`,
      ),
    lastSeq: () => messages().at(-1)?.seq ?? 0,
    close: () => closeSocket(socket),
  };
}
export type Visitor = Awaited<ReturnType<typeof visitor>>;

/** Closes a test's socket, resolved once it is closed (at once when it already is). */
export function closeSocket(socket: WebSocket): Promise<void> {
  return new Promise<void>((resolve) => {
    if (socket.readyState === socket.CLOSED) resolve();
    else {
      socket.once('close', () => resolve());
      socket.close();
    }
  });
}

/** The status and problem document a refused connection got. */
export async function refused(base: string, query: Record<string, string>) {
  try {
    const opened = await visitor(base, query);
    await opened.close();
  } catch (error) {
    const e = error as Error & { status?: number };
    return { status: e.status, problem: JSON.parse(e.message) as { title: string; code: string } };
  }
  throw new Error('the connection was accepted');
}

/** A logged-in staff agent on one instance. */
export function staffAgent(instance: ChatInstance, username: string) {
  return loggedInAgent(instance.app, username);
}

/** A signed identity as the organisation's site makes it: HMAC-SHA256 of `chat.<customer id>.<expiry>`. */
export function signedIdentity(customerId: string, expiresAt: Date, secret = IDENTITY_SECRET): string {
  const payload = `chat.${customerId}.${Math.floor(expiresAt.getTime() / 1000).toString(36)}`;
  return `${payload}.${createHmac('sha256', secret).update(payload).digest('base64url')}`;
}
