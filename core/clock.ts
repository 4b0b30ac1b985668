import { DateTime } from 'luxon';

/** Port: the current time, so that rules about "today" and "upcoming" can be tested at any date. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** The organisation's reference zone for calendar dates (due dates, "today"). */
export const REFERENCE_ZONE = 'Europe/Rome';

const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar date (`yyyy-mm-dd`) of an instant in a zone. */
export function calendarDate(at: Date, zone: string = REFERENCE_ZONE): string {
  if (Number.isNaN(at.getTime())) return DateTime.fromJSDate(at, { zone }).toISODate() as string;
  // Intl straight away: a context or a voice turn asks for several dates, and Luxon's way costs
  // three times as much.
  let format = dayFormats.get(zone);
  if (format === undefined) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
    });
    dayFormats.set(zone, format);
  }
  let year = '';
  let month = '';
  let day = '';
  for (const part of format.formatToParts(at)) {
    if (part.type === 'year') year = part.value;
    else if (part.type === 'month') month = part.value;
    else if (part.type === 'day') day = part.value;
  }
  return `${year.padStart(4, '0')}-${month}-${day}`;
}

/** Days from one calendar date (`yyyy-mm-dd`) to another: 1 from a day to the next. */
export function daysBetween(from: string, to: string): number {
  return (Date.parse(to) - Date.parse(from)) / 86_400_000;
}
