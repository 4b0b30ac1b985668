import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  cachedChannelAccess,
  createExpiringCache,
  createPostgresStores,
  type ChannelPermit,
  type StorageHandle,
  type Stores,
} from '../../core/index.ts';
import { createPilotDesk, standardReasons } from '../../core/evidence.ts';
import { databaseKind, openTestDatabase } from '../support/database.ts';
import { everyChannel, fixedClock, gasCustomer, voicePilotOf } from '../support/fixtures.ts';

/** A clock the tests move by hand, and a lookup that counts how often it is asked. */
function fakeTime() {
  let t = 1_000;
  return { now: () => t, pass: (ms: number) => (t += ms) };
}
function counting<V>(answer: (n: number) => V) {
  let calls = 0;
  return {
    look: async () => answer(++calls),
    get calls() {
      return calls;
    },
  };
}

describe('expiring cache', () => {
  it('reuses an answer until its time is up, then asks again', async () => {
    const time = fakeTime();
    const cache = createExpiringCache<number>({ ttlMs: 5_000, now: time.now });
    const lookup = counting((n) => n);
    expect(await cache.get('a', lookup.look)).toBe(1);
    time.pass(4_999);
    expect(await cache.get('a', lookup.look)).toBe(1);
    time.pass(1);
    expect(await cache.get('a', lookup.look)).toBe(2);
    // Reading does not extend an answer's life: it expires 5 s after the lookup that fetched it.
    time.pass(4_000);
    expect(await cache.get('a', lookup.look)).toBe(2);
    time.pass(1_000);
    expect(await cache.get('a', lookup.look)).toBe(3);
    expect(lookup.calls).toBe(3);
  });

  it('keeps at most maxEntries answers, dropping the oldest first', async () => {
    const time = fakeTime();
    const cache = createExpiringCache<string>({ ttlMs: 60_000, maxEntries: 3, now: time.now });
    const asked: string[] = [];
    const look = (key: string) => async () => {
      asked.push(key);
      return key;
    };
    for (const key of ['a', 'b', 'c', 'd']) {
      await cache.get(key, look(key));
      time.pass(10);
    }
    expect(cache.size).toBe(3);
    // 'a' was the oldest and went; 'b', 'c' and 'd' are still answered without asking.
    for (const key of ['b', 'c', 'd', 'a']) await cache.get(key, look(key));
    expect(asked).toEqual(['a', 'b', 'c', 'd', 'a']);
    expect(cache.size).toBe(3);
  });

  it('drops expired answers as new ones arrive, so that the map does not grow with past keys', async () => {
    const time = fakeTime();
    const cache = createExpiringCache<number>({ ttlMs: 1_000, maxEntries: 100, now: time.now });
    for (let i = 0; i < 50; i++) await cache.get(`k${i}`, async () => i);
    time.pass(1_000);
    await cache.get('fresh', async () => 0);
    expect(cache.size).toBe(1);
  });

  it('shares one lookup between overlapping asks, and keeps neither failures nor refused answers', async () => {
    const time = fakeTime();
    const cache = createExpiringCache<string | undefined>({ ttlMs: 5_000, now: time.now });
    let release: (value: string) => void = () => {};
    let calls = 0;
    const slow = () => {
      calls++;
      return new Promise<string>((resolve) => (release = resolve));
    };
    const first = cache.get('k', slow);
    const second = cache.get('k', slow);
    release('answer');
    expect([await first, await second]).toEqual(['answer', 'answer']);
    expect(calls).toBe(1);

    let failures = 0;
    const failing = async (): Promise<string> => {
      failures++;
      throw new Error('database down');
    };
    await expect(cache.get('broken', failing)).rejects.toThrow('database down');
    await expect(cache.get('broken', failing)).rejects.toThrow('database down');
    expect(failures).toBe(2);

    const missing = counting<string | undefined>(() => undefined);
    const keep = (v: string | undefined) => v !== undefined;
    expect(await cache.get('nobody', missing.look, keep)).toBeUndefined();
    expect(await cache.get('nobody', missing.look, keep)).toBeUndefined();
    expect(missing.calls).toBe(2);
  });

  it('asks every time when its time to live is 0', async () => {
    const cache = createExpiringCache<number>({ ttlMs: 0 });
    const lookup = counting((n) => n);
    expect([await cache.get('a', lookup.look), await cache.get('a', lookup.look)]).toEqual([1, 2]);
    expect(cache.size).toBe(0);
  });
});

describe('cached channel access', () => {
  it('answers each customer and channel from its own entry, and asks again after forget()', async () => {
    const time = fakeTime();
    const asked: string[] = [];
    const access = cachedChannelAccess(
      {
        permit: async (customerId, channel): Promise<ChannelPermit> => {
          asked.push(`${customerId}/${channel}`);
          return { allowed: customerId === 'member', closingSurvey: false };
        },
      },
      { ttlMs: 5_000, now: time.now },
    );
    expect((await access.permit('member', 'voice_assistant')).allowed).toBe(true);
    expect((await access.permit('stranger', 'voice_assistant')).allowed).toBe(false);
    expect((await access.permit('member', 'voice_assistant')).allowed).toBe(true);
    expect((await access.permit('member', 'video')).allowed).toBe(true);
    expect(asked).toEqual(['member/voice_assistant', 'stranger/voice_assistant', 'member/video']);
    access.forget();
    await access.permit('member', 'voice_assistant');
    expect(asked).toHaveLength(4);
  });
});

describe(`the pilot desk's gate on the ${databaseKind} database`, () => {
  let storage: StorageHandle;
  let stores: Stores;

  beforeAll(async () => {
    storage = await openTestDatabase();
    stores = createPostgresStores(storage.db, { clock: fixedClock });
    for (const channel of everyChannel) await stores.channels.register(channel);
    await stores.reasons.ensure(standardReasons);
  });

  afterAll(async () => {
    await storage?.close();
  });

  it('sees a pause made elsewhere once the cached answer expires, and one made through the desk at once', async () => {
    const time = fakeTime();
    const desk = createPilotDesk({
      pilots: stores.pilots,
      log: stores.pilotLog,
      channels: stores.channels,
      reasons: stores.reasons,
      customers: stores.customers,
      outbox: stores.outbox,
      clock: fixedClock,
      accessCache: { ttlMs: 5_000, now: time.now },
    });
    const { customer } = await gasCustomer(stores);
    const pilot = await desk.define(voicePilotOf([customer.id]));
    await desk.transition(pilot.code, 'running');
    const allowed = async () => (await desk.access.permit(customer.id, 'voice_assistant')).allowed;
    expect(await allowed()).toBe(true);

    // Paused by another process (the CLI, another instance): this one answers from its cache a while.
    await stores.pilots.setStatus(pilot.id, 'running', 'paused', fixedClock.now());
    expect(await allowed()).toBe(true);
    time.pass(5_000);
    expect(await allowed()).toBe(false);

    await desk.transition(pilot.code, 'running');
    expect(await allowed()).toBe(true);
    await desk.transition(pilot.code, 'paused');
    expect(await allowed()).toBe(false);
  });
});
