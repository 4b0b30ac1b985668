import { DateTime } from 'luxon';
import { z } from 'zod';
import { dayProblem, INSTANT_YEARS_TEXT } from './vocabulary.ts';

/** A day the organisation is closed, and why. */
export interface ClosedDay {
  /** ISO date. */
  day: string;
  name: string;
}

/**
 * A closed day an operator configures: `MM-DD` closes that day every year (a patron saint's day,
 * `06-29` in Rome), `YYYY-MM-DD` closes one day.
 */
export const ClosedDaySpec = z
  .string()
  .trim()
  .regex(/^(\d{4}-)?(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, {
    error: 'must be a day like 06-29 (every year) or 2026-12-07 (once)',
    abort: true,
  })
  // 30 February is refused, not rolled over; 29 February every year closes it in leap years.
  .refine((spec) => DateTime.fromISO(spec.length === 5 ? `2024-${spec}` : spec).isValid, {
    error: 'must be a day the calendar has (30 February is none)',
    abort: true,
  })
  .refine((spec) => spec.length === 5 || dayProblem(spec) === undefined, {
    error: `must be ${INSTANT_YEARS_TEXT}`,
  });

/** Easter Sunday of a year in the Gregorian calendar (the anonymous algorithm, as in Meeus). */
export function easterSunday(year: number): string {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return DateTime.fromObject({ year, month, day }).toISODate() as string;
}

const fixedItalianHolidays: [monthDay: string, name: string, since?: number][] = [
  ['01-01', 'Capodanno'],
  ['01-06', 'Epifania'],
  ['04-25', 'Festa della Liberazione'],
  ['05-01', 'Festa del Lavoro'],
  ['06-02', 'Festa della Repubblica'],
  ['08-15', 'Assunzione (Ferragosto)'],
  // San Francesco d'Assisi, a national holiday again by the law of October 2025.
  ['10-04', "San Francesco d'Assisi", 2026],
  ['11-01', 'Ognissanti'],
  ['12-08', 'Immacolata Concezione'],
  ['12-25', 'Natale'],
  ['12-26', 'Santo Stefano'],
];

/** Italy's national public holidays of a year: the fixed ones, Easter and Easter Monday. */
export function italianPublicHolidays(year: number): ClosedDay[] {
  const easter = easterSunday(year);
  return [
    ...fixedItalianHolidays
      .filter(([, , since]) => since === undefined || year >= since)
      .map(([monthDay, name]) => ({ day: `${year}-${monthDay}`, name })),
    { day: easter, name: 'Pasqua' },
    { day: DateTime.fromISO(easter).plus({ days: 1 }).toISODate() as string, name: "Lunedì dell'Angelo" },
  ].sort((x, y) => x.day.localeCompare(y.day));
}

/**
 * The days the organisation is closed: Italy's national public holidays, plus the days the
 * operator configures (see {@link ClosedDaySpec}). Returns the closure of a day, or undefined.
 */
export function createClosedDays(configured: readonly string[] = []): (day: string) => ClosedDay | undefined {
  const specs = configured.map((spec) => ClosedDaySpec.parse(spec));
  return (day) => {
    const year = Number(day.slice(0, 4));
    const national = italianPublicHolidays(year).find((holiday) => holiday.day === day);
    if (national) return national;
    const own = specs.find((spec) => (spec.length === 5 ? `${year}-${spec}` : spec) === day);
    return own ? { day, name: 'closed' } : undefined;
  };
}
