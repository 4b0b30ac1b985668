import { DateTime, IANAZone } from 'luxon';
import { italianPublicHolidays } from '../../core/services.ts';

/** The reference zone: opening hours, billing dates and holidays are Italian. */
export const ZONE = 'Europe/Rome';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

/** 0 = a working weekday, 1 = Saturday, 2 = Sunday or a public holiday. */
export type DayType = 0 | 1 | 2;

export interface LocalDay {
  /** Days since 1970-01-01 of the local calendar date. */
  day: number;
  iso: string;
  /** 1 = Monday … 7 = Sunday. */
  weekday: number;
  month: number;
  dayType: DayType;
  /** Epoch milliseconds at which each local hour starts (DST days included), and the next midnight. */
  hourStarts: number[];
}

export function epochDay(isoDate: string): number {
  return (
    Date.UTC(Number(isoDate.slice(0, 4)), Number(isoDate.slice(5, 7)) - 1, Number(isoDate.slice(8, 10))) /
    DAY_MS
  );
}

export function isoDate(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The local calendar day in Rome at this instant, as days since 1970-01-01. */
export function romeDay(at: Date): number {
  const ms = at.getTime();
  return Math.floor((ms + romeOffsetMs(ms)) / DAY_MS);
}

/** The instant of a local wall-clock time in Rome. */
export function romeTime(isoDay: string, hour: number, minute = 0, second = 0): Date {
  const [year, month, day] = isoDay.split('-').map(Number) as [number, number, number];
  const wall = Date.UTC(year, month - 1, day, hour, minute, second);
  const offset = romeOffsetMs(wall - 3 * HOUR_MS);
  if (offset === romeOffsetMs(wall + 3 * HOUR_MS)) return new Date(wall - offset);
  // Near a change of the clocks: luxon settles the hour skipped or repeated.
  return DateTime.fromObject({ year, month, day, hour, minute, second }, { zone: ZONE }).toJSDate();
}

// A seed asks for Rome's offset millions of times, and luxon works each answer out through Intl.
// The offset changes only on the hour, so one answer per UTC hour is exact (~10,000 of them kept).
const rome = IANAZone.create(ZONE);
const romeOffsets = new Map<number, number>();

function romeOffsetMs(ms: number): number {
  const hour = Math.floor(ms / HOUR_MS);
  let offset = romeOffsets.get(hour);
  if (offset === undefined) {
    offset = rome.offset(hour * HOUR_MS) * 60_000;
    romeOffsets.set(hour, offset);
  }
  return offset;
}

/** 1 = Monday … 7 = Sunday (1970-01-01 was a Thursday). */
export function weekdayOf(day: number): number {
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

export function dayType(day: number): DayType {
  const weekday = weekdayOf(day);
  if (weekday === 7 || holidaysOf(day).has(day)) return 2;
  return weekday === 6 ? 1 : 0;
}

// Every payment asks whether its day is a holiday: each year's holidays are worked out once.
const holidays = new Map<number, Set<number>>();

function holidaysOf(day: number): Set<number> {
  const year = new Date(day * DAY_MS).getUTCFullYear();
  let days = holidays.get(year);
  if (!days) {
    days = new Set(italianPublicHolidays(year).map((h) => epochDay(h.day)));
    holidays.set(year, days);
  }
  return days;
}

export function localDay(day: number): LocalDay {
  const iso = isoDate(day);
  const start = DateTime.fromISO(iso, { zone: ZONE });
  const hourStarts: number[] = [];
  for (let hour = 0; hour < 24; hour++) hourStarts.push(start.set({ hour }).toMillis());
  hourStarts.push(start.plus({ days: 1 }).toMillis());
  return {
    day,
    iso,
    weekday: weekdayOf(day),
    month: start.month,
    dayType: dayType(day),
    hourStarts,
  };
}

/** Adds calendar months to the first day of a month given as (year, month 1–12). */
export function addMonths(year: number, month: number, months: number): { year: number; month: number } {
  const index = year * 12 + (month - 1) + months;
  return { year: Math.floor(index / 12), month: (index % 12) + 1 };
}

export function monthStart(year: number, month: number): number {
  return Date.UTC(year, month - 1, 1) / DAY_MS;
}
