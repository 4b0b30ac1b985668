import { setImmediate as nextTurn } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';
import { DateTime } from 'luxon';
import { sql, type Kysely, type RawBuilder } from 'kysely';
import { REFERENCE_ZONE } from '../clock.ts';
import { LAST_STEP_BUCKET, type Census, type CensusSource } from '../census.ts';
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

export interface PostgresCensusOptions {
  /** How long each aggregate query should take; the chunk size adapts to it. Default 20 ms. */
  targetChunkMs?: number;
  /** Customers in the first chunk (default 200), before adapting. */
  initialChunk?: number;
  /** Bounds of the adapted chunk size, in customers (defaults 20 and 20000). */
  minChunk?: number;
  maxChunk?: number;
  /** Days of anonymous contacts in the first window (default 7), before adapting. */
  initialAnonymousWindowDays?: number;
  /** Called after each query (benchmarks, tests). */
  onChunk?: (chunk: CensusChunk) => void;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
const MIN_WINDOW_MS = HOUR_MS;
const MAX_WINDOW_MS = 92 * DAY_MS;
/** A chunk grows at most this much at once, so that one unusually quick chunk does not make the next one huge. */
const MAX_GROWTH = 4;

// The group-by columns of the lists that only count contacts, and the grouping sets over them.
const groupColumns = ['channel', 'reason', 'weekday', 'hour', 'week', 'next_channel', 'step'] as const;
type GroupColumn = (typeof groupColumns)[number];
const countedSets = {
  heatmap: ['channel', 'weekday', 'hour'],
  reasons: ['channel', 'reason'],
  weekly: ['week', 'channel'],
  transitions: ['channel', 'next_channel'],
  steps: ['step', 'channel'],
} satisfies Record<string, GroupColumn[]>;
type CountedSet = keyof typeof countedSets;

/** What `grouping(channel, reason, …)` returns for a set: a bit, first column highest, per column left out. */
function groupingMask(columns: readonly GroupColumn[]): number {
  return groupColumns.reduce(
    (mask, column, index) =>
      columns.includes(column) ? mask : mask | (1 << (groupColumns.length - 1 - index)),
    0,
  );
}

interface PartialRow {
  set_name: 'totals' | 'channels' | CountedSet;
  channel: string | null;
  reason: string | null;
  weekday: number | null;
  hour: number | null;
  week: string | null;
  next_channel: string | null;
  step: number | null;
  contacts: number;
  customers: number | null;
  timed: number | null;
  handle_ms: number | null;
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
 * - steps: the contact's journey step, steps from LAST_STEP_BUCKET on counted as that one.
 *
 * Order: channels by contacts (most first), then code; every other list by its keys in the
 * order they are declared in `Census` (strings by code unit, transitions to none last).
 */
export function createPostgresCensusSource(
  db: Kysely<Database>,
  options: PostgresCensusOptions = {},
): CensusSource {
  const targetMs = options.targetChunkMs ?? 20;
  const minChunk = options.minChunk ?? 20;
  const maxChunk = options.maxChunk ?? 20_000;
  const initialChunk = clamp(options.initialChunk ?? 200, minChunk, maxChunk);
  const initialWindowMs = clamp(
    (options.initialAnonymousWindowDays ?? 7) * DAY_MS,
    MIN_WINDOW_MS,
    MAX_WINDOW_MS,
  );

  /**
   * Sizes of successive queries: each scaled so that the next one takes about the target time,
   * from an average of the recent cost per unit, so that one query slowed by something else
   * does not shrink the next one to nothing.
   */
  function sizer(initial: number, min: number, max: number) {
    let size = initial;
    let msPerUnit: number | undefined;
    return {
      get size() {
        return size;
      },
      measured(units: number, elapsedMs: number) {
        const sample = Math.max(elapsedMs, 0.1) / Math.max(units, 1);
        msPerUnit = msPerUnit === undefined ? sample : (msPerUnit + sample) / 2;
        size = clamp(Math.round(Math.min(size * MAX_GROWTH, targetMs / msPerUnit)), min, max);
      },
    };
  }

  return {
    async compute(filter, { signal } = {}) {
      const from = DateTime.fromISO(filter.from, { zone: REFERENCE_ZONE }).startOf('day');
      const fromAt = from.toJSDate();
      const toEnd = DateTime.fromISO(filter.to, { zone: REFERENCE_ZONE }).plus({ days: 1 }).startOf('day');
      const toEndAt = toEnd.toJSDate();
      const withinMs = filter.withinDays * DAY_MS;
      const merged = createMerger();

      signal?.throwIfAborted();
      const chunk = sizer(initialChunk, minChunk, maxChunk);
      let after: string | null = null;
      for (;;) {
        const limit = chunk.size;
        const ids = await customerSlice(db, filter.segment, after, limit);
        if (ids.length === 0) break;
        const started = performance.now();
        const rows = await aggregate(db, {
          scope: sql`customer_id = any(${ids}::uuid[]) and started_at >= ${fromAt}
            and started_at < ${new Date(toEndAt.getTime() + withinMs)}`,
          countedBefore: toEndAt,
          reason: filter.reason,
          withinMs,
        });
        const elapsedMs = performance.now() - started;
        merged.add(rows, false);
        options.onChunk?.({ kind: 'customers', size: ids.length, elapsedMs });
        if (ids.length < limit) break;
        after = ids[ids.length - 1]!;
        chunk.measured(ids.length, elapsedMs);
        await nextTurn();
        signal?.throwIfAborted();
      }

      if (filter.segment === undefined) {
        const span = sizer(initialWindowMs, MIN_WINDOW_MS, MAX_WINDOW_MS);
        for (let start = fromAt.getTime(); start < toEndAt.getTime();) {
          await nextTurn();
          signal?.throwIfAborted();
          const end = Math.min(start + span.size, toEndAt.getTime());
          const started = performance.now();
          const rows = await aggregate(db, {
            scope: sql`customer_id is null and started_at >= ${new Date(start)} and started_at < ${new Date(end)}`,
            countedBefore: toEndAt,
            reason: filter.reason,
            withinMs: null,
          });
          const elapsedMs = performance.now() - started;
          merged.add(rows, true);
          options.onChunk?.({ kind: 'anonymous', size: end - start, elapsedMs });
          span.measured(end - start, elapsedMs);
          start = end;
        }
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
): Promise<PartialRow[]> {
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
  // Two aggregates over one materialized CTE: distinct customers and handle time only where they
  // are reported (hashing serves the other sets; a distinct count would make every set sort).
  const result = await sql<PartialRow>`
    with base as (
      select customer_id, channel, reason, started_at, ended_at, journey_step, ${next}
      from interactions
      where ${query.scope} and outcome <> 'continued' ${reason}
      window w as (partition by customer_id, reason order by started_at, id)
    ),
    counted as (
      select customer_id, channel, reason, ended_at,
        extract(isodow from local_at)::int as weekday,
        extract(hour from local_at)::int as hour,
        date_trunc('week', local_at)::date as week,
        least(journey_step, ${sql.lit(LAST_STEP_BUCKET)}) as step,
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

interface ChannelTotals {
  contacts: number;
  customers: number;
  timed: number;
  handleMs: number;
}

function createMerger() {
  const totals = { contacts: 0, customers: 0, anonymousContacts: 0 };
  const channels = new Map<string, ChannelTotals>();
  const counts: Record<CountedSet, Map<string, number>> = {
    heatmap: new Map(),
    reasons: new Map(),
    weekly: new Map(),
    transitions: new Map(),
    steps: new Map(),
  };
  const bump = (map: Map<string, number>, key: unknown[], by: number) => {
    const k = JSON.stringify(key);
    map.set(k, (map.get(k) ?? 0) + by);
  };

  return {
    add(rows: PartialRow[], anonymous: boolean) {
      for (const row of rows) {
        if (row.contacts === 0) continue;
        switch (row.set_name) {
          case 'totals':
            totals.contacts += row.contacts;
            totals.customers += row.customers!;
            if (anonymous) totals.anonymousContacts += row.contacts;
            break;
          case 'channels': {
            const entry = channels.get(row.channel!) ?? { contacts: 0, customers: 0, timed: 0, handleMs: 0 };
            entry.contacts += row.contacts;
            entry.customers += row.customers!;
            entry.timed += row.timed!;
            entry.handleMs += row.handle_ms ?? 0;
            channels.set(row.channel!, entry);
            break;
          }
          case 'heatmap':
            bump(counts.heatmap, [row.channel, row.weekday, row.hour], row.contacts);
            break;
          case 'reasons':
            bump(counts.reasons, [row.channel, row.reason], row.contacts);
            break;
          case 'weekly':
            bump(counts.weekly, [row.week, row.channel], row.contacts);
            break;
          case 'transitions':
            if (anonymous) break; // no customer, no next contact: the query leaves next_channel null
            bump(counts.transitions, [row.channel, row.next_channel], row.contacts);
            break;
          case 'steps':
            bump(counts.steps, [row.step, row.channel], row.contacts);
            break;
          default:
            throw new Error(`census query returned an unknown grouping set ${String(row.set_name)}`);
        }
      }
    },

    result(): Omit<Census, 'filter'> {
      const entries = <K extends unknown[]>(map: Map<string, number>) =>
        [...map]
          .map(([key, contacts]) => [JSON.parse(key) as K, contacts] as const)
          .sort(([a], [b]) => compareKeys(a, b));
      return {
        totals: { ...totals },
        channels: [...channels]
          .map(([channel, c]) => ({
            channel,
            contacts: c.contacts,
            customers: c.customers,
            timedContacts: c.timed,
            averageHandleSeconds: c.timed === 0 ? null : c.handleMs / c.timed / 1000,
          }))
          .sort((a, b) => b.contacts - a.contacts || compareKeys([a.channel], [b.channel])),
        heatmap: entries<[string, number, number]>(counts.heatmap).map(
          ([[channel, weekday, hour], contacts]) => ({
            channel,
            weekday,
            hour,
            contacts,
          }),
        ),
        reasons: entries<[string, string]>(counts.reasons).map(([[channel, reason], contacts]) => ({
          channel,
          reason,
          contacts,
        })),
        weekly: entries<[string, string]>(counts.weekly).map(([[week, channel], contacts]) => ({
          week,
          channel,
          contacts,
        })),
        transitions: entries<[string, string | null]>(counts.transitions).map(([[from, to], contacts]) => ({
          from,
          to,
          contacts,
        })),
        steps: entries<[number, string]>(counts.steps).map(([[step, channel], contacts]) => ({
          step,
          channel,
          contacts,
        })),
      };
    },
  };
}

/** Key by key: numbers numerically, strings by code unit, null after everything. */
function compareKeys(a: readonly unknown[], b: readonly unknown[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x === null) return 1;
    if (y === null) return -1;
    return (x as string | number) < (y as string | number) ? -1 : 1;
  }
  return 0;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
