import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { type StorageHandle, type Stores } from '../../core/index.ts';
import { databaseKind, withTestStores } from '../support/database.ts';
import { gasCustomer } from '../support/fixtures.ts';

// A customer who keeps coming back about the same bill: one journey of dozens of contacts over
// months, written live one at a time, then a contact an import brings late into its middle. Each
// placement reads only the end of the journey; the steps must still be those of the whole.

let storage: StorageHandle;
let stores: Stores;
withTestStores((opened) => ({ storage, stores } = opened));

const DAY = 86_400_000;
const outcomes = ['resolved', 'continued', 'abandoned', 'continued', 'continued', 'handed_off'] as const;

/** Steps as the rule defines them, from the whole journey in time order. */
function expectedSteps(members: { startedAt: Date; outcome: string }[]) {
  let settled = 0;
  return [...members]
    .sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime())
    .map((m, index) => ({
      at: m.startedAt.toISOString(),
      journeyStep: index + 1,
      settledStep: m.outcome === 'continued' ? null : ++settled,
    }));
}

describe(`a long journey on the ${databaseKind} database`, () => {
  it('numbers every step of a months-long journey written one contact at a time, and after a late one', async () => {
    const { customer } = await gasCustomer(stores);
    const start = Date.parse('2025-11-03T08:15:00Z');
    let first: string | undefined;
    // Every 4 days for 6 months: across month partitions, always within the 7-day window.
    for (let i = 0; i < 46; i++) {
      const stored = await stores.interactions.record({
        customerId: customer.id,
        channel: i % 3 === 0 ? 'call_centre' : 'web',
        touchpoint: i % 3 === 0 ? 'agent' : 'self_service',
        direction: 'inbound',
        reason: 'bill_explanation',
        startedAt: new Date(start + i * 4 * DAY).toISOString(),
        outcome: outcomes[i % outcomes.length]!,
      });
      first ??= stored.journeyId;
      expect(stored.journeyId).toBe(first);
      expect(stored.journeyStep).toBe(i + 1);
    }
    const journeyId = first!;
    // The steps as stored, and the members as the rule reads them.
    const stored = async () =>
      (
        await sql<{ started_at: Date; outcome: string; journey_step: number; settled_step: number | null }>`
          select started_at, outcome, journey_step, settled_step from interactions
          where journey_id = ${journeyId} order by started_at`.execute(storage.db)
      ).rows;
    const steps = async () =>
      (await stored()).map((m) => ({
        at: m.started_at.toISOString(),
        journeyStep: m.journey_step,
        settledStep: m.settled_step,
      }));
    const members = async () =>
      (await stored()).map((m) => ({ startedAt: m.started_at, outcome: m.outcome }));
    expect(await steps()).toEqual(expectedSteps(await members()));

    // An export of the call centre brings a call of two months ago, between two stored contacts.
    const late = await stores.interactions.recordMany([
      {
        customerId: customer.id,
        channel: 'call_centre',
        touchpoint: 'agent',
        direction: 'inbound',
        reason: 'bill_explanation',
        startedAt: new Date(start + 20 * 4 * DAY + 3 * 3600_000).toISOString(),
        outcome: 'resolved',
        source: 'calls_export',
        externalId: 'C-2026-0117',
      },
    ]);
    expect(late).toBe(1);
    const after = await steps();
    expect(after).toHaveLength(47);
    expect(after).toEqual(expectedSteps(await members()));
    expect(after[21]).toMatchObject({
      at: new Date(start + 80 * DAY + 3 * 3600_000).toISOString(),
      journeyStep: 22,
    });
  });
});
