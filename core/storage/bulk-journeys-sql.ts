import type pg from 'pg';
import type { RollupTally } from './bulk-rollups.ts';
import { handleMs, TRANSITION_DAYS } from './census-rollup-sql.ts';
import { copyOut } from './copy-lines.ts';
import type { bulkMonthTables } from './interaction-months.ts';

// The journey rule of a bulk load in SQL (see journeys.ts for the rule itself): without hand-offs
// a journey is a run of one customer's contacts for one reason, each at most the window after the
// one before, so that window functions over the contacts sorted once place them all in the
// database, where the app would read each back to place it. A hand-off within such a run (the
// usual transfer to an agent) changes nothing; any other leaves the load to the app.

/** The journey order (compareContacts) with the columns' table named. */
export const journeyOrder = (table: string) =>
  `${table}.started_at, ${table}.source collate "C", ${table}.external_id collate "C", ${table}.id`;

/** The columns a load stages of each contact. */
export const STAGED_COLUMNS = [
  'id',
  'customer_id',
  'channel',
  'touchpoint',
  'direction',
  'reason',
  'started_at',
  'ended_at',
  'outcome',
  'handoff_from_id',
  'source',
  'external_id',
  'details',
] as const;

/** The columns of the log a bulk load writes: the staged ones and their placement. */
export const PLACED_COLUMNS = [
  ...STAGED_COLUMNS,
  'journey_id',
  'journey_step',
  'settled_step',
  'previous_channel',
  'previous_started_at',
  'previous_gap_days',
  'segment',
] as const;

/**
 * A journey's id, from the contact that opens it (its id and start, which the log's key holds
 * unique together): a load of the same contacts (a seed run again) gives the same journeys.
 * Version 4's and the variant's bits are set, as in any UUID.
 */
const journeyIdOf = (contact: string) =>
  `overlay(overlay(md5('journey ' || ${contact}.id::text || ' ' || ${contact}.started_at::text) placing '4' from 13) placing '8' from 17)::uuid`;

/**
 * The staged contacts of `staged` (the load's columns) placed, as a query: each one's journey
 * (its id made from its first contact's, the same for all its contacts), step, settled step,
 * transition and segment. An anonymous contact is a journey of its own.
 */
export function placedContacts(staged: string, windowDays: number): string {
  const order = journeyOrder('s');
  // A settled contact's transition: from the customer's previous settled one for the reason, if recent.
  const follows = `settles and customer_id is not null and gap <= ${TRANSITION_DAYS}`;
  return `
    with sorted as (
      select s.*, c.segment, s.outcome <> 'continued' as settles,
        s.customer_id is null
          or coalesce(s.started_at - lag(s.started_at) over reason > interval '${windowDays} days', true) as opens
      from ${staged} s left join customers c on c.id = s.customer_id
      window reason as (partition by s.customer_id, s.reason order by ${order})
    ), runs as (
      select s.*, count(*) filter (where opens) over reason as run,
        case when opens then ${journeyIdOf('s')} end as opened_id
      from sorted s
      window reason as (partition by s.customer_id, s.reason order by ${order})
    ), placed as (
      select s.*,
        first_value(s.opened_id) over journey as journey_id,
        row_number() over journey as journey_step,
        count(*) filter (where settles) over journey as settled_count,
        lag(s.channel) over settled as before_channel,
        lag(s.started_at) over settled as before_at,
        ceil(extract(epoch from s.started_at - lag(s.started_at) over settled) / 86400) as gap
      from runs s
      window journey as (partition by s.customer_id, s.reason, s.run order by ${order}),
        settled as (partition by s.customer_id, s.reason, s.settles order by ${order})
    )
    select id, customer_id, channel, touchpoint, direction, reason, started_at, ended_at, outcome,
      handoff_from_id, source, external_id, details, journey_id, journey_step,
      case when settles then settled_count end as settled_step,
      case when ${follows} then before_channel end as previous_channel,
      case when ${follows} then before_at end as previous_started_at,
      case when ${follows} then greatest(gap, 0) end as previous_gap_days,
      segment
    from placed`;
}

/**
 * Whether every staged hand-off is one the window alone already puts in its origin's journey: the
 * same customer's contact about the same reason, before it in the journey order and at most the
 * window before it. Every contact between the two for that reason is then within the window of
 * the one before, so the run the hand-off continues is its origin's, and the database places
 * the load exactly as the journey rule would.
 */
export async function handoffsWithinWindow(
  session: pg.Client,
  options: { staged: string; windowDays: number },
): Promise<boolean> {
  // Counted rather than asked with `exists`: for a first match the planner loops over the staged
  // contacts once per hand-off (17 minutes into the seed's 1,000,000 it was still going); for a
  // count it joins them in one pass (1.2 s).
  const { rows } = await session.query<{ within: boolean }>(
    `select count(*) = 0 as within
      from ${options.staged} h left join ${options.staged} o on o.id = h.handoff_from_id
      where h.handoff_from_id is not null and not coalesce(
        o.customer_id = h.customer_id and o.reason = h.reason
          and h.started_at - o.started_at <= interval '${options.windowDays} days'
          and (${journeyOrder('o')}) < (${journeyOrder('h')}),
        false)`,
  );
  return rows[0]!.within;
}

/** What the rollups count of a placed contact (a RolledContact), as the columns of `placed`. */
const ROLLED = `customer_id, reason, coalesce(segment, ''), channel, touchpoint,
  (extract(epoch from started_at) * 1000)::float8, ${handleMs('started_at', 'ended_at')}, settled_step,
  previous_channel, (extract(epoch from previous_started_at) * 1000)::float8, previous_gap_days`;

/**
 * Places the staged contacts in SQL and writes them in one statement, into the load's table of
 * its months. Each settled contact is added up in `tally` as it is written (the app adds up the
 * rollups while the database places and writes the rest): the rows written are sent back as they
 * go, not held and read again (1.3 s of 12 at 1,000,000 contacts). Returns how many were written.
 */
export async function placeInSql(
  session: pg.Client,
  options: { staged: string; windowDays: number; months: Awaited<ReturnType<typeof bulkMonthTables>> },
  tally: RollupTally,
): Promise<number> {
  const columns = PLACED_COLUMNS.join(', ');
  // Its sorts spill to disk in little memory at about the same speed: with 64 MB each, the server
  // outgrew the import's other processes (343 MB against 226 MB with 16 MB, 1,000,000 contacts).
  await session.query(`set local work_mem = '16MB'`);
  return copyOut(
    session,
    `copy (insert into ${options.months.table} (${columns})
      select ${columns} from (${placedContacts(options.staged, options.windowDays)}) placed
      returning ${ROLLED}) to stdout`,
    ([customerId, reason, segment, channel, touchpoint, startedMs, handle, step, before, beforeMs, gap]) => {
      if (step === null) return;
      tally.add({
        customerId: customerId ?? null,
        reason: reason!,
        segment: segment!,
        channel: channel!,
        touchpoint: touchpoint!,
        startedAt: new Date(Number(startedMs)),
        handleMs: handle === null ? null : Number(handle),
        settledStep: Number(step),
        previous:
          before === null || before === undefined
            ? null
            : { channel: before, startedAt: new Date(Number(beforeMs)), gapDays: Number(gap) },
      });
    },
  );
}
