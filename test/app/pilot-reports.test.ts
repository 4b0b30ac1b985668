import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { composeApp } from '../../app/compose.ts';
import { type Customer, type InteractionInput, type StorageHandle } from '../../core/index.ts';
import { ASSUMED_TAKE_UP, RELEVANCE_WEEKS } from '../../core/evidence.ts';
import { openTestDatabase } from '../support/database.ts';

// What a pilot's report says before its channel has been used: how relevant the channel is to
// the cohort's segments, and the demand the census forecasts.

const now = new Date('2026-06-10T10:00:00+02:00');
let storage: StorageHandle;
let composed: Awaited<ReturnType<typeof composeApp>>;
const customers: Customer[] = [];
const contacts: InteractionInput[] = [];
const segments = ['senior', 'family', 'young'] as const;
const reasons = ['bill_explanation', 'payment', 'moving', 'fault'] as const;
const channels = ['call_centre', 'web', 'shop', 'voice_assistant'] as const;

beforeAll(async () => {
  storage = await openTestDatabase();
  composed = await composeApp({
    storage,
    config: { PUBLIC_URL: 'http://localhost:3000', SESSION_TTL_HOURS: 1, COOKIE_SECURE: false },
    logger: pino({ level: 'silent' }),
    clock: { now: () => now },
  });
  for (let i = 0; i < 30; i++) {
    customers.push(
      await composed.stores.customers.create({
        firstName: 'Ada',
        lastName: `Census${i}`,
        locale: 'it-IT',
        segment: segments[i % 3] as (typeof segments)[number],
      }),
    );
  }
  // Contacts in the 12 weeks before the pilot starts on June 1st, and some outside them.
  customers.forEach((customer, i) => {
    for (let k = 0; k < 6; k++) {
      contacts.push({
        customerId: customer.id,
        channel: channels[(i + k) % channels.length] as string,
        touchpoint: 'x',
        direction: 'inbound',
        reason: reasons[(i * 3 + k) % reasons.length] as string,
        startedAt: new Date(Date.UTC(2026, 1, 20 + k * 17, 9 + (i % 8))),
        outcome: 'resolved',
      });
    }
  });
  await composed.stores.interactions.recordMany(
    contacts.map((c) => ({ ...c, touchpoint: touchpointOf(c.channel) })),
  );
});

afterAll(async () => {
  await storage?.close();
});

function touchpointOf(channel: string): string {
  return { call_centre: 'agent', web: 'self_service', shop: 'counter', voice_assistant: 'alexa' }[
    channel
  ] as string;
}

describe("a pilot's report before the channel is used", () => {
  it("measures relevance on the cohort's segments only, and forecasts demand from it", async () => {
    const pilot = await composed.pilotDesk.define({
      code: 'video_seniors',
      name: 'Video for seniors and families',
      channel: 'video',
      touchpoints: ['consultation'],
      reasons: ['bill_explanation', 'payment'],
      startsOn: '2026-06-01',
      endsOn: '2026-08-31',
      cohort: { segments: ['senior', 'family'], rolloutPercent: 50, controlPercent: 20 },
    });
    await composed.pilotDesk.transition(pilot.code, 'running');
    const { report } = await composed.pilotReports.compute(pilot.code);

    // Computed here from the rows written above.
    const inCohort = new Set(customers.filter((c) => c.segment !== 'young').map((c) => c.id));
    const before = contacts.filter(
      (c) =>
        inCohort.has(c.customerId as string) &&
        c.channel !== 'voice_assistant' &&
        (c.startedAt as Date) >= new Date('2026-03-09T00:00:00+01:00') &&
        (c.startedAt as Date) < new Date('2026-06-01T00:00:00+02:00'),
    );
    const served = before.filter((c) => c.reason === 'bill_explanation' || c.reason === 'payment');
    expect(report.relevance.allContacts).toBe(before.length);
    expect(report.relevance.servedContacts).toBe(served.length);
    expect(report.relevance.share).toBeCloseTo(served.length / before.length, 12);

    expect(report.capacity).toMatchObject({
      staffed: true,
      basis: 'forecast',
      assumedTakeUp: ASSUMED_TAKE_UP,
    });
    expect(report.capacity.contactsPerCustomerWeek).toBeCloseTo(
      (served.length / inCohort.size / RELEVANCE_WEEKS) * ASSUMED_TAKE_UP,
      12,
    );
  });
});
