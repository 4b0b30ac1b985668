import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import {
  createExpiringCache,
  openDatabase,
  TOLD_TURN_CACHE_MS,
  type StorageHandle,
} from '../../core/index.ts';
import { databaseKind, openTestDatabase } from '../support/database.ts';

// Two instances of the app on one database, each with its own connections and its own cache of
// an answer read from a table: a change told on one is forgotten on both, through PostgreSQL's
// notifications. The real clock runs; the caches' own time is moved by hand where it matters.

let first: StorageHandle;
let second: StorageHandle;

beforeAll(async () => {
  first = await openTestDatabase();
  second = await openDatabase({ kind: 'postgres', url: first.url, poolSize: 2 });
  await sql`create table answers (key text primary key, value text not null)`.execute(first.db);
});

afterAll(async () => {
  await second?.close();
  await first?.close();
});

const put = (key: string, value: string) =>
  sql`insert into answers values (${key}, ${value}) on conflict (key) do update set value = excluded.value`.execute(
    first.db,
  );
const read = (on: StorageHandle, key: string) => async () =>
  (await sql<{ value: string }>`select value from answers where key = ${key}`.execute(on.db)).rows[0]?.value;

/** A cache on `on`'s broadcast under `topic`, on a clock the test moves. */
function cacheOn(on: StorageHandle, topic: string) {
  let t = 0;
  const cache = createExpiringCache<string | undefined>({
    told: { broadcast: on.broadcast, topic },
    now: () => t,
  });
  return { cache, pass: (ms: number) => (t += ms) };
}

/** Waits until `check` holds, for up to 5 s of the real clock; how long it took. */
async function until(check: () => Promise<boolean>): Promise<number> {
  const started = performance.now();
  while (!(await check())) {
    if (performance.now() - started > 5_000) throw new Error('not within 5 s');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return performance.now() - started;
}

const listeningPid = async (on: StorageHandle) =>
  (
    await sql<{ pid: number }>`select pid from pg_stat_activity
      where datname = current_database() and query like 'listen %' and pid <> pg_backend_pid()`.execute(on.db)
  ).rows.map((r) => r.pid);

describe(`caches told of changes on the ${databaseKind} database`, () => {
  it('keep an answer a minute while they hear the changes, and forget it on every instance when one tells of a change', async () => {
    const here = cacheOn(first, 'answers one');
    const there = cacheOn(second, 'answers one');
    await first.broadcast.ready();
    await second.broadcast.ready();
    await put('k', 'old');
    expect(await here.cache.get('k', read(first, 'k'))).toBe('old');
    expect(await there.cache.get('k', read(second, 'k'))).toBe('old');

    // Changed without telling (in SQL): both keep the answer they read, up to a minute.
    await put('k', 'new');
    here.pass(TOLD_TURN_CACHE_MS - 1);
    there.pass(TOLD_TURN_CACHE_MS - 1);
    expect(await here.cache.get('k', read(first, 'k'))).toBe('old');
    expect(await there.cache.get('k', read(second, 'k'))).toBe('old');

    // Told on the first instance: forgotten there at once, and on the second as soon as it hears.
    await here.cache.changed('k');
    expect(await here.cache.get('k', read(first, 'k'))).toBe('new');
    const heardAfter = await until(async () => (await there.cache.get('k', read(second, 'k'))) === 'new');
    expect(heardAfter).toBeLessThan(2_000);
  });

  it('forget every answer when told of a change without a key, and leave other topics alone', async () => {
    const there = cacheOn(second, 'answers two');
    const other = cacheOn(second, 'other answers');
    await second.broadcast.ready();
    await put('a', '1');
    await put('b', '1');
    expect(await there.cache.get('a', read(second, 'a'))).toBe('1');
    expect(await there.cache.get('b', read(second, 'b'))).toBe('1');
    expect(await other.cache.get('a', read(second, 'a'))).toBe('1');
    await put('a', '2');
    await put('b', '2');
    const told = cacheOn(first, 'answers two');
    await told.cache.changed();
    await until(async () => there.cache.size === 0);
    expect(await there.cache.get('a', read(second, 'a'))).toBe('2');
    expect(await there.cache.get('b', read(second, 'b'))).toBe('2');
    expect(await other.cache.get('a', read(second, 'a'))).toBe('1');
  });

  it('do not keep an answer read before a change whose notice arrives while it is read', async () => {
    const there = cacheOn(second, 'answers three');
    await second.broadcast.ready();
    await put('slow', 'before');
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    // The read finishes with the old value only after the change was told and heard.
    const reading = there.cache.get('slow', async () => {
      const value = await read(second, 'slow')();
      await gate;
      return value;
    });
    await put('slow', 'after');
    await cacheOn(first, 'answers three').cache.changed('slow');
    await until(async () => there.cache.size === 0);
    release();
    expect(await reading).toBe('before');
    expect(await there.cache.get('slow', read(second, 'slow'))).toBe('after');
  });

  it('forget everything when the listening connection is lost, and keep answers 5 s at most until it is back', async () => {
    const there = cacheOn(second, 'answers four');
    await second.broadcast.ready();
    await put('g', 'one');
    expect(await there.cache.get('g', read(second, 'g'))).toBe('one');
    expect(second.broadcast.listening()).toBe(true);

    const pids = await listeningPid(second);
    expect(pids.length).toBeGreaterThan(0);
    await put('g', 'two');
    await sql`select pg_terminate_backend(pid) from unnest(${pids}::int[]) as p(pid)`.execute(first.db);
    await until(async () => !second.broadcast.listening());
    expect(there.cache.size).toBe(0);
    expect(await there.cache.get('g', read(second, 'g'))).toBe('two');
    // Changes told meanwhile may not be heard: an answer read now is kept 5 s, not a minute.
    await put('g', 'three');
    there.pass(5_000);
    expect(await there.cache.get('g', read(second, 'g'))).toBe('three');

    // The connection comes back by itself, and changes are heard again.
    await until(async () => second.broadcast.listening());
    expect(await there.cache.get('g', read(second, 'g'))).toBe('three');
    await put('g', 'four');
    await cacheOn(first, 'answers four').cache.changed('g');
    await until(async () => (await there.cache.get('g', read(second, 'g'))) === 'four');
  });
});
