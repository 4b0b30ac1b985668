import type pg from 'pg';
import type { Outcome } from '../interactions.ts';
import {
  assignJourneys,
  compareContacts,
  numberSteps,
  settles,
  transitionFrom,
  type JourneySteps,
  type Transition,
} from '../journeys.ts';
import { notFound } from '../errors.ts';
import { placeAnonymous, type Placement } from './postgres-journey-placement.ts';
import { createRollupTally, type RolledContact, type RollupTally } from './bulk-rollups.ts';
import { handleMs, ROLLUPS_DEFERRED, TRANSITION_DAYS } from './census-rollup-sql.ts';
import { handoffsWithinWindow, journeyOrder, placeInSql, PLACED_COLUMNS } from './bulk-journeys-sql.ts';
import { copyLine, copyText } from './copy-lines.ts';
import { bulkMonthTables } from './interaction-months.ts';

// The bulk way of a load (see postgres-interaction-loader.ts): the staged contacts of a log that
// holds none, placed with the journey rule — by the database unless a hand-off leaves its reason's
// journey (bulk-journeys-sql.ts), otherwise read back customer by customer in the journey order,
// placed in memory and written by COPY — with the rollup triggers deferred; their rollups added up
// in memory and written by COPY at the end (bulk-rollups.ts).

/** Rows per FETCH, and per `recordMany` on the incremental way. */
export const BATCH = 5000;
/** Rows per COPY into the log: each statement also runs the log's statement triggers once. */
const COPY_ROWS = 50_000;

export interface StagedRow {
  id: string;
  customer_id: string | null;
  channel: string;
  touchpoint: string;
  direction: string;
  reason: string;
  started_at: Date;
  ended_at: string | null;
  outcome: string;
  handoff_from_id: string | null;
  source: string;
  external_id: string | null;
  details: string;
  segment: string | null;
  /** The handle time the rollups add up, from the rollup SQL's own expression. */
  handle_ms: string | null;
}

/** A staged contact as the journey rule reads it, with the row it came from. */
interface Staged {
  id: string;
  customerId: string | null;
  channel: string;
  reason: string;
  startedAt: Date;
  source: string;
  externalId: string | null;
  outcome: Outcome;
  handoffFromId: string | null;
  row: StagedRow;
}

/** Ends and details as text: written back as read. */
const stagedSelect = `l.id, l.customer_id, l.channel, l.touchpoint, l.direction, l.reason, l.started_at,
  l.ended_at::text as ended_at, l.outcome, l.handoff_from_id, l.source, l.external_id, l.details::text as details,
  ${handleMs('l.started_at', 'l.ended_at')} as handle_ms`;

/** Places and stores the staged contacts in a log that holds none, inside the caller's transaction. */
export async function inBulk(
  session: pg.Client,
  options: {
    windowDays: number;
    newId: () => string;
    months: readonly Date[];
    /** Whether any staged contact is handed off from another. */
    handoffs: boolean;
    /** Whether an import checked each staged contact's customer as it read it. */
    customersChecked: boolean;
  },
): Promise<{ stored: number; placedBy: 'database' | 'app' }> {
  await session.query(`set local ${ROLLUPS_DEFERRED} = 'on'`);
  // The staged contacts are sorted. A sort of 1,000,000 contacts spills past 64 MB, at the same
  // import rate as one held whole in 256 MB, and the server's memory stays well below the CLI's.
  await session.query(`set local work_mem = '64MB'`);
  // A pass over the staged contacts (about a second at 1,000,000), made unless an import checked
  // each contact's customer as it read it: one deleted since is refused by the log's reference to
  // it as its month is attached or its contact written (`not_found` too).
  if (!options.customersChecked) {
    const unknown = await session.query<{ customer_id: string }>(
      `select l.customer_id from interaction_load l where l.customer_id is not null
        and not exists (select 1 from customers c where c.id = l.customer_id) limit 1`,
    );
    if (unknown.rows[0]) throw notFound('customer', unknown.rows[0].customer_id);
  }
  const months = await bulkMonthTables(session, options.months);
  // The database places the contacts (an import from other systems, a seed whose hand-offs are
  // transfers within the journey anyway) and sends each as it is placed, for the app to add up
  // the rollups meanwhile (the rollup SQL over the whole log took 45 s at 1,000,000 contacts).
  // Other hand-offs chain journeys across reasons, which the app's journey rule follows: the
  // contacts are then read back and placed in memory, their rollups added up on the way.
  const staged = { staged: 'interaction_load', windowDays: options.windowDays };
  const tally = createRollupTally();
  // An import stages no hand-off: nothing to check.
  const within = !options.handoffs || (await handoffsWithinWindow(session, staged));
  const placedBy = within ? 'database' : 'app';
  const stored =
    placedBy === 'database'
      ? await placeInSql(session, { ...staged, months }, tally)
      : await placeInApp(session, options, months, tally);
  await months.attach(PLACED_COLUMNS);
  await tally.write(session);
  // What the log's insert trigger notes of a COPY into it, for the months written beside it.
  await session.query(
    'insert into contact_reasons (reason) select distinct reason from interaction_load on conflict do nothing',
  );
  await session.query(`insert into interaction_sources (source, external_id, interaction_id)
    select source, external_id, id from interaction_load where external_id is not null`);
  return { stored, placedBy };
}

/**
 * The staged contacts read back customer by customer in the journey order, placed in memory,
 * written by COPY; their rollups added up in `tally` as they are placed. Returns how many were
 * written.
 */
async function placeInApp(
  session: pg.Client,
  options: { windowDays: number; newId: () => string },
  months: Awaited<ReturnType<typeof bulkMonthTables>>,
  tally: RollupTally,
): Promise<number> {
  await session.query(
    `declare staged no scroll cursor for select ${stagedSelect}, c.segment
      from interaction_load l left join customers c on c.id = l.customer_id
      order by l.customer_id, ${journeyOrder('l')}`,
  );
  let stored = 0;
  // COPY lines into the load's table of its months, COPY_ROWS at most at once.
  const out = copyText();
  let customer: Staged[] = [];
  const store = (contact: Staged, placement: Placement, previous?: Staged) => {
    out.add(logLine(contact, placement));
    if (settles(contact)) tally.add(rolled(contact, placement, previous));
  };
  const place = () => {
    for (const [contact, placement, previous] of placeCustomer(customer, options))
      store(contact, placement, previous);
    customer = [];
  };
  const copy = async () => {
    stored += out.lines;
    if (out.lines > 0)
      await out.copyIn(session, `copy ${months.table} (${PLACED_COLUMNS.join(', ')}) from stdin`);
  };
  for (;;) {
    const { rows } = await session.query<StagedRow>(`fetch ${BATCH} from staged`);
    for (const row of rows) {
      const contact = toStaged(row);
      if (customer.length > 0 && customer[0]!.customerId !== contact.customerId) place();
      if (contact.customerId === null) store(contact, placeAnonymous(contact, options.newId));
      else customer.push(contact);
    }
    if (rows.length === 0) break;
    if (out.lines >= COPY_ROWS) await copy();
  }
  place();
  await copy();
  await session.query('close staged');
  return stored;
}

/**
 * One customer's contacts, in journey order, placed in a log that held none of theirs: the
 * journey rule from an empty state, each journey's steps, each settled contact's transition
 * (with the contact it comes from).
 */
function placeCustomer(
  contacts: readonly Staged[],
  options: { windowDays: number; newId: () => string },
): [Staged, Placement, Staged | undefined][] {
  if (contacts.length === 0) return [];
  contacts = [...contacts].sort(compareContacts);
  const journeys = assignJourneys(contacts, {
    windowDays: options.windowDays,
    open: new Map(),
    journeyOf: new Map(),
    previous: () => undefined,
    newId: options.newId,
  });
  const members = new Map<string, Staged[]>();
  for (const contact of contacts) {
    const journeyId = journeys.get(contact.id)!;
    const list = members.get(journeyId);
    if (list) list.push(contact);
    else members.set(journeyId, [contact]);
  }
  const steps = new Map<string, JourneySteps>();
  for (const list of members.values()) numberSteps(list, steps);
  const lastSettled = new Map<string, Staged>();
  const segment = contacts[0]!.row.segment;
  return contacts.map((contact) => {
    let transition: Transition = transitionFrom(undefined, contact, TRANSITION_DAYS);
    let previous: Staged | undefined;
    if (settles(contact)) {
      previous = lastSettled.get(contact.reason);
      transition = transitionFrom(previous, contact, TRANSITION_DAYS);
      lastSettled.set(contact.reason, contact);
    }
    return [
      contact,
      { journeyId: journeys.get(contact.id)!, ...steps.get(contact.id)!, ...transition, segment },
      transition.previousChannel === null ? undefined : previous,
    ];
  });
}

/** A settled contact as the rollups count it. */
function rolled({ row }: Staged, p: Placement, previous: Staged | undefined): RolledContact {
  return {
    reason: row.reason,
    segment: p.segment ?? '',
    channel: row.channel,
    touchpoint: row.touchpoint,
    customerId: row.customer_id,
    startedAt: row.started_at,
    handleMs: row.handle_ms === null ? null : Number(row.handle_ms),
    settledStep: p.settledStep,
    previous: previous
      ? { channel: previous.channel, startedAt: previous.startedAt, gapDays: p.previousGapDays! }
      : null,
  };
}

function toStaged(row: StagedRow): Staged {
  return {
    id: row.id,
    customerId: row.customer_id,
    channel: row.channel,
    reason: row.reason,
    startedAt: row.started_at,
    source: row.source,
    externalId: row.external_id,
    outcome: row.outcome as Outcome,
    handoffFromId: row.handoff_from_id,
    row,
  };
}

function logLine({ row }: Staged, p: Placement): string {
  return copyLine([
    row.id,
    row.customer_id,
    row.channel,
    row.touchpoint,
    row.direction,
    row.reason,
    row.started_at,
    row.ended_at,
    row.outcome,
    row.handoff_from_id,
    row.source,
    row.external_id,
    row.details,
    p.journeyId,
    p.journeyStep,
    p.settledStep,
    p.previousChannel,
    p.previousStartedAt,
    p.previousGapDays,
    p.segment,
  ]);
}
