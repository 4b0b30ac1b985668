import type { Kysely } from 'kysely';
import {
  assignJourneys,
  compareContacts,
  numberSteps,
  settles,
  transitionFrom,
  type JourneySteps,
  type OpenJourney,
  type OrderedContact,
  type Transition,
} from '../journeys.ts';
import { notFound } from '../errors.ts';
import { TRANSITION_DAYS } from './census-rollup-sql.ts';
import type { Database } from './schema.ts';
import {
  customerSegments,
  journeyTails,
  lastPerReason,
  latestStarts,
  originJourneys,
  storedSince,
  REACH_BACK_MS,
  type JourneyTail,
  type Stored,
} from './postgres-journey-reads.ts';

// Places contacts in journeys and keeps what the census derives from their order (journey and
// settled steps, each contact's previous contact for the same reason) true whatever order contacts
// arrive in. Runs inside the writing transaction, under a lock per customer.

const DAY_MS = 86_400_000;

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
      result.placed.set(contact.id, placeAnonymous(contact, options.newId));
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
  const storedIds = new Set<string>();
  const add = (rows: Stored[]) => {
    for (const row of rows) {
      if (storedIds.has(row.id)) continue;
      storedIds.add(row.id);
      const list = stored.get(row.customerId!);
      if (list) list.push(row);
      else stored.set(row.customerId!, [row]);
    }
  };
  add(
    await lastPerReason(
      db,
      appending.map((id) => ({
        customerId: id,
        reasons: [...new Set(byCustomer.get(id)!.fresh.map((c) => c.reason))],
        before: firstAt.get(id)!,
      })),
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
  // placed one, and those handed off from; each read from the first contact placed of the
  // customers that can touch it (a member before that keeps its steps).
  const tailsFrom = new Map<string, Date>();
  const touch = (journeyId: string, from: Date) => {
    const held = tailsFrom.get(journeyId);
    if (!held || from < held) tailsFrom.set(journeyId, from);
  };
  const origins = await originJourneys(db, fresh, stored);
  for (const contact of fresh) {
    const origin = contact.handoffFromId && origins.get(contact.handoffFromId);
    if (origin) touch(origin, firstAt.get(contact.customerId!)!);
  }
  for (const [id, list] of stored) {
    const first = firstAt.get(id)!;
    const lastPerReasonJourney = new Map<string, Stored>();
    for (const s of [...list].sort(compareContacts)) {
      if (s.startedAt >= first) touch(s.journeyId, first);
      else lastPerReasonJourney.set(s.reason, s);
    }
    // Only a journey whose last contact is within the window can be continued.
    for (const s of lastPerReasonJourney.values())
      if (first.getTime() - s.startedAt.getTime() <= options.windowDays * DAY_MS) touch(s.journeyId, first);
  }
  const tails = await journeyTails(db, tailsFrom);
  const journeyOfMember = new Map(origins);
  for (const [journeyId, tail] of tails) for (const m of tail.members) journeyOfMember.set(m.id, journeyId);
  for (const [customerId, batch] of byCustomer) {
    placeCustomer(
      batch,
      stored.get(customerId) ?? [],
      { tails, of: journeyOfMember },
      segments.get(customerId) ?? null,
      options,
      result,
    );
  }
  return result;
}

/** An anonymous contact: nobody to follow, so a journey of its own. */
export function placeAnonymous(contact: OrderedContact, newId: () => string): Placement {
  if (contact.handoffFromId)
    throw notFound('interaction (handoffFromId of an anonymous contact)', contact.handoffFromId);
  return {
    journeyId: newId(),
    ...numberSteps([contact]).get(contact.id)!,
    ...transitionFrom(undefined, contact, TRANSITION_DAYS),
    segment: null,
  };
}

function group<T>(map: Map<string, { fresh: T[]; touched: T[] }>, key: string) {
  let entry = map.get(key);
  if (!entry) map.set(key, (entry = { fresh: [], touched: [] }));
  return entry;
}

function placeCustomer(
  batch: { fresh: OrderedContact[]; touched: OrderedContact[] },
  stored: Stored[],
  journeys: { tails: Map<string, JourneyTail>; of: Map<string, string> },
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
  // the window is shorter than the span read. The journeys of contacts handed off from were read
  // beside the journeys.
  for (const contact of after) {
    const origin = contact.handoffFromId;
    if (origin && !journeyOf.has(origin) && journeys.of.has(origin))
      journeyOf.set(origin, journeys.of.get(origin)!);
  }
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
    assigned.get(c.id) ?? storedById.get(c.id)?.journeyId ?? journeyOf.get(c.id) ?? journeys.of.get(c.id)!;
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
    for (const m of journeys.tails.get(journeyId)?.members ?? []) join(storedById.get(m.id) ?? m);
  const steps = new Map<string, JourneySteps>();
  for (const [journeyId, list] of members)
    numberSteps(list, steps, journeys.tails.get(journeyId)?.before ?? { steps: 0, settled: 0 });

  // Each settled contact's previous settled contact for the same reason (whose transition it is),
  // from the first contact that can change on: an earlier one within reach was read with them.
  const previous = new Map<string, Transition>();
  const none = transitionFrom(undefined, changedOrder, TRANSITION_DAYS);
  for (const reason of new Set([...fresh, ...batch.touched].map((c) => c.reason))) {
    let last: OrderedContact | undefined;
    for (const contact of all) {
      if (contact.reason !== reason) continue;
      const changes = compareContacts(contact, changedOrder) >= 0;
      if (!settles(contact)) {
        if (changes) previous.set(contact.id, none);
        continue;
      }
      if (changes) previous.set(contact.id, transitionFrom(last, contact, TRANSITION_DAYS));
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
