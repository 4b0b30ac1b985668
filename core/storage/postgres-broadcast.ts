import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import type { Broadcast } from '../broadcast.ts';
import type { Database } from './schema.ts';

const PG_CHANNEL = 'channel_pilot_broadcast';
const RECONNECT_MS = 1_000;

/**
 * A Broadcast on PostgreSQL's LISTEN/NOTIFY: every instance on the database keeps one connection
 * listening, and publishes through its pool. A lost listening connection is opened again.
 */
export function createPostgresBroadcast(options: {
  db: Kysely<Database>;
  /** The database's connection string (the listening connection is one of its own). */
  url: string;
  onError?: (error: unknown) => void;
}): Broadcast & { ready: Promise<void> } {
  const listeners = new Map<string, Set<(payload: string) => void>>();
  let client: pg.Client | null = null;
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
      reconnect(next);
    });
    next.on('end', () => reconnect(next));
    await next.connect();
    await next.query(`listen ${PG_CHANNEL}`);
    client = next;
  }

  function reconnect(lost: pg.Client): void {
    if (closed || client !== lost) return;
    client = null;
    lost.end().catch(() => undefined);
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

  return {
    ready: connect(),
    async publish(topic, payload) {
      await sql`select pg_notify(${PG_CHANNEL}, ${JSON.stringify({ topic, payload })})`.execute(options.db);
    },
    subscribe(topic, listener) {
      const set = listeners.get(topic) ?? new Set();
      set.add(listener);
      listeners.set(topic, set);
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(topic);
      };
    },
    async close() {
      closed = true;
      const last = client;
      client = null;
      await last?.end();
    },
  };
}
