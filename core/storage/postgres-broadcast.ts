import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import type { Broadcast } from '../broadcast.ts';
import type { Database } from './schema.ts';

/** The channel every instance listens on; the database's own notices (migrations 0380, 0390) use it too. */
export const BROADCAST_CHANNEL = 'channel_pilot_broadcast';
/** The listening connection's `application_name`. */
export const LISTENER_NAME = 'channel-pilot listener';
/** The topics the database tells of changes on: who may use a channel, who a speaker is, supplies. */
export const TOLD_TOPICS = {
  channelAccess: 'channel access',
  accountLinks: 'account links',
  accounts: 'customer accounts',
  bills: 'customer bills',
} as const;

/**
 * A Broadcast on PostgreSQL's LISTEN/NOTIFY: an instance that subscribes keeps one connection
 * listening (opened at the first subscription, or by `ready()`), and publishes through its pool.
 * The listening connection is asked a `select 1` every `heartbeatMs`: one that errs, ends or does
 * not answer within `heartbeatMs` is a gap, and another is opened `reconnectMs` later, again until
 * one listens.
 */
export function createPostgresBroadcast(options: {
  db: Kysely<Database>;
  /** The database's connection string (the listening connection is one of its own). */
  url: string;
  reconnectMs?: number;
  heartbeatMs?: number;
}): Broadcast & { ready(withinMs?: number): Promise<void> } {
  const reconnectMs = options.reconnectMs ?? 1_000;
  const heartbeatMs = options.heartbeatMs ?? 10_000;
  const listeners = new Map<string, Set<(payload: string) => void>>();
  const gapListeners = new Set<(cause: unknown) => void>();
  let client: pg.Client | null = null;
  let started = false;
  let closed = false;
  let heartbeat: NodeJS.Timeout | undefined;
  /** Resolved when a connection listens; a new one after each gap. */
  let heard = promiseWithResolve();

  async function connect(): Promise<void> {
    const next = new pg.Client({
      connectionString: options.url,
      keepAlive: true,
      connectionTimeoutMillis: 10_000,
    });
    next.on('notification', (message) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(message.payload ?? '');
      } catch {
        return; // not one of the app's notices
      }
      if (typeof parsed !== 'object' || parsed === null) return;
      const { topic, payload } = parsed as { topic?: unknown; payload?: unknown };
      if (typeof topic !== 'string' || typeof payload !== 'string') return;
      for (const listener of listeners.get(topic) ?? []) listener(payload);
    });
    next.on('error', (error) => lost(next, error));
    next.on('end', () => lost(next, new Error('the listening connection ended')));
    try {
      await next.connect();
      // Named, so that an administrator sees which connection it is.
      await next.query(`set application_name = '${LISTENER_NAME}'`);
      await next.query(`listen ${BROADCAST_CHANNEL}`);
    } catch (error) {
      next.end().catch(() => undefined);
      throw error;
    }
    if (closed) {
      await next.end();
      return;
    }
    client = next;
    heard.resolve();
    heartbeat = setInterval(() => void beat(next), heartbeatMs).unref();
  }

  async function beat(which: pg.Client): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const silent = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no answer on the listening connection in ${heartbeatMs} ms`)),
        heartbeatMs,
      );
    });
    try {
      await Promise.race([which.query('select 1'), silent]);
    } catch (error) {
      lost(which, error);
    } finally {
      clearTimeout(timer);
    }
  }

  function lost(which: pg.Client, cause: unknown): void {
    if (client !== which) return;
    client = null;
    clearInterval(heartbeat);
    heard = promiseWithResolve();
    which.end().catch(() => undefined);
    for (const listener of gapListeners) listener(cause);
    retry();
  }

  function retry(): void {
    setTimeout(() => {
      if (closed) return;
      connect().catch(retry);
    }, reconnectMs).unref();
  }

  function start(): void {
    if (started) return;
    started = true;
    connect().catch((error: unknown) => {
      for (const listener of gapListeners) listener(error);
      retry();
    });
  }

  return {
    /**
     * Starts listening, once; resolves when this instance hears what is published, or after
     * `withinMs` if given (it keeps trying).
     */
    ready(withinMs?: number) {
      start();
      if (withinMs === undefined) return heard.promise;
      return Promise.race([
        heard.promise,
        new Promise<void>((resolve) => setTimeout(resolve, withinMs).unref()),
      ]);
    },
    async publish(topic, payload) {
      await sql`select pg_notify(${BROADCAST_CHANNEL}, ${JSON.stringify({ topic, payload })})`.execute(
        options.db,
      );
    },
    subscribe(topic, listener) {
      start();
      const set = listeners.get(topic) ?? new Set();
      set.add(listener);
      listeners.set(topic, set);
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(topic);
      };
    },
    listening: () => client !== null,
    onGap(listener) {
      gapListeners.add(listener);
      return () => void gapListeners.delete(listener);
    },
    async close() {
      closed = true;
      clearInterval(heartbeat);
      const last = client;
      client = null;
      await last?.end();
    },
  };
}

function promiseWithResolve(): { promise: Promise<void>; resolve: () => void } {
  let resolve: () => void = () => {};
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}
