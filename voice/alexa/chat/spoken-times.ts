import type { Locale } from '../../../core/index.ts';
import { numberWord, spokenNumber, spokenWords } from './spoken-words.ts';

type Period = 'MO' | 'AF' | 'EV' | 'NI';

interface TimeWords {
  fillers: string[];
  /** Words that only join a period to the hour: "in the morning", "di sera". */
  periodGlue: string[];
  periods: Record<string, Period>;
  am: string[];
  pm: string[];
  noon: string[];
  midnight: string[];
  /** Said after the hour and meaning nothing more: "o'clock", "in punto". */
  trailing: string[];
  /** Minutes said as a fraction: "half" (past), "mezza", "un quarto", "tre quarti". */
  fractions: Record<string, number>;
  /** "past"/"to" before the hour in English; "e"/"meno" after it in Italian. */
  plus: string[];
  minus: string[];
  minutesFirst: boolean;
}

const vocabulary: Record<Locale, TimeWords> = {
  'en-US': {
    fillers: ['at', 'around', 'about', 'by', 'for', 'to', 'say', 'maybe'],
    periodGlue: ['in', 'the', 'at', 'this'],
    periods: { morning: 'MO', afternoon: 'AF', evening: 'EV', tonight: 'EV', night: 'NI' },
    am: ['am'],
    pm: ['pm'],
    noon: ['noon', 'midday'],
    midnight: ['midnight'],
    trailing: ['o', 'clock', 'oclock', 'sharp'],
    fractions: { half: 30, quarter: 15, 'a quarter': 15 },
    plus: ['past', 'after'],
    minus: ['to', 'before', 'of'],
    minutesFirst: true,
  },
  'it-IT': {
    fillers: ['alle', 'all', 'le', 'l', 'ore', 'verso', 'per', 'a', 'circa', 'entro', 'dalle', 'facciamo'],
    periodGlue: ['di', 'del', 'della', 'nel', 'la', 'il', 'in'],
    periods: {
      mattina: 'MO',
      mattino: 'MO',
      stamattina: 'MO',
      pomeriggio: 'AF',
      sera: 'EV',
      stasera: 'EV',
      notte: 'NI',
      stanotte: 'NI',
    },
    am: [],
    pm: [],
    noon: ['mezzogiorno'],
    midnight: ['mezzanotte'],
    trailing: ['in', 'punto', 'minuti'],
    fractions: { mezza: 30, mezzo: 30, quarto: 15, 'un quarto': 15, 'tre quarti': 45 },
    plus: ['e'],
    minus: ['meno'],
    minutesFirst: false,
  },
};

const pad = (value: number): string => String(value).padStart(2, '0');

/**
 * The AMAZON.TIME value Alexa sends for a spoken time: `HH:MM` on a 24-hour clock, or a period of the day
 * (`MO`, `AF`, `EV`, `NI`). A bare hour from 1 to 7 is taken as the afternoon, as people booking office
 * hours mean it. Undefined when the words are not a time.
 */
export function spokenTime(text: string, locale: Locale): string | undefined {
  const words = vocabulary[locale];
  let tokens = spokenWords(text);
  while (tokens.length > 1 && words.fillers.includes(tokens[0] ?? '')) tokens = tokens.slice(1);
  let period: Period | undefined;
  const periodAt = tokens.findIndex((token) => words.periods[token] !== undefined);
  if (periodAt >= 0) {
    period = words.periods[tokens[periodAt] ?? ''];
    let start = periodAt;
    while (start > 0 && words.periodGlue.includes(tokens[start - 1] ?? '')) start -= 1;
    tokens = [...tokens.slice(0, start), ...tokens.slice(periodAt + 1)];
  }
  let meridiem: 'am' | 'pm' | undefined;
  const last = tokens.at(-1) ?? '';
  if (words.am.includes(last) || words.pm.includes(last)) {
    meridiem = words.am.includes(last) ? 'am' : 'pm';
    tokens = tokens.slice(0, -1);
  }
  while (tokens.length > 1 && words.trailing.includes(tokens.at(-1) ?? '')) tokens = tokens.slice(0, -1);
  if (tokens.length === 0) return meridiem ? undefined : period;

  const clock = clockOf(tokens, locale, words);
  if (!clock) return undefined;
  let { hour } = clock;
  if (clock.named) {
    // "noon" and "midnight" already say which half of the day.
  } else if (meridiem === 'pm' || period === 'AF' || period === 'EV') {
    if (hour < 12) hour += 12;
  } else if (period === 'NI') {
    if (hour >= 6 && hour < 12) hour += 12;
    else if (hour === 12) hour = 0;
  } else if (meridiem === 'am' || period === 'MO') {
    if (hour === 12) hour = 0;
  } else if (hour >= 1 && hour <= 7 && !clock.zeroPadded) {
    hour += 12;
  }
  // "A quarter to eight" is decided on the eight, then moved back.
  const minutes = (((hour * 60 + clock.offset) % 1440) + 1440) % 1440;
  return `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

interface Clock {
  /** The hour as said, 0–24. */
  hour: number;
  /** Minutes after (or, negative, before) that hour. */
  offset: number;
  /** Said as noon or midnight. */
  named: boolean;
  /** Written "07:30": a 24-hour time, not an hour to guess the half of the day for. */
  zeroPadded: boolean;
}

function clockOf(tokens: string[], locale: Locale, words: TimeWords): Clock | undefined {
  const first = tokens[0] ?? '';
  const written = /^(\d{1,2})[:.](\d{2})$/.exec(first);
  if (written && tokens.length === 1) {
    const clock = { hour: Number(written[1]), offset: Number(written[2]) };
    return clock.hour > 24 || clock.offset > 59
      ? undefined
      : { ...clock, named: false, zeroPadded: first.startsWith('0') };
  }
  const joinAt = tokens.findIndex((token) => words.plus.includes(token) || words.minus.includes(token));
  if (joinAt > 0) {
    const sign = words.minus.includes(tokens[joinAt] ?? '') ? -1 : 1;
    const [minuteWords, hourWords] = words.minutesFirst
      ? [tokens.slice(0, joinAt), tokens.slice(joinAt + 1)]
      : [tokens.slice(joinAt + 1), tokens.slice(0, joinAt)];
    const hour = hourOf(hourWords, locale, words);
    const minutes = minutesOf(minuteWords, locale, words);
    if (!hour || minutes === undefined || minutes >= 60) return undefined;
    return { ...hour, offset: sign * minutes };
  }
  // "ten thirty", "10 30", "ten oh five".
  for (let split = tokens.length - 1; split >= 1; split -= 1) {
    const hour = hourOf(tokens.slice(0, split), locale, words);
    const minutes = minutesOf(tokens.slice(split), locale, words);
    if (hour && minutes !== undefined && tokens.length - split <= 2) return { ...hour, offset: minutes };
  }
  const hour = hourOf(tokens, locale, words);
  return hour ? { ...hour, offset: 0 } : undefined;
}

function hourOf(tokens: string[], locale: Locale, words: TimeWords): Omit<Clock, 'offset'> | undefined {
  const [word, ...rest] = tokens;
  if (word === undefined || rest.length > 0) return undefined;
  if (words.noon.includes(word)) return { hour: 12, named: true, zeroPadded: false };
  if (words.midnight.includes(word)) return { hour: 0, named: true, zeroPadded: false };
  const hour = numberWord(word, locale);
  if (hour === undefined || hour > 24) return undefined;
  return { hour, named: false, zeroPadded: /^0\d/.test(word) };
}

function minutesOf(tokens: string[], locale: Locale, words: TimeWords): number | undefined {
  const phrase = tokens.join(' ');
  const fraction = words.fractions[phrase];
  if (fraction !== undefined) return fraction;
  // "oh five" in English.
  const rest = tokens[0] === 'oh' && tokens.length === 2 ? tokens.slice(1) : tokens;
  const minutes = spokenNumber(rest, locale);
  return minutes !== undefined && minutes < 60 ? minutes : undefined;
}
