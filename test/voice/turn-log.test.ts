import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPostgresStores,
  type InteractionLog,
  type StorageHandle,
  type Stores,
} from '../../core/index.ts';
import { createBillIntents } from '../../core/conversation/bill-intents.ts';
import { reply, type IntentReply } from '../../core/conversation/conversation.ts';
import { createTurnLog, TURN_BATCH_LIMIT } from '../../core/conversation/turn-log.ts';
import { openTestDatabase } from '../support/database.ts';
import { gasCustomer } from '../support/fixtures.ts';

let storage: StorageHandle;
let stores: Stores;
let now = new Date('2026-03-10T10:00:00+01:00');
const clock = { now: () => now };

beforeAll(async () => {
  storage = await openTestDatabase();
  stores = createPostgresStores(storage.db, { clock });
});

afterAll(async () => {
  await storage?.close();
});

describe('voice turns in the journey', () => {
  it('records each answered question as a voice contact, joining the journey of an earlier call on the same reason', async () => {
    const { customer } = await gasCustomer(stores);
    const call = await stores.interactions.record({
      customerId: customer.id,
      channel: 'call_centre',
      touchpoint: 'agent',
      direction: 'inbound',
      reason: 'bill_explanation',
      startedAt: '2026-03-09T09:00:00+01:00',
      outcome: 'resolved',
    });
    const intents = createBillIntents({ billing: stores.billing, customers: stores.customers, clock });
    const log = createTurnLog({
      interactions: stores.interactions,
      clock,
      channel: 'voice_assistant',
      touchpoint: 'alexa',
    });
    const reply = await log.wrap(
      'WhyHigher',
      intents.WhyHigher,
    )({ customerId: customer.id, locale: 'it-IT' });
    expect(reply.outcome).toBe('resolved');
    await log.drained();
    const [turn] = await stores.interactions.forCustomer(customer.id, { limit: 1 });
    expect(turn?.id).toBe(reply.turnId);
    expect(turn).toMatchObject({
      channel: 'voice_assistant',
      touchpoint: 'alexa',
      reason: 'bill_explanation',
      outcome: 'resolved',
      journeyId: call.journeyId,
      journeyStep: 2,
      details: { intent: 'WhyHigher', locale: 'it-IT' },
    });
  });

  it('writes turns answered together in one batch, each in its own journey place', async () => {
    const { customer } = await gasCustomer(stores);
    const intents = createBillIntents({ billing: stores.billing, customers: stores.customers, clock });
    const log = createTurnLog({
      interactions: stores.interactions,
      clock,
      channel: 'voice_assistant',
      touchpoint: 'alexa',
    });
    const ask = log.wrap('WhatDoIOwe', intents.WhatDoIOwe);
    const replies = await Promise.all(
      Array.from({ length: 5 }, () => ask({ customerId: customer.id, locale: 'it-IT' })),
    );
    await log.drained();
    const turns = (await stores.interactions.forCustomer(customer.id, { limit: 20 })).filter(
      (t) => t.channel === 'voice_assistant',
    );
    expect(turns.map((t) => t.id).sort()).toEqual(replies.map((r) => r.turnId).sort());
    expect(new Set(turns.map((t) => t.journeyId)).size).toBe(1);
    expect(turns.map((t) => t.journeyStep).sort()).toEqual([1, 2, 3, 4, 5]);
  });

  it('writes a backlog, once the log could write again, in small batches, every turn of it (real clock)', async () => {
    const { customer } = await gasCustomer(stores);
    const realClock = { now: () => new Date() };
    const began = Date.now();
    const intents = createBillIntents({
      billing: stores.billing,
      customers: stores.customers,
      clock: realClock,
    });
    // The log is held, as an import's lock on the customer holds it, while the turns keep coming.
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const batches: number[] = [];
    const answered: string[] = [];
    const waited: number[] = [];
    const log = createTurnLog({
      interactions: {
        ...stores.interactions,
        recordUnlessBusy: async (turns) => {
          batches.push(turns.length);
          if (batches.length === 1) await held;
          return stores.interactions.recordUnlessBusy(turns);
        },
      },
      clock: realClock,
      channel: 'voice_assistant',
      touchpoint: 'alexa',
      watch: { answered: (outcome) => answered.push(outcome), stored: (ms) => waited.push(ms) },
    });
    const ask = log.wrap('WhatDoIOwe', intents.WhatDoIOwe);
    const first = await ask({ customerId: customer.id, locale: 'it-IT' });
    const firstAnswered = Date.now();
    while (batches.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    const backlog = 3 * TURN_BATCH_LIMIT + 7;
    const replies = [first];
    for (let i = 0; i < backlog; i++) replies.push(await ask({ customerId: customer.id, locale: 'it-IT' }));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const releasedAfter = Date.now() - firstAnswered;
    release();
    await log.drained();
    expect(batches).toEqual([1, TURN_BATCH_LIMIT, TURN_BATCH_LIMIT, TURN_BATCH_LIMIT, 7]);
    // The watch heard every turn answered, and how long each waited for the log: the first, held
    // until released, at least that long; none longer than the test.
    expect(answered).toEqual(replies.map(() => 'resolved'));
    expect(waited).toHaveLength(backlog + 1);
    expect(waited[0]).toBeGreaterThanOrEqual(releasedAfter);
    for (const ms of waited) expect(ms).toBeGreaterThanOrEqual(0);
    expect(Math.max(...waited)).toBeLessThanOrEqual(Date.now() - began);
    const turns = (await stores.interactions.forCustomer(customer.id, { limit: 500 })).filter(
      (t) => t.channel === 'voice_assistant',
    );
    expect(turns.map((t) => t.id).sort()).toEqual(replies.map((r) => r.turnId).sort());
    // In the order they were answered, one journey: each batch continued where the last one ended.
    expect(turns.map((t) => t.journeyStep).sort((a, b) => a - b)).toEqual(
      Array.from({ length: backlog + 1 }, (_, i) => i + 1),
    );
    // Stamped when they were answered, on the real clock.
    for (const turn of turns) {
      expect(turn.startedAt.getTime()).toBeGreaterThanOrEqual(began);
      expect(turn.startedAt.getTime()).toBeLessThanOrEqual(Date.now());
    }
  });

  it("runs what an answer left for its stored turn with the turn's journey, never handing it to the adapter; a failure is reported and costs no other turn", async () => {
    const { customer } = await gasCustomer(stores);
    const call = await stores.interactions.record({
      customerId: customer.id,
      channel: 'call_centre',
      touchpoint: 'agent',
      direction: 'inbound',
      reason: 'video_consultation',
      startedAt: '2026-03-10T09:00:00+01:00',
      outcome: 'resolved',
    });
    const errors: unknown[] = [];
    const log = createTurnLog({
      interactions: stores.interactions,
      clock,
      channel: 'voice_assistant',
      touchpoint: 'alexa',
      onError: (e) => errors.push(e),
    });
    const seen: { id: string; journeyId: string; storedFirst: boolean }[] = [];
    const answer = (whenLogged: IntentReply['whenLogged']) => async () => ({
      ...reply('Videoconsulenza', 'Fatto.', 'resolved', 'video_consultation'),
      whenLogged,
    });
    const booked = await log.wrap(
      'BookConsultation',
      answer(async (turn) => {
        const stored = await stores.interactions.interaction(turn.id);
        seen.push({ id: turn.id, journeyId: turn.journeyId, storedFirst: stored !== undefined });
      }),
    )({ customerId: customer.id, locale: 'it-IT' });
    expect(booked).not.toHaveProperty('whenLogged');
    expect(seen).toEqual([]);
    const failing = await log.wrap(
      'BookConsultation',
      answer(() => Promise.reject(new Error('appointment store down'))),
    )({ customerId: customer.id, locale: 'it-IT' });
    await log.drained();
    expect(seen).toEqual([{ id: booked.turnId, journeyId: call.journeyId, storedFirst: true }]);
    expect(errors).toEqual([new Error('appointment store down')]);
    expect((await stores.interactions.interaction(failing.turnId))?.journeyId).toBe(call.journeyId);
  });

  it('still answers when the turn cannot be recorded, and reports why', async () => {
    const { customer } = await gasCustomer(stores);
    const broken: InteractionLog = {
      ...stores.interactions,
      recordUnlessBusy: () => Promise.reject(new Error('log down')),
    };
    const errors: unknown[] = [];
    const intents = createBillIntents({ billing: stores.billing, customers: stores.customers, clock });
    const log = createTurnLog({
      interactions: broken,
      clock,
      channel: 'voice_assistant',
      touchpoint: 'dialogflow',
      onError: (e) => errors.push(e),
    });
    now = new Date('2026-03-10T10:05:00+01:00');
    const reply = await log.wrap(
      'WhatDoIOwe',
      intents.WhatDoIOwe,
    )({ customerId: customer.id, locale: 'en-US' });
    expect(reply.outcome).toBe('resolved');
    expect(reply.speech).toMatch(/^<speak>/);
    await log.drained();
    expect(errors).toHaveLength(1);
  });

  it("writes everyone else's turns while a customer's contacts are held by another write, theirs once it lets go (real clock)", async () => {
    const [held, free] = [await gasCustomer(stores), await gasCustomer(stores)].map((h) => h.customer);
    const realClock = { now: () => new Date() };
    const intents = createBillIntents({
      billing: stores.billing,
      customers: stores.customers,
      clock: realClock,
    });
    const waits: number[] = [];
    const log = createTurnLog({
      interactions: stores.interactions,
      clock: realClock,
      channel: 'voice_assistant',
      touchpoint: 'alexa',
      watch: { answered: () => {}, stored: (ms) => waits.push(ms) },
    });
    const voiceTurns = async (customerId: string) =>
      (await stores.interactions.forCustomer(customerId, { limit: 20 })).filter(
        (t) => t.channel === 'voice_assistant',
      );
    // Another session holds one customer's lock, as an import's call storing their contacts does.
    const importer = new pg.Client({ connectionString: storage.url });
    await importer.connect();
    try {
      await importer.query('begin');
      await importer.query('select pg_advisory_xact_lock(hashtext($1))', [held!.id]);
      const ask = log.wrap('WhatDoIOwe', intents.WhatDoIOwe);
      const replies = [];
      for (let i = 0; i < 3; i++) {
        replies.push(await ask({ customerId: held!.id, locale: 'it-IT' }));
        replies.push(await ask({ customerId: free!.id, locale: 'it-IT' }));
      }
      // The other customer's turns are stored while the lock is held; the held customer's wait.
      const deadline = Date.now() + 5000;
      while ((await voiceTurns(free!.id)).length < 3 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 20));
      expect((await voiceTurns(free!.id)).map((t) => t.id).sort()).toEqual(
        replies
          .filter((_, i) => i % 2 === 1)
          .map((r) => r.turnId)
          .sort(),
      );
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await voiceTurns(held!.id)).toEqual([]);
      expect(waits).toHaveLength(3);
      await importer.query('commit');
      await log.drained();
      const theirs = await voiceTurns(held!.id);
      expect(theirs.map((t) => t.id).sort()).toEqual(
        replies
          .filter((_, i) => i % 2 === 0)
          .map((r) => r.turnId)
          .sort(),
      );
      expect(theirs.map((t) => t.journeyStep).sort()).toEqual([1, 2, 3]);
      // The held turns waited for the lock (held 300 ms past the others' storing), the others not.
      expect(waits).toHaveLength(6);
      for (const ms of waits.slice(3)) expect(ms).toBeGreaterThanOrEqual(300);
      expect(Math.min(...waits.slice(3))).toBeGreaterThan(Math.max(...waits.slice(0, 3)));
    } finally {
      await importer.end();
    }
  });
});
