import { DateTime } from 'luxon';
import { sql, type Kysely } from 'kysely';
import { REFERENCE_ZONE } from '../clock.ts';
import { LAST_STEP_BUCKET, type Census, type CensusFilter, type CensusSource } from '../census.ts';
import { liveChatFigures } from '../live-chat-figures.ts';
import {
  addHash,
  estimateReach,
  mergeRegisters,
  REACH_REGISTERS,
  REACH_STANDARD_ERROR,
} from './census-reach.ts';
import { gapColumns, hourColumns, REACH_REGISTER_BITS, stepColumns } from './census-rollup-sql.ts';
import { createPostgresLiveChatParts } from './postgres-live-chat-parts.ts';
import type { Database } from './schema.ts';

/**
 * The census read from the rollups the log keeps current (census_days, census_transitions,
 * census_reach): a handful of queries over days, not contacts, whatever the log's size.
 *
 * What is counted:
 * - a contact is an interaction with outcome other than `continued` that started on one of the
 *   days `from`–`to` in the reference zone (Europe/Rome), of `filter.reason` when given;
 * - with `filter.segment`, only the contacts of that segment's customers (anonymous contacts
 *   have no segment and are left out);
 * - heatmap weekday (ISO, 1 = Monday) and hour, and the week's Monday, in the reference zone;
 * - `averageHandleSeconds`: mean of `ended_at − started_at` over the contacts with an end time;
 * - transitions: for each contact of a known customer, that customer's next settled contact for
 *   the same reason (in the contacts' order), when it starts within `withinDays` started days
 *   (it may fall after `to`); `to` null otherwise (the contacts not kept as a transition);
 * - steps: the contact's position among the settled contacts of its journey;
 * - customers: distinct known customers, exact while each day and channel has up to 1,024 of
 *   them, an estimate with a 1.6% standard error beyond (`reach` says which), never above the
 *   contacts of known customers it counts.
 *
 * Order: channels by contacts (most first), then code; every other list by its keys.
 */
export function createPostgresCensusSource(db: Kysely<Database>): CensusSource {
  return {
    // On one connection of the pool, its statements one after another: back to back, censuses
    // would otherwise hold most of the pool and keep the live channels' statements waiting.
    compute: (filter) => db.connection().execute((connection) => censusOf(connection, filter)),

    reasons: (filter) => reasonsOf(db, filter),
  };
}

/** The census of `filter`, read from the rollups by `db`. */
async function censusOf(db: Kysely<Database>, filter: CensusFilter): Promise<Census> {
  const reason = filter.reason ?? '*';
  const segment = filter.segment ?? '*';
  const range = sql`day >= ${filter.from}::date and day <= ${filter.to}::date`;
  const sum = (columns: string[]) =>
    sql.join(columns.map((c) => sql`sum(${sql.ref(c)})::int as ${sql.ref(c)}`));

  const dayStart = (day: string) => DateTime.fromISO(day, { zone: REFERENCE_ZONE }).startOf('day');
  const where = sql`reason = ${reason} and segment = ${segment} and ${range}`;
  const [days, anonymous, reasons, transitions, reach, registers, chat] = await Promise.all([
    // Added up by the database, in one pass over the days: by weekday (with the hours and steps)
    // and by week (the Monday a day falls in; days are already in the reference zone). A year is
    // thousands of rows of days, these a few hundred.
    sql<DaysRow>`
    select channel, extract(isodow from day)::int as weekday,
      (day - extract(isodow from day)::int + 1)::text as week, sum(contacts)::int as contacts,
      sum(timed)::int as timed, sum(handle_ms)::float8 as handle_ms, ${sum(hourColumns)}, ${sum(stepColumns)}
    from census_days where ${where}
    group by grouping sets ((1, 2), (1, 3))`.execute(db),
    segment === '*'
      ? sql<{ channel: string; contacts: number }>`
        select channel, sum(contacts)::int as contacts from census_days
        where reason = ${reason} and segment = '' and ${range} group by channel`.execute(db)
      : Promise.resolve({ rows: [] }),
    reasonsOf(db, filter),
    sql<TransitionRow>`
    select channel, next_channel, ${sum(gapColumns)}
    from census_transitions where ${where}
    group by channel, next_channel`.execute(db),
    // The days kept as sets of hashes: their distinct customers by channel and in all (channel
    // null); and, once some day is kept as registers, each register's lowest rest of a hash
    // by channel (the highest rank: what those hashes add to the registers).
    sql<{
      channel: string | null;
      customers: number | null;
      register: number | null;
      rest: number | null;
    }>`
    with pairs as materialized (
      select channel, h from census_reach, unnest(hashes) h where ${where} group by 1, 2)
    select channel, count(*)::int as customers, null::int as register, null::int as rest
    from pairs group by channel
    union all
    select null, count(distinct h)::int, null, null from pairs
    union all
    select channel, null, h & ${REACH_REGISTERS - 1}, min((h >> ${REACH_REGISTER_BITS}) & ${2 ** (32 - REACH_REGISTER_BITS) - 1})
    from pairs where exists (select from census_reach where ${where} and registers is not null)
    group by 1, 3`.execute(db),
    sql<{ channel: string; registers: Buffer }>`
    select channel, registers from census_reach where ${where} and registers is not null`.execute(db),
    createPostgresLiveChatParts(db).parts({
      from: dayStart(filter.from).toJSDate(),
      to: dayStart(filter.to).plus({ days: 1 }).toJSDate(),
      segment: filter.segment,
      reason: filter.reason,
    }),
  ]);

  const channels = new Map<string, { contacts: number; timed: number; handleMs: number }>();
  const heatmap = new Map<string, number>();
  const weekly = new Map<string, number>();
  const steps = new Map<string, number>();
  const bump = (map: Map<string, number>, key: unknown[], by: number) => {
    if (by === 0) return;
    const k = JSON.stringify(key);
    map.set(k, (map.get(k) ?? 0) + by);
  };
  for (const row of days.rows) {
    if (row.week !== null) {
      bump(weekly, [row.week, row.channel], row.contacts);
      continue;
    }
    const entry = channels.get(row.channel) ?? { contacts: 0, timed: 0, handleMs: 0 };
    entry.contacts += row.contacts;
    entry.timed += row.timed;
    entry.handleMs += row.handle_ms;
    channels.set(row.channel, entry);
    hourColumns.forEach((column, hour) =>
      bump(heatmap, [row.channel, row.weekday, hour], row[column] as number),
    );
    stepColumns.forEach((column, index) => bump(steps, [index + 1, row.channel], row[column] as number));
  }

  // Transitions within the window; every other contact of a known customer moved on to none.
  const moves = new Map<string, number>();
  const anonymousOf = new Map(anonymous.rows.map((r) => [r.channel, r.contacts]));
  const knownContacts = new Map(
    [...channels].map(([channel, c]) => [channel, c.contacts - (anonymousOf.get(channel) ?? 0)]),
  );
  const rest = new Map(knownContacts);
  for (const row of transitions.rows) {
    gapColumns.forEach((column, days) => {
      if (days > filter.withinDays) return;
      bump(moves, [row.channel, row.next_channel], row[column] as number);
      rest.set(row.channel, (rest.get(row.channel) ?? 0) - (row[column] as number));
    });
  }
  for (const [channel, contacts] of rest) bump(moves, [channel, null], contacts);

  // Exact counts while every day kept its hashes; estimates for a channel with a day of
  // registers (and then for all): its days' registers with its other days' hashes added.
  const exact = registers.rows.length === 0;
  const customersOf = new Map<string | null, number>();
  const registersOf = new Map<string, Uint8Array>();
  const of = (channel: string) => {
    let channelRegisters = registersOf.get(channel);
    if (!channelRegisters) registersOf.set(channel, (channelRegisters = new Uint8Array(REACH_REGISTERS)));
    return channelRegisters;
  };
  for (const row of reach.rows) {
    if (row.customers !== null) customersOf.set(row.channel, row.customers);
    else addHash(of(row.channel!), (row.rest! << REACH_REGISTER_BITS) | row.register!);
  }
  if (!exact) {
    const all = new Uint8Array(REACH_REGISTERS);
    for (const row of registers.rows) mergeRegisters(of(row.channel), row.registers);
    for (const channel of new Set(registers.rows.map((r) => r.channel)))
      customersOf.set(channel, estimateReach(registersOf.get(channel)!));
    for (const channelRegisters of registersOf.values()) mergeRegisters(all, channelRegisters);
    customersOf.set(null, estimateReach(all));
    // An estimate never counts more customers than there are contacts of known customers to count.
    for (const [channel, customers] of customersOf) {
      const most =
        channel === null
          ? [...knownContacts.values()].reduce((n, c) => n + c, 0)
          : (knownContacts.get(channel) ?? 0);
      customersOf.set(channel, Math.min(customers, Math.max(0, most)));
    }
  }

  const entries = <K extends unknown[]>(map: Map<string, number>) =>
    [...map]
      .filter(([, contacts]) => contacts !== 0)
      .map(([key, contacts]) => [JSON.parse(key) as K, contacts] as const)
      .sort(([a], [b]) => compareKeys(a, b));
  const contacts = [...channels.values()].reduce((n, c) => n + c.contacts, 0);
  return {
    filter,
    totals: {
      contacts,
      customers: customersOf.get(null) ?? 0,
      anonymousContacts: anonymous.rows.reduce((n, r) => n + r.contacts, 0),
    },
    reach: { exact, relativeStandardError: exact ? 0 : REACH_STANDARD_ERROR },
    channels: [...channels]
      .filter(([, c]) => c.contacts !== 0)
      .map(([channel, c]) => ({
        channel,
        contacts: c.contacts,
        customers: customersOf.get(channel) ?? 0,
        timedContacts: c.timed,
        averageHandleSeconds: c.timed === 0 ? null : c.handleMs / c.timed / 1000,
      }))
      .sort((a, b) => b.contacts - a.contacts || compareKeys([a.channel], [b.channel])),
    heatmap: entries<[string, number, number]>(heatmap).map(([[channel, weekday, hour], n]) => ({
      channel,
      weekday,
      hour,
      contacts: n,
    })),
    reasons,
    weekly: entries<[string, string]>(weekly).map(([[week, channel], n]) => ({
      week,
      channel,
      contacts: n,
    })),
    transitions: entries<[string, string | null]>(moves).map(([[from, to], n]) => ({
      from,
      to,
      contacts: n,
    })),
    steps: entries<[number, string]>(steps).map(([[step, channel], n]) => ({
      step: Math.min(step, LAST_STEP_BUCKET),
      channel,
      contacts: n,
    })),
    liveChat: chat.length === 0 ? null : liveChatFigures(chat),
  } satisfies Census;
}

/** The census's reasons by channel: the contacts of each reason (only `filter.reason`'s when given). */
async function reasonsOf(db: Kysely<Database>, filter: CensusFilter): Promise<Census['reasons']> {
  const segment = filter.segment ?? '*';
  const range = sql`day >= ${filter.from}::date and day <= ${filter.to}::date`;
  const { rows } =
    filter.reason === undefined
      ? await sql<{ channel: string; reason: string; contacts: number }>`
            select channel, reason, sum(contacts)::int as contacts from census_days
            where segment = ${segment} and reason <> '*' and ${range}
            group by channel, reason`.execute(db)
      : await sql<{ channel: string; reason: string; contacts: number }>`
            select channel, ${filter.reason}::text as reason, sum(contacts)::int as contacts from census_days
            where reason = ${filter.reason} and segment = ${segment} and ${range}
            group by channel`.execute(db);
  return rows
    .filter((row) => row.contacts !== 0)
    .sort((a, b) => compareKeys([a.channel, a.reason], [b.channel, b.reason]));
}

/** A channel's days added up by weekday (`week` null) or by week (`weekday` null). */
type DaysRow = {
  channel: string;
  weekday: number | null;
  week: string | null;
  contacts: number;
  timed: number;
  handle_ms: number;
} & Record<string, number | string | null>;
type TransitionRow = { channel: string; next_channel: string } & Record<string, number | string>;

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
