import { DateTime } from 'luxon';
import { REFERENCE_ZONE } from '../clock.ts';
import type { Balance, BillStatus, PaymentMethod } from '../billing.ts';
import type { BillReading, Supply } from '../supplies.ts';
import type { Locale } from '../vocabulary.ts';
import { itJoined, sayDate, sayDates, sayList, sayMethod, sayMoney, sayOn, sayQuantity } from './messages.ts';
import { supplyWords } from './supply-words.ts';

type Direction = 'higher' | 'lower' | 'same';

/** A bill as an answer describes it: never by its number, always by supply and period. */
export interface SpokenBill {
  supply: Supply;
  periodStart: string;
  periodEnd: string;
  issuedOn: string;
  amountCents: number;
  paidCents: number;
  dueOn: string;
  status: BillStatus;
}

/**
 * The bill offered instead of one asked for by a date that has none: of its supply, the first
 * (the date is before them all), the latest (after them all) or the nearest (between two).
 */
export interface NearestBill {
  bill: SpokenBill;
  place: 'first' | 'latest' | 'nearest';
}

/** Every spoken string of the bill intents, in every locale; figures arrive raw and are said here. */
export interface BillMessages {
  owedTitle: () => string;
  nothingOwed: () => string;
  owed: (p: {
    balance: Balance;
    /** The supplies with something owed, and those of the next due date. */
    owing: Supply[];
    nextDueOn: Supply[];
    today: string;
  }) => string;
  /** What is owed on one supply. */
  owedOn: (p: { supply: Supply; balance: Balance; today: string }) => string;
  nothingOwedOn: (p: { supplies: Supply[] }) => string;
  /** Said after a total of several supplies: how to hear it per supply. */
  offerBreakdown: () => string;
  noSuchSupply: () => string;
  lastPaymentTitle: () => string;
  noPayments: () => string;
  lastPayment: (p: {
    amountCents: number;
    paidOn: string;
    method: PaymentMethod;
    today: string;
    supply: Supply | undefined;
  }) => string;
  whyHigherTitle: () => string;
  noBill: () => string;
  /** Several of the latest bills rose, largest first. */
  severalRose: (p: { risen: { supply: Supply; deltaCents: number }[] }) => string;
  onlyOneRose: (p: { supply: Supply }) => string;
  noneRose: () => string;
  startWith: (p: { supply: Supply }) => string;
  noPreviousBill: (p: { supply: Supply; amountCents: number }) => string;
  vsPrevious: (p: {
    supply: Supply;
    amountCents: number;
    direction: Direction;
    deltaCents: number;
  }) => string;
  vsYearAgo: (p: { direction: Direction; deltaCents: number }) => string;
  noYearAgo: () => string;
  lineMoved: (p: { line: string; direction: Direction; deltaCents: number }) => string;
  consumptionMoved: (p: { direction: Direction; delta: number; unit: string }) => string;
  offerToExplain: (p: { supply: Supply }) => string;
  billTitle: () => string;
  askSupply: (p: { supplies: Supply[] }) => string;
  /** A bill found for `date` (a month or a day), or the latest when no date was said. */
  billDetail: (p: {
    bill: SpokenBill;
    date: string | undefined;
    reading: BillReading;
    today: string;
  }) => string;
  noBills: () => string;
  /** Asked by a period bills are not looked up by (a week, a year): says how to ask. */
  noBillFor: () => string;
  /**
   * None of `supplies` has a bill issued in or covering `date` (a month or a day), or any bill yet
   * when no date was asked: says so, naming them and the date, and offers `nearest` when there is one.
   */
  noBillIn: (p: {
    date: string | undefined;
    supplies: Supply[];
    nearest?: NearestBill;
    today: string;
  }) => string;
  apologyTitle: () => string;
  apology: () => string;
}

/** "marzo" / "March" for a month, "il 5 marzo" / "March 5" for a day; the year when it is not this one. */
function sayWhen(locale: Locale, date: string, today: string, weekday?: boolean): string {
  if (date.length > 7)
    return locale === 'it-IT' ? sayOn(locale, date, today, weekday) : sayDate(locale, date, today, weekday);
  const month = DateTime.fromISO(`${date}-01`, { zone: REFERENCE_ZONE }).setLocale(locale);
  return month.toFormat(date.slice(0, 4) === today.slice(0, 4) ? 'LLLL' : 'LLLL yyyy');
}

const counted: Record<Locale, string[]> = {
  'it-IT': ['', 'una', 'due', 'tre', 'quattro', 'cinque'],
  'en-US': ['', 'one', 'two', 'three', 'four', 'five'],
};
const count = (locale: Locale, n: number) => counted[locale][n] ?? String(n);
const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** The dates a reply about a bill says: its period, its issue, its due date while open, the date asked. */
const billDates = (bill: SpokenBill, asked: string | undefined) => [
  bill.periodStart,
  bill.periodEnd,
  bill.issuedOn,
  ...(bill.status === 'paid' || bill.status === 'cancelled' ? [] : [bill.dueOn]),
  ...(asked && asked.length > 7 ? [asked] : []),
];

/** A bill's period in Italian: "dal primo ottobre al 30 novembre", "dall'8 marzo all'11 aprile". */
const itPeriod = (bill: SpokenBill, dates: ReturnType<typeof sayDates>) =>
  `${itJoined('da', dates.on(bill.periodStart))} ${itJoined('a', dates.on(bill.periodEnd))}`;

/** The supplies as one kind, without a street when several of it are meant. */
const oneKind = (supplies: Supply[]): Supply | undefined => {
  const [first] = supplies;
  if (!first || supplies.some((s) => s.kind !== first.kind)) return undefined;
  return supplies.length === 1 ? first : { ...first, sharesKind: false };
};

/** The earliest due date among what is overdue. */
const firstOverdue = (owed: Balance) => owed.openBills.find((b) => b.status === 'overdue')?.dueOn;

const it = (locale: 'it-IT'): BillMessages => {
  const w = supplyWords[locale];
  const money = (cents: number) => sayMoney(locale, cents);
  const on = (date: string, today: string) => sayOn(locale, date, today);
  // A single supply takes its article ("per il gas"); a list of kinds does not ("per luce e gas").
  const forSupplies = (supplies: Supply[]) =>
    supplies.length === 1 ? w.the(supplies[0] as Supply) : w.kinds(supplies);
  return {
    owedTitle: () => 'Quanto devi pagare',
    nothingOwed: () => 'Non hai niente da pagare: tutte le tue bollette sono saldate.',
    owed: ({ balance, owing, nextDueOn, today }) =>
      [
        `In tutto devi pagare ${money(balance.owedCents)}, per ${forSupplies(owing)}.`,
        balance.overdueCents === balance.owedCents
          ? 'Sono tutti già scaduti.'
          : balance.overdueCents > 0
            ? `Di questi, ${money(balance.overdueCents)} sono già scaduti.`
            : '',
        // Which supply falls due needs saying only when there are several.
        balance.nextDue
          ? owing.length > 1
            ? `La prossima scadenza è ${on(balance.nextDue.dueOn, today)}: ${money(balance.nextDue.amountCents)} per ${forSupplies(nextDueOn)}.`
            : `La prossima scadenza è ${on(balance.nextDue.dueOn, today)}, per ${money(balance.nextDue.amountCents)}.`
          : '',
      ]
        .filter(Boolean)
        .join(' '),
    owedOn: ({ supply, balance, today }) => {
      const overdue = firstOverdue(balance);
      const tail =
        overdue && balance.overdueCents === balance.owedCents
          ? `scaduti ${on(overdue, today)}`
          : balance.overdueCents > 0
            ? `di cui ${money(balance.overdueCents)} già scaduti${
                balance.nextDue
                  ? ` e ${money(balance.nextDue.amountCents)} con scadenza ${on(balance.nextDue.dueOn, today)}`
                  : ''
              }`
            : `con scadenza ${on(balance.nextDue?.dueOn ?? '', today)}`;
      return `Per ${w.the(supply)} devi ${money(balance.owedCents)}, ${tail}.`;
    },
    nothingOwedOn: ({ supplies }) => `Per ${forSupplies(supplies)} non devi niente: è tutto pagato.`,
    offerBreakdown: () => 'Se vuoi, ti dico quanto per ogni fornitura.',
    noSuchSupply: () => 'Non ho una fornitura di questo tipo a tuo nome.',
    lastPaymentTitle: () => 'Ultimo pagamento',
    noPayments: () => 'Non ho trovato pagamenti recenti a tuo nome.',
    lastPayment: ({ amountCents, paidOn, method, today, supply }) =>
      `Il tuo ultimo pagamento è di ${money(amountCents)}${supply ? ` per la bolletta ${w.of(supply)}` : ''}, ricevuto ${on(paidOn, today)}, ${sayMethod(locale, method)}.`,
    whyHigherTitle: () => 'Perché la bolletta è cambiata',
    noBill: () => 'Non ho ancora bollette a tuo nome da spiegare.',
    severalRose: ({ risen }) => {
      const each = risen.map((r) => `quella ${w.of(r.supply)}, di ${money(r.deltaCents)}`);
      return `Sono aumentate ${count(locale, risen.length)} bollette: ${each.slice(0, -1).join(', ')}, e ${each.at(-1)}.`;
    },
    onlyOneRose: ({ supply }) => `Delle tue ultime bollette è aumentata solo quella ${w.of(supply)}.`,
    noneRose: () => 'Nessuna delle tue ultime bollette è più alta della precedente.',
    startWith: ({ supply }) => `Comincio ${w.from(supply)}.`,
    noPreviousBill: ({ supply, amountCents }) =>
      `La tua ultima bolletta ${w.of(supply)} è di ${money(amountCents)}. È la prima per questa fornitura, quindi non ho niente con cui confrontarla.`,
    vsPrevious: ({ supply, amountCents, direction, deltaCents }) =>
      direction === 'same'
        ? `La tua ultima bolletta ${w.of(supply)} è di ${money(amountCents)}, uguale alla precedente.`
        : `La tua ultima bolletta ${w.of(supply)} è di ${money(amountCents)}, ${money(deltaCents)} ${direction === 'higher' ? 'in più' : 'in meno'} rispetto alla precedente.`,
    vsYearAgo: ({ direction, deltaCents }) =>
      direction === 'same'
        ? "Rispetto allo stesso periodo dell'anno scorso è uguale."
        : `Rispetto allo stesso periodo dell'anno scorso è ${direction === 'higher' ? 'più alta' : 'più bassa'} di ${money(deltaCents)}.`,
    noYearAgo: () => "Non ho una bolletta dello stesso periodo dell'anno scorso.",
    lineMoved: ({ line, direction, deltaCents }) =>
      `La voce cambiata di più è ${line}: ${money(deltaCents)} ${direction === 'lower' ? 'in meno' : 'in più'}.`,
    consumptionMoved: ({ direction, delta, unit }) =>
      direction === 'same'
        ? 'Hai consumato quanto nel periodo precedente.'
        : `Hai consumato ${sayQuantity(locale, delta, unit)} ${direction === 'higher' ? 'in più' : 'in meno'} rispetto al periodo precedente.`,
    offerToExplain: ({ supply }) => `Vuoi che ti spieghi anche la bolletta ${w.of(supply)}?`,
    billTitle: () => 'La tua bolletta',
    askSupply: ({ supplies }) =>
      `Di quale fornitura: ${sayList(locale, [...new Set(supplies.map(w.bare))], 'or')}?`,
    billDetail: ({ bill, date, reading, today }) => {
      const dates = sayDates(locale, today, billDates(bill, date));
      const period = itPeriod(bill, dates);
      const when = date && sayWhen(locale, date, today, dates.weekday);
      const which = !date
        ? `L'ultima bolletta ${w.of(bill.supply)}, emessa ${dates.on(bill.issuedOn)}, ${period},`
        : reading === 'issued'
          ? `La bolletta ${w.of(bill.supply)} emessa ${date.length > 7 ? '' : 'a '}${when}, ${period},`
          : `Non ho una bolletta ${w.of(bill.supply)} emessa ${date.length > 7 ? '' : 'a '}${when}. Quella che copre ${when}, ${period}, emessa ${dates.on(bill.issuedOn)},`;
      return `${which} è di ${money(bill.amountCents)}. ${
        bill.status === 'paid'
          ? 'È pagata.'
          : bill.status === 'cancelled'
            ? 'È stata annullata.'
            : `Restano da pagare ${money(bill.amountCents - bill.paidCents)}, ${bill.status === 'overdue' ? 'scaduti' : 'con scadenza'} ${dates.on(bill.dueOn)}.`
      }`;
    },
    noBills: () => 'Non ho trovato bollette a tuo nome.',
    noBillFor: () => 'Cerco le bollette per mese o per giorno: chiedimi per esempio la bolletta di marzo.',
    noBillIn: ({ date, supplies, nearest, today }) => {
      const kind = oneKind(supplies);
      if (!date) return `Non ho ancora bollette${kind ? ` ${w.of(kind)}` : ''}.`;
      const dates = sayDates(locale, today, [...(nearest ? billDates(nearest.bill, date) : []), date]);
      const when = sayWhen(locale, date, today, dates.weekday);
      const none = `Non ho ${kind ? `una bolletta ${w.of(kind)}` : 'bollette'} ${date.length > 7 ? itJoined('di', when) : `di ${when}`}.`;
      if (!nearest) return none;
      const { bill, place } = nearest;
      const which =
        place === 'first'
          ? `La prima bolletta ${w.of(bill.supply)} che ho`
          : place === 'latest'
            ? `L'ultima bolletta ${w.of(bill.supply)} che ho`
            : `La bolletta ${w.of(bill.supply)} più vicina`;
      return `${none} ${which} è quella ${itPeriod(bill, dates)}, emessa ${dates.on(bill.issuedOn)}. Vuoi che te la legga?`;
    },
    apologyTitle: () => 'Servizio non disponibile',
    apology: () =>
      'Mi dispiace, in questo momento non riesco a leggere i dati della tua bolletta. Riprova tra poco.',
  };
};

const en = (locale: 'en-US'): BillMessages => {
  const w = supplyWords[locale];
  const money = (cents: number) => sayMoney(locale, cents);
  const date = (iso: string, today: string) => sayDate(locale, iso, today);
  return {
    owedTitle: () => 'What you owe',
    nothingOwed: () => 'You have nothing to pay: all your bills are settled.',
    owed: ({ balance, owing, nextDueOn, today }) =>
      [
        `In total you owe ${money(balance.owedCents)}, for ${w.kinds(owing)}.`,
        balance.overdueCents === balance.owedCents
          ? 'All of it is overdue.'
          : balance.overdueCents > 0
            ? `Of that, ${money(balance.overdueCents)} is already overdue.`
            : '',
        balance.nextDue
          ? owing.length > 1
            ? `The next payment is due on ${date(balance.nextDue.dueOn, today)}: ${money(balance.nextDue.amountCents)} for ${w.kinds(nextDueOn)}.`
            : `The next payment is due on ${date(balance.nextDue.dueOn, today)}, for ${money(balance.nextDue.amountCents)}.`
          : '',
      ]
        .filter(Boolean)
        .join(' '),
    owedOn: ({ supply, balance, today }) => {
      const overdue = firstOverdue(balance);
      const tail =
        overdue && balance.overdueCents === balance.owedCents
          ? `overdue since ${date(overdue, today)}`
          : balance.overdueCents > 0
            ? `of which ${money(balance.overdueCents)} is overdue${
                balance.nextDue
                  ? ` and ${money(balance.nextDue.amountCents)} is due on ${date(balance.nextDue.dueOn, today)}`
                  : ''
              }`
            : `due on ${date(balance.nextDue?.dueOn ?? '', today)}`;
      return `For ${w.bare(supply)} you owe ${money(balance.owedCents)}, ${tail}.`;
    },
    nothingOwedOn: ({ supplies }) => `You owe nothing for ${w.kinds(supplies)}: it is all paid.`,
    offerBreakdown: () => 'I can also tell you how much for each supply.',
    noSuchSupply: () => "I don't have a supply of that kind in your name.",
    lastPaymentTitle: () => 'Last payment',
    noPayments: () => "I couldn't find any recent payments from you.",
    lastPayment: ({ amountCents, paidOn, method, today, supply }) =>
      `Your last payment was ${money(amountCents)}${supply ? ` for the ${w.of(supply)} bill` : ''}, received on ${date(paidOn, today)}, ${sayMethod(locale, method)}.`,
    whyHigherTitle: () => 'Why your bill changed',
    noBill: () => 'You have no bills yet for me to explain.',
    severalRose: ({ risen }) =>
      `${capitalized(count(locale, risen.length))} of your bills went up: ${sayList(
        locale,
        risen.map((r) => `${w.bare(r.supply)} by ${money(r.deltaCents)}`),
        'and',
      )}.`,
    onlyOneRose: ({ supply }) => `Of your latest bills, only the ${w.of(supply)} bill went up.`,
    noneRose: () => 'None of your latest bills is higher than the one before.',
    startWith: ({ supply }) => `Let's start with ${w.from(supply)}.`,
    noPreviousBill: ({ supply, amountCents }) =>
      `Your latest ${w.of(supply)} bill is ${money(amountCents)}. It is the first one for this supply, so there is nothing to compare it with.`,
    vsPrevious: ({ supply, amountCents, direction, deltaCents }) =>
      direction === 'same'
        ? `Your latest ${w.of(supply)} bill is ${money(amountCents)}, the same as the previous one.`
        : `Your latest ${w.of(supply)} bill is ${money(amountCents)}, ${money(deltaCents)} ${direction === 'higher' ? 'more' : 'less'} than the previous one.`,
    vsYearAgo: ({ direction, deltaCents }) =>
      direction === 'same'
        ? 'It is the same as for the same period last year.'
        : `Compared with the same period last year, it is ${money(deltaCents)} ${direction === 'higher' ? 'higher' : 'lower'}.`,
    noYearAgo: () => 'I have no bill for the same period last year.',
    lineMoved: ({ line, direction, deltaCents }) =>
      `What changed most is ${line}: ${money(deltaCents)} ${direction === 'lower' ? 'less' : 'more'}.`,
    consumptionMoved: ({ direction, delta, unit }) =>
      direction === 'same'
        ? 'You used as much as in the previous period.'
        : `You used ${sayQuantity(locale, delta, unit)} ${direction === 'higher' ? 'more' : 'less'} than in the previous period.`,
    offerToExplain: ({ supply }) => `Shall I explain the ${w.of(supply)} bill too?`,
    billTitle: () => 'Your bill',
    askSupply: ({ supplies }) =>
      `Which supply: ${sayList(locale, [...new Set(supplies.map(w.bare))], 'or')}?`,
    billDetail: ({ bill, date: asked, reading, today }) => {
      const dates = sayDates(locale, today, billDates(bill, asked));
      const period = `from ${dates.date(bill.periodStart)} to ${dates.date(bill.periodEnd)}`;
      const said = asked && sayWhen(locale, asked, today, dates.weekday);
      const when = asked && `${asked.length > 7 ? 'on' : 'in'} ${said}`;
      const which = !asked
        ? `Your latest ${w.of(bill.supply)} bill, issued on ${dates.date(bill.issuedOn)}, ${period},`
        : reading === 'issued'
          ? `Your ${w.of(bill.supply)} bill issued ${when}, ${period},`
          : `No ${w.of(bill.supply)} bill was issued ${when}. The one covering ${said}, ${period}, issued on ${dates.date(bill.issuedOn)},`;
      return `${which} is ${money(bill.amountCents)}. ${
        bill.status === 'paid'
          ? 'It is paid.'
          : bill.status === 'cancelled'
            ? 'It was cancelled.'
            : `${money(bill.amountCents - bill.paidCents)} ${bill.status === 'overdue' ? 'was due' : 'is due'} on ${dates.date(bill.dueOn)}.`
      }`;
    },
    noBills: () => "I couldn't find any bills in your name.",
    noBillFor: () => 'I look bills up by month or by day: ask me for example about your March bill.',
    noBillIn: ({ date: asked, supplies, nearest, today }) => {
      const kind = oneKind(supplies);
      if (!asked) return `I have no ${kind ? `${w.of(kind)} ` : ''}bills yet.`;
      const dates = sayDates(locale, today, [...(nearest ? billDates(nearest.bill, asked) : []), asked]);
      const none = `I have no ${kind ? `${w.of(kind)} bill` : 'bills'} for ${sayWhen(locale, asked, today, dates.weekday)}.`;
      if (!nearest) return none;
      const { bill, place } = nearest;
      const which =
        place === 'first'
          ? `The first ${w.of(bill.supply)} bill I have`
          : place === 'latest'
            ? `The latest ${w.of(bill.supply)} bill I have`
            : `The nearest ${w.of(bill.supply)} bill`;
      return `${none} ${which} is the one from ${dates.date(bill.periodStart)} to ${dates.date(bill.periodEnd)}, issued on ${dates.date(bill.issuedOn)}. Shall I read it to you?`;
    },
    apologyTitle: () => 'Service unavailable',
    apology: () => "Sorry, I can't read your bill details right now. Please try again in a moment.",
  };
};

export const billMessages: Record<Locale, BillMessages> = { 'it-IT': it('it-IT'), 'en-US': en('en-US') };
