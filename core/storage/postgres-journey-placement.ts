import { sql, type Kysely } from 'kysely';
import {
  assignJourneys,
  compareContacts,
  gapDays,
  settles,
  type OpenJourney,
  type OrderedContact,
} from '../journeys.ts';
import { notFound } from '../errors.ts';
import { TRANSITION_DAYS } from './census-rollup-sql.ts';
import type { Database } from './schema.ts';

// Places contacts in journeys and keeps what the census derives from their order (journey and
// settled steps, each contact's previous contact for the same reason) true whatever order contacts
// arrive in. Runs inside the writing transaction, under a lock per customer.

const DAY_MS = 86_400_000;
/** How far back a new contact can change what is stored: the longest transition kept. */
const REACH_BACK_MS = TRANSITION_DAYS * DAY_MS;

/** What placement decides for a contact. */
export interface Placement {
  journeyId: string;
  journeyStep: number;
  settledStep: number | null;
  /** The previous settled contact for the same reason, when it started at most 30 days before: its transition ends here. */
  previousChannel: string | null;
  previousStartedAt: Date | null;
  previousGapDays: number | null;
  segment: string | null;
}

/** A stored contact as placement reads it, with what it decided for it before. */
interface Stored extends OrderedContact, Placement {}

export interface PlacementResult {
  /** The placement of each new contact, by id. */
  placed: Map<string, Placement>;
  /** Stored contacts whose placement changed (a late contact moved them). */
  changed: Map<string, Placement>;
  /** Journeys merged into others: old id → new id. */
  merged: Map<string, string>;
}

/**
 * Places `fresh` contacts (not stored yet) and re-derives stored ones whose place they change.
 * `touched`: stored contacts whose outcome changed (their settled step and transitions follow).
 */
export async function placeContacts(
  db: Kysely<Database>,
  fresh: readonly OrderedContact[],
  options: { windowDays: number; newId: () => string; touched?: readonly OrderedContact[] },
): Promise<PlacementResult> {
  const result: PlacementResult = { placed: new Map(), changed: new Map(), merged: new Map() };
  const byCustomer = new Map<string, { fresh: OrderedContact[]; touched: OrderedContact[] }>();
  for (const contact of fresh) {
    if (contact.customerId === null) {
      // Nobody to follow: an anonymous contact is a journey of its own.
      if (contact.handoffFromId)
        throw notFound('interaction (handoffFromId of an anonymous contact)', contact.handoffFromId);
      result.placed.set(contact.id, {
        journeyId: options.newId(),
        journeyStep: 1,
        settledStep: settles(contact) ? 1 : null,
        previousChannel: null,
        previousStartedAt: null,
        previousGapDays: null,
        segment: null,
      });
      continue;
    }
    group(byCustomer, contact.customerId).fresh.push(contact);
  }
  for (const contact of options.touched ?? []) {
    if (contact.customerId !== null) group(byCustomer, contact.customerId).touched.push(contact);
  }
  if (byCustomer.size === 0) return result;

  const ids = [...byCustomer.keys()];
  const segments = await customerSegments(db, ids);
  for (const [id, { fresh: f }] of byCustomer) {
    if (!segments.has(id) && f.length > 0) throw notFound('customer', id);
  }
  // A customer whose contacts all precede the new ones (the usual case: live contacts, imports in
  // time order) needs only the last contact per reason; otherwise every contact that can change.
  const latest = await latestStarts(db, ids);
  const firstAt = new Map(
    [...byCustomer].map(([id, b]) => [
      id,
      new Date(Math.min(...[...b.fresh, ...b.touched].map((c) => c.startedAt.getTime()))),
    ]),
  );
  const appending = ids.filter((id) => {
    const last = latest.get(id);
    return byCustomer.get(id)!.touched.length === 0 && (last === undefined || last < firstAt.get(id)!);
  });
  const appendingSet = new Set(appending);
  const reordering = ids.filter((id) => !appendingSet.has(id));
  const stored = new Map<string, Stored[]>();
  const add = (rows: Stored[]) => {
    for (const row of rows) {
      const list = stored.get(row.customerId!) ?? [];
      if (!list.some((s) => s.id === row.id)) list.push(row);
      stored.set(row.customerId!, list);
    }
  };
  add(
    await lastPerReason(
      db,
      appending.flatMap((id) =>
        [...new Set(byCustomer.get(id)!.fresh.map((c) => c.reason))].map((reason) => ({
          customerId: id,
          reason,
          before: firstAt.get(id)!,
        })),
      ),
    ),
  );
  add(
    await storedSince(
      db,
      reordering,
      reordering.map((id) => new Date(firstAt.get(id)!.getTime() - REACH_BACK_MS)),
    ),
  );

  // The journeys a placement can touch: the open ones, those of stored contacts after the first
  // placed one, and those handed off from.
  const candidates = new Set<string>(await originJourneys(db, fresh, stored));
  for (const [id, list] of stored) {
    const first = firstAt.get(id)!;
    const lastPerReasonJourney = new Map<string, Stored>();
    for (const s of [...list].sort(compareContacts)) {
      if (s.startedAt >= first) candidates.add(s.journeyId);
      else lastPerReasonJourney.set(s.reason, s);
    }
    // Only a journey whose last contact is within the window can be continued.
    for (const s of lastPerReasonJourney.values())
      if (first.getTime() - s.startedAt.getTime() <= options.windowDays * DAY_MS) candidates.add(s.journeyId);
  }
  const journeys = await journeyMembers(db, [...candidates]);
  for (const [customerId, batch] of byCustomer) {
    placeCustomer(
      batch,
      stored.get(customerId) ?? [],
      journeys,
      segments.get(customerId) ?? null,
      options,
      result,
    );
  }
  return result;
}

function group<T>(map: Map<string, { fresh: T[]; touched: T[] }>, key: string) {
  let entry = map.get(key);
  if (!entry) map.set(key, (entry = { fresh: [], touched: [] }));
  return entry;
}

function placeCustomer(
  batch: { fresh: OrderedContact[]; touched: OrderedContact[] },
  stored: Stored[],
  journeys: Map<string, Stored[]>,
  segment: string | null,
  options: { windowDays: number; newId: () => string },
  result: PlacementResult,
) {
  const touchedIds = new Set(batch.touched.map((c) => c.id));
  const fresh = [...batch.fresh].sort(compareContacts);
  const changedOrder = [...fresh, ...batch.touched].sort(compareContacts)[0]!;
  // Contacts before the first one placed keep their journeys; they give the rule its state.
  const all = [
    ...stored.map((s) => (touchedIds.has(s.id) ? { ...s, ...batch.touched.find((t) => t.id === s.id)! } : s)),
    ...fresh,
  ].sort(compareContacts);
  const firstIndex = all.findIndex((c) => compareContacts(c, changedOrder) >= 0);
  const before = all.slice(0, firstIndex);
  const after = all.slice(firstIndex);
  const open = new Map<string, OpenJourney>();
  const journeyOf = new Map<string, string>();
  for (const contact of before as Stored[]) {
    open.set(contact.reason, { journeyId: contact.journeyId, lastAt: contact.startedAt });
    journeyOf.set(contact.id, contact.journeyId);
  }
  // A (customer, reason) whose last contact is older than what was read keeps no open journey:
  // the window is shorter than the span read.
  for (const members of journeys.values())
    for (const m of members) if (!journeyOf.has(m.id)) journeyOf.set(m.id, m.journeyId);
  const storedById = new Map(stored.map((s) => [s.id, s]));
  const assigned = assignJourneys(after, {
    windowDays: options.windowDays,
    open,
    journeyOf,
    previous: (c) => storedById.get(c.id)?.journeyId,
    newId: options.newId,
  });

  // Journeys whose members changed: the new ones, and those stored contacts left or joined.
  const affected = new Set<string>();
  const freshIds = new Set(fresh.map((c) => c.id));
  const journeyNow = (c: OrderedContact) =>
    assigned.get(c.id) ?? storedById.get(c.id)?.journeyId ?? journeyOf.get(c.id)!;
  for (const contact of after) {
    const now = assigned.get(contact.id)!;
    const was = storedById.get(contact.id)?.journeyId;
    if (freshIds.has(contact.id) || was !== now || touchedIds.has(contact.id)) {
      affected.add(now);
      if (was && was !== now) {
        affected.add(was);
        if (!result.merged.has(was)) result.merged.set(was, now);
      }
    }
  }
  // Members of affected journeys: stored ones (wherever they are now) and the new ones.
  const members = new Map<string, OrderedContact[]>();
  const seen = new Set<string>();
  const join = (contact: OrderedContact) => {
    if (seen.has(contact.id)) return;
    seen.add(contact.id);
    const journeyId = journeyNow(contact);
    if (!affected.has(journeyId)) return;
    let list = members.get(journeyId);
    if (!list) members.set(journeyId, (list = []));
    list.push(contact);
  };
  for (const contact of after) join(contact);
  for (const journeyId of affected)
    for (const m of journeys.get(journeyId) ?? []) join(storedById.get(m.id) ?? m);
  const steps = new Map<string, { journeyStep: number; settledStep: number | null }>();
  for (const list of members.values()) {
    list.sort(compareContacts);
    let settled = 0;
    list.forEach((contact, index) => {
      steps.set(contact.id, { journeyStep: index + 1, settledStep: settles(contact) ? ++settled : null });
    });
  }

  // Each settled contact's previous settled contact for the same reason (whose transition it is),
  // from the first contact that can change on: an earlier one within reach was read with them.
  const previous = new Map<
    string,
    Pick<Placement, 'previousChannel' | 'previousStartedAt' | 'previousGapDays'>
  >();
  const none = { previousChannel: null, previousStartedAt: null, previousGapDays: null };
  for (const reason of new Set([...fresh, ...batch.touched].map((c) => c.reason))) {
    let last: OrderedContact | undefined;
    for (const contact of all) {
      if (contact.reason !== reason) continue;
      const changes = compareContacts(contact, changedOrder) >= 0;
      if (!settles(contact)) {
        if (changes) previous.set(contact.id, none);
        continue;
      }
      if (changes) {
        const gap = last ? gapDays(last.startedAt, contact.startedAt, TRANSITION_DAYS) : null;
        previous.set(
          contact.id,
          gap === null
            ? none
            : { previousChannel: last!.channel, previousStartedAt: last!.startedAt, previousGapDays: gap },
        );
      }
      last = contact;
    }
  }

  const placementOf = (contact: OrderedContact, was?: Placement): Placement => ({
    journeyId: journeyNow(contact),
    journeyStep: steps.get(contact.id)?.journeyStep ?? was!.journeyStep,
    settledStep: steps.has(contact.id) ? steps.get(contact.id)!.settledStep : was!.settledStep,
    ...(previous.get(contact.id) ?? {
      previousChannel: was!.previousChannel,
      previousStartedAt: was!.previousStartedAt,
      previousGapDays: was!.previousGapDays,
    }),
    segment,
  });
  for (const contact of fresh) result.placed.set(contact.id, placementOf(contact));
  const storedContacts = [
    ...storedById.values(),
    ...[...members.values()].flat().filter((c): c is Stored => 'journeyStep' in c),
  ];
  for (const was of storedContacts) {
    if (result.changed.has(was.id) || freshIds.has(was.id)) continue;
    const now = placementOf(
      touchedIds.has(was.id) ? { ...was, ...batch.touched.find((t) => t.id === was.id)! } : was,
      was,
    );
    if (
      now.journeyId !== was.journeyId ||
      now.journeyStep !== was.journeyStep ||
      now.settledStep !== was.settledStep ||
      now.previousChannel !== was.previousChannel ||
      now.previousStartedAt?.getTime() !== was.previousStartedAt?.getTime() ||
      now.previousGapDays !== was.previousGapDays ||
      now.segment !== was.segment
    )
      result.changed.set(was.id, now);
  }
}

async function customerSegments(db: Kysely<Database>, ids: string[]): Promise<Map<string, string>> {
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
async function latestStarts(db: Kysely<Database>, ids: string[]): Promise<Map<string, Date>> {
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
async function lastPerReason(
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
async function storedSince(db: Kysely<Database>, ids: string[], from: Date[]): Promise<Stored[]> {
  if (ids.length === 0) return [];
  const result = await sql<StoredRow>`
    select i.* from unnest(${ids}::uuid[], ${from}::timestamptz[]) as k(customer_id, since)
    cross join lateral (
      select ${storedColumns} from interactions i
      where i.customer_id = k.customer_id and i.started_at >= k.since) i`.execute(db);
  return result.rows.map(toStored);
}

/** The journeys of the stored contacts new ones were handed off from. */
async function originJourneys(
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
async function journeyMembers(db: Kysely<Database>, journeyIds: string[]): Promise<Map<string, Stored[]>> {
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
