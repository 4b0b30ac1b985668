import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { Kysely, Migrator, PostgresDialect } from 'kysely';
import { migrations } from './migration-list.ts';
import { ChannelPilotError } from '../errors.ts';
import type { Database } from './schema.ts';
import { startEmbeddedServer } from './embedded-postgres-server.ts';
import { claimFolder, folderInUse, folderOwner, releaseFolder } from './data-folder-owner.ts';
import { carryOverEarlierEngine, earlierEngineFolder } from './pglite-carry-over.ts';
import { keepPlansOn } from './kept-plans.ts';
import { inBackground, isBackground, yieldCpu } from './background-sessions.ts';
import type { Broadcast } from '../broadcast.ts';
import { createPostgresBroadcast } from './postgres-broadcast.ts';
/** Where the data lives: a PostgreSQL server, or the embedded PostgreSQL server on a data folder. */
export type DatabaseLocation = (
  | { kind: 'postgres'; url: string }
  | {
      kind: 'embedded';
      dataDir: string;
      /** What the embedded server prints (its warnings and errors). */
      onLog?: (line: string) => void;
      /** Hears of each table carried over from a data folder of the earlier engine. */
      onCarryOver?: (table: string, rows: number) => void;
      /**
       * Opened by a server (`npm start`): refused when another live process of the app holds
       * the folder's server, which would stop it under this one when it ends.
       */
      serving?: boolean;
    }
) & {
  poolSize?: number;
  /**
   * Bulk work (an import): every session yields the CPU to the live channels' where its server
   * process runs on this machine (background-sessions.ts).
   */
  background?: boolean;
};

export interface StorageHandle {
  db: Kysely<Database>;
  /**
   * The same database for analytics (the census, pilot reports' readings): a pool of its own of
   * ANALYTICS_POOL_SIZE background sessions, so that a census or a report neither takes the live
   * channels' connections nor, on this machine, their CPU.
   */
  analytics: Kysely<Database>;
  kind: DatabaseLocation['kind'];
  /** The connection string of the database (for tools that need a connection of their own). */
  url: string;
  /**
   * Tells every instance of the app on this database what happened (LISTEN/NOTIFY). Its listening
   * connection is opened when something first subscribes (or `ready()` is awaited), and closed
   * with the handle.
   */
  broadcast: Broadcast & { ready(withinMs?: number): Promise<void> };
  /** Answers whether the database takes queries right now. */
  ping(): Promise<boolean>;
  /**
   * Opens every connection of the pool now, each having read the definitions of the log's months
   * once, and starts hearing the other instances' changes: a server calls it before it listens,
   * so that its first requests do not wait for them.
   */
  warm(): Promise<void>;
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

/** The database the app keeps its data in, on the embedded server. */
export const EMBEDDED_DATABASE = 'channel_pilot';

/**
 * Opens the database and brings its schema up to date.
 *
 * The embedded database is a real PostgreSQL server (the binaries shipped through npm) on
 * `dataDir/postgres`, started by the first process that opens the folder and reached on a Unix
 * socket; other processes of the app (the CLI beside a running server) use the same server.
 * The app talks to it exactly as to any PostgreSQL server: a pool, the same driver and SQL.
 */
export async function openDatabase(location: DatabaseLocation): Promise<StorageHandle> {
  const handle =
    location.kind === 'postgres'
      ? openPool('postgres', sessionsOf(location.url, location), location.poolSize)
      : await openEmbedded(location);
  try {
    await migrate(handle.db);
    if (location.kind === 'embedded' && earlierEngineFolder(location.dataDir)) {
      // A data folder of the earlier engine (PGlite): its rows move into the server, once.
      await carryOverEarlierEngine(location.dataDir, handle.url, location.onCarryOver);
    }
  } catch (error) {
    await handle.close();
    throw error;
  }
  return handle;
}

/** Connections of the analytics pool: a census and a report at once; more wait their turn. */
export const ANALYTICS_POOL_SIZE = 2;

function openPool(
  kind: DatabaseLocation['kind'],
  url: string,
  poolSize = 10,
  afterClose: () => Promise<void> = async () => {},
): StorageHandle {
  // Connections stay open once made: a pool that closed idle ones (pg's default, after 10 s)
  // made the first requests after a quiet spell each wait for a new session, with cold caches.
  const pool = connectionPool(url, poolSize);
  const analyticsPool = connectionPool(inBackground(url), ANALYTICS_POOL_SIZE);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const analytics = new Kysely<Database>({ dialect: new PostgresDialect({ pool: analyticsPool }) });
  const broadcast = createPostgresBroadcast({ db, url });
  return {
    db,
    analytics,
    kind,
    url,
    broadcast,
    ping: () => ping(pool),
    // A server hears the other instances' changes before its first request (or, if it cannot
    // listen within 10 s, keeps trying while it serves).
    warm: async () => {
      await Promise.all([warm(pool, poolSize), broadcast.ready(10_000)]);
    },
    async close() {
      await broadcast.close();
      await analytics.destroy();
      await db.destroy();
      await afterClose();
    },
  };
}

function connectionPool(url: string, max: number): pg.Pool {
  const pool = new pg.Pool({ connectionString: url, max, idleTimeoutMillis: 0, types: typeParsers });
  // A connection the server ends (a restart, an administrator) is dropped from the pool, not fatal.
  pool.on('error', () => {});
  const background = isBackground(url);
  pool.on('connect', (client) => {
    keepPlansOn(client);
    // Queued before anything the pool's user sends on it.
    if (background) yieldCpu(client).catch(() => {});
  });
  return pool;
}

async function openEmbedded(
  location: Extract<DatabaseLocation, { kind: 'embedded' }>,
): Promise<StorageHandle> {
  const { dataDir } = location;
  mkdirSync(dataDir, { recursive: true });
  const owner = folderOwner(dataDir);
  if (owner && location.serving) throw folderInUse(dataDir, owner);
  const server = await startEmbeddedServer({
    clusterDir: join(dataDir, 'postgres'),
    // A server whose starter is gone (killed) is this process's to stop from now on.
    adopt: owner === null,
    ...(location.onLog ? { onLog: location.onLog } : {}),
  });
  // Of processes that started or took over the server at the same moment, one owns it.
  const owned = server.owned && claimFolder(dataDir, location.serving ? 'server' : 'command');
  const release = async () => {
    if (!owned) return;
    await server.stop();
    releaseFolder(dataDir);
  };
  if (location.serving && !owned) throw folderInUse(dataDir, folderOwner(dataDir));
  try {
    await createDatabaseIfMissing(server.url('postgres'), EMBEDDED_DATABASE);
  } catch (error) {
    await release();
    throw error;
  }
  return openPool(
    'embedded',
    sessionsOf(server.url(EMBEDDED_DATABASE), location),
    location.poolSize,
    release,
  );
}

const sessionsOf = (url: string, location: DatabaseLocation) =>
  location.background ? inBackground(url) : url;

/** Creates `name` on the server at `serverUrl` unless it exists (two processes at once: one wins). */
export async function createDatabaseIfMissing(serverUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    const { rowCount } = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (rowCount === 0) {
      await client.query(`create database ${client.escapeIdentifier(name)}`).catch((error: unknown) => {
        if ((error as { code?: string }).code !== '42P04') throw error; // created meanwhile
      });
    }
  } finally {
    await client.end();
  }
}

async function ping(pool: pg.Pool): Promise<boolean> {
  try {
    await pool.query('select 1');
    return true;
  } catch {
    return false;
  }
}

// A connection is a server process of its own, and each learns the log's partitions and their
// indexes on its first read of the log: 5–7 ms of planning instead of 1. Made as requests come,
// they fell on the first requests after a start, several at once (a pause of up to 170 ms for
// the contexts asked for in the first second at 50 a second).
async function warm(pool: pg.Pool, size: number): Promise<void> {
  const opened = await Promise.allSettled(Array.from({ length: size }, () => pool.connect()));
  const clients = opened.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
  try {
    const failed = opened.find((o) => o.status === 'rejected');
    if (failed) throw failed.reason;
    await Promise.all(clients.map((client) => client.query('explain select * from interactions')));
  } finally {
    for (const client of clients) client.release();
  }
}

async function migrate(db: Kysely<Database>): Promise<void> {
  // Migrations are numbered in ranges that grow side by side, so one numbered below the last
  // one applied still runs.
  const migrator = new Migrator({
    db,
    provider: { getMigrations: async () => migrations },
    allowUnorderedMigrations: true,
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName ?? 'unknown';
    throw new ChannelPilotError('unavailable', `database migration ${failed} failed`, { cause: error });
  }
}
