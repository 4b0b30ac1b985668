import type { Account, AccountKind, BillLine, Segment, consumptionUnits } from '../../core/index.ts';
import type { BillRecord } from '../../core/storage/postgres-bulk-loader.ts';
import { addMonths, epochDay, isoDate, monthStart } from './demo-calendar.ts';
import type { DemoRandom } from './demo-random.ts';

type Unit = (typeof consumptionUnits)[number];

export interface BillingWindow {
  /** First and last calendar month billed (the last is the last full month before now). */
  first: { year: number; month: number };
  last: { year: number; month: number };
  /** Today's local day: nothing is issued after it. */
  today: number;
}

/** The last full month before today, and `months` months up to it. */
export function billingWindow(today: number, months: number): BillingWindow {
  const [year, month] = isoDate(today).split('-').map(Number) as [number, number];
  const last = addMonths(year, month, -1);
  return { first: addMonths(last.year, last.month, -(months - 1)), last, today };
}

// Share of a year's use falling in each month (January first): gas heats in winter, electricity
// also cools in summer, water is used a little more when it is hot.
const monthShares: Record<'electricity' | 'gas' | 'gas_cooking' | 'water', number[]> = {
  electricity: [0.095, 0.085, 0.08, 0.07, 0.07, 0.08, 0.1, 0.1, 0.08, 0.07, 0.08, 0.09],
  gas: [0.2, 0.17, 0.12, 0.06, 0.03, 0.02, 0.015, 0.015, 0.02, 0.05, 0.11, 0.19],
  gas_cooking: [0.09, 0.085, 0.085, 0.082, 0.082, 0.08, 0.078, 0.07, 0.08, 0.085, 0.085, 0.098],
  water: [0.075, 0.072, 0.08, 0.082, 0.088, 0.095, 0.1, 0.095, 0.088, 0.08, 0.073, 0.072],
};
const yearlyUse: Record<'electricity' | 'gas' | 'water', Record<Segment, number>> = {
  electricity: {
    residential: 2700,
    family: 3600,
    senior: 2000,
    young: 1800,
    small_business: 9000,
    vulnerable: 2200,
  },
  gas: { residential: 850, family: 1150, senior: 800, young: 450, small_business: 2200, vulnerable: 700 },
  water: { residential: 150, family: 220, senior: 100, young: 70, small_business: 400, vulnerable: 120 },
};
// Wholesale indices (€/kWh, €/Smc) the variable tariffs follow, January first.
const electricityIndex = [0.145, 0.15, 0.13, 0.11, 0.1, 0.11, 0.13, 0.125, 0.12, 0.125, 0.135, 0.145];
const gasIndex = [0.5, 0.49, 0.45, 0.42, 0.4, 0.41, 0.42, 0.42, 0.43, 0.45, 0.48, 0.5];
const monthlyFees: Record<string, number> = {
  'Mobile 30 GB': 4.91,
  'Mobile 80 GB': 8.19,
  'Mobile 150 GB': 10.65,
  'Mobile Business': 12.3,
  'Fibra FTTC 100 Mbps': 16.39,
  'Fibra FTTC 200 Mbps': 20.49,
  'Fibra FTTH 1 Gbps': 24.57,
  'Fibra Business': 32.7,
};
const numberCodes: Record<AccountKind, string> = {
  electricity: 'EL',
  gas: 'GS',
  water: 'AQ',
  telecom: 'TM',
  broadband: 'BB',
};

interface Period {
  start: number;
  end: number;
}

/** Hands out bill numbers unique across the dataset: `2025-EL-00001234`. */
export function createBillNumbers(): (kind: AccountKind, issuedOn: string) => string {
  let seq = 0;
  return (kind, issuedOn) => `${issuedOn.slice(0, 4)}-${numberCodes[kind]}-${String(++seq).padStart(8, '0')}`;
}

/** Every bill of one account over the window, in period order. */
export function billsForAccount(
  random: DemoRandom,
  account: Account,
  segment: Segment,
  window: BillingWindow,
  nextNumber: (kind: AccountKind, issuedOn: string) => string,
): BillRecord[] {
  const monthly =
    account.kind === 'telecom' ||
    account.kind === 'broadband' ||
    segment === 'small_business' ||
    (account.kind !== 'water' && random.chance(0.35));
  const size = random.chance(0.12) ? 0.1 : random.logNormal(1, 0.3);
  const cooking = account.kind === 'gas' && size === 0.1;
  const issueDelay = random.int(5, 12);
  const started = epochDay(account.startedOn);
  const closed = account.closedOn === null ? Infinity : epochDay(account.closedOn);
  const step = monthly ? 1 : 2;
  // Bi-monthly periods are counted back from the last month, so that the last one ends with it.
  const total = (window.last.year - window.first.year) * 12 + window.last.month - window.first.month + 1;
  const offsets: number[] = [];
  for (let offset = total - step; offset > -step; offset -= step) offsets.unshift(offset);
  const bills: BillRecord[] = [];
  for (const offset of offsets) {
    const from = addMonths(window.first.year, window.first.month, Math.max(offset, 0));
    const to = addMonths(window.first.year, window.first.month, offset + step);
    const period = {
      start: Math.max(monthStart(from.year, from.month), started),
      end: Math.min(monthStart(to.year, to.month) - 1, closed),
    };
    if (period.start > period.end) continue;
    const issued = Math.min(period.end + issueDelay + random.int(0, 1), window.today);
    const use = consumption(random, account.kind, segment, cooking ? 1 : size, cooking, period);
    const lines = linesFor(random, account, segment, use, period);
    const number = nextNumber(account.kind, isoDate(issued));
    const bill = record(random, account, period, issued, use, lines, number);
    // Now and then a bill goes out wrong and is replaced by a corrected one.
    const reissued = issued + random.int(10, 20);
    if (random.chance(0.004) && reissued <= window.today) {
      bills.push({ ...bill, cancelled: true });
      const corrected = lines.map((line) => ({ ...line, amountCents: Math.round(line.amountCents * 0.9) }));
      bills.push(record(random, account, period, reissued, use, corrected, `${number}-R`));
    } else {
      bills.push(bill);
    }
  }
  return bills;
}

function record(
  random: DemoRandom,
  account: Account,
  period: Period,
  issued: number,
  quantity: { quantity: number; unit: Unit } | null,
  lines: BillLine[],
  number: string,
): BillRecord {
  const issuedOn = isoDate(issued);
  return {
    id: random.uuid(),
    accountId: account.id,
    customerId: account.customerId,
    number,
    periodStart: isoDate(period.start),
    periodEnd: isoDate(period.end),
    issuedOn,
    dueOn: isoDate(issued + 20),
    currency: 'EUR',
    amountCents: lines.reduce((sum, line) => sum + line.amountCents, 0),
    consumption: quantity,
    lines,
    cancelled: false,
  };
}

function consumption(
  random: DemoRandom,
  kind: AccountKind,
  segment: Segment,
  size: number,
  cooking: boolean,
  period: Period,
): { quantity: number; unit: Unit } | null {
  const noise = random.logNormal(1, 0.08);
  const days = period.end - period.start + 1;
  if (kind === 'telecom') return { quantity: round1(random.int(8, 70) * (days / 30.4)), unit: 'GB' };
  if (kind === 'broadband') return { quantity: round1(random.int(150, 650) * (days / 30.4)), unit: 'GB' };
  const shares = monthShares[kind === 'gas' && cooking ? 'gas_cooking' : kind];
  const yearly = cooking ? 120 : yearlyUse[kind][segment] * size;
  let quantity = 0;
  const first = new Date(period.start * 86_400_000);
  let year = first.getUTCFullYear();
  let month = first.getUTCMonth();
  for (let day = period.start; day <= period.end;) {
    // The period's days a month at a time: each day adds the same share as before, in the same order.
    const next = Date.UTC(year, month + 1, 1) / 86_400_000;
    const daysInMonth = next - Date.UTC(year, month, 1) / 86_400_000;
    for (; day <= period.end && day < next; day++)
      quantity += ((shares[month] as number) * yearly) / daysInMonth;
    month += 1;
    if (month === 12) [year, month] = [year + 1, 0];
  }
  return {
    quantity: Math.round(quantity * noise),
    unit: kind === 'electricity' ? 'kWh' : kind === 'gas' ? 'Smc' : 'm3',
  };
}

function linesFor(
  random: DemoRandom,
  account: Account,
  segment: Segment,
  use: { quantity: number; unit: Unit } | null,
  period: Period,
): BillLine[] {
  const days = period.end - period.start + 1;
  // Fixed fees are charged per month, pro rata only for a part month (a supply that starts or ends).
  const months = days >= 28 ? Math.round(days / 30.4) : days / 30.4;
  const q = use?.quantity ?? 0;
  const business = segment === 'small_business';
  const variable = account.tariff.includes('Variabile') || account.tariff.includes('vulnerabilità');
  const month = new Date(period.end * 86_400_000).getUTCMonth();
  const lines: BillLine[] = [];
  const add = (code: string, description: string, euros: number, withUse = false) =>
    lines.push({
      code,
      description,
      amountCents: Math.round(euros * 100),
      quantity: withUse ? q : null,
      unit: withUse ? (use?.unit ?? null) : null,
    });
  let vatRate = business ? 0.22 : 0.1;
  if (account.kind === 'electricity') {
    const price = variable ? (electricityIndex[month] as number) + 0.015 : 0.135;
    add('energy', 'Spesa per la materia energia', q * price, true);
    add('transport', 'Spesa per il trasporto e la gestione del contatore', 2.2 * months + 0.0095 * q);
    add('system_charges', 'Spesa per oneri di sistema', 0.031 * q + (business ? 1.5 * months : 0));
    add('taxes', 'Imposte (accise)', (business ? 0.0125 : 0.0227) * q);
  } else if (account.kind === 'gas') {
    const price = variable ? (gasIndex[month] as number) + 0.09 : 0.52;
    add('energy', 'Spesa per la materia gas naturale', q * price, true);
    add('transport', 'Spesa per il trasporto e la gestione del contatore', 4 * months + 0.09 * q);
    add('system_charges', 'Spesa per oneri di sistema', 0.028 * q);
    add('taxes', 'Imposte (accise e addizionale regionale)', 0.195 * q);
    // Household gas pays 10% VAT on the first 480 Smc a year (40 a month), 22% above.
    if (!business && q > 0) vatRate = 0.22 - 0.12 * Math.min(1, (40 * months) / q);
  } else if (account.kind === 'water') {
    add('water_supply', 'Quota servizio acquedotto', 1.25 * q, true);
    add('sewerage', 'Quota fognatura', 0.38 * q);
    add('purification', 'Quota depurazione', 0.52 * q);
    add('fixed_fee', 'Quota fissa', 2.5 * months);
  } else {
    vatRate = 0.22;
    add('fixed_fee', 'Canone mensile', (monthlyFees[account.tariff] ?? 9.9) * months);
    if (random.chance(0.1)) add('options', 'Opzioni e servizi aggiuntivi', random.pick([2.46, 4.1, 4.91]));
  }
  const energy = lines[0]?.amountCents ?? 0;
  // Estimated readings get corrected later: the adjustment is what makes a bill jump.
  if (account.kind !== 'telecom' && account.kind !== 'broadband' && random.chance(0.04)) {
    const sign = random.chance(0.75) ? 1 : -1;
    add(
      'adjustment',
      'Ricalcoli per conguaglio letture',
      (sign * energy * (0.05 + 0.25 * random.next())) / 100,
    );
  }
  const subtotal = lines.reduce((sum, line) => sum + line.amountCents, 0);
  const vatLabel =
    Math.abs(vatRate - 0.1) < 1e-9
      ? 'IVA 10%'
      : Math.abs(vatRate - 0.22) < 1e-9
        ? 'IVA 22%'
        : 'IVA 10% e 22%';
  add('vat', vatLabel, (subtotal * vatRate) / 100);
  if (segment === 'vulnerable' && (account.kind === 'electricity' || account.kind === 'gas')) {
    const total = lines.reduce((sum, line) => sum + line.amountCents, 0);
    add('social_bonus', 'Bonus sociale', -Math.min(total * 0.5, 1200 * months) / 100);
  }
  return lines;
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
