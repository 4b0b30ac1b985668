import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import type { Broadcast } from '../broadcast.ts';
import type { Database } from './schema.ts';

const PG_CHANNEL = 'channel_pilot_broadcast';
const RECONNECT_MS = 1_000;

/**
 * A Broadcast on PostgreSQL's LISTEN/NOTIFY: an instance that subscribes keeps one connection
 * listening (opened at the first subscription, or by `ready()`), and publishes through its pool.
 * A lost listening connection is a gap, and is opened again.
 */
export function createPostgresBroadcast(options: {
  db: Kysely<Database>;
  /** The database's connection string (the listening connection is one of its own). */
  url: string;
  onError?: (error: unknown) => void;
}): Broadcast & { ready(): Promise<void> } {
  const listeners = new Map<string, Set<(payload: string) => void>>();
  const gapListeners = new Set<() => void>();
  let client: pg.Client | null = null;
  let started: Promise<void> | null = null;
  let closed = false;

  async function connect(): Promise<void> {
    const next = new pg.Client({ connectionString: options.url });
    next.on('notification', (message) => {
      if (!message.payload) return;
      let parsed: { topic: string; payload: string };
      try {
        parsed = JSON.parse(message.payload) as { topic: string; payload: string };
      } catch (error) {
        options.onError?.(error);
        return;
      }
      for (const listener of listeners.get(parsed.topic) ?? []) listener(parsed.payload);
    });
    next.on('error', (error) => {
      options.onError?.(error);
      lost(next);
    });
    next.on('end', () => lost(next));
    await next.connect();
    await next.query(`listen ${PG_CHANNEL}`);
    if (closed) await next.end();
    else client = next;
  }

  function lost(which: pg.Client): void {
    if (client !== which) return;
    client = null;
    which.end().catch(() => undefined);
    for (const listener of gapListeners) listener();
    retry();
  }

  function retry(): void {
    setTimeout(() => {
      if (closed) return;
      connect().catch((error: unknown) => {
        options.onError?.(error);
        retry();
      });
    }, RECONNECT_MS).unref();
  }

  /** Starts listening, once; resolves when this instance hears what is published. */
  function ready(): Promise<void> {
    started ??= connect();
    return started;
  }

  return {
    ready,
    async publish(topic, payload) {
      await sql`select pg_notify(${PG_CHANNEL}, ${JSON.stringify({ topic, payload })})`.execute(options.db);
    },
    subscribe(topic, listener) {
      if (!started) {
        ready().catch((error: unknown) => {
          options.onError?.(error);
          retry();
        });
      }
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
      return () => gapListeners.delete(listener);
    },
    async close() {
      closed = true;
      await started?.catch(() => undefined);
      const last = client;
      client = null;
      await last?.end();
    },
  };
}
