import { sql, type Kysely } from 'kysely';
import { compareContacts, settles, type OrderedContact } from '../journeys.ts';
import { notFound } from '../errors.ts';
import { TRANSITION_DAYS } from './census-rollup-sql.ts';
import type { Placement } from './postgres-journey-placement.ts';
import { executeKept } from './kept-plans.ts';
import type { Database } from './schema.ts';

// What journey placement reads of the stored log: segments, each customer's latest contact, the
// last contact per reason, the contacts a late arrival can move, and the journeys it can touch.

/** How far back a new contact can change what is stored: the longest transition kept. */
export const REACH_BACK_MS = TRANSITION_DAYS * 86_400_000;

/** A stored contact as placement reads it, with what it decided for it before. */
export interface Stored extends OrderedContact, Placement {}

export async function customerSegments(db: Kysely<Database>, ids: string[]): Promise<Map<string, string>> {
  const rows = await executeKept(
    db,
    sql<{ id: string; segment: string }>`select id, segment from customers where id = any(${ids}::uuid[])`,
  );
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
  const rows = await executeKept(
    db,
    sql<{ customer_id: string; started_at: Date }>`
    select k.customer_id, l.started_at from unnest(${ids}::uuid[]) as k(customer_id)
    cross join lateral (
      select i.started_at from interactions i where i.customer_id = k.customer_id
      order by i.started_at desc limit 1) l`,
  );
  return new Map(rows.map((r) => [r.customer_id, r.started_at]));
}

/**
 * For each (customer, reason): its last contact before `before` that a journey can continue
 * (within the reach of the longest transition), and its last settled one there (the contact the
 * new one's transition starts from). Each is found by an index probe on (customer_id, reason,
 * started_at) and read with the contacts that started at the same moment, which the contact
 * order then tells apart: a customer who has many contacts a month sends two or three rows a
 * reason, not the month.
 */
export async function lastPerReason(
  db: Kysely<Database>,
  customers: { customerId: string; reasons: string[]; before: Date }[],
): Promise<Stored[]> {
  const pairs = customers.flatMap(({ customerId, reasons, before }) =>
    reasons.map((reason) => ({ customerId, reason, before })),
  );
  if (pairs.length === 0) return [];
  const last = (settled: boolean) => sql`(
    select ${storedColumns} from interactions i
    where i.customer_id = k.customer_id and i.reason = k.reason and i.started_at = (
      select max(j.started_at) from interactions j
      where j.customer_id = k.customer_id and j.reason = k.reason and j.started_at < k.before
        and j.started_at >= k.since ${settled ? sql`and j.outcome <> 'continued'` : sql``}))`;
  const rows = await executeKept(
    db,
    sql<StoredRow>`
    select l.* from unnest(${pairs.map((p) => p.customerId)}::uuid[], ${pairs.map((p) => p.reason)}::text[],
        ${pairs.map((p) => p.before)}::timestamptz[],
        ${pairs.map((p) => new Date(p.before.getTime() - REACH_BACK_MS))}::timestamptz[]) as k(customer_id, reason, before, since)
    cross join lateral (${last(false)} union all ${last(true)}) l`,
  );
  const latest = new Map<string, Stored>();
  const latestSettled = new Map<string, Stored>();
  const later = (map: Map<string, Stored>, key: string, contact: Stored) => {
    const held = map.get(key);
    if (!held || compareContacts(held, contact) < 0) map.set(key, contact);
  };
  for (const row of rows) {
    const contact = toStored(row);
    const key = `${row.customer_id}\u0000${row.reason}`;
    later(latest, key, contact);
    if (settles(contact)) later(latestSettled, key, contact);
  }
  return [...new Set([...latest.values(), ...latestSettled.values()])];
}

/** Each customer's contacts from `from` on (one index range per customer). */
export async function storedSince(db: Kysely<Database>, ids: string[], from: Date[]): Promise<Stored[]> {
  if (ids.length === 0) return [];
  const rows = await executeKept(
    db,
    sql<StoredRow>`
    select i.* from unnest(${ids}::uuid[], ${from}::timestamptz[]) as k(customer_id, since)
    cross join lateral (
      select ${storedColumns} from interactions i
      where i.customer_id = k.customer_id and i.started_at >= k.since) i`,
  );
  return rows.map(toStored);
}

/**
 * The journeys new contacts are handed off from: the journey of each stored contact handed off
 * from, by that contact's id.
 */
export async function originJourneys(
  db: Kysely<Database>,
  fresh: readonly OrderedContact[],
  stored: Map<string, Stored[]>,
): Promise<Map<string, string>> {
  const known = new Map([...stored.values()].flat().map((s) => [s.id, s.journeyId]));
  const inBatch = new Set(fresh.map((c) => c.id));
  const origins = new Set(
    fresh.flatMap((c) => (c.handoffFromId && !inBatch.has(c.handoffFromId) ? [c.handoffFromId] : [])),
  );
  const journeys = new Map<string, string>();
  for (const id of origins) if (known.has(id)) journeys.set(id, known.get(id)!);
  const missing = [...origins].filter((id) => !known.has(id));
  if (missing.length === 0) return journeys;
  const rows = await db
    .selectFrom('interactions')
    .select(['id', 'journey_id'])
    .where('id', 'in', missing)
    .execute();
  for (const row of rows) journeys.set(row.id, row.journey_id);
  const absent = missing.find((id) => !journeys.has(id));
  if (absent) throw notFound('interaction (handoffFromId, not earlier in the same batch)', absent);
  return journeys;
}

/** A journey as placement reads it: its members from a moment on, and the steps taken before it. */
export interface JourneyTail {
  /** The stored members that started at or after the moment asked for. */
  members: Stored[];
  /** The members before that moment, and how many of them settled. */
  before: { steps: number; settled: number };
}

/**
 * The journeys from a moment on (each journey's own: no contact before it can change). The members
 * before it are only counted, so that placing a contact in a long journey reads the end of it,
 * not all of it. Steps and settled steps run on in the journey order, which starts with the
 * start time: what came before the first member read, and before the first settled one, is
 * its step less one. Only a journey with no member read, or none settled, is asked about its
 * earlier members (a later import spread over a year reads back thousands of journeys a call,
 * nearly all with both).
 */
export async function journeyTails(
  db: Kysely<Database>,
  from: Map<string, Date>,
): Promise<Map<string, JourneyTail>> {
  const tails = new Map<string, JourneyTail>();
  if (from.size === 0) return tails;
  const rows = await executeKept(
    db,
    sql<StoredRow & { tail_of: string }>`
    select k.journey_id as tail_of, m.*
    from unnest(${[...from.keys()]}::uuid[], ${[...from.values()]}::timestamptz[]) as k(journey_id, since)
    join lateral (
      select ${storedColumns} from interactions i where i.journey_id = k.journey_id and i.started_at >= k.since) m
      on true`,
  );
  for (const id of from.keys()) tails.set(id, { members: [], before: { steps: 0, settled: 0 } });
  for (const row of rows) tails.get(row.tail_of)!.members.push(toStored(row));
  const asked = new Map<string, Date>();
  for (const [id, tail] of tails) {
    let step = Infinity;
    let settled = Infinity;
    for (const m of tail.members) {
      step = Math.min(step, m.journeyStep);
      if (m.settledStep !== null) settled = Math.min(settled, m.settledStep);
    }
    if (step < Infinity) tail.before.steps = step - 1;
    if (settled < Infinity) tail.before.settled = settled - 1;
    else asked.set(id, from.get(id)!);
  }
  if (asked.size === 0) return tails;
  const counts = await executeKept(
    db,
    sql<{ journey_id: string; steps_before: number | null; settled_before: number | null }>`
    select k.journey_id,
      (select i.journey_step from interactions i where i.journey_id = k.journey_id and i.started_at < k.since
        order by i.journey_step desc limit 1) as steps_before,
      (select i.settled_step from interactions i where i.journey_id = k.journey_id and i.started_at < k.since
        and i.settled_step is not null order by i.journey_step desc limit 1) as settled_before
    from unnest(${[...asked.keys()]}::uuid[], ${[...asked.values()]}::timestamptz[]) as k(journey_id, since)`,
  );
  for (const row of counts) {
    const tail = tails.get(row.journey_id)!;
    tail.before = { steps: row.steps_before ?? 0, settled: row.settled_before ?? 0 };
  }
  return tails;
}
