import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { LISTENER_NAME, openDatabase, type StorageHandle } from '../../core/index.ts';
import { databaseKind, openTestDatabase } from '../support/database.ts';

// A server warms its pool before it listens: every connection open, each having read the log's
// months, so that the first requests after a start do not each wait for a connection of their own;
// and one more connection listening for the other instances' changes.

let handle: StorageHandle;
beforeAll(async () => {
  handle = await openTestDatabase();
});
afterAll(async () => handle?.close());

const named = (url: string, name: string) => `${url}${url.includes('?') ? '&' : '?'}application_name=${name}`;

describe(`a warmed pool on the ${databaseKind} database`, () => {
  it('holds all of its connections open, idle and ready, and listens', async () => {
    const pool = await openDatabase({ kind: 'postgres', url: named(handle.url, 'warmed_pool'), poolSize: 4 });
    try {
      const connections = async (name = 'warmed_pool') =>
        (
          await sql<{ state: string }>`select state from pg_stat_activity
            where datname = current_database() and application_name = ${name}
              and backend_type = 'client backend'`.execute(handle.db)
        ).rows;
      // Opening the database (its migrations) made one.
      expect((await connections()).length).toBeLessThanOrEqual(1);
      await pool.warm();
      const open = await connections();
      expect(open).toHaveLength(4);
      expect(open.every((c) => c.state === 'idle')).toBe(true);
      expect(pool.broadcast.listening()).toBe(true);
      expect(await connections(LISTENER_NAME)).toHaveLength(1);
      // Released to the pool: four reads at once need no new connection.
      await Promise.all([1, 2, 3, 4].map(() => sql`select pg_sleep(0.05)`.execute(pool.db)));
      expect(await connections()).toHaveLength(4);
    } finally {
      await pool.close();
    }
  });
});
