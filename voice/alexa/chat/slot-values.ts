import type { Locale } from '../../../core/index.ts';
import type { InteractionModel } from '../intent-models.ts';
import { spokenDate } from './spoken-dates.ts';
import { spokenTime } from './spoken-times.ts';
import { foldText, spokenDigits, spokenNumber, spokenWords } from './spoken-words.ts';

export { spokenDate } from './spoken-dates.ts';
export { spokenTime } from './spoken-times.ts';

type SlotType = InteractionModel['slotTypes'][number];

/**
 * The AMAZON.NUMBER value Alexa sends: "42", "dieci", "twenty five"; a code read digit by digit
 * ("1 2 3 4 5 6", "uno due tre") is one number. Undefined when the words are not a number.
 */
export function spokenNumberValue(text: string, locale: Locale): string | undefined {
  const words = spokenWords(text);
  const whole = spokenNumber(words, locale);
  return whole !== undefined ? String(whole) : spokenDigits(words, locale);
}

const articles: Record<Locale, string[]> = {
  'en-US': ['the', 'a', 'an', 'my'],
  'it-IT': ['il', 'lo', 'la', 'i', 'gli', 'le', 'l', 'un', 'una', 'uno', 'mio', 'mia', 'miei', 'mie'],
};

/**
 * Entity resolution for a custom slot type: the value or a synonym, compared case- and
 * accent-insensitively, then once more without a leading article ("la bolletta", "my bill").
 */
export function customSlotMatch(
  text: string,
  slotType: SlotType,
  locale: Locale,
): { id: string; name: string } | undefined {
  const words = spokenWords(text);
  let start = 0;
  while (start < words.length - 1 && articles[locale].includes(words[start] ?? '')) start += 1;
  for (const candidate of new Set([words.join(' '), words.slice(start).join(' ')])) {
    const value = slotType.values.find((entry) =>
      [entry.value, ...entry.synonyms].some((said) => spokenWords(said).join(' ') === candidate),
    );
    if (value) return { id: value.id, name: value.value };
  }
  return undefined;
}

/** What Alexa puts in a slot for the words the user said. */
export interface SpokenSlotValue {
  /** The slot's `value`; undefined when Alexa could not make one out of the words (dates, times, numbers). */
  value?: string;
  /** Set for a custom slot type: Alexa resolves its values; `match` is absent on ER_SUCCESS_NO_MATCH. */
  resolution?: { slotType: string; match?: { id: string; name: string } };
}

/** Options of {@link spokenSlotValue}. */
export interface SpokenSlotValueOptions {
  locale: Locale;
  /** The ISO date relative dates are resolved from, in Europe/Rome. */
  today: string;
  /** The model's custom slot types. */
  slotTypes: readonly SlotType[];
}

/**
 * Turns the words captured for a slot into the value Alexa would send for a slot of `type`.
 * Built-in types other than DATE, TIME and NUMBER pass the words through.
 */
export function spokenSlotValue(
  type: string,
  text: string,
  options: SpokenSlotValueOptions,
): SpokenSlotValue {
  const { locale } = options;
  const optional = (value: string | undefined): SpokenSlotValue => (value === undefined ? {} : { value });
  switch (type) {
    case 'AMAZON.DATE':
      return optional(spokenDate(text, locale, options.today));
    case 'AMAZON.TIME':
      return optional(spokenTime(text, locale));
    case 'AMAZON.NUMBER':
      return optional(spokenNumberValue(text, locale));
  }
  const value = text.trim();
  const slotType = options.slotTypes.find((candidate) => candidate.name === type);
  if (!slotType) return { value };
  const match = customSlotMatch(value, slotType, locale);
  return { value, resolution: { slotType: type, ...(match ? { match } : {}) } };
}

/**
 * Whether the words make a value of the slot's type: a date that parses, a custom value that resolves.
 * The matcher uses it to choose among samples that could all capture the words.
 */
export function isSpokenValueOf(type: string, text: string, options: SpokenSlotValueOptions): boolean {
  const spoken = spokenSlotValue(type, text, options);
  if (spoken.resolution) return spoken.resolution.match !== undefined;
  return spoken.value !== undefined && foldText(spoken.value).trim() !== '';
}
