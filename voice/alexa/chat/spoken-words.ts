import type { Locale } from '../../../core/index.ts';

/** Lower case without accents, so that "lunedì", "Lunedi" and "LUNEDÌ" compare equal. */
export function foldText(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

/**
 * The words of a spoken phrase, folded: digits and letters apart ("3pm" is "3", "pm"), apostrophes and
 * other punctuation split words ("l'una" is "l", "una"), and a clock time stays one word ("10:30", "10.30").
 */
export function spokenWords(text: string): string[] {
  const words = foldText(text).match(/\p{N}+(?:[:.]\p{N}+)*|\p{L}+/gu) ?? [];
  // "p.m." and "a.m." arrive as two letters.
  const joined: string[] = [];
  for (const word of words) {
    const previous = joined.at(-1);
    if (word === 'm' && (previous === 'p' || previous === 'a')) joined[joined.length - 1] = `${previous}m`;
    else joined.push(word);
  }
  return joined;
}

const units: Record<Locale, readonly string[]> = {
  'en-US': [
    'zero',
    'one',
    'two',
    'three',
    'four',
    'five',
    'six',
    'seven',
    'eight',
    'nine',
    'ten',
    'eleven',
    'twelve',
    'thirteen',
    'fourteen',
    'fifteen',
    'sixteen',
    'seventeen',
    'eighteen',
    'nineteen',
  ],
  'it-IT': [
    'zero',
    'uno',
    'due',
    'tre',
    'quattro',
    'cinque',
    'sei',
    'sette',
    'otto',
    'nove',
    'dieci',
    'undici',
    'dodici',
    'tredici',
    'quattordici',
    'quindici',
    'sedici',
    'diciassette',
    'diciotto',
    'diciannove',
  ],
};

const tens: Record<Locale, readonly string[]> = {
  'en-US': ['twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'],
  'it-IT': ['venti', 'trenta', 'quaranta', 'cinquanta', 'sessanta', 'settanta', 'ottanta', 'novanta'],
};

const extra: Record<Locale, Record<string, number>> = {
  'en-US': { oh: 0, hundred: 100 },
  'it-IT': { un: 1, una: 1, cento: 100 },
};

/** One number word ("eight", "ventitre", "trentotto") or digits; the value, or undefined. */
export function numberWord(word: string, locale: Locale): number | undefined {
  if (/^\d+$/.test(word)) return Number(word);
  const unit = units[locale].indexOf(word);
  if (unit >= 0) return unit;
  const special = extra[locale][word];
  if (special !== undefined) return special;
  const tensWords = tens[locale];
  for (const [index, ten] of tensWords.entries()) {
    const value = 20 + index * 10;
    if (word === ten) return value;
    if (locale !== 'it-IT' || !word.startsWith(ten.slice(0, -1))) continue;
    // Italian writes tens and units as one word and drops the tens' vowel before "uno" and "otto".
    for (let digit = 1; digit <= 9; digit += 1) {
      const unitWord = units[locale][digit] ?? '';
      if (word === ten + unitWord || word === ten.slice(0, -1) + unitWord) return value + digit;
    }
  }
  return undefined;
}

/** A quantity said in words or digits: "ten", "twenty five", "ventitre", "42"; undefined if it is not one. */
export function spokenNumber(words: string[], locale: Locale): number | undefined {
  if (words.length === 1) return numberWord(words[0] ?? '', locale);
  if (words.length === 2 && locale === 'en-US') {
    const [ten, unit] = words.map((word) => numberWord(word, locale));
    if (ten !== undefined && unit !== undefined && ten >= 20 && ten < 100 && ten % 10 === 0 && unit < 10) {
      return ten + unit;
    }
  }
  return undefined;
}

/**
 * A code read out piece by piece, "1 2 3 4 5 6", "uno due tre", "twelve thirty four": the pieces' digits
 * in order; undefined unless every word is a number.
 */
export function spokenDigits(words: string[], locale: Locale): string | undefined {
  if (words.length === 0) return undefined;
  let digits = '';
  for (let index = 0; index < words.length; index += 1) {
    // "twenty five" inside a longer code is one piece: 25.
    const pair = spokenNumber(words.slice(index, index + 2), locale);
    if (pair !== undefined && index + 1 < words.length) {
      digits += String(pair);
      index += 1;
      continue;
    }
    const value = numberWord(words[index] ?? '', locale);
    if (value === undefined) return undefined;
    digits += /^\d+$/.test(words[index] ?? '') ? words[index] : String(value);
  }
  return digits;
}

const ordinals: Record<Locale, Record<string, number>> = {
  'en-US': {
    first: 1,
    second: 2,
    third: 3,
    fourth: 4,
    fifth: 5,
    sixth: 6,
    seventh: 7,
    eighth: 8,
    ninth: 9,
    tenth: 10,
    eleventh: 11,
    twelfth: 12,
    thirteenth: 13,
    fourteenth: 14,
    fifteenth: 15,
    sixteenth: 16,
    seventeenth: 17,
    eighteenth: 18,
    nineteenth: 19,
    twentieth: 20,
    thirtieth: 30,
  },
  'it-IT': { primo: 1 },
};

/** A day of the month: "25", "25th", "twenty fifth", "the first", "primo", "venticinque"; 1–31 or undefined. */
export function spokenDay(words: string[], locale: Locale): number | undefined {
  const rest = words.filter((word, index) => !(index > 0 && /^(st|nd|rd|th)$/.test(word)));
  let day: number | undefined;
  const last = rest.at(-1) ?? '';
  const ordinal = ordinals[locale][last];
  if (ordinal !== undefined && rest.length <= 2) {
    const ten = rest.length === 2 ? numberWord(rest[0] ?? '', locale) : 0;
    day = ten === 20 || ten === 30 || ten === 0 ? (ten ?? 0) + ordinal : undefined;
  } else {
    day = spokenNumber(rest, locale);
  }
  return day !== undefined && day >= 1 && day <= 31 ? day : undefined;
}
