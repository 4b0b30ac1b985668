import { daysBetween, REFERENCE_ZONE } from '../clock.ts';
import type { Locale } from '../vocabulary.ts';
import type { PaymentMethod } from '../billing.ts';

/** Money in the locale's words: it-IT "123,45 euro", en-US "123.45 euros"; whole amounts drop the cents. */
export function sayMoney(locale: Locale, cents: number): string {
  const amount = Math.abs(cents) / 100;
  const whole = Number.isInteger(amount);
  const figure = numberFormat(locale, whole ? 0 : 2).format(amount);
  if (locale === 'it-IT') return `${figure} euro`;
  return `${figure} ${amount === 1 ? 'euro' : 'euros'}`;
}

/** A quantity as the locale writes it, at most two decimals. */
export function sayNumber(locale: Locale, value: number): string {
  return numberFormat(locale, 0).format(value);
}

const numberFormat = (locale: Locale, minimumFractionDigits: 0 | 2) =>
  kept(
    `number:${locale}:${minimumFractionDigits}`,
    () => new Intl.NumberFormat(locale, { minimumFractionDigits, maximumFractionDigits: 2 }),
  );

/** Whether a date falls within a week of today, where its weekday helps a listener place it. */
export const withinAWeek = (isoDate: string, today: string): boolean =>
  Math.abs(daysBetween(today, isoDate)) <= 7;

/**
 * A calendar date ("25 marzo" / "March 25") in the reference zone. The weekday is added when the
 * date falls within a week of today (unless `weekday` says otherwise); the year when it differs.
 */
export function sayDate(
  locale: Locale,
  isoDate: string,
  today: string,
  weekday = withinAWeek(isoDate, today),
): string {
  const sameYear = isoDate.slice(0, 4) === today.slice(0, 4);
  // A calendar date is the same day in every zone: written as midnight UTC, read in UTC.
  const said = dateFormat(locale, weekday, sameYear).format(Date.parse(isoDate));
  // Italian says the first of the month as an ordinal: "il primo marzo", never "il uno marzo".
  return locale === 'it-IT' ? said.replace(/(^|\s)1 /, '$1primo ') : said;
}

/** A time of day in the reference zone: it-IT "10:30", en-US "10:30 AM". */
export function sayTime(locale: Locale, at: Date): string {
  return kept(
    `time:${locale}`,
    () => new Intl.DateTimeFormat(locale, { timeZone: REFERENCE_ZONE, hour: 'numeric', minute: '2-digit' }),
  ).format(at);
}

const dateFormat = (locale: Locale, weekday: boolean, sameYear: boolean) =>
  kept(
    `date:${locale}:${weekday}:${sameYear}`,
    () =>
      new Intl.DateTimeFormat(locale, {
        timeZone: 'UTC',
        day: 'numeric',
        month: 'long',
        ...(weekday ? { weekday: 'long' } : {}),
        ...(sameYear ? {} : { year: 'numeric' }),
      }),
  );

// Making a number or date format costs far more than using one (a voice turn says several
// amounts and dates): each is made once per locale and shape.
const formats = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function kept<F extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: () => F): F {
  let format = formats.get(key) as F | undefined;
  if (!format) formats.set(key, (format = make()));
  return format;
}

/** Items joined as a listener expects: "a, b e c" / "a, b or c". */
export function sayList(locale: Locale, items: readonly string[], conjunction: 'and' | 'or'): string {
  const word = { 'it-IT': { and: 'e', or: 'o' }, 'en-US': { and: 'and', or: 'or' } }[locale][conjunction];
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${word} ${items[items.length - 1]}`;
}

export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Wraps plain sentences as SSML; the whole text is escaped because it may carry bill descriptions. */
export function speak(text: string): string {
  return `<speak>${escapeXml(text)}</speak>`;
}

const unitNames: Record<Locale, Record<string, [one: string, many: string]>> = {
  'it-IT': {
    kWh: ['chilowattora', 'chilowattora'],
    Smc: ['standard metro cubo', 'standard metri cubi'],
    m3: ['metro cubo', 'metri cubi'],
    GB: ['gigabyte', 'gigabyte'],
    min: ['minuto', 'minuti'],
  },
  'en-US': {
    kWh: ['kilowatt hour', 'kilowatt hours'],
    Smc: ['standard cubic meter', 'standard cubic meters'],
    m3: ['cubic meter', 'cubic meters'],
    GB: ['gigabyte', 'gigabytes'],
    min: ['minute', 'minutes'],
  },
};

/** A consumption with its unit spelt out, since "Smc" read aloud means nothing. */
export function sayQuantity(locale: Locale, quantity: number, unit: string): string {
  const names = unitNames[locale][unit];
  const value = Math.abs(quantity);
  if (!names) return `${sayNumber(locale, value)} ${unit}`;
  return `${sayNumber(locale, value)} ${value === 1 ? names[0] : names[1]}`;
}

// Bill lines arrive described in the language they were issued in; known codes get the listener's words.
const lineNames: Record<Locale, Record<string, string>> = {
  'it-IT': {
    energy: 'la materia prima',
    transport: 'il trasporto e la gestione del contatore',
    system_charges: 'gli oneri di sistema',
    taxes: 'le imposte',
    vat: "l'IVA",
    fixed_fee: 'la quota fissa',
    water_supply: "il consumo d'acqua",
    sewerage: 'fognatura e depurazione',
  },
  'en-US': {
    energy: 'the energy itself',
    transport: 'transport and meter management',
    system_charges: 'system charges',
    taxes: 'taxes',
    vat: 'VAT',
    fixed_fee: 'the fixed fee',
    water_supply: 'water usage',
    sewerage: 'sewer and treatment',
  },
};

export function sayLine(locale: Locale, code: string, description: string): string {
  return lineNames[locale][code] ?? description;
}

/**
 * A date as the object of "on": en-US "on March 25"; Italian puts an article before a bare day
 * ("il 25 marzo", "l'8 marzo") but none before a weekday.
 */
export function sayOn(
  locale: Locale,
  isoDate: string,
  today: string,
  weekday = withinAWeek(isoDate, today),
): string {
  const date = sayDate(locale, isoDate, today, weekday);
  if (locale === 'en-US') return `on ${date}`;
  if (!/^(\d|primo )/.test(date)) return date;
  return /^(8|11) /.test(date) ? `l'${date}` : `il ${date}`;
}

/**
 * The dates of one reply, said alike: every one with its weekday when all of them fall within a
 * week of today, none otherwise ("dal primo ottobre al 30 novembre", never "al lunedì 30 novembre").
 */
export function sayDates(locale: Locale, today: string, dates: readonly string[]) {
  const weekday = dates.every((date) => withinAWeek(date, today));
  return {
    weekday,
    date: (isoDate: string) => sayDate(locale, isoDate, today, weekday),
    on: (isoDate: string) => sayOn(locale, isoDate, today, weekday),
  };
}

/**
 * Italian joins "di", "a" and "da" with the article that sayOn puts before a bare date ("del 7
 * aprile", "all'8 aprile", "dall'11 marzo"); a weekday takes none ("di lunedì 23 marzo").
 */
export const itJoined = (preposition: 'di' | 'a' | 'da', phrase: string): string => {
  const joined = { di: 'del', a: 'al', da: 'dal' }[preposition];
  if (phrase.startsWith('il ')) return `${joined} ${phrase.slice(3)}`;
  if (phrase.startsWith("l'")) return `${joined.slice(0, -1)}ll'${phrase.slice(2)}`;
  return `${preposition} ${phrase}`;
};

const methodNames: Record<Locale, Record<PaymentMethod, string>> = {
  'it-IT': {
    card: 'con carta',
    direct_debit: 'con addebito diretto',
    bank_transfer: 'con bonifico',
    postal_slip: 'con bollettino postale',
    cash: 'in contanti',
  },
  'en-US': {
    card: 'by card',
    direct_debit: 'by direct debit',
    bank_transfer: 'by bank transfer',
    postal_slip: 'by postal slip',
    cash: 'in cash',
  },
};

/** How a payment was made, as a sentence says it: "con carta", "by card". */
export function sayMethod(locale: Locale, method: PaymentMethod): string {
  return methodNames[locale][method];
}
