import { DateTime } from 'luxon';

/** Port: the current time, so that rules about "today" and "upcoming" can be tested at any date. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** The organisation's reference zone for calendar dates (due dates, "today"). */
export const REFERENCE_ZONE = 'Europe/Rome';

export function calendarDate(at: Date, zone: string = REFERENCE_ZONE): string {
  return DateTime.fromJSDate(at, { zone }).toISODate() as string;
}
