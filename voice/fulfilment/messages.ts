import { DateTime } from 'luxon';
import { REFERENCE_ZONE, type Locale, type paymentMethods } from '../../core/index.ts';

type PaymentMethod = (typeof paymentMethods)[number];

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

// Building a NumberFormat costs far more than using one: one per locale and minimum of decimals.
const numberFormats = new Map<string, Intl.NumberFormat>();
function numberFormat(locale: Locale, minimumFractionDigits: 0 | 2): Intl.NumberFormat {
  const key = `${locale}:${minimumFractionDigits}`;
  let format = numberFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, { minimumFractionDigits, maximumFractionDigits: 2 });
    numberFormats.set(key, format);
  }
  return format;
}

/**
 * A calendar date ("25 marzo" / "March 25") in the reference zone. The weekday is added when the
 * date falls within a week of today, where it helps a listener place it; the year when it differs.
 */
export function sayDate(locale: Locale, isoDate: string, today: string): string {
  const date = DateTime.fromISO(isoDate, { zone: REFERENCE_ZONE }).setLocale(locale);
  const days = date.diff(DateTime.fromISO(today, { zone: REFERENCE_ZONE }), 'days').days;
  const sameYear = isoDate.slice(0, 4) === today.slice(0, 4);
  const said = date.toLocaleString({
    day: 'numeric',
    month: 'long',
    ...(Math.abs(days) <= 7 ? { weekday: 'long' } : {}),
    ...(sameYear ? {} : { year: 'numeric' }),
  });
  // Italian says the first of the month as an ordinal: "il primo marzo", never "il uno marzo".
  return locale === 'it-IT' ? said.replace(/(^|\s)1 /, '$1primo ') : said;
}

/** A time of day in the reference zone: it-IT "10:30", en-US "10:30 AM". */
export function sayTime(locale: Locale, at: Date): string {
  return DateTime.fromJSDate(at, { zone: REFERENCE_ZONE })
    .setLocale(locale)
    .toLocaleString({ hour: 'numeric', minute: '2-digit' });
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
  },
  'en-US': {
    energy: 'the energy itself',
    transport: 'transport and meter management',
    system_charges: 'system charges',
    taxes: 'taxes',
    vat: 'VAT',
    fixed_fee: 'the fixed fee',
  },
};

export function sayLine(locale: Locale, code: string, description: string): string {
  return lineNames[locale][code] ?? description;
}

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

type Direction = 'higher' | 'lower' | 'same';

/** Every spoken string of the bill intents, in every locale; figures arrive raw and are said here. */
export interface BillMessages {
  owedTitle: () => string;
  nothingOwed: () => string;
  owed: (p: {
    owedCents: number;
    overdueCents: number;
    nextDue: { dueOn: string; amountCents: number } | null;
    today: string;
  }) => string;
  lastPaymentTitle: () => string;
  noPayments: () => string;
  lastPayment: (p: { amountCents: number; paidOn: string; method: PaymentMethod; today: string }) => string;
  whyHigherTitle: () => string;
  noOpenBill: () => string;
  noPreviousBill: (p: { amountCents: number }) => string;
  vsPrevious: (p: { amountCents: number; direction: Direction; deltaCents: number }) => string;
  vsYearAgo: (p: { direction: Direction; deltaCents: number }) => string;
  noYearAgo: () => string;
  lineMoved: (p: { line: string; direction: Direction; deltaCents: number }) => string;
  consumptionMoved: (p: { direction: Direction; delta: number; unit: string }) => string;
  apologyTitle: () => string;
  apology: () => string;
}

/**
 * A date as the object of "on": en-US "on March 25"; Italian puts an article before a bare day
 * ("il 25 marzo", "l'8 marzo") but none before a weekday.
 */
export function sayOn(locale: Locale, isoDate: string, today: string): string {
  const date = sayDate(locale, isoDate, today);
  if (locale === 'en-US') return `on ${date}`;
  if (!/^(\d|primo )/.test(date)) return date;
  return /^(8|11) /.test(date) ? `l'${date}` : `il ${date}`;
}

const itOn = (isoDate: string, today: string) => sayOn('it-IT', isoDate, today);

const it = (locale: 'it-IT'): BillMessages => ({
  owedTitle: () => 'Quanto devi pagare',
  nothingOwed: () => 'Non hai niente da pagare: tutte le tue bollette sono saldate.',
  owed: ({ owedCents, overdueCents, nextDue, today }) =>
    [
      `In tutto devi pagare ${sayMoney(locale, owedCents)}.`,
      overdueCents > 0 ? `Di questi, ${sayMoney(locale, overdueCents)} sono già scaduti.` : '',
      nextDue
        ? `La prossima scadenza è ${itOn(nextDue.dueOn, today)}, per ${sayMoney(locale, nextDue.amountCents)}.`
        : '',
    ]
      .filter(Boolean)
      .join(' '),
  lastPaymentTitle: () => 'Ultimo pagamento',
  noPayments: () => 'Non ho trovato pagamenti recenti a tuo nome.',
  lastPayment: ({ amountCents, paidOn, method, today }) =>
    `Il tuo ultimo pagamento è di ${sayMoney(locale, amountCents)}, ricevuto ${itOn(paidOn, today)}, ${methodNames[locale][method]}.`,
  whyHigherTitle: () => 'Perché la bolletta è cambiata',
  noOpenBill: () => 'Non hai bollette da pagare, quindi non ho una bolletta da confrontare.',
  noPreviousBill: ({ amountCents }) =>
    `La tua ultima bolletta è di ${sayMoney(locale, amountCents)}. È la prima per questa fornitura, quindi non ho niente con cui confrontarla.`,
  vsPrevious: ({ amountCents, direction, deltaCents }) =>
    direction === 'same'
      ? `La tua ultima bolletta è di ${sayMoney(locale, amountCents)}, uguale alla precedente.`
      : `La tua ultima bolletta è di ${sayMoney(locale, amountCents)}, ${sayMoney(locale, deltaCents)} ${direction === 'higher' ? 'in più' : 'in meno'} rispetto alla precedente.`,
  vsYearAgo: ({ direction, deltaCents }) =>
    direction === 'same'
      ? "Rispetto allo stesso periodo dell'anno scorso è uguale."
      : `Rispetto allo stesso periodo dell'anno scorso è ${direction === 'higher' ? 'più alta' : 'più bassa'} di ${sayMoney(locale, deltaCents)}.`,
  noYearAgo: () => "Non ho una bolletta dello stesso periodo dell'anno scorso.",
  lineMoved: ({ line, direction, deltaCents }) =>
    `La voce cambiata di più è ${line}: ${sayMoney(locale, deltaCents)} ${direction === 'lower' ? 'in meno' : 'in più'}.`,
  consumptionMoved: ({ direction, delta, unit }) =>
    direction === 'same'
      ? 'Hai consumato quanto nel periodo precedente.'
      : `Hai consumato ${sayQuantity(locale, delta, unit)} ${direction === 'higher' ? 'in più' : 'in meno'} rispetto al periodo precedente.`,
  apologyTitle: () => 'Servizio non disponibile',
  apology: () =>
    'Mi dispiace, in questo momento non riesco a leggere i dati della tua bolletta. Riprova tra poco.',
});

const en = (locale: 'en-US'): BillMessages => ({
  owedTitle: () => 'What you owe',
  nothingOwed: () => 'You have nothing to pay: all your bills are settled.',
  owed: ({ owedCents, overdueCents, nextDue, today }) =>
    [
      `In total you owe ${sayMoney(locale, owedCents)}.`,
      overdueCents > 0 ? `Of that, ${sayMoney(locale, overdueCents)} is already overdue.` : '',
      nextDue
        ? `The next payment is due on ${sayDate(locale, nextDue.dueOn, today)}, for ${sayMoney(locale, nextDue.amountCents)}.`
        : '',
    ]
      .filter(Boolean)
      .join(' '),
  lastPaymentTitle: () => 'Last payment',
  noPayments: () => "I couldn't find any recent payments from you.",
  lastPayment: ({ amountCents, paidOn, method, today }) =>
    `Your last payment was ${sayMoney(locale, amountCents)}, received on ${sayDate(locale, paidOn, today)}, ${methodNames[locale][method]}.`,
  whyHigherTitle: () => 'Why your bill changed',
  noOpenBill: () => 'You have no bills to pay, so there is no bill for me to compare.',
  noPreviousBill: ({ amountCents }) =>
    `Your latest bill is ${sayMoney(locale, amountCents)}. It is the first one for this supply, so there is nothing to compare it with.`,
  vsPrevious: ({ amountCents, direction, deltaCents }) =>
    direction === 'same'
      ? `Your latest bill is ${sayMoney(locale, amountCents)}, the same as the previous one.`
      : `Your latest bill is ${sayMoney(locale, amountCents)}, ${sayMoney(locale, deltaCents)} ${direction === 'higher' ? 'more' : 'less'} than the previous one.`,
  vsYearAgo: ({ direction, deltaCents }) =>
    direction === 'same'
      ? 'It is the same as for the same period last year.'
      : `Compared with the same period last year, it is ${sayMoney(locale, deltaCents)} ${direction === 'higher' ? 'higher' : 'lower'}.`,
  noYearAgo: () => 'I have no bill for the same period last year.',
  lineMoved: ({ line, direction, deltaCents }) =>
    `What changed most is ${line}: ${sayMoney(locale, deltaCents)} ${direction === 'lower' ? 'less' : 'more'}.`,
  consumptionMoved: ({ direction, delta, unit }) =>
    direction === 'same'
      ? 'You used as much as in the previous period.'
      : `You used ${sayQuantity(locale, delta, unit)} ${direction === 'higher' ? 'more' : 'less'} than in the previous period.`,
  apologyTitle: () => 'Service unavailable',
  apology: () => "Sorry, I can't read your bill details right now. Please try again in a moment.",
});

export const billMessages: Record<Locale, BillMessages> = { 'it-IT': it('it-IT'), 'en-US': en('en-US') };
