import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { createPostgresStores, type Outcome, type StorageHandle } from '../../core/index.ts';
import { CensusFilter, type Census } from '../../core/census.ts';
import { createPostgresCensusSource } from '../../core/storage/postgres-census.ts';
import { databaseKind, openTestDatabase } from '../support/database.ts';
import { seededRandom } from '../support/simulate.ts';

// The census's reasons read on their own (what a pilot's relevance needs) against the reasons of
// the whole census and against the rows themselves, for random filters over random contacts.

const ZONE = 'Europe/Rome';
const segments = ['residential', 'senior', 'young', 'family'] as const;
const channels = ['call_centre', 'email', 'web', 'shop', 'voice_assistant'] as const;
const reasons = ['bill_explanation', 'payment', 'moving', 'outage', 'complaint'] as const;
const outcomes = ['resolved', 'resolved', 'handed_off', 'abandoned', 'continued'] as const;
const FIRST_DAY = DateTime.fromISO('2026-02-02', { zone: ZONE });
const DAYS = 70;

interface Row {
  customerId: string | null;
  segment: string | null;
  channel: string;
  reason: string;
  startedAt: Date;
  outcome: Outcome;
}

const random = seededRandom(20261205);
const customers = Array.from({ length: 120 }, () => ({ id: randomUUID(), segment: random.pick(segments) }));
const rows: Row[] = Array.from({ length: 1500 }, () => {
  const customer = random.chance(0.1) ? null : random.pick(customers);
  return {
    customerId: customer?.id ?? null,
    segment: customer?.segment ?? null,
    channel: random.pick(channels),
    reason: random.pick(reasons),
    // Any minute of the days, so that contacts fall on both sides of a range's midnight.
    startedAt: FIRST_DAY.plus({ minutes: random.int(DAYS * 24 * 60) }).toJSDate(),
    outcome: random.pick(outcomes),
  };
});

/** The reasons as the census defines them, counted straight from the rows. */
function fromRows(filter: CensusFilter): Census['reasons'] {
  const counts = new Map<string, number>();
  for (const row of rows) {
    const day = DateTime.fromJSDate(row.startedAt, { zone: ZONE }).toISODate() as string;
    if (row.outcome === 'continued' || day < filter.from || day > filter.to) continue;
    if (filter.segment !== undefined && row.segment !== filter.segment) continue;
    if (filter.reason !== undefined && row.reason !== filter.reason) continue;
    const key = `${row.channel} ${row.reason}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts]
    .map(([key, contacts]) => {
      const [channel = '', reason = ''] = key.split(' ');
      return { channel, reason, contacts };
    })
    .sort((a, b) => (a.channel < b.channel ? -1 : a.channel > b.channel ? 1 : a.reason < b.reason ? -1 : 1));
}

let storage: StorageHandle;

beforeAll(async () => {
  storage = await openTestDatabase();
  await storage.db
    .insertInto('customers')
    .values(
      customers.map((c, i) => ({
        id: c.id,
        first_name: 'Cliente',
        last_name: `R${i}`,
        locale: 'it-IT',
        segment: c.segment,
      })),
    )
    .execute();
  await createPostgresStores(storage.db).interactions.recordMany(
    rows.map((r) => ({ ...r, touchpoint: 'main', direction: 'inbound' as const, endedAt: null })),
  );
});

afterAll(async () => {
  await storage?.close();
});

describe(`the census's reasons alone on the ${databaseKind} database`, () => {
  it('are the reasons of the whole census and of the rows, for random ranges, segments and reasons', async () => {
    const source = createPostgresCensusSource(storage.db);
    let compared = 0;
    for (let i = 0; i < 24; i++) {
      const from = FIRST_DAY.plus({ days: random.int(DAYS) });
      const filter = CensusFilter.parse({
        from: from.toISODate(),
        to: from.plus({ days: random.int(40) }).toISODate(),
        segment: random.chance(0.5) ? random.pick(segments) : undefined,
        reason: random.chance(0.3) ? random.pick(reasons) : undefined,
      });
      const alone = await source.reasons(filter);
      expect(alone).toEqual((await source.compute(filter)).reasons);
      expect(alone).toEqual(fromRows(filter));
      compared += alone.length;
    }
    // The filters left rows to compare, not only empty lists.
    expect(compared).toBeGreaterThan(200);
  });
});
