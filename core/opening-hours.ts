import { DateTime } from 'luxon';
import { z } from 'zod';
import type { WorkingHours } from './advisors.ts';
import type { ClosedDay } from './holidays.ts';

const weekdays = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const dayNumber = (name: string) => weekdays.indexOf(name as (typeof weekdays)[number]) + 1;
const stretch =
  /^(mon|tue|wed|thu|fri|sat|sun)(?:-(mon|tue|wed|thu|fri|sat|sun))?\s+([01]\d|2[0-3]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$/;

/**
 * A channel's weekly hours as an operator writes them: stretches separated by commas, each a
 * weekday or a range of weekdays and a local time range, `mon-fri 08:30-19:00, sat 09:00-13:00`.
 * A day may have several stretches (`mon 09:00-13:00, mon 14:00-18:00`); `24:00` ends at midnight.
 * Empty: always open.
 */
export const OpeningHoursSpec = z
  .string()
  .trim()
  .transform((value, ctx) => {
    const hours: WorkingHours[] = [];
    for (const part of value
      .split(',')
      .map((p) => p.trim().toLowerCase())
      .filter(Boolean)) {
      const m = stretch.exec(part.replace(/\s+/g, ' '));
      const [from, to] = m ? [dayNumber(m[1]!), dayNumber(m[2] ?? m[1]!)] : [0, 0];
      const start = m ? `${m[3]}:${m[4]}` : '';
      const end = m ? `${m[5]}:${m[6]}` : '';
      if (!m || from > to || start >= end || end > '24:00') {
        ctx.addIssue({
          code: 'custom',
          message: `"${part}" must be a weekday or range and a time range, like mon-fri 08:30-19:00`,
        });
        return z.NEVER;
      }
      for (let weekday = from; weekday <= to; weekday++) hours.push({ weekday, start, end });
    }
    return hours;
  });

/** Whether a channel is open at an instant, and when that changes. */
export type OpeningState =
  { open: true; closesAt: Date | null } | { open: false; opensAt: Date | null; closedDay: ClosedDay | null };

/** How far ahead the next opening is looked for (a fortnight covers Christmas and any bridge). */
const LOOKAHEAD_DAYS = 21;

/**
 * A channel's opening hours in its time zone, closed on the days `closedOn` names (public holidays
 * and the operator's own). With no hours at all, the channel is always open. A stretch opens at its
 * first minute and closes at its last: 08:30-19:00 is open at 08:30:00 and closed at 19:00:00. Times
 * are local wall-clock times, so a day of a clock change keeps its printed hours.
 */
export function createOpeningHours(options: {
  hours: readonly WorkingHours[];
  timeZone: string;
  closedOn: (day: string) => ClosedDay | undefined;
}) {
  const { hours, timeZone, closedOn } = options;

  /** The day's stretches as instants, in order; none on a closed day. */
  function stretchesOf(day: DateTime): { from: Date; to: Date }[] {
    const at = (clock: string) => {
      const [h, m] = clock.split(':').map(Number) as [number, number];
      return h === 24 ? day.plus({ days: 1 }).startOf('day') : day.set({ hour: h, minute: m });
    };
    return hours
      .filter((stretch) => stretch.weekday === day.weekday)
      .map((stretch) => ({ from: at(stretch.start).toJSDate(), to: at(stretch.end).toJSDate() }))
      .sort((a, b) => a.from.getTime() - b.from.getTime());
  }

  return {
    /** Always open: no hours were configured. */
    alwaysOpen: hours.length === 0,

    at(instant: Date): OpeningState {
      if (hours.length === 0) return { open: true, closesAt: null };
      const today = DateTime.fromJSDate(instant, { zone: timeZone }).startOf('day');
      const closedToday = closedOn(today.toISODate()!) ?? null;
      const time = instant.getTime();
      if (!closedToday) {
        const now = stretchesOf(today).find((s) => s.from.getTime() <= time && time < s.to.getTime());
        if (now) return { open: true, closesAt: now.to };
      }
      for (let ahead = 0; ahead <= LOOKAHEAD_DAYS; ahead++) {
        const day = today.plus({ days: ahead });
        if (closedOn(day.toISODate()!)) continue;
        const next = stretchesOf(day).find((s) => s.from.getTime() > time);
        if (next) return { open: false, opensAt: next.from, closedDay: closedToday };
      }
      return { open: false, opensAt: null, closedDay: closedToday };
    },
  };
}
export type OpeningHours = ReturnType<typeof createOpeningHours>;
