import { DateTime } from 'luxon';
import type { Locale } from '../../../core/index.ts';
import { spokenDay, spokenNumber, spokenWords } from './spoken-words.ts';

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
  lastMonth: string[];
  /** Said after a month, it is that month a year ago: "luglio dell'anno scorso", "July last year". */
  lastYear: string[];
  /** Said before or after a month, it is the latest such month gone by: "luglio scorso", "last July". */
  lastOne: string[];
  /** "fra due settimane", "in two weeks": a day that many days, weeks or months from today. */
  within: { before: string[]; after: string[]; units: Record<string, 'days' | 'weeks' | 'months'> };
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
    lastMonth: ['last month', 'previous month'],
    lastYear: ['last year', 'of last year'],
    lastOne: ['last'],
    within: {
      before: ['in'],
      after: ['from now', 'from today'],
      units: { day: 'days', days: 'days', week: 'weeks', weeks: 'weeks', month: 'months', months: 'months' },
    },
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
    // "l'8", "dell'8", "nell'8 dicembre" arrive as "l 8", "dell 8", "nell 8".
    fillers: ['per', 'il', 'lo', 'la', 'l', 'a', 'di', 'entro', 'in', 'del', 'dell', 'nel', 'nell', 'all'],
    today: ['oggi'],
    tomorrow: ['domani'],
    afterTomorrow: ['dopodomani', 'dopo domani'],
    thisWeek: ['questa settimana'],
    nextWeek: ['prossima settimana', 'settimana prossima'],
    weekend: ['weekend', 'fine settimana', 'questo weekend', 'questo fine settimana'],
    thisMonth: ['questo mese'],
    nextMonth: ['prossimo mese', 'mese prossimo'],
    lastMonth: ['mese scorso', 'scorso mese', 'mese passato'],
    lastYear: [
      'anno scorso',
      'dell anno scorso',
      'dello scorso anno',
      'scorso anno',
      'anno passato',
      'dell anno passato',
    ],
    lastOne: ['scorso'],
    within: {
      before: ['fra', 'tra'],
      after: [],
      units: {
        giorno: 'days',
        giorni: 'days',
        settimana: 'weeks',
        settimane: 'weeks',
        mese: 'months',
        mesi: 'months',
      },
    },
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
 * `2026-03`. A month said as gone by ("il mese scorso", "luglio dell'anno scorso", "last July") is
 * that one; a day some days, weeks or months ahead ("fra due settimane") is that day. Undefined when
 * the words are not a date: Alexa then sends the slot without a value.
 */
export function spokenDate(text: string, locale: Locale, today: string): string | undefined {
  const raw = text.trim();
  if (/^\d{4}-\d{2}-\d{2}$/.test(raw)) return DateTime.fromISO(raw).isValid ? raw : undefined;
  if (/^\d{4}-w\d{2}(-we)?$/i.test(raw) || /^\d{4}-\d{2}$/.test(raw)) return raw.toUpperCase();

  const words = vocabulary[locale];
  const now = DateTime.fromISO(today, { zone }).startOf('day');
  if (!now.isValid) throw new Error(`today must be an ISO date, got "${today}"`);
  const ahead = relativeDay(spokenWords(raw), words, locale);
  if (ahead) return isoDay(now.plus(ahead));
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
  if (words.lastMonth.includes(phrase)) return isoMonth(now.minus({ months: 1 }));

  const weekday = weekdayOf(tokens, words);
  if (weekday !== undefined) return isoDay(now.plus({ days: ((weekday - now.weekday + 6) % 7) + 1 }));
  // A weekday said with its date ("lunedì 14 dicembre", "giovedì 10") is that date.
  const dated = tokens.filter((token) => !words.weekdays.includes(token));
  if (dated.length > 0) tokens = dated;

  const monthIndex = tokens.findIndex((token) => words.months.includes(token));
  if (monthIndex < 0) {
    const day = spokenDay(tokens, locale);
    return day === undefined ? undefined : dayOfComingMonth(now, day);
  }
  const month = words.months.indexOf(tokens[monthIndex] ?? '') + 1;
  let after = tokens.slice(monthIndex + 1);
  let before = tokens.slice(0, monthIndex);
  // The year said ("2025"), a year ago ("dell'anno scorso"), or the latest gone by ("scorso", "last").
  let year: number | 'gone' | undefined;
  const lastYear = words.lastYear
    .filter((phrase) => endsWith(after, phrase))
    .sort((a, b) => b.length - a.length)[0];
  if (/^\d{4}$/.test(after.at(-1) ?? '')) {
    year = Number(after.at(-1));
    after = after.slice(0, -1);
  } else if (lastYear) {
    year = now.year - 1;
    after = after.slice(0, after.length - lastYear.split(' ').length);
  } else if (words.lastOne.includes(after.at(-1) ?? '')) {
    year = 'gone';
    after = after.slice(0, -1);
  } else if (words.lastOne.includes(before[0] ?? '')) {
    year = 'gone';
    before = before.slice(1);
  }
  while (words.dayMonthGlue.includes(after.at(-1) ?? '')) after = after.slice(0, -1);
  if (words.dayMonthGlue.includes(before.at(-1) ?? '')) before = before.slice(0, -1);
  if (before.length > 0 && after.length > 0) return undefined;
  const dayWords = before.length > 0 ? before : after;
  if (dayWords.length === 0) {
    if (typeof year === 'number') return isoMonth(DateTime.fromObject({ year, month }, { zone }));
    const thisYear = DateTime.fromObject({ year: now.year, month }, { zone });
    if (year === 'gone') return isoMonth(month < now.month ? thisYear : thisYear.minus({ years: 1 }));
    return isoMonth(month >= now.month ? thisYear : thisYear.plus({ years: 1 }));
  }
  const day = spokenDay(dayWords, locale);
  if (day === undefined) return undefined;
  if (typeof year === 'number') return validDay(year, month, day);
  const thisYear = validDay(now.year, month, day);
  if (year === 'gone')
    return thisYear !== undefined && thisYear < isoDay(now) ? thisYear : validDay(now.year - 1, month, day);
  return thisYear !== undefined && thisYear >= isoDay(now) ? thisYear : validDay(now.year + 1, month, day);
}

const endsWith = (tokens: string[], phrase: string): boolean => {
  const words = phrase.split(' ');
  return (
    tokens.length >= words.length &&
    words.every((word, i) => tokens[tokens.length - words.length + i] === word)
  );
};

/** "fra due settimane", "tra 10 giorni", "in a week", "two weeks from now": how far ahead, or undefined. */
function relativeDay(
  tokens: string[],
  words: DateWords,
  locale: Locale,
): { days: number } | { weeks: number } | { months: number } | undefined {
  const { before, after, units } = words.within;
  let counted: string[];
  if (before.includes(tokens[0] ?? '')) counted = tokens.slice(1);
  else {
    const tail = after.find((phrase) => endsWith(tokens, phrase));
    if (!tail) return undefined;
    counted = tokens.slice(0, tokens.length - tail.split(' ').length);
  }
  const unit = units[counted.at(-1) ?? ''];
  if (!unit) return undefined;
  const number = counted.slice(0, -1);
  const count =
    number.length === 1 && ['a', 'an'].includes(number[0] ?? '') && locale === 'en-US'
      ? 1
      : spokenNumber(number, locale);
  if (count === undefined || count < 1) return undefined;
  return unit === 'days' ? { days: count } : unit === 'weeks' ? { weeks: count } : { months: count };
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
