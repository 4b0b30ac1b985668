import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveChatChannel } from '../../chat/index.ts';
import { createPostgresStores, type StorageHandle, type Stores } from '../../core/index.ts';
import {
  CensusFilter,
  createPostgresCensusSource,
  createPostgresPilotMetricsSource,
} from '../../core/evidence.ts';
import { openTestDatabase } from '../support/database.ts';
import { everyChannel } from '../support/fixtures.ts';

// A week of live chat (Monday 2 to Sunday 8 November 2026, Rome) written as the chat logs it:
// each chat's bot part, and the advisor's part of those handed to the queue, with the facts the
// chat writes on them, and the CSAT answers at the end. The figures below were worked out by
// hand from this table, not from the code.
//
//  #  customer  bot part                   advisor part                          CSAT
//  1  Anna      contained                  —                                     5
//  2  Bruno     handed off                 waited 30 s, handled 300 s            4
//  3  Carla     handed off                 waited 90 s, handled 600 s            2
//  4  Anna      handed off                 left after waiting 240 s              —
//  5  Bruno     callback outside hours     —                                     —
//  6  Dario     handed off                 waited 600 s, handled 120 s           3
//  7  anonymous contained                  —                                     1
//  8  Carla     still going                —                                     —
//  9  Anna      contained, on 9 November (outside the week)                      5
// and one bot turn logged beside chat 2 (no part: not a chat of its own).
//
// Census of the week: 8 chats; 7 bot parts ended, 2 contained (2/7); 1 callback. Queue: 4
// queued, 3 answered waiting 30, 90 and 600 s (average 240 s; nearest-rank 90th percentile,
// rank ⌈0.9 × 3⌉ = 3: 600 s), 1 abandoned (1 of 4 that left the queue: 0.25). Handle time over 3:
// (300 + 600 + 120) / 3 = 340 s. CSAT: 5, 4, 2, 3, 1: average 3, 2 of 5 satisfied (0.4).
//
// Family segment (Anna and Bruno): chats 1, 2, 4, 5: 4 ended, 1 contained; 1 answered waiting
// 30 s, 1 abandoned (0.5); handle 300 s; CSAT 5 and 4 (average 4.5, all satisfied).
//
// Pilot whose pilot arm is Anna, Bruno and Carla (Dario is in control): chats 1–5 and 8: 5 ended,
// 1 contained (0.2); 2 answered waiting 30 and 90 s (average 60, 90th percentile 90), 1
// abandoned (1/3); handle (300 + 600) / 2 = 450 s; CSAT 5, 4, 2 (average 11/3, 2 of 3 satisfied).

let storage: StorageHandle;
let stores: Stores;
const pilotId = randomUUID();
const at = (iso: string) => new Date(iso);

async function customer(firstName: string, segment: 'family' | 'senior') {
  return stores.customers.create({ firstName, lastName: 'Esposito', locale: 'it-IT', segment });
}

async function chat(
  customerId: string | null,
  startedAt: string,
  bot: { outcome: 'resolved' | 'handed_off' | 'continued'; details?: Record<string, unknown> },
  advisor?: { outcome: 'resolved' | 'abandoned'; details: Record<string, unknown> },
  csat?: number,
) {
  const conversationId = randomUUID();
  const botPart = await stores.interactions.record({
    customerId,
    channel: 'live_chat',
    touchpoint: 'widget',
    direction: 'inbound',
    reason: 'general_enquiry',
    startedAt: at(startedAt),
    outcome: bot.outcome,
    details: { conversationId, part: 'bot', ...bot.details },
  });
  let last = botPart;
  if (advisor) {
    last = await stores.interactions.record({
      customerId,
      channel: 'live_chat',
      touchpoint: 'widget',
      direction: 'inbound',
      reason: 'general_enquiry',
      startedAt: new Date(at(startedAt).getTime() + 60_000),
      outcome: advisor.outcome,
      handoffFromId: customerId ? botPart.id : null,
      details: { conversationId, part: 'advisor', botContactId: botPart.id, ...advisor.details },
    });
  }
  if (csat !== undefined)
    await stores.surveys.record({
      interactionId: last.id,
      metric: 'csat',
      score: csat,
      answeredAt: at(startedAt),
    });
  return botPart;
}

const answered = (waitS: number, handleS: number) => ({
  outcome: 'resolved' as const,
  details: { assignedAt: '2026-11-03T10:00:00.000Z', queueWaitMs: waitS * 1000, handleMs: handleS * 1000 },
});

beforeAll(async () => {
  storage = await openTestDatabase();
  stores = createPostgresStores(storage.db);
  for (const channel of [...everyChannel, liveChatChannel]) await stores.channels.register(channel);
  const anna = await customer('Anna', 'family');
  const bruno = await customer('Bruno', 'family');
  const carla = await customer('Carla', 'senior');
  const dario = await customer('Dario', 'senior');
  const handedOff = { outcome: 'handed_off' as const };
  const contained = { outcome: 'resolved' as const, details: { contained: true } };

  await chat(anna.id, '2026-11-02T08:15:00Z', contained, undefined, 5);
  const two = await chat(bruno.id, '2026-11-02T16:40:00Z', handedOff, answered(30, 300), 4);
  await stores.interactions.record({
    customerId: bruno.id,
    channel: 'live_chat',
    touchpoint: 'widget',
    direction: 'inbound',
    reason: 'bill_explanation',
    startedAt: at('2026-11-02T16:39:30Z'),
    outcome: 'resolved',
    details: { intent: 'WhyHigher', conversationId: two.details.conversationId },
  });
  await chat(carla.id, '2026-11-03T09:05:00Z', handedOff, answered(90, 600), 2);
  await chat(anna.id, '2026-11-04T12:30:00Z', handedOff, {
    outcome: 'abandoned',
    details: { abandonedWhileWaiting: true, queueWaitMs: 240_000 },
  });
  await chat(bruno.id, '2026-11-05T20:10:00Z', { outcome: 'handed_off', details: { offline: 'callback' } });
  await chat(dario.id, '2026-11-06T10:00:00Z', handedOff, answered(600, 120), 3);
  await chat(null, '2026-11-07T11:11:00Z', contained, undefined, 1);
  await chat(carla.id, '2026-11-08T22:59:00Z', { outcome: 'continued' });
  await chat(anna.id, '2026-11-09T07:00:00Z', contained, undefined, 5);

  await storage.db
    .insertInto('pilots')
    .values({
      id: pilotId,
      code: 'chat-week',
      name: 'Live chat, one week',
      channel: 'live_chat',
      touchpoints: ['widget'],
      reasons: ['general_enquiry'],
      objectives: '[]',
      starts_on: '2026-11-02',
      ends_on: '2026-11-08',
      status: 'running',
      segments: [],
      rollout_percent: 0,
      control_percent: 0,
      open_to_everyone: false,
      closing_survey: false,
      within_days: 7,
      advisor_share: 1,
      created_at: '2026-10-20T10:00:00Z',
      updated_at: '2026-10-20T10:00:00Z',
    })
    .execute();
  await storage.db
    .insertInto('pilot_enrolments')
    .values(
      [
        [anna.id, 'pilot'],
        [bruno.id, 'pilot'],
        [carla.id, 'pilot'],
        [dario.id, 'control'],
      ].map(([customerId, arm]) => ({
        pilot_id: pilotId,
        customer_id: customerId!,
        arm: arm!,
        via: 'explicit',
        enrolled_at: '2026-10-21T10:00:00Z',
        invited_at: null,
      })),
    )
    .execute();
}, 60_000);

afterAll(async () => {
  await storage?.close();
});

describe('live chat figures', () => {
  it('counts containment, queue wait (average, 90th percentile), abandonment, handle time and CSAT in the census', async () => {
    const census = await createPostgresCensusSource(storage.db).compute(
      CensusFilter.parse({ from: '2026-11-02', to: '2026-11-08' }),
    );
    expect(census.liveChat).toEqual({
      conversations: 8,
      bot: { ended: 7, contained: 2, containment: 2 / 7, offline: { callback: 1, email: 0 } },
      queue: {
        queued: 4,
        answered: 3,
        averageWaitSeconds: 240,
        p90WaitSeconds: 600,
        abandoned: 1,
        abandonment: 0.25,
      },
      handleTime: { n: 3, averageSeconds: 340 },
      csat: { answers: 5, average: 3, satisfied: 0.4 },
    });
  });

  it('narrows to a segment’s customers, and says nothing for a week without chats', async () => {
    const source = createPostgresCensusSource(storage.db);
    const family = await source.compute(
      CensusFilter.parse({ from: '2026-11-02', to: '2026-11-08', segment: 'family' }),
    );
    expect(family.liveChat).toEqual({
      conversations: 4,
      bot: { ended: 4, contained: 1, containment: 0.25, offline: { callback: 1, email: 0 } },
      queue: {
        queued: 2,
        answered: 1,
        averageWaitSeconds: 30,
        p90WaitSeconds: 30,
        abandoned: 1,
        abandonment: 0.5,
      },
      handleTime: { n: 1, averageSeconds: 300 },
      csat: { answers: 2, average: 4.5, satisfied: 1 },
    });
    const quiet = await source.compute(CensusFilter.parse({ from: '2026-10-19', to: '2026-10-25' }));
    expect(quiet.liveChat).toBeNull();
  });

  it('measures a live chat pilot over its pilot arm’s chats only', async () => {
    const metrics = await createPostgresPilotMetricsSource(storage.db).compute(
      {
        id: pilotId,
        channel: 'live_chat',
        startsOn: '2026-11-02',
        endsOn: '2026-11-08',
        withinDays: 7,
        rolloutPercent: 0,
        controlPercent: 0,
      },
      at('2026-11-20T12:00:00Z'),
    );
    expect(metrics.liveChat).toEqual({
      conversations: 6,
      bot: { ended: 5, contained: 1, containment: 0.2, offline: { callback: 1, email: 0 } },
      queue: {
        queued: 3,
        answered: 2,
        averageWaitSeconds: 60,
        p90WaitSeconds: 90,
        abandoned: 1,
        abandonment: 1 / 3,
      },
      handleTime: { n: 2, averageSeconds: 450 },
      csat: { answers: 3, average: 11 / 3, satisfied: 2 / 3 },
    });
    expect(metrics.csat.n).toBe(3);
  });
});
