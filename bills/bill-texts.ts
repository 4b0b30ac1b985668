import { DateTime } from 'luxon';
import { REFERENCE_ZONE, type AccountKind, type BillComparison, type Locale } from '../core/index.ts';

/** Every written string of a bill communication, in every locale; figures arrive raw. */
export interface BillTexts {
  money(cents: number): string;
  /** A price per unit, to a hundredth of a cent. */
  unitPrice(cents: number): string;
  day(isoDate: string): string;
  /** A quantity used, in the locale's digits, with its unit. */
  quantity(value: number, unit: string): string;
  supply(kind: AccountKind): string;
  title: string;
  number: string;
  issuedOn: string;
  period(from: string, to: string): string;
  toPay: string;
  dueBy(isoDate: string): string;
  whatChanged: string;
  lines: string;
  /** The row the lines that do not fit on the front page are summed in. */
  otherLines(count: number): string;
  total: string;
  payWithCode: string;
  scanToPay: string;
  billPage: string;
  scanForPage: string;
  /** The bill against the previous one and a year before: the facts the voice assistant tells too. */
  explanation(comparison: BillComparison): string[];
}

// Intl formatters cost far more to build than to use: one of each per locale, made once.
const formatters = (locale: Locale) => ({
  number: new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }),
  money: new Intl.NumberFormat(locale, { style: 'currency', currency: 'EUR' }),
  unitPrice: new Intl.NumberFormat(locale, { style: 'currency', currency: 'EUR', maximumFractionDigits: 4 }),
  day: new Intl.DateTimeFormat(locale, { dateStyle: 'long', timeZone: REFERENCE_ZONE }),
});
const formats: Record<Locale, ReturnType<typeof formatters>> = {
  'it-IT': formatters('it-IT'),
  'en-US': formatters('en-US'),
};

const number = (locale: Locale, value: number) => formats[locale].number.format(value);

const common = (locale: Locale) => ({
  money: (cents: number) => formats[locale].money.format(cents / 100),
  unitPrice: (cents: number) => formats[locale].unitPrice.format(cents / 100),
  day: (iso: string) =>
    formats[locale].day.format(DateTime.fromISO(iso, { zone: REFERENCE_ZONE }).toJSDate()),
  quantity: (value: number, unit: string) => `${number(locale, value)} ${unit}`,
});

interface ExplanationWords {
  first: string;
  same: string;
  more(up: boolean): string;
  vsPrevious(amount: string, more: string): string;
  vsYearAgo(amount: string, more: string): string;
  used(quantity: number, unit: string, more: string): string;
  line(description: string, amount: string, more: string): string;
}

/** The changes worth telling, largest movements only, in one locale's words. */
function explain(money: (cents: number) => string, w: ExplanationWords) {
  return (c: BillComparison): string[] => {
    const said: string[] = [];
    const delta = c.amount.vsPrevious?.delta;
    if (delta === undefined) said.push(w.first);
    else if (delta === 0) said.push(w.same);
    else said.push(w.vsPrevious(money(Math.abs(delta)), w.more(delta > 0)));
    const year = c.amount.vsYearAgo?.delta;
    if (year) said.push(w.vsYearAgo(money(Math.abs(year)), w.more(year > 0)));
    const used = c.consumption?.vsPrevious?.delta;
    if (c.consumption && used) said.push(w.used(Math.abs(used), c.consumption.unit, w.more(used > 0)));
    const line = c.lines[0];
    if (line?.vsPrevious?.delta) {
      const moved = line.vsPrevious.delta;
      said.push(w.line(line.description.toLowerCase(), money(Math.abs(moved)), w.more(moved > 0)));
    }
    return said;
  };
}

const italian = (): BillTexts => {
  const { money, unitPrice, day, quantity } = common('it-IT');
  const kinds: Record<AccountKind, string> = {
    electricity: 'Luce',
    gas: 'Gas',
    water: 'Acqua',
    telecom: 'Telefono',
    broadband: 'Internet',
  };
  return {
    money,
    unitPrice,
    day,
    quantity,
    supply: (kind) => kinds[kind],
    title: 'Bolletta',
    number: 'Numero',
    issuedOn: 'Emessa il',
    period: (from, to) => `dal ${day(from)} al ${day(to)}`,
    toPay: 'Da pagare',
    dueBy: (iso) => `entro il ${day(iso)}`,
    whatChanged: 'Cosa è cambiato',
    lines: 'Il dettaglio',
    otherLines: (count: number) => `Altre ${count} voci (dettaglio sulla pagina della bolletta)`,
    total: 'Totale',
    payWithCode: 'Paga con il codice',
    scanToPay: "Inquadralo con l'app della tua banca",
    billPage: 'La tua bolletta online',
    scanForPage: 'Grafici dei consumi, pagamento e assistenza',
    explanation: explain(money, {
      first: 'È la prima bolletta di questa fornitura: non c’è niente con cui confrontarla.',
      same: 'L’importo è uguale a quello della bolletta precedente.',
      more: (up) => (up ? 'in più' : 'in meno'),
      vsPrevious: (amount, more) => `${amount} ${more} rispetto alla bolletta precedente.`,
      vsYearAgo: (amount, more) => `Rispetto allo stesso periodo dell’anno scorso: ${amount} ${more}.`,
      used: (quantity, unit, more) =>
        `Hai consumato ${number('it-IT', quantity)} ${unit} ${more} rispetto al periodo precedente.`,
      line: (description, amount, more) => `La voce cambiata di più è ${description}: ${amount} ${more}.`,
    }),
  };
};

const english = (): BillTexts => {
  const { money, unitPrice, day, quantity } = common('en-US');
  const kinds: Record<AccountKind, string> = {
    electricity: 'Electricity',
    gas: 'Gas',
    water: 'Water',
    telecom: 'Phone',
    broadband: 'Internet',
  };
  return {
    money,
    unitPrice,
    day,
    quantity,
    supply: (kind) => kinds[kind],
    title: 'Bill',
    number: 'Number',
    issuedOn: 'Issued on',
    period: (from, to) => `from ${day(from)} to ${day(to)}`,
    toPay: 'To pay',
    dueBy: (iso) => `by ${day(iso)}`,
    whatChanged: 'What changed',
    lines: 'The details',
    otherLines: (count: number) => `${count} more items (in full on the bill's page)`,
    total: 'Total',
    payWithCode: 'Pay with the code',
    scanToPay: "Scan it with your bank's app",
    billPage: 'Your bill online',
    scanForPage: 'Usage charts, payment and help',
    explanation: explain(money, {
      first: 'This is the first bill for this supply: there is nothing to compare it with.',
      same: 'The amount is the same as on the previous bill.',
      more: (up) => (up ? 'more' : 'less'),
      vsPrevious: (amount, more) => `${amount} ${more} than the previous bill.`,
      vsYearAgo: (amount, more) => `Compared with the same period last year: ${amount} ${more}.`,
      used: (quantity, unit, more) =>
        `You used ${number('en-US', quantity)} ${unit} ${more} than in the previous period.`,
      line: (description, amount, more) => `The line that changed most is ${description}: ${amount} ${more}.`,
    }),
  };
};

const catalog: Record<Locale, BillTexts> = { 'it-IT': italian(), 'en-US': english() };

export function billTexts(locale: Locale): BillTexts {
  return catalog[locale];
}
