import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import {
  cachedAccounts,
  createExpiringCache,
  createPostgresBroadcast,
  createPostgresStores,
  LISTENER_NAME,
  TOLD_TOPICS,
  TOLD_TURN_CACHE_MS,
  type Broadcast,
  type StorageHandle,
  type Stores,
} from '../../core/index.ts';
import { PilotInput } from '../../core/evidence.ts';
import { createBillIntents } from '../../core/services.ts';
import { billMessages } from '../../core/conversation/bill-messages.ts';
import { databaseKind, withTwoInstances } from '../support/database.ts';
import { fixedClock, gasCustomer, voicePilotOf } from '../support/fixtures.ts';
import { until } from '../support/waiting.ts';

// Two instances of the app on one database, each with its own connections: what one instance
// keeps is forgotten when the database tells of a change, through PostgreSQL's notifications.
// The real clock runs; the caches' own time is moved by hand where it matters.

let first: StorageHandle;
let second: StorageHandle;
let stores: Stores;

withTwoInstances(async (opened) => {
  ({ first, second, stores } = opened);
  await sql`create table answers (key text primary key, value text not null)`.execute(first.db);
});

const put = (key: string, value: string) =>
  sql`insert into answers values (${key}, ${value})
    on conflict (key) do update set value = excluded.value`.execute(first.db);
const read = (on: StorageHandle, key: string) => async () =>
  (await sql<{ value: string }>`select value from answers where key = ${key}`.execute(on.db)).rows[0]?.value;
/** Tells of a change the way the database does: a key, or null for every answer. */
const tell = (topic: string, key: string | null) => first.broadcast.publish(topic, JSON.stringify(key));

/** A cache that hears `topic` on `broadcast`, on a clock the test moves. */
function cacheOn(broadcast: Broadcast, topic: string) {
  let t = 0;
  const cache = createExpiringCache<string | undefined>({ told: { broadcast, topic }, now: () => t });
  return { cache, pass: (ms: number) => (t += ms) };
}

/** The server process of the listening connection opened last. */
async function newestListener(): Promise<number> {
  const { rows } = await sql<{ pid: number }>`select pid from pg_stat_activity
    where datname = current_database() and application_name = ${LISTENER_NAME}
    order by backend_start desc limit 1`.execute(first.db);
  if (!rows[0]) throw new Error('no listening connection');
  return rows[0].pid;
}

/** What `on` hears on `topic` from now on. */
async function hearing(on: StorageHandle, topic: string) {
  const heard: string[] = [];
  on.broadcast.subscribe(topic, (payload) => heard.push(payload));
  await on.broadcast.ready();
  return heard;
}

describe(`caches told of changes on the ${databaseKind} database`, () => {
  it('keep an answer a minute while they listen, and forget it as soon as a change to it is told', async () => {
    await second.broadcast.ready();
    const there = cacheOn(second.broadcast, 'answers one');
    await put('k', 'old');
    expect(await there.cache.get('k', read(second, 'k'))).toBe('old');

    // Changed and not told: the answer is kept up to a minute after it was read.
    await put('k', 'new');
    there.pass(TOLD_TURN_CACHE_MS - 1);
    expect(await there.cache.get('k', read(second, 'k'))).toBe('old');

    await tell('answers one', 'k');
    expect(await until(async () => (await there.cache.get('k', read(second, 'k'))) === 'new')).toBeLessThan(
      2_000,
    );
  });

  it('forget every answer when told of a change without a key, and leave other topics alone', async () => {
    const there = cacheOn(second.broadcast, 'answers two');
    const other = cacheOn(second.broadcast, 'other answers');
    await second.broadcast.ready();
    await put('a', '1');
    await put('b', '1');
    expect(await there.cache.get('a', read(second, 'a'))).toBe('1');
    expect(await there.cache.get('b', read(second, 'b'))).toBe('1');
    expect(await other.cache.get('a', read(second, 'a'))).toBe('1');
    await put('a', '2');
    await put('b', '2');
    await tell('answers two', null);
    await until(() => there.cache.size === 0);
    expect(await there.cache.get('a', read(second, 'a'))).toBe('2');
    expect(await there.cache.get('b', read(second, 'b'))).toBe('2');
    expect(await other.cache.get('a', read(second, 'a'))).toBe('1');
  });

  it('do not keep an answer read before a change whose notice arrives while it is read', async () => {
    const there = cacheOn(second.broadcast, 'answers three');
    await second.broadcast.ready();
    await put('slow', 'before');
    let release: () => void = () => {};
    let readIt: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const wasRead = new Promise<void>((resolve) => (readIt = resolve));
    // The read has the old value, and finishes only after the change was told and heard.
    const reading = there.cache.get('slow', async () => {
      const value = await read(second, 'slow')();
      readIt();
      await gate;
      return value;
    });
    await wasRead;
    await put('slow', 'after');
    await tell('answers three', 'slow');
    await until(() => there.cache.size === 0);
    release();
    expect(await reading).toBe('before');
    expect(await there.cache.get('slow', read(second, 'slow'))).toBe('after');
  });

  it('forget everything when the listening connection is lost, and keep answers 5 s at most until it is back', async () => {
    // A broadcast of its own, slow to reconnect, so that the answer read in between is read unheard.
    const broadcast = createPostgresBroadcast({ db: second.db, url: second.url, reconnectMs: 3_000 });
    const causes: unknown[] = [];
    broadcast.onGap((cause) => causes.push(cause));
    try {
      const there = cacheOn(broadcast, 'answers four');
      await put('g', 'one');
      expect(await there.cache.get('g', read(second, 'g'))).toBe('one');
      await broadcast.ready();
      expect(await there.cache.get('g', read(second, 'g'))).toBe('one');

      const pid = await newestListener();
      await put('g', 'two');
      await sql`select pg_terminate_backend(${pid})`.execute(first.db);
      await until(() => !broadcast.listening());
      expect(causes).toHaveLength(1);
      expect(there.cache.size).toBe(0);
      expect(await there.cache.get('g', read(second, 'g'))).toBe('two');
      // Changes told meanwhile are not heard: an answer read now is kept 5 s, not a minute.
      await put('g', 'three');
      there.pass(4_999);
      expect(await there.cache.get('g', read(second, 'g'))).toBe('two');
      there.pass(1);
      expect(await there.cache.get('g', read(second, 'g'))).toBe('three');

      // The connection comes back by itself, and changes are heard again.
      await broadcast.ready();
      await put('g', 'four');
      await tell('answers four', 'g');
      await until(async () => (await there.cache.get('g', read(second, 'g'))) === 'four');
    } finally {
      await broadcast.close();
    }
  });

  it('notice a listening connection that stopped answering, and open another', async () => {
    const broadcast = createPostgresBroadcast({ db: second.db, url: second.url, heartbeatMs: 200 });
    const causes: unknown[] = [];
    broadcast.onGap((cause) => causes.push(cause));
    await broadcast.ready();
    const pid = await newestListener();
    // A server process of this machine's PostgreSQL (the run's embedded server, or the one
    // DATABASE_URL names, started on this machine for the storage suites), and no other.
    if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() !== 'postgres')
      throw new Error(`process ${pid} is not a server process of this machine's PostgreSQL`);
    try {
      // It stops answering, as a connection cut without a word would.
      process.kill(pid, 'SIGSTOP');
      await until(() => causes.length > 0);
      expect(String(causes[0])).toContain('no answer on the listening connection');
      await until(() => broadcast.listening());
      expect(await newestListener()).not.toBe(pid);
    } finally {
      process.kill(pid, 'SIGCONT');
      await broadcast.close();
    }
  });
});

describe(`the database's notices of changes on the ${databaseKind} database`, () => {
  it('tells who may use a channel whenever pilots or enrolments change, however they are changed', async () => {
    const heard = await hearing(second, TOLD_TOPICS.channelAccess);
    const { customer } = await gasCustomer(stores);
    const pilot = await stores.pilots.create(PilotInput.parse(voicePilotOf([customer.id])), fixedClock.now());
    await until(() => heard.length === 1);
    await stores.pilots.setStatus(pilot.id, 'draft', 'running', fixedClock.now());
    await until(() => heard.length === 2);
    await stores.pilots.enrol({ ...pilot, status: 'running' }, fixedClock.now());
    await until(() => heard.length === 3);
    // In SQL, as an administrator would: the arm of one customer.
    await sql`update pilot_enrolments set arm = 'control' where pilot_id = ${pilot.id}`.execute(first.db);
    await until(() => heard.length === 4);

    // An invitation sent changes nobody's access: not told (a notice published after it comes next).
    await sql`update pilot_enrolments set invited_at = now() where pilot_id = ${pilot.id}`.execute(first.db);
    await first.broadcast.publish(TOLD_TOPICS.channelAccess, 'after the invitation');
    await until(() => heard.length === 5);
    expect(heard).toEqual(['null', 'null', 'null', 'null', 'after the invitation']);
  });

  it('tells which speaker a link was made, changed or ended for', async () => {
    const heard = await hearing(second, TOLD_TOPICS.accountLinks);
    const one = (await gasCustomer(stores)).customer;
    const other = (await gasCustomer(stores)).customer;
    const user = `amzn1.ask.account.told-${randomUUID()}`;
    const link = (customerId: string) =>
      sql`insert into account_links (platform, platform_user_id, customer_id, linked_at)
      values ('alexa', ${user}, ${customerId}, now())
      on conflict (platform, platform_user_id) do update set customer_id = excluded.customer_id`.execute(
        first.db,
      );
    await link(one.id);
    await until(() => heard.length === 1);
    await link(other.id);
    await until(() => heard.length === 2);
    await sql`delete from account_links where platform_user_id = ${user}`.execute(first.db);
    await until(() => heard.length === 3);
    expect(heard.map((payload) => JSON.parse(payload) as unknown)).toEqual([
      `alexa:${user}`,
      `alexa:${user}`,
      `alexa:${user}`,
    ]);

    // A user id too long for a notice is still linked, and every link is forgotten instead.
    const long = `amzn1.ask.account.${'x'.repeat(8_000)}`;
    await sql`insert into account_links (platform, platform_user_id, customer_id, linked_at)
      values ('alexa', ${long}, ${one.id}, now())`.execute(first.db);
    await until(() => heard.length === 4);
    expect(heard[3]).toBe('null');
  });

  it('tells when supply accounts change, and a conversation on the other instance answers with them', async () => {
    const heard = await hearing(second, TOLD_TOPICS.accounts);
    const { customer } = await gasCustomer(stores);
    await until(() => heard.length === 1);
    // The second instance's bill questions, reading the customer's supplies through a told cache.
    const theirs = createPostgresStores(second.db, { clock: fixedClock });
    const supplies = cachedAccounts(theirs.customers, {
      told: { broadcast: second.broadcast, topic: TOLD_TOPICS.accounts },
    });
    const intents = createBillIntents({ billing: theirs.billing, customers: supplies, clock: fixedClock });
    const askElectricity = async () =>
      (
        await intents.BillDetail({
          customerId: customer.id,
          locale: 'en-US',
          turnId: randomUUID(),
          slots: { supply: 'electricity' },
        })
      ).cardText;
    const say = billMessages['en-US'];
    expect(await askElectricity()).toBe(say.noSuchSupply());

    // An electricity supply added on the first instance: the second knows it within 2 s.
    const added = await stores.customers.addAccount({
      customerId: customer.id,
      number: `EL-${randomUUID().slice(0, 8)}`,
      kind: 'electricity',
      supplyAddress: 'Via Roma 1, 20121 Milano MI',
      tariff: 'Luce Casa',
      startedOn: '2026-01-01',
    });
    expect(
      await until(async () => (await askElectricity()) === 'I have no electricity bills yet.'),
    ).toBeLessThan(2_000);
    expect(heard).toHaveLength(2);

    // Removed in SQL, as an administrator would: told, and no longer the customer's.
    await sql`delete from accounts where id = ${added.id}`.execute(first.db);
    expect(await until(async () => (await askElectricity()) === say.noSuchSupply())).toBeLessThan(2_000);
    // Many accounts changed in one statement are told once, for everyone's.
    await sql`update accounts set tariff = tariff`.execute(first.db);
    await first.broadcast.publish(TOLD_TOPICS.accounts, 'after the update');
    await until(() => heard.at(-1) === 'after the update');
    expect(heard).toEqual(['null', 'null', 'null', 'null', 'after the update']);
  });

  it('ask the database once for a customer’s accounts, and again at once after one is added through them', async () => {
    const { customer } = await gasCustomer(stores);
    let reads = 0;
    const supplies = cachedAccounts(
      {
        ...stores.customers,
        accounts: (id) => {
          reads++;
          return stores.customers.accounts(id);
        },
      },
      { ttlMs: TOLD_TURN_CACHE_MS },
    );
    const kinds = async () => (await supplies.accounts(customer.id)).map((a) => a.kind);
    expect(await kinds()).toEqual(['gas']);
    expect(await kinds()).toEqual(['gas']);
    expect(reads).toBe(1);
    await supplies.addAccount({
      customerId: customer.id,
      number: `W-${randomUUID().slice(0, 8)}`,
      kind: 'water',
      supplyAddress: 'Via Roma 1, 20121 Milano MI',
      tariff: 'Acqua Domestica',
      startedOn: '2026-02-01',
    });
    expect(await kinds()).toEqual(['gas', 'water']);
    expect(reads).toBe(2);
  });

  it('passes over notices on the channel that are not the app’s', async () => {
    const heard = await hearing(second, TOLD_TOPICS.accountLinks);
    for (const payload of ['null', '[1]', '"text"', '{"topic":1}', 'not json'])
      await sql`select pg_notify('channel_pilot_broadcast', ${payload})`.execute(first.db);
    await first.broadcast.publish(TOLD_TOPICS.accountLinks, 'still heard');
    await until(() => heard.length === 1);
    expect(heard).toEqual(['still heard']);
    expect(second.broadcast.listening()).toBe(true);
  });
});
