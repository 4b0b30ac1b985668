import { REFERENCE_ZONE } from '../clock.ts';

// The SQL that keeps the census rollups current. Each contact contributes to the rollups through
// columns of its own row (its day and hour in the reference zone, channel, touchpoint, reason,
// segment, its settled step, and the customer's previous settled contact for the same reason,
// whose transition it is); a statement-level trigger adds what inserted rows
// bring and takes away what deleted rows took, so the rollups follow every write in the same
// transaction, whatever writes (a live channel, an import, a seed, a correction).

/** Transitions are kept for next contacts up to this many days later: any `withinDays` up to it. */
export const TRANSITION_DAYS = 30;
/** Journey steps from this one on are kept together ("4+"). */
export const STEP_BUCKETS = 4;
/** Sparse sets of customer hashes become HyperLogLog registers beyond this many. */
export const REACH_SPARSE_MAX = 1024;
/** 2^12 registers: a standard error of 1.04 / 64 ≈ 1.6% once a day's set is large. */
export const REACH_REGISTER_BITS = 12;

/** The tables the rollups are kept in: derived from the log, never copied or restored. */
export const rollupTables = ['census_days', 'census_transitions', 'census_reach'];

export const hourColumns = Array.from({ length: 24 }, (_, h) => `h${String(h).padStart(2, '0')}`);
export const stepColumns = Array.from({ length: STEP_BUCKETS }, (_, s) => `s${s + 1}`);
export const gapColumns = Array.from(
  { length: TRANSITION_DAYS + 1 },
  (_, d) => `g${String(d).padStart(2, '0')}`,
);

// The columns of a row that each rollup reads: an update that changes none of a rollup's changes
// nothing in it. A late contact renumbers the settled steps after it, which the days count only
// up to the fourth, and moves the transition of one contact; the rest of its journey's updates
// leave the transitions as they were.
/** The columns the days read. */
const dayColumns = [
  'segment',
  'channel',
  'touchpoint',
  'reason',
  'started_at',
  'ended_at',
  'outcome',
  'settled_step',
];
/** The columns the transitions read. */
const transitionColumns = [
  'segment',
  'channel',
  'reason',
  'outcome',
  'previous_channel',
  'previous_started_at',
  'previous_gap_days',
];
/** The columns that place a customer in a day's reach. */
const reachColumns = ['customer_id', 'segment', 'channel', 'reason', 'started_at', 'outcome'];

const distinct = (columns: string[], a: string, b: string) =>
  `(${columns.map((c) => `${a}.${c}`).join(', ')}) is distinct from (${columns.map((c) => `${b}.${c}`).join(', ')})`;

/** The rows a statement changed, each with +1 (it now counts) or −1 (it no longer does). */
function changedRows(columns: string[]) {
  return {
    INSERT: 'select n.*, 1 as sign from new_rows n',
    DELETE: 'select o.*, -1 as sign from old_rows o',
    UPDATE: `select n.*, 1 as sign from new_rows n join old_rows o on o.id = n.id where ${distinct(columns, 'n', 'o')}
      union all
      select o.*, -1 as sign from old_rows o join new_rows n on n.id = o.id where ${distinct(columns, 'n', 'o')}`,
  };
}

/**
 * The four levels each settled contact is counted at: its reason and segment, its reason in all
 * segments ('*'), all reasons in its segment, and all of both. Anonymous contacts have segment ''.
 */
const levels = `cross join lateral (values (r.reason, r.segment), ('*', r.segment), (r.reason, '*'), ('*', '*'))
    as l(reason, segment)`;

const local = (at: string) => `(${at} at time zone '${REFERENCE_ZONE}')`;

/** A contact's handle time in whole milliseconds (null while it has no end). */
export const handleMs = (started: string, ended: string) =>
  `round(extract(epoch from ${ended} - ${started}) * 1000)::bigint`;

/**
 * The settled rows of `source` with what the rollups key them by: the local hour they started in
 * (one time zone conversion per row, the costliest step; day and hour are read from it once rows
 * are added up), and the local day of the previous contact for transitions.
 */
function settled(source: string) {
  return `
    select s.sign, s.customer_id, s.channel, s.touchpoint, s.reason, coalesce(s.segment, '') as segment,
      s.settled_step, s.previous_channel, s.previous_gap_days, s.started_at, s.ended_at,
      date_trunc('hour', ${local('s.started_at')}) as local_hour, ${local('s.previous_started_at')}::date as previous_day
    from (${source}) s where s.outcome <> 'continued'`;
}

/**
 * Sums of `n` for each value of `key` from `first` on, one per column (the rollups' columns per
 * hour, step, gap).
 */
const spread = (key: string, columns: string[], first: number) =>
  columns
    .map((column, i) => `coalesce(sum(n) filter (where ${key} = ${first + i}), 0) as ${column}`)
    .join(', ');

function daysUpsert(source: string) {
  const counted = [...hourColumns, ...stepColumns];
  const hours = spread('hour', hourColumns, 0);
  const steps = spread('step', stepColumns, 1);
  // Added up by everything a row is keyed by, then turned into a row of counts per key (hours
  // and steps as columns), then spread over the four levels: the many filtered sums run once
  // per key, not once per level.
  return `
    insert into census_days as d (reason, segment, day, channel, touchpoint, contacts, timed, handle_ms, ${counted.join(', ')})
    select l.reason, l.segment, r.day, r.channel, r.touchpoint, sum(r.contacts), sum(r.timed), sum(r.handle_ms),
      ${counted.map((c) => `sum(r.${c})`).join(', ')}
    from (
      select reason, segment, day, channel, touchpoint, sum(n) as contacts, sum(timed) as timed,
        sum(handle_ms) as handle_ms, ${hours}, ${steps}
      from (
        select reason, segment, local_hour::date as day, extract(hour from local_hour)::int as hour, channel, touchpoint,
          least(settled_step, ${STEP_BUCKETS}) as step,
          sum(sign)::int as n, coalesce(sum(sign) filter (where ended_at is not null), 0)::int as timed,
          coalesce(sum(sign * ${handleMs('started_at', 'ended_at')}), 0)::bigint as handle_ms
        from (${settled(source)}) c
        group by 1, 2, 3, 4, 5, 6, 7) h
      -- A group whose contacts came and went (an update's old and new row, the same to the days)
      -- is left out rather than added as zeros.
      where n <> 0 or timed <> 0 or handle_ms <> 0
      group by 1, 2, 3, 4, 5) r ${levels}
    group by 1, 2, 3, 4, 5
    order by 1, 2, 3, 4, 5
    on conflict (reason, segment, day, channel, touchpoint) do update set
      contacts = d.contacts + excluded.contacts, timed = d.timed + excluded.timed,
      handle_ms = d.handle_ms + excluded.handle_ms,
      ${counted.map((c) => `${c} = d.${c} + excluded.${c}`).join(', ')}`;
}

/**
 * Transitions, counted on the day of the contact they start from: a contact with a previous
 * settled contact (same customer and reason, at most TRANSITION_DAYS before) is that one's next.
 * Contacts with no next contact are not kept: the reader counts them as the rest.
 */
function transitionsUpsert(source: string) {
  const gaps = spread('gap', gapColumns, 0);
  return `
    insert into census_transitions as t (reason, segment, day, channel, next_channel, ${gapColumns.join(', ')})
    select l.reason, l.segment, r.day, r.channel, r.next_channel, ${gapColumns.map((c) => `sum(r.${c})`).join(', ')}
    from (
      select reason, segment, day, channel, next_channel, ${gaps}
      from (
        select reason, segment, previous_day as day, previous_channel as channel, channel as next_channel,
          previous_gap_days as gap, sum(sign)::int as n
        from (${settled(source)}) c where previous_channel is not null
        group by 1, 2, 3, 4, 5, 6) g
      where n <> 0
      group by 1, 2, 3, 4, 5) r ${levels}
    group by 1, 2, 3, 4, 5
    order by 1, 2, 3, 4, 5
    on conflict (reason, segment, day, channel, next_channel) do update set
      ${gapColumns.map((c) => `${c} = t.${c} + excluded.${c}`).join(', ')}`;
}

/** Customer hashes of settled contacts, grouped by the reach keys they fall under. */
function reachGroups(source: string) {
  return `
    select l.reason, l.segment, r.day, r.channel, array_agg(distinct r.hash order by r.hash) as hashes
    from (
      select distinct reason, segment, local_hour::date as day, channel, ${customerHash('customer_id')} as hash
      from (${settled(source)}) c where customer_id is not null) r ${levels}
    where l.segment <> ''
    group by 1, 2, 3, 4`;
}

/** A customer's 32-bit hash: the first 8 hex digits of the md5 of their id (the reader uses the same). */
const customerHash = (id: string) => `('x' || substr(md5(${id}::text), 1, 8))::bit(32)::int`;

/**
 * Adds the customers of `groups` to the days' reach: a sorted set of hashes while it holds at
 * most REACH_SPARSE_MAX, HyperLogLog registers beyond. A set that holds them all already is left
 * as it is (a later contact of a customer counted that day), not written again.
 */
function reachAdd(groups: string) {
  return `
    insert into census_reach as c (reason, segment, day, channel, hashes)
    select g.reason, g.segment, g.day, g.channel, g.hashes from (${groups}) g
    order by 1, 2, 3, 4
    on conflict (reason, segment, day, channel) do update set
      hashes = case when c.registers is null
        then array(select distinct x from unnest(c.hashes || excluded.hashes) x order by x) end,
      registers = case when c.registers is not null then census_reach_registers(excluded.hashes, c.registers) end
      where c.registers is not null or not c.hashes @> excluded.hashes;
    update census_reach c set registers = census_reach_registers(c.hashes, null), hashes = null
    from (select distinct g.reason, g.segment, g.day, g.channel from (${groups}) g) k
    where (c.reason, c.segment, c.day, c.channel) = (k.reason, k.segment, k.day, k.channel)
      and cardinality(c.hashes) > ${REACH_SPARSE_MAX}`;
}

/**
 * The rows of the rollups that a change left counting nothing go, so that the rollups stay as a
 * recomputation gives them: `upsert` (a rollup's upsert) returns the rows it wrote, and those it
 * left at zero (`empty`, of a row's columns after a prefix) are deleted by their key (`last`: the
 * key's last column).
 */
function upsertDroppingEmpty(upsert: string, table: string, last: string, empty: (row: string) => string) {
  const key = `reason, segment, day, channel, ${last}`;
  return `
    create temporary table if not exists census_emptied (reason text, segment text, day date, channel text, last text)
      on commit drop;
    with written as (${upsert} returning ${key}, ${empty('')} as empty)
    insert into census_emptied select ${key} from written where empty;
    delete from ${table} r using census_emptied k
      where (r.reason, r.segment, r.day, r.channel, r.${last}) = (k.reason, k.segment, k.day, k.channel, k.last)
        and ${empty('r.')};
    delete from census_emptied`;
}

/**
 * A transaction-local setting: while it is 'on', the trigger adds nothing, and the writer brings the
 * rollups up to date itself before committing (a bulk load, once for all its rows).
 */
export const ROLLUPS_DEFERRED = 'channel_pilot.rollups_deferred';

/** The trigger function that keeps every rollup current, for inserts, updates and deletes. */
export function rollupTriggerFunction(): string {
  const days = changedRows(dayColumns);
  const transitions = changedRows(transitionColumns);
  const reach = changedRows(reachColumns);
  const branch = (op: 'INSERT' | 'UPDATE' | 'DELETE') => `
      ${op === 'INSERT' ? 'if' : 'elsif'} tg_op = '${op}' then
        ${
          op === 'INSERT'
            ? `${daysUpsert(days[op])}; ${transitionsUpsert(transitions[op])}; ${reachAdd(reachGroups(reach.INSERT))}`
            : `${upsertDroppingEmpty(daysUpsert(days[op]), 'census_days', 'touchpoint', (r) => `${r}contacts = 0`)};
              ${upsertDroppingEmpty(transitionsUpsert(transitions[op]), 'census_transitions', 'next_channel', (r) => gapColumns.map((c) => `${r}${c} = 0`).join(' and '))};
              ${reachRebuild(reachGroups(reach[op]))}`
        };`;
  return `
    create or replace function census_rollup() returns trigger language plpgsql as $fn$
    begin
      if current_setting('${ROLLUPS_DEFERRED}', true) = 'on' then
        return null;
      end if;
      ${branch('INSERT')}
      ${branch('UPDATE')}
      ${branch('DELETE')}
      end if;
      return null;
    end $fn$`;
}

/** The HyperLogLog register index and rank of a customer hash (the same rule as the reader's). */
const registers = `
  create or replace function census_reach_registers(hashes integer[], base bytea) returns bytea
  language plpgsql immutable as $fn$
  declare
    result bytea := coalesce(base, decode(repeat('00', ${1 << REACH_REGISTER_BITS}), 'hex'));
    h integer; idx integer; rest integer; rank integer;
  begin
    foreach h in array coalesce(hashes, '{}') loop
      idx := h & ${(1 << REACH_REGISTER_BITS) - 1};
      rest := (h >> ${REACH_REGISTER_BITS}) & ${(1 << (32 - REACH_REGISTER_BITS)) - 1};
      rank := case when rest = 0 then ${32 - REACH_REGISTER_BITS + 1}
        else position('1' in rest::bit(${32 - REACH_REGISTER_BITS})::text) end;
      if get_byte(result, idx) < rank then result := set_byte(result, idx, rank); end if;
    end loop;
    return result;
  end $fn$`;

/**
 * The days' reach of `groups` computed afresh from the log: after contacts left a day (a reach
 * cannot forget a customer, so it is rebuilt).
 */
function reachRebuild(groups: string) {
  const day = (d: string) => `((${d})::timestamp at time zone '${REFERENCE_ZONE}')`;
  return `
    create temporary table if not exists census_reach_stale (reason text, segment text, day date, channel text)
      on commit drop;
    insert into census_reach_stale select distinct g.reason, g.segment, g.day, g.channel from (${groups}) g;
    delete from census_reach c using census_reach_stale k
      where (c.reason, c.segment, c.day, c.channel) = (k.reason, k.segment, k.day, k.channel);
    ${reachAdd(`
      select k.reason, k.segment, k.day, k.channel,
        array_agg(distinct ${customerHash('i.customer_id')} order by ${customerHash('i.customer_id')}) as hashes
      from census_reach_stale k
      join interactions i on i.started_at >= ${day('k.day')} and i.started_at < ${day('k.day + 1')}
        and i.channel = k.channel and i.outcome <> 'continued' and i.customer_id is not null
        and (k.reason = '*' or i.reason = k.reason) and (k.segment = '*' or i.segment = k.segment)
      group by 1, 2, 3, 4`)};
    delete from census_reach_stale`;
}

/** Tables, functions and the trigger of the rollups. */
export function rollupSchema(): string {
  const counts = (columns: string[]) =>
    columns.map((c) => `${c} integer not null default 0`).join(',\n      ');
  return `
    create table census_days (
      reason text not null,
      segment text not null,
      day date not null,
      channel text not null,
      touchpoint text not null,
      contacts integer not null default 0,
      timed integer not null default 0,
      handle_ms bigint not null default 0,
      ${counts(hourColumns)},
      ${counts(stepColumns)},
      primary key (reason, segment, day, channel, touchpoint)
    );
    create table census_transitions (
      reason text not null,
      segment text not null,
      day date not null,
      channel text not null,
      next_channel text not null,
      ${counts(gapColumns)},
      primary key (reason, segment, day, channel, next_channel)
    );
    create table census_reach (
      reason text not null,
      segment text not null,
      day date not null,
      channel text not null,
      hashes integer[],
      registers bytea,
      primary key (reason, segment, day, channel)
    );
    ${registers};
    ${rollupTriggerFunction()};
  `;
}

/** The rollups of the whole log, computed afresh (after a restore; to check them against). */
export function recomputeRollups(): string {
  return `
    truncate census_days, census_transitions, census_reach;
    ${rollupsAdded('select i.*, 1 as sign from interactions i')}`;
}

/** What the rows of `source` (the log's columns and a sign) add to the rollups: what the insert trigger does, once. */
export function rollupsAdded(source: string): string {
  return `
    ${daysUpsert(source)};
    ${transitionsUpsert(source)};
    ${reachAdd(reachGroups(source))};`;
}
