import { Worker } from 'node:worker_threads';
import { mkdtempSync, mkdirSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { Kysely, Migrator, PostgresDialect, type Migration } from 'kysely';
import { ChannelPilotError } from '../errors.ts';
import type { Database } from './schema.ts';
import * as initial from './migrations/0001-initial.ts';
import * as booking from './migrations/0002-booking.ts';
import * as consultations from './migrations/0003-consultations.ts';
import * as outbox from './migrations/0004-outbox.ts';
import * as journeySteps from './migrations/0005-journey-steps.ts';
import * as loginFailures from './migrations/0006-login-failures.ts';
import * as voiceAccess from './migrations/0007-voice-access.ts';
import * as pilots from './migrations/0008-pilots.ts';
import * as imports from './migrations/0120-imports.ts';

const migrations: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-booking': booking,
  '0003-consultations': consultations,
  '0004-outbox': outbox,
  '0005-journey-steps': journeySteps,
  '0006-login-failures': loginFailures,
  '0007-voice-access': voiceAccess,
  '0008-pilots': pilots,
  '0120-imports': imports,
};

/** Where the data lives: a PostgreSQL server, or the embedded database in a folder (or in memory). */
export type DatabaseLocation =
  { kind: 'postgres'; url: string; poolSize?: number } | { kind: 'embedded'; dataDir: string | null };

export interface StorageHandle {
  db: Kysely<Database>;
  kind: DatabaseLocation['kind'];
  /** Answers whether the database takes queries right now. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
}

// Calendar dates stay 'YYYY-MM-DD' strings (no time-zone shift); numerics become numbers.
const DATE_OID = 1082;
const NUMERIC_OID = 1700;
const INT8_OID = 20;
const typeParsers = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === DATE_OID) return (value: string) => value;
    if (oid === NUMERIC_OID || oid === INT8_OID) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
};

/**
 * Opens the database and brings its schema up to date.
 *
 * The embedded database (PGlite) runs on a worker thread and is served over the Postgres wire
 * protocol on a Unix socket: queries never block the HTTP server's event loop, and the app uses
 * the same driver, dialect and SQL as with a PostgreSQL server. PGlite is one session, so the
 * pool has one connection and the database serializes queries.
 */
export async function openDatabase(location: DatabaseLocation): Promise<StorageHandle> {
  const handle = location.kind === 'postgres' ? openPostgres(location) : await openEmbedded(location.dataDir);
  try {
    await migrate(handle.db);
  } catch (error) {
    await handle.close();
    throw error;
  }
  return handle;
}

function openPostgres(location: { url: string; poolSize?: number }): StorageHandle {
  const pool = new pg.Pool({
    connectionString: location.url,
    max: location.poolSize ?? 10,
    types: typeParsers,
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, kind: 'postgres', ping: () => ping(pool), close: () => db.destroy() };
}

async function openEmbedded(dataDir: string | null): Promise<StorageHandle> {
  const releaseLock = dataDir === null ? () => {} : lockDataDir(dataDir);
  const socketDir = mkdtempSync(join(tmpdir(), 'channel-pilot-db-'));
  const worker = new Worker(new URL('./embedded-postgres-worker.mjs', import.meta.url), {
    workerData: {
      dataDir: dataDir === null ? null : join(dataDir, 'pglite'),
      socketPath: join(socketDir, '.s.PGSQL.5432'),
    },
  });
  try {
    await new Promise<void>((resolve, reject) => {
      worker.once('error', reject);
      worker.once('message', (message: { type: string; message?: string }) =>
        message.type === 'ready' ? resolve() : reject(new Error(message.message)),
      );
    });
  } catch (cause) {
    await worker.terminate();
    releaseLock();
    throw new ChannelPilotError(
      'unavailable',
      `the embedded database in ${dataDir ?? 'memory'} did not start`,
      {
        cause,
        hint: 'If the data folder is damaged, move it away and start again to get a fresh one.',
      },
    );
  }
  const pool = new pg.Pool({
    host: socketDir,
    port: 5432,
    user: 'postgres',
    database: 'postgres',
    max: 1,
    types: typeParsers,
  });
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    kind: 'embedded',
    ping: () => ping(pool),
    async close() {
      await db.destroy();
      const stopped = new Promise((resolve) => worker.once('message', resolve));
      worker.postMessage('stop');
      await stopped;
      await worker.terminate();
      rmSync(socketDir, { recursive: true, force: true });
      releaseLock();
    },
  };
}

async function ping(pool: pg.Pool): Promise<boolean> {
  try {
    await pool.query('select 1');
    return true;
  } catch {
    return false;
  }
}

/** Two processes writing one PGlite folder would corrupt it: the second one is refused. */
function lockDataDir(dataDir: string): () => void {
  mkdirSync(dataDir, { recursive: true });
  const lockFile = join(dataDir, 'channel-pilot.pid');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lockFile, 'wx');
      writeFileSync(fd, String(process.pid));
      closeSync(fd);
      return () => rmSync(lockFile, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(readFileSync(lockFile, 'utf8'));
      if (holder && holder !== process.pid && isAlive(holder)) {
        throw new ChannelPilotError(
          'unavailable',
          `the data folder ${dataDir} is in use by process ${holder}`,
          {
            hint: 'Stop that process first (the embedded database serves one process), or set DATABASE_URL to share a PostgreSQL server.',
          },
        );
      }
      rmSync(lockFile, { force: true }); // left behind by a process that died
    }
  }
  throw new ChannelPilotError('unavailable', `could not lock the data folder ${dataDir}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function migrate(db: Kysely<Database>): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new ChannelPilotError('unavailable', `database migration ${failed} failed`, { cause: error });
  }
}
