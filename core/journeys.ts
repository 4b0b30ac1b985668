import { notFound } from './errors.ts';
import type { Outcome } from './interactions.ts';

// The journey rule and what the census derives from it, as pure functions of a customer's
// contacts in their order — so the result is the same whatever order the contacts were written in.

const DAY_MS = 86_400_000;

/** A contact as the journey rule sees it. */
export interface OrderedContact {
  id: string;
  customerId: string | null;
  channel: string;
  reason: string;
  startedAt: Date;
  source: string;
  externalId: string | null;
  outcome: Outcome;
  handoffFromId: string | null;
}

/**
 * The order of contacts: by start, then — for contacts that start together (a file with minute
 * precision) — by the source system and the contact's id there, bytewise; the stored id only
 * breaks ties between contacts that have neither. The database orders them the same way
 * (`started_at, source collate "C", external_id collate "C", id`).
 */
export function compareContacts(a: OrderedContact, b: OrderedContact): number {
  return (
    a.startedAt.getTime() - b.startedAt.getTime() ||
    byteOrder(a.source, b.source) ||
    byteOrderNullsLast(a.externalId, b.externalId) ||
    byteOrder(a.id, b.id)
  );
}

/**
 * Bytewise UTF-8 order without encoding: UTF-16 code units order like code points (and so like
 * UTF-8 bytes) except where both are surrogates or above them, the only case that encodes.
 */
function byteOrder(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    if (x < 0xd800 || y < 0xd800) return x - y;
    return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
  }
  return a.length - b.length;
}

function byteOrderNullsLast(a: string | null, b: string | null): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  return byteOrder(a, b);
}

/** A contact settles something unless it is a conversational turn that asked back. */
export const settles = (contact: { outcome: Outcome }) => contact.outcome !== 'continued';

/** The next contact's gap in started days (0–`maxDays`), or null when it is later than that. */
export function gapDays(from: Date, to: Date, maxDays: number): number | null {
  const days = Math.ceil((to.getTime() - from.getTime()) / DAY_MS);
  return days <= maxDays ? Math.max(days, 0) : null;
}

/** A contact's place among its journey's contacts, and among those that settle. */
export interface JourneySteps {
  journeyStep: number;
  settledStep: number | null;
}

/**
 * Numbers the contacts of one journey in order: steps 1, 2, 3…, and settled steps among those that
 * settle; after `before`'s steps when they follow members not numbered here.
 */
export function numberSteps(
  members: readonly OrderedContact[],
  into: Map<string, JourneySteps> = new Map(),
  before: { steps: number; settled: number } = { steps: 0, settled: 0 },
): Map<string, JourneySteps> {
  let settled = before.settled;
  [...members].sort(compareContacts).forEach((contact, index) => {
    into.set(contact.id, {
      journeyStep: before.steps + index + 1,
      settledStep: settles(contact) ? ++settled : null,
    });
  });
  return into;
}

/** The transition a settled contact ends: from its customer's previous settled contact for the same reason. */
export interface Transition {
  previousChannel: string | null;
  previousStartedAt: Date | null;
  previousGapDays: number | null;
}

/** The transition from `last` (the previous settled contact for the reason) to `contact`; none beyond `maxDays`. */
export function transitionFrom(
  last: { channel: string; startedAt: Date } | undefined,
  contact: { startedAt: Date },
  maxDays: number,
): Transition {
  const gap = last ? gapDays(last.startedAt, contact.startedAt, maxDays) : null;
  return gap === null
    ? { previousChannel: null, previousStartedAt: null, previousGapDays: null }
    : { previousChannel: last!.channel, previousStartedAt: last!.startedAt, previousGapDays: gap };
}

/** Where the rule left a (customer, reason) before the contacts being placed: its open journey. */
export interface OpenJourney {
  journeyId: string;
  lastAt: Date;
}

/**
 * Assigns journeys to one customer's contacts, in order (see {@link compareContacts}): a contact
 * handed off from another joins that one's journey; otherwise it continues the journey of the
 * customer's previous contact for the same reason when that one started at most `windowDays`
 * before it; otherwise it opens a journey. `open` is the state before the first contact;
 * `journeyOf` knows the journeys of contacts handed off from that are not in the list.
 * `previous` names the journey a contact had before (to keep its id when it still opens one).
 */
export function assignJourneys(
  contacts: readonly OrderedContact[],
  options: {
    windowDays: number;
    open: Map<string, OpenJourney>;
    journeyOf: Map<string, string>;
    previous: (contact: OrderedContact) => string | undefined;
    newId: () => string;
  },
): Map<string, string> {
  const windowMs = options.windowDays * DAY_MS;
  const open = new Map(options.open);
  const assigned = new Map<string, string>();
  const used = new Set<string>([...open.values()].map((o) => o.journeyId));
  for (const contact of contacts) {
    const tail = open.get(contact.reason);
    let journeyId: string;
    if (contact.handoffFromId) {
      const origin = assigned.get(contact.handoffFromId) ?? options.journeyOf.get(contact.handoffFromId);
      if (!origin)
        throw notFound('interaction (handoffFromId, not earlier than the contact)', contact.handoffFromId);
      journeyId = origin;
    } else if (tail && contact.startedAt.getTime() - tail.lastAt.getTime() <= windowMs) {
      journeyId = tail.journeyId;
    } else {
      const before = options.previous(contact);
      journeyId = before && !used.has(before) ? before : options.newId();
    }
    used.add(journeyId);
    assigned.set(contact.id, journeyId);
    open.set(contact.reason, { journeyId, lastAt: contact.startedAt });
  }
  return assigned;
}
