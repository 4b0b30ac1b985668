import { DateTime } from 'luxon';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { REFERENCE_ZONE } from '../clock.ts';
import { LAST_STEP_BUCKET, type CensusSource } from '../census.ts';
import {
  countedSets,
  createCensusMerger,
  groupColumns,
  type CensusPartialRow,
  type GroupColumn,
} from '../census-merge.ts';
import {
  walkInChunks,
  walkKeysetChunks,
  type AdaptiveChunkOptions,
  type ChunkReport,
} from './adaptive-chunks.ts';
import type { Database } from './schema.ts';

/** What one query of a census did, for benchmarks and for tuning the chunk size. */
export interface CensusChunk {
  /** `customers`: one slice of the customers in id order; `anonymous`: one time window of anonymous contacts. */
  kind: 'customers' | 'anonymous';
  /** Customers in the slice, or milliseconds of the window. */
  size: number;
  /** Wall time of the aggregate query, in milliseconds. */
  elapsedMs: number;
}

/** `initialChunk`, `minChunk` and `maxChunk` count customers. */
export interface PostgresCensusOptions extends AdaptiveChunkOptions {
  /** Days of anonymous contacts in the first window (default 7), before adapting. */
  initialAnonymousWindowDays?: number;
  /** Called after each query (benchmarks, tests). */
  onChunk?: (chunk: CensusChunk) => void;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const MIN_WINDOW_MS = HOUR_MS;
const MAX_WINDOW_MS = 92 * DAY_MS;

/** What `grouping(channel, reason, …)` returns for a set: a bit, first column highest, per column left out. */
function groupingMask(columns: readonly GroupColumn[]): number {
  return groupColumns.reduce(
    (mask, column, index) =>
      columns.includes(column) ? mask : mask | (1 << (groupColumns.length - 1 - index)),
    0,
  );
}

/**
 * A census computed in many short queries, so that on the embedded database (one session)
 * other requests get their turn between them.
 *
 * The customers are walked in id order, a slice at a time (of the segment, when the filter
 * names one); one aggregate query per slice reads that slice's contacts through the
 * customer indexes and returns partial counts. A customer is in exactly one slice, so counts
 * and distinct-customer counts add up across slices. Anonymous contacts are read in time
 * windows. The slice (and window) size adapts so that each query takes about
 * `targetChunkMs`; between queries the event loop gets a turn and `signal` is checked.
 * The queries do not share one snapshot: a contact recorded while a census runs may or may
 * not be counted (each customer's contacts are still read together, in one query).
 *
 * What is counted:
 * - a contact is an interaction with outcome other than `continued` that started on or after
 *   `from` 00:00 and before the day after `to` 00:00, in the reference zone (Europe/Rome),
 *   of `filter.reason` when given;
 * - with `filter.segment`, only the contacts of that segment's customers: anonymous contacts
 *   have no segment and are left out;
 * - heatmap weekday (ISO, 1 = Monday) and hour, and the week's Monday, are taken in the
 *   reference zone;
 * - `averageHandleSeconds`: mean of `ended_at − started_at` over the contacts with an end
 *   time (`timedContacts`), null when there is none;
 * - transitions: for each contact of a known customer, that customer's next contact for the
 *   same reason (ordered by start, then id; `continued` turns skipped), when it starts at most
 *   `withinDays` × 24 h after the contact (it may fall after `to`); `to` null otherwise.
 *   Anonymous contacts have no transitions;
 * - steps: the contact's position among the settled contacts of its journey, i.e. its
 *   `journey_step` less the journey's `continued` turns with a smaller step (wherever they
 *   fall in time: a conversation may begin before `from`); from LAST_STEP_BUCKET on counted
 *   as that one.
 *
 * Order: channels by contacts (most first), then code; every other list by its keys in the
 * order they are declared in `Census` (strings by code unit, transitions to none last).
 */
export function createPostgresCensusSource(
  db: Kysely<Database>,
  options: PostgresCensusOptions = {},
): CensusSource {
  return {
    async compute(filter, { signal } = {}) {
      const from = DateTime.fromISO(filter.from, { zone: REFERENCE_ZONE }).startOf('day');
      const fromAt = from.toJSDate();
      const toEnd = DateTime.fromISO(filter.to, { zone: REFERENCE_ZONE }).plus({ days: 1 }).startOf('day');
      const toEndAt = toEnd.toJSDate();
      const withinMs = filter.withinDays * DAY_MS;
      const merged = createCensusMerger();

      const customers = {
        ...options,
        signal,
        key: (id: string) => id,
        onChunk: (chunk: ChunkReport) => options.onChunk?.({ kind: 'customers', ...chunk }),
      };
      await walkKeysetChunks(customers, async (after, limit, time) => {
        const ids = await customerSlice(db, filter.segment, after, limit);
        if (ids.length === 0) return ids;
        const rows = await time(() =>
          aggregate(db, {
            scope: sql`customer_id = any(${ids}::uuid[]) and started_at >= ${fromAt}
              and started_at < ${new Date(toEndAt.getTime() + withinMs)}`,
            countedBefore: toEndAt,
            reason: filter.reason,
            withinMs,
          }),
        );
        merged.add(rows, false);
        return ids;
      });

      const end = toEndAt.getTime();
      let start = fromAt.getTime();
      if (filter.segment === undefined && start < end) {
        const windows = {
          targetChunkMs: options.targetChunkMs,
          ...(options.restRatio ? { restRatio: options.restRatio } : {}),
          initialChunk: (options.initialAnonymousWindowDays ?? 7) * DAY_MS,
          minChunk: MIN_WINDOW_MS,
          maxChunk: MAX_WINDOW_MS,
          signal,
          onChunk: (chunk: ChunkReport) => options.onChunk?.({ kind: 'anonymous', ...chunk }),
        };
        await walkInChunks(windows, async (span, time) => {
          const stop = Math.min(start + span, end);
          const rows = await time(() =>
            aggregate(db, {
              scope: sql`customer_id is null and started_at >= ${new Date(start)} and started_at < ${new Date(stop)}`,
              countedBefore: toEndAt,
              reason: filter.reason,
              withinMs: null,
            }),
          );
          merged.add(rows, true);
          const units = stop - start;
          start = stop;
          return { units, done: start >= end };
        });
      }

      return { filter, ...merged.result() };
    },
  };
}

async function customerSlice(
  db: Kysely<Database>,
  segment: string | undefined,
  after: string | null,
  limit: number,
): Promise<string[]> {
  let query = db.selectFrom('customers').select('id').orderBy('id').limit(limit);
  if (segment !== undefined) query = query.where('segment', '=', segment);
  if (after !== null) query = query.where('id', '>', after);
  return (await query.execute()).map((row) => row.id);
}

/**
 * One query: the partial census of the contacts in `scope` (rows read may start up to
 * `withinMs` after `countedBefore`, to find next contacts; only those before it are counted).
 * `withinMs` null: no transitions (anonymous contacts).
 */
async function aggregate(
  db: Kysely<Database>,
  query: {
    scope: RawBuilder<unknown>;
    countedBefore: Date;
    reason: string | undefined;
    withinMs: number | null;
  },
): Promise<CensusPartialRow[]> {
  const reason = query.reason === undefined ? sql`` : sql`and reason = ${query.reason}`;
  const next =
    query.withinMs === null
      ? sql`null::text as next_channel, null::timestamptz as next_started_at`
      : sql`lead(channel) over w as next_channel, lead(started_at) over w as next_started_at`;
  const within = `${query.withinMs ?? 0} milliseconds`;
  const columns = sql.join(groupColumns.map((c) => sql.ref(c)));
  const setName = sql.join(
    Object.entries(countedSets).map(
      ([name, set]) => sql`when ${sql.lit(groupingMask(set))} then ${sql.lit(name)}`,
    ),
    sql` `,
  );
  const sets = sql.join(
    Object.values(countedSets).map((set) => sql`(${sql.join(set.map((c) => sql.ref(c)))})`),
  );
  // A contact's step among the settled contacts of its journey: the journey's `continued` turns
  // before it took steps too (some may precede the range, so they are counted in the log, one
  // probe of the (journey_id, journey_step) index per contact past its journey's first step).
  const settledStep = sql`case when journey_step = 1 then 1 else journey_step - (
      select count(*) from interactions turn
      where turn.journey_id = contacts.journey_id and turn.journey_step < contacts.journey_step
        and turn.outcome = 'continued')::int end`;
  // Two aggregates over one materialized CTE: distinct customers and handle time only where they
  // are reported (hashing serves the other sets; a distinct count would make every set sort).
  const result = await sql<CensusPartialRow>`
    with base as (
      select customer_id, channel, reason, started_at, ended_at, journey_id, journey_step, ${next}
      from interactions
      where ${query.scope} and outcome <> 'continued' ${reason}
      window w as (partition by customer_id, reason order by started_at, id)
    ),
    counted as (
      select customer_id, channel, reason, ended_at,
        extract(isodow from local_at)::int as weekday,
        extract(hour from local_at)::int as hour,
        date_trunc('week', local_at)::date as week,
        least(${settledStep}, ${sql.lit(LAST_STEP_BUCKET)}) as step,
        round(date_part('epoch', ended_at - started_at) * 1000)::bigint as handle_ms,
        case when next_started_at <= started_at + ${within}::interval then next_channel end as next_channel
      from (
        select *, started_at at time zone ${REFERENCE_ZONE} as local_at
        from base
        where started_at < ${query.countedBefore}
      ) contacts
    )
    select case grouping(channel) when 0 then 'channels' else 'totals' end as set_name,
      channel, null::text as reason, null::int as weekday, null::int as hour, null::date as week,
      null::text as next_channel, null::int as step,
      count(*)::int as contacts, count(distinct customer_id)::int as customers,
      count(ended_at)::int as timed, sum(handle_ms) as handle_ms
    from counted
    group by grouping sets ((), (channel))
    union all
    select case grouping(${columns}) ${setName} end, ${columns}, count(*)::int, null, null, null
    from counted
    group by grouping sets (${sets})
  `.execute(db);
  return result.rows;
}
