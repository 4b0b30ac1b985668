import { sql, type Kysely } from 'kysely';
import type { OrderedContact } from '../journeys.ts';
import { notFound } from '../errors.ts';
import { TRANSITION_DAYS } from './census-rollup-sql.ts';
import type { Placement } from './postgres-journey-placement.ts';
import type { Database } from './schema.ts';

// What journey placement reads of the stored log: segments, each customer's latest contact, the
// last contact per reason, the contacts a late arrival can move, and the journeys it can touch.

/** How far back a new contact can change what is stored: the longest transition kept. */
export const REACH_BACK_MS = TRANSITION_DAYS * 86_400_000;

/** A stored contact as placement reads it, with what it decided for it before. */
export interface Stored extends OrderedContact, Placement {}

export async function customerSegments(db: Kysely<Database>, ids: string[]): Promise<Map<string, string>> {
  const rows = await db.selectFrom('customers').select(['id', 'segment']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.segment]));
}

const storedColumns = sql`id, customer_id, channel, reason, started_at, source, external_id, outcome,
  handoff_from_id, journey_id, journey_step, settled_step, previous_channel, previous_started_at, previous_gap_days, segment`;

interface StoredRow {
  id: string;
  customer_id: string | null;
  channel: string;
  reason: string;
  started_at: Date;
  source: string;
  external_id: string | null;
  outcome: string;
  handoff_from_id: string | null;
  journey_id: string;
  journey_step: number;
  settled_step: number | null;
  previous_channel: string | null;
  previous_started_at: Date | null;
  previous_gap_days: number | null;
  segment: string | null;
}

function toStored(row: StoredRow): Stored {
  return {
    id: row.id,
    customerId: row.customer_id,
    channel: row.channel,
    reason: row.reason,
    startedAt: row.started_at,
    source: row.source,
    externalId: row.external_id,
    outcome: row.outcome as Stored['outcome'],
    handoffFromId: row.handoff_from_id,
    journeyId: row.journey_id,
    journeyStep: row.journey_step,
    settledStep: row.settled_step,
    previousChannel: row.previous_channel,
    previousStartedAt: row.previous_started_at,
    previousGapDays: row.previous_gap_days,
    segment: row.segment,
  };
}

/** The start of each customer's latest contact (one index probe each). */
export async function latestStarts(db: Kysely<Database>, ids: string[]): Promise<Map<string, Date>> {
  const result = await sql<{ customer_id: string; started_at: Date }>`
    select k.customer_id, l.started_at from unnest(${ids}::uuid[]) as k(customer_id)
    cross join lateral (
      select i.started_at from interactions i where i.customer_id = k.customer_id
      order by i.started_at desc limit 1) l`.execute(db);
  return new Map(result.rows.map((r) => [r.customer_id, r.started_at]));
}

/**
 * For each (customer, reason): its last contact before `before` that a journey can continue
 * (within the reach of the longest transition), and its last settled one there (the new one's
 * contact the new one becomes). Index probes on (customer_id, reason, started_at).
 */
export async function lastPerReason(
  db: Kysely<Database>,
  pairs: { customerId: string; reason: string; before: Date }[],
): Promise<Stored[]> {
  if (pairs.length === 0) return [];
  const since = pairs.map((p) => new Date(p.before.getTime() - REACH_BACK_MS));
  const probe = (settledOnly: boolean) => sql`
    select l.* from unnest(${pairs.map((p) => p.customerId)}::uuid[], ${pairs.map((p) => p.reason)}::text[],
        ${pairs.map((p) => p.before)}::timestamptz[], ${since}::timestamptz[]) as k(customer_id, reason, before, since)
    cross join lateral (
      select ${storedColumns} from interactions i
      where i.customer_id = k.customer_id and i.reason = k.reason and i.started_at < k.before and i.started_at >= k.since
        ${settledOnly ? sql`and i.outcome <> 'continued'` : sql``}
      order by i.started_at desc, i.source collate "C" desc, i.external_id collate "C" desc nulls first, i.id desc
      limit 1) l`;
  const result = await sql<StoredRow>`${probe(false)} union ${probe(true)}`.execute(db);
  return result.rows.map(toStored);
}

/** Each customer's contacts from `from` on (one index range per customer). */
export async function storedSince(db: Kysely<Database>, ids: string[], from: Date[]): Promise<Stored[]> {
  if (ids.length === 0) return [];
  const result = await sql<StoredRow>`
    select i.* from unnest(${ids}::uuid[], ${from}::timestamptz[]) as k(customer_id, since)
    cross join lateral (
      select ${storedColumns} from interactions i
      where i.customer_id = k.customer_id and i.started_at >= k.since) i`.execute(db);
  return result.rows.map(toStored);
}

/** The journeys of the stored contacts new ones were handed off from. */
export async function originJourneys(
  db: Kysely<Database>,
  fresh: readonly OrderedContact[],
  stored: Map<string, Stored[]>,
): Promise<string[]> {
  const known = new Map([...stored.values()].flat().map((s) => [s.id, s.journeyId]));
  const inBatch = new Set(fresh.map((c) => c.id));
  const origins = [
    ...new Set(
      fresh.flatMap((c) => (c.handoffFromId && !inBatch.has(c.handoffFromId) ? [c.handoffFromId] : [])),
    ),
  ];
  const missing = origins.filter((id) => !known.has(id));
  const journeys = origins.flatMap((id) => (known.has(id) ? [known.get(id)!] : []));
  if (missing.length === 0) return journeys;
  const rows = await db
    .selectFrom('interactions')
    .select(['id', 'journey_id'])
    .where('id', 'in', missing)
    .execute();
  const found = new Set(rows.map((r) => r.id));
  const absent = missing.find((id) => !found.has(id));
  if (absent) throw notFound('interaction (handoffFromId, not earlier in the same batch)', absent);
  return [...journeys, ...rows.map((r) => r.journey_id)];
}

/** Every stored member of the journeys. */
export async function journeyMembers(
  db: Kysely<Database>,
  journeyIds: string[],
): Promise<Map<string, Stored[]>> {
  const byJourney = new Map<string, Stored[]>();
  if (journeyIds.length === 0) return byJourney;
  const result = await sql<StoredRow>`
    select ${storedColumns} from interactions where journey_id = any(${journeyIds}::uuid[])`.execute(db);
  for (const row of result.rows) {
    const list = byJourney.get(row.journey_id) ?? [];
    list.push(toStored(row));
    byJourney.set(row.journey_id, list);
  }
  return byJourney;
}
