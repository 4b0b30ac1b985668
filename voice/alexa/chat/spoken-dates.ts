import { DateTime } from 'luxon';
import type { Locale } from '../../../core/index.ts';
import { spokenDay, spokenWords } from './spoken-words.ts';

const zone = 'Europe/Rome';

interface DateWords {
  fillers: string[];
  today: string[];
  tomorrow: string[];
  afterTomorrow: string[];
  thisWeek: string[];
  nextWeek: string[];
  weekend: string[];
  thisMonth: string[];
  nextMonth: string[];
  /** Words that may come with a weekday and do not change which one is meant. */
  weekdayQualifiers: string[];
  /** Monday first, as luxon numbers weekdays 1–7. */
  weekdays: string[];
  months: string[];
  /** Words between a day and its month: "25th of March", "25 di marzo". */
  dayMonthGlue: string[];
}

const vocabulary: Record<Locale, DateWords> = {
  'en-US': {
    fillers: ['on', 'for', 'by', 'in', 'the', 'at'],
    today: ['today'],
    tomorrow: ['tomorrow'],
    afterTomorrow: ['day after tomorrow'],
    thisWeek: ['this week'],
    nextWeek: ['next week'],
    weekend: ['weekend', 'this weekend'],
    thisMonth: ['this month'],
    nextMonth: ['next month'],
    weekdayQualifiers: ['next', 'this', 'coming'],
    weekdays: ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'],
    months: [
      'january',
      'february',
      'march',
      'april',
      'may',
      'june',
      'july',
      'august',
      'september',
      'october',
      'november',
      'december',
    ],
    dayMonthGlue: ['of'],
  },
  'it-IT': {
    fillers: ['per', 'il', 'lo', 'la', 'a', 'di', 'entro', 'in', 'del', 'nel'],
    today: ['oggi'],
    tomorrow: ['domani'],
    afterTomorrow: ['dopodomani', 'dopo domani'],
    thisWeek: ['questa settimana'],
    nextWeek: ['prossima settimana', 'settimana prossima'],
    weekend: ['weekend', 'fine settimana', 'questo weekend', 'questo fine settimana'],
    thisMonth: ['questo mese'],
    nextMonth: ['prossimo mese', 'mese prossimo'],
    weekdayQualifiers: ['prossimo', 'prossima', 'questo', 'questa'],
    weekdays: ['lunedi', 'martedi', 'mercoledi', 'giovedi', 'venerdi', 'sabato', 'domenica'],
    months: [
      'gennaio',
      'febbraio',
      'marzo',
      'aprile',
      'maggio',
      'giugno',
      'luglio',
      'agosto',
      'settembre',
      'ottobre',
      'novembre',
      'dicembre',
    ],
    dayMonthGlue: ['di', 'del'],
  },
};

const isoDay = (date: DateTime): string => date.toFormat('yyyy-MM-dd');
const isoWeek = (date: DateTime): string => date.toFormat("kkkk-'W'WW");
const isoMonth = (date: DateTime): string => date.toFormat('yyyy-MM');

/**
 * The AMAZON.DATE value Alexa sends for a spoken date, resolved towards the future from `today`
 * (an ISO date, in Europe/Rome): `2026-11-23`, a week `2026-W49`, a weekend `2026-W48-WE`, a month
 * `2026-03`. Undefined when the words are not a date: Alexa then sends the slot without a value.
 */
export function spokenDate(text: string, locale: Locale, today: string): string | undefined {
  const raw = text.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(raw)) return DateTime.fromISO(raw).isValid ? raw : undefined;
  if (/^\d{4}-w\d{2}(-we)?$/i.test(raw) || /^\d{4}-\d{2}$/.test(raw)) return raw.toUpperCase();

  const words = vocabulary[locale];
  const now = DateTime.fromISO(today, { zone }).startOf('day');
  if (!now.isValid) throw new Error(`today must be an ISO date, got "${today}"`);
  let tokens = spokenWords(raw);
  while (tokens.length > 1 && words.fillers.includes(tokens[0] ?? '')) tokens = tokens.slice(1);
  const phrase = tokens.join(' ');

  if (words.today.includes(phrase)) return isoDay(now);
  if (words.tomorrow.includes(phrase)) return isoDay(now.plus({ days: 1 }));
  if (words.afterTomorrow.includes(phrase)) return isoDay(now.plus({ days: 2 }));
  if (words.thisWeek.includes(phrase)) return isoWeek(now);
  if (words.nextWeek.includes(phrase)) return isoWeek(now.plus({ weeks: 1 }));
  if (words.weekend.includes(phrase)) return `${isoWeek(now)}-WE`;
  if (words.thisMonth.includes(phrase)) return isoMonth(now);
  if (words.nextMonth.includes(phrase)) return isoMonth(now.plus({ months: 1 }));

  const weekday = weekdayOf(tokens, words);
  if (weekday !== undefined) return isoDay(now.plus({ days: ((weekday - now.weekday + 6) % 7) + 1 }));

  const monthIndex = tokens.findIndex((token) => words.months.includes(token));
  if (monthIndex < 0) {
    const day = spokenDay(tokens, locale);
    return day === undefined ? undefined : dayOfComingMonth(now, day);
  }
  const month = words.months.indexOf(tokens[monthIndex] ?? '') + 1;
  let after = tokens.slice(monthIndex + 1);
  const yearWord = after.at(-1);
  const year = yearWord && /^\d{4}$/.test(yearWord) ? Number(yearWord) : undefined;
  if (year !== undefined) after = after.slice(0, -1);
  let before = tokens.slice(0, monthIndex);
  if (words.dayMonthGlue.includes(before.at(-1) ?? '')) before = before.slice(0, -1);
  if (before.length > 0 && after.length > 0) return undefined;
  const dayWords = before.length > 0 ? before : after;
  if (dayWords.length === 0) {
    if (year !== undefined) return isoMonth(DateTime.fromObject({ year, month }, { zone }));
    const thisYear = DateTime.fromObject({ year: now.year, month }, { zone });
    return isoMonth(month >= now.month ? thisYear : thisYear.plus({ years: 1 }));
  }
  const day = spokenDay(dayWords, locale);
  if (day === undefined) return undefined;
  if (year !== undefined) return validDay(year, month, day);
  const thisYear = validDay(now.year, month, day);
  return thisYear !== undefined && thisYear >= isoDay(now) ? thisYear : validDay(now.year + 1, month, day);
}

function weekdayOf(tokens: string[], words: DateWords): number | undefined {
  const named = tokens.filter((token) => !words.weekdayQualifiers.includes(token));
  if (named.length !== 1) return undefined;
  const index = words.weekdays.indexOf(named[0] ?? '');
  return index < 0 ? undefined : index + 1;
}

function validDay(year: number, month: number, day: number): string | undefined {
  const date = DateTime.fromObject({ year, month, day }, { zone });
  return date.isValid ? isoDay(date) : undefined;
}

// "The 25th" means this month's if it is still to come, else next month's (or the first month that has it).
function dayOfComingMonth(now: DateTime, day: number): string | undefined {
  for (let ahead = 0; ahead < 3; ahead += 1) {
    const month = now.startOf('month').plus({ months: ahead });
    const date = validDay(month.year, month.month, day);
    if (date !== undefined && date >= isoDay(now)) return date;
  }
  return undefined;
}
