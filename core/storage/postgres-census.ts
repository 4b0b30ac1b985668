import { DateTime } from 'luxon';
import { sql, type Kysely } from 'kysely';
import { REFERENCE_ZONE } from '../clock.ts';
import { LAST_STEP_BUCKET, type Census, type CensusSource } from '../census.ts';
import { liveChatFigures } from '../live-chat-figures.ts';
import { createReachUnion, REACH_STANDARD_ERROR } from './census-reach.ts';
import { gapColumns, hourColumns, stepColumns } from './census-rollup-sql.ts';
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
 *   them, an estimate with a 1.6% standard error beyond (`reach` says which).
 *
 * Order: channels by contacts (most first), then code; every other list by its keys.
 */
export function createPostgresCensusSource(db: Kysely<Database>): CensusSource {
  const chatParts = createPostgresLiveChatParts(db);
  return {
    async compute(filter) {
      const reason = filter.reason ?? '*';
      const segment = filter.segment ?? '*';
      const range = sql`day >= ${filter.from}::date and day <= ${filter.to}::date`;
      const sum = (columns: string[]) =>
        sql.join(columns.map((c) => sql`sum(${sql.ref(c)})::int as ${sql.ref(c)}`));

      const dayStart = (day: string) => DateTime.fromISO(day, { zone: REFERENCE_ZONE }).startOf('day');
      const [days, anonymous, byReason, transitions, reach, chat] = await Promise.all([
        sql<DayRow>`
          select channel, day::text as day, sum(contacts)::int as contacts, sum(timed)::int as timed,
            sum(handle_ms)::float8 as handle_ms, ${sum(hourColumns)}, ${sum(stepColumns)}
          from census_days where reason = ${reason} and segment = ${segment} and ${range}
          group by channel, day`.execute(db),
        segment === '*'
          ? sql<{ channel: string; contacts: number }>`
              select channel, sum(contacts)::int as contacts from census_days
              where reason = ${reason} and segment = '' and ${range} group by channel`.execute(db)
          : Promise.resolve({ rows: [] }),
        filter.reason === undefined
          ? sql<{ channel: string; reason: string; contacts: number }>`
              select channel, reason, sum(contacts)::int as contacts from census_days
              where segment = ${segment} and reason <> '*' and ${range}
              group by channel, reason`.execute(db)
          : null,
        sql<TransitionRow>`
          select channel, next_channel, ${sum(gapColumns)}
          from census_transitions where reason = ${reason} and segment = ${segment} and ${range}
          group by channel, next_channel`.execute(db),
        // The hashes as one text each, split here: the driver's array parser took half of a
        // census's time in the app (a year of days, hundreds of hashes a day and channel).
        sql<{ channel: string; hashes: string | null; registers: Buffer | null }>`
          select channel, array_to_string(hashes, ',') as hashes, registers from census_reach
          where reason = ${reason} and segment = ${segment} and ${range}`.execute(db),
        chatParts.parts({
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
      const reasons = new Map<string, number>();
      const bump = (map: Map<string, number>, key: unknown[], by: number) => {
        if (by === 0) return;
        const k = JSON.stringify(key);
        map.set(k, (map.get(k) ?? 0) + by);
      };
      // A day's week and weekday, worked out once per day rather than once per day and channel.
      const calendar = new Map<string, { week: string; weekday: number }>();
      for (const row of days.rows) {
        const entry = channels.get(row.channel) ?? { contacts: 0, timed: 0, handleMs: 0 };
        entry.contacts += row.contacts;
        entry.timed += row.timed;
        entry.handleMs += row.handle_ms;
        channels.set(row.channel, entry);
        let day = calendar.get(row.day);
        if (!day) {
          const at = DateTime.fromISO(row.day, { zone: REFERENCE_ZONE });
          calendar.set(
            row.day,
            (day = { week: at.startOf('week').toISODate() as string, weekday: at.weekday }),
          );
        }
        bump(weekly, [day.week, row.channel], row.contacts);
        hourColumns.forEach((column, hour) =>
          bump(heatmap, [row.channel, day.weekday, hour], row[column] as number),
        );
        stepColumns.forEach((column, index) => bump(steps, [index + 1, row.channel], row[column] as number));
        if (filter.reason !== undefined) bump(reasons, [row.channel, filter.reason], row.contacts);
      }
      for (const row of byReason?.rows ?? []) bump(reasons, [row.channel, row.reason], row.contacts);

      // Transitions within the window; every other contact of a known customer moved on to none.
      const moves = new Map<string, number>();
      const anonymousOf = new Map(anonymous.rows.map((r) => [r.channel, r.contacts]));
      const rest = new Map(
        [...channels].map(([channel, c]) => [channel, c.contacts - (anonymousOf.get(channel) ?? 0)]),
      );
      for (const row of transitions.rows) {
        gapColumns.forEach((column, days) => {
          if (days > filter.withinDays) return;
          bump(moves, [row.channel, row.next_channel], row[column] as number);
          rest.set(row.channel, (rest.get(row.channel) ?? 0) - (row[column] as number));
        });
      }
      for (const [channel, contacts] of rest) bump(moves, [channel, null], contacts);

      const all = createReachUnion();
      const perChannel = new Map<string, ReturnType<typeof createReachUnion>>();
      for (const row of reach.rows) {
        const day = {
          hashes: row.hashes === null ? null : row.hashes === '' ? [] : row.hashes.split(',').map(Number),
          registers: row.registers,
        };
        all.add(day);
        let union = perChannel.get(row.channel);
        if (!union) perChannel.set(row.channel, (union = createReachUnion()));
        union.add(day);
      }
      const total = all.count();
      const counts = [...perChannel.values()].map((u) => u.count());
      const exact = total.exact && counts.every((c) => c.exact);

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
          customers: total.customers,
          anonymousContacts: anonymous.rows.reduce((n, r) => n + r.contacts, 0),
        },
        reach: { exact, relativeStandardError: exact ? 0 : REACH_STANDARD_ERROR },
        channels: [...channels]
          .filter(([, c]) => c.contacts !== 0)
          .map(([channel, c]) => ({
            channel,
            contacts: c.contacts,
            customers: perChannel.get(channel)?.count().customers ?? 0,
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
        reasons: entries<[string, string]>(reasons).map(([[channel, reasonCode], n]) => ({
          channel,
          reason: reasonCode,
          contacts: n,
        })),
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
    },

    async reasons(filter) {
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
    },
  };
}

type DayRow = { channel: string; day: string; contacts: number; timed: number; handle_ms: number } & Record<
  string,
  number | string
>;
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
