import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';
import { createPostgresStores, openDatabase, type StorageHandle, type Stores } from '../../core/index.ts';
import { everyChannel, fixedClock } from './fixtures.ts';

/** A new, empty database on the PostgreSQL server at `serverUrl`, and how to drop it. */
export async function createScratchDatabase(serverUrl: string, prefix = 'channel_pilot_test') {
  const name = `${prefix}_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const cleanup = new pg.Client({ connectionString: serverUrl });
      await cleanup.connect();
      try {
        // The app's connections close asynchronously; forcing them would fail a client still ending.
        for (let attempt = 0; ; attempt++) {
          try {
            await cleanup.query(`drop database if exists ${name}`);
            break;
          } catch (error) {
            if (attempt >= 50) throw error;
            await new Promise((resolve) => setTimeout(resolve, 100));
          }
        }
      } finally {
        await cleanup.end();
      }
    },
  };
}

/**
 * A fresh, migrated database for one test file, on the run's embedded PostgreSQL server (or the
 * server DATABASE_URL names), dropped afterwards.
 */
export async function openTestDatabase(): Promise<StorageHandle> {
  const scratch = await createScratchDatabase(inject('databaseServerUrl'));
  const handle = await openDatabase({ kind: 'postgres', url: scratch.url, poolSize: 5 });
  return {
    ...handle,
    kind: databaseKind,
    async close() {
      await handle.close();
      await scratch.drop();
    },
  };
}

/**
 * A test file's database, opened before its tests and closed after them: `take` receives it with
 * its stores on the fixed clock.
 */
export function withTestStores(take: (opened: { storage: StorageHandle; stores: Stores }) => void): void {
  let storage: StorageHandle | undefined;
  beforeAll(async () => {
    storage = await openTestDatabase();
    take({ storage, stores: createPostgresStores(storage.db, { clock: fixedClock }) });
  });
  afterAll(async () => {
    await storage?.close();
  });
}

/**
 * Two instances of the app on one test file's database, each with its own connections (the second
 * a pool of two), and the first's stores on the fixed clock with every channel registered.
 */
export function withTwoInstances(
  take: (opened: { first: StorageHandle; second: StorageHandle; stores: Stores }) => Promise<void> | void,
): void {
  let first: StorageHandle | undefined;
  let second: StorageHandle | undefined;
  beforeAll(async () => {
    first = await openTestDatabase();
    second = await openDatabase({ kind: 'postgres', url: first.url, poolSize: 2 });
    const stores = createPostgresStores(first.db, { clock: fixedClock });
    for (const channel of everyChannel) await stores.channels.register(channel);
    await take({ first, second, stores });
  });
  afterAll(async () => {
    await second?.close();
    await first?.close();
  });
}

/** Which server the storage tests run on: the embedded one, or the one DATABASE_URL names. */
export const databaseKind = process.env.DATABASE_URL ? 'postgres' : 'embedded';
