import type { Account, AccountKind, Bill, BillInput, Customer, Stores } from '../../core/index.ts';

// Households with several supplies, as a multi-utility bills them: electricity and gas on the
// same bimonthly cycle and issued the same day, water quarterly from another system, and a
// family with a second electricity supply at a holiday home. Written from how such bills look
// (bill numbers in the issuing system's format, lines in the language the bill was issued in),
// not from what the voice assistant's code expects.
//
// The reference day of these households is Monday 20 April 2026: the January–February bills of
// electricity and gas were issued on 4 March, the first-quarter water bill on 8 April.

/** Monday 20 April 2026, 10:00 in Rome. */
export const HOUSEHOLD_NOW = new Date('2026-04-20T08:00:00Z');

let made = 0;
const unique = () => `${Date.now().toString(36)}${(made++).toString(36)}`;

type Line = BillInput['lines'][number];

interface PeriodBill {
  period: [start: string, end: string];
  issued: string;
  due: string;
  usage: number;
  lines: Line[];
  /** Paid in full on this day (by direct debit unless `method`), or left open. */
  paidOn?: string;
  method?: 'direct_debit' | 'card' | 'bank_transfer' | 'postal_slip';
}

interface SupplySpec {
  kind: AccountKind;
  address: string;
  tariff: string;
  /** The account number in the billing system. */
  account: string;
  /** Bill numbers are `${prefix}${n}`. */
  billPrefix: string;
  unit: 'kWh' | 'Smc' | 'm3';
  bills: PeriodBill[];
}

interface PersonSpec {
  firstName: string;
  lastName: string;
  locale: 'it-IT' | 'en-US';
  phone: string;
  email: string;
  preferredMedium: 'sms' | 'email';
  /** Media they agreed to be contacted on. */
  allows: ('sms' | 'email')[];
}

export interface Household {
  customer: Customer;
  /** By name given in the spec: `home_electricity`, `gas`, … */
  accounts: Record<string, Account>;
  /** Per account name, oldest first. */
  bills: Record<string, Bill[]>;
}

async function household(
  stores: Pick<Stores, 'customers' | 'billing'>,
  person: PersonSpec,
  supplies: Record<string, SupplySpec>,
): Promise<Household> {
  const suffix = unique();
  const consent = { granted: true, givenAt: '2024-09-02T10:00:00Z', source: 'web_form' as const };
  const customer = await stores.customers.create({
    firstName: person.firstName,
    lastName: person.lastName,
    locale: person.locale,
    phone: person.phone,
    email: person.email.replace('@', `+${suffix}@`),
    segment: 'family',
    preferredMedium: person.preferredMedium,
    consents: [
      { purpose: 'data_processing', ...consent },
      ...person.allows.map((medium) => ({ purpose: 'contact' as const, medium, ...consent })),
    ],
  });
  const accounts: Record<string, Account> = {};
  const bills: Record<string, Bill[]> = {};
  for (const [name, supply] of Object.entries(supplies)) {
    const account = await stores.customers.addAccount({
      customerId: customer.id,
      number: `${supply.account}-${suffix}`,
      kind: supply.kind,
      supplyAddress: supply.address,
      tariff: supply.tariff,
      startedOn: '2023-01-01',
    });
    accounts[name] = account;
    bills[name] = [];
    let n = 0;
    for (const spec of supply.bills) {
      const bill = await stores.billing.issueBill({
        accountId: account.id,
        number: `${supply.billPrefix}${++n}-${suffix}`,
        periodStart: spec.period[0],
        periodEnd: spec.period[1],
        issuedOn: spec.issued,
        dueOn: spec.due,
        consumption: { quantity: spec.usage, unit: supply.unit },
        lines: spec.lines,
      });
      if (spec.paidOn) {
        await stores.billing.recordPayment({
          customerId: customer.id,
          billId: bill.id,
          amountCents: bill.amountCents,
          paidAt: `${spec.paidOn}T07:30:00Z`,
          method: spec.method ?? 'direct_debit',
          channel: 'bank',
        });
      }
      bills[name].push((await stores.billing.bill(bill.id)) as Bill);
    }
  }
  return { customer, accounts, bills };
}

// Italian lines: the descriptions the billing system prints.
const luce = (energy: number, network: number, charges: number, usage: number): Line[] => [
  {
    code: 'energy',
    description: 'Spesa per la materia energia',
    amountCents: energy,
    quantity: usage,
    unit: 'kWh',
  },
  {
    code: 'transport',
    description: 'Spesa per il trasporto e la gestione del contatore',
    amountCents: network,
  },
  { code: 'system_charges', description: 'Spesa per oneri di sistema', amountCents: charges },
  { code: 'vat', description: 'IVA 10%', amountCents: Math.round((energy + network + charges) / 10) },
];
const gas = (energy: number, network: number, excise: number, usage: number): Line[] => [
  {
    code: 'energy',
    description: 'Spesa per la materia gas naturale',
    amountCents: energy,
    quantity: usage,
    unit: 'Smc',
  },
  {
    code: 'transport',
    description: 'Spesa per il trasporto e la gestione del contatore',
    amountCents: network,
  },
  { code: 'taxes', description: 'Accisa e addizionale regionale', amountCents: excise },
  { code: 'vat', description: 'IVA', amountCents: Math.round((energy + network + excise) * 0.1) },
];
const acqua = (supply: number, sewer: number, usage: number): Line[] => [
  {
    code: 'water_supply',
    description: 'Quota variabile acquedotto',
    amountCents: supply,
    quantity: usage,
    unit: 'm3',
  },
  { code: 'sewerage', description: 'Fognatura e depurazione', amountCents: sewer },
  { code: 'fixed_fee', description: 'Quota fissa', amountCents: 1850 },
  { code: 'vat', description: 'IVA 10%', amountCents: Math.round((supply + sewer + 1850) / 10) },
];
// English lines, for customers billed in English.
const power = (energy: number, delivery: number, usage: number): Line[] => [
  { code: 'energy', description: 'Electricity supply', amountCents: energy, quantity: usage, unit: 'kWh' },
  { code: 'transport', description: 'Delivery and metering', amountCents: delivery },
  { code: 'vat', description: 'VAT 10%', amountCents: Math.round((energy + delivery) / 10) },
];
const naturalGas = (energy: number, delivery: number, usage: number): Line[] => [
  { code: 'energy', description: 'Natural gas supply', amountCents: energy, quantity: usage, unit: 'Smc' },
  { code: 'transport', description: 'Delivery and metering', amountCents: delivery },
  { code: 'vat', description: 'VAT 10%', amountCents: Math.round((energy + delivery) / 10) },
];
const water = (supply: number, sewer: number, usage: number): Line[] => [
  { code: 'water_supply', description: 'Water usage', amountCents: supply, quantity: usage, unit: 'm3' },
  { code: 'sewerage', description: 'Sewer and treatment', amountCents: sewer },
  { code: 'vat', description: 'VAT 10%', amountCents: Math.round((supply + sewer) / 10) },
];

/**
 * Dual fuel in Turin: electricity and gas at one address, both bimonthly, issued the same day.
 * The January–February bills both rose: gas by 61.05 euros, electricity by 18.04. Both are
 * open, due 24 March (so overdue on the reference day); earlier bills were paid by direct debit.
 */
export function dualFuelTurin(stores: Pick<Stores, 'customers' | 'billing'>) {
  const address = 'Via Po 14, 10123 Torino TO';
  return household(
    stores,
    {
      firstName: 'Francesca',
      lastName: 'Esposito',
      locale: 'it-IT',
      phone: '+393471122334',
      email: 'francesca.esposito@example.it',
      preferredMedium: 'sms',
      allows: ['sms', 'email'],
    },
    {
      electricity: {
        kind: 'electricity',
        address,
        tariff: 'Luce Casa Fissa',
        account: 'IT001E0045',
        billPrefix: '2026/EE/',
        unit: 'kWh',
        bills: [
          {
            period: ['2025-01-01', '2025-02-28'],
            issued: '2025-03-05',
            due: '2025-03-25',
            usage: 410,
            lines: luce(7380, 2460, 1190, 410),
            paidOn: '2025-03-25',
          },
          {
            period: ['2025-11-01', '2025-12-31'],
            issued: '2026-01-07',
            due: '2026-01-27',
            usage: 380,
            lines: luce(6840, 2280, 1100, 380),
            paidOn: '2026-01-27',
          },
          {
            period: ['2026-01-01', '2026-02-28'],
            issued: '2026-03-04',
            due: '2026-03-24',
            usage: 452,
            lines: luce(8136, 2420, 1304, 452),
          },
        ],
      },
      gas: {
        kind: 'gas',
        address,
        tariff: 'Gas Casa Variabile',
        account: 'PDR0088',
        billPrefix: '2026/GS/',
        unit: 'Smc',
        bills: [
          {
            period: ['2025-01-01', '2025-02-28'],
            issued: '2025-03-05',
            due: '2025-03-25',
            usage: 290,
            lines: gas(24650, 4200, 3900, 290),
            paidOn: '2025-03-25',
          },
          {
            period: ['2025-11-01', '2025-12-31'],
            issued: '2026-01-07',
            due: '2026-01-27',
            usage: 240,
            lines: gas(20400, 3900, 3220, 240),
            paidOn: '2026-01-27',
          },
          {
            period: ['2026-01-01', '2026-02-28'],
            issued: '2026-03-04',
            due: '2026-03-24',
            usage: 305,
            lines: gas(25925, 4000, 3145, 305),
          },
        ],
      },
    },
  );
}

/**
 * Electricity, gas and water in Bologna. Of the latest bills, water rose by 15.18 euros and
 * electricity by 9.46; gas fell. Electricity and gas (January–February) were issued on 4 March;
 * water is quarterly, its January–March bill issued on 8 April, so none was issued in March.
 * Everything is paid except the water bill and the gas bill, due 11 May and 24 March.
 */
export function threeSuppliesBologna(stores: Pick<Stores, 'customers' | 'billing'>) {
  const address = 'Via Garibaldi 8, 40124 Bologna BO';
  return household(
    stores,
    {
      firstName: 'Lorenzo',
      lastName: 'Ferrari',
      locale: 'it-IT',
      phone: '+393289876543',
      email: 'lorenzo.ferrari@example.it',
      preferredMedium: 'email',
      allows: ['email'],
    },
    {
      electricity: {
        kind: 'electricity',
        address,
        tariff: 'Luce Casa Fissa',
        account: 'IT001E7781',
        billPrefix: 'FT-EL-',
        unit: 'kWh',
        bills: [
          {
            period: ['2025-01-01', '2025-02-28'],
            issued: '2025-03-05',
            due: '2025-03-25',
            usage: 300,
            lines: luce(5400, 1900, 900, 300),
            paidOn: '2025-03-25',
          },
          {
            period: ['2025-11-01', '2025-12-31'],
            issued: '2026-01-07',
            due: '2026-01-27',
            usage: 310,
            lines: luce(5580, 1950, 920, 310),
            paidOn: '2026-01-27',
          },
          {
            period: ['2026-01-01', '2026-02-28'],
            issued: '2026-03-04',
            due: '2026-03-24',
            usage: 352,
            lines: luce(6336, 1980, 994, 352),
            paidOn: '2026-03-20',
            method: 'card',
          },
        ],
      },
      gas: {
        kind: 'gas',
        address,
        tariff: 'Gas Casa Variabile',
        account: 'PDR7781',
        billPrefix: 'FT-GS-',
        unit: 'Smc',
        bills: [
          {
            period: ['2025-01-01', '2025-02-28'],
            issued: '2025-03-05',
            due: '2025-03-25',
            usage: 260,
            lines: gas(22100, 3800, 3400, 260),
            paidOn: '2025-03-25',
          },
          {
            period: ['2025-11-01', '2025-12-31'],
            issued: '2026-01-07',
            due: '2026-01-27',
            usage: 250,
            lines: gas(21250, 3800, 3300, 250),
            paidOn: '2026-01-27',
          },
          {
            period: ['2026-01-01', '2026-02-28'],
            issued: '2026-03-04',
            due: '2026-03-24',
            usage: 228,
            lines: gas(19380, 3700, 3010, 228),
          },
        ],
      },
      water: {
        kind: 'water',
        address,
        tariff: 'Uso domestico residente',
        account: 'H2O-0409',
        billPrefix: '000',
        unit: 'm3',
        bills: [
          {
            period: ['2025-01-01', '2025-03-31'],
            issued: '2025-04-09',
            due: '2025-05-12',
            usage: 36,
            lines: acqua(5400, 3600, 36),
            paidOn: '2025-05-12',
            method: 'postal_slip',
          },
          {
            period: ['2025-10-01', '2025-12-31'],
            issued: '2026-01-12',
            due: '2026-02-11',
            usage: 33,
            lines: acqua(4950, 3300, 33),
            paidOn: '2026-02-10',
            method: 'postal_slip',
          },
          {
            period: ['2026-01-01', '2026-03-31'],
            issued: '2026-04-08',
            due: '2026-05-11',
            usage: 42,
            lines: acqua(6300, 3330, 42),
          },
        ],
      },
    },
  );
}

/**
 * A Milan family with electricity and gas at home and a second electricity supply at a holiday
 * flat in Alassio: two supplies of one kind, told apart by their address. The January–February
 * bills of all three were issued on 4 March and are open, due 24 March; the holiday flat's rose
 * by 4.84 euros, the home electricity fell, gas rose by 27.83.
 */
export function twoHomesMilan(stores: Pick<Stores, 'customers' | 'billing'>) {
  return household(
    stores,
    {
      firstName: 'Chiara',
      lastName: 'Colombo',
      locale: 'it-IT',
      phone: '+393356677889',
      email: 'chiara.colombo@example.it',
      preferredMedium: 'sms',
      allows: ['sms'],
    },
    {
      home: {
        kind: 'electricity',
        address: 'Via Dante 3, 20121 Milano MI',
        tariff: 'Luce Casa Fissa',
        account: 'IT001E1203',
        billPrefix: 'MI-E-',
        unit: 'kWh',
        bills: [
          {
            period: ['2025-11-01', '2025-12-31'],
            issued: '2026-01-07',
            due: '2026-01-27',
            usage: 420,
            lines: luce(7560, 2520, 1250, 420),
            paidOn: '2026-01-27',
          },
          {
            period: ['2026-01-01', '2026-02-28'],
            issued: '2026-03-04',
            due: '2026-03-24',
            usage: 390,
            lines: luce(7020, 2480, 1160, 390),
          },
        ],
      },
      holiday: {
        kind: 'electricity',
        address: 'Via Lungomare Cristoforo Colombo 21, 17021 Alassio SV',
        tariff: 'Luce Seconda Casa',
        account: 'IT001E5530',
        billPrefix: 'SV-E-',
        unit: 'kWh',
        bills: [
          {
            period: ['2025-11-01', '2025-12-31'],
            issued: '2026-01-07',
            due: '2026-01-27',
            usage: 60,
            lines: luce(1080, 2900, 1400, 60),
            paidOn: '2026-01-27',
          },
          {
            period: ['2026-01-01', '2026-02-28'],
            issued: '2026-03-04',
            due: '2026-03-24',
            usage: 82,
            lines: luce(1476, 2950, 1394, 82),
          },
        ],
      },
      gas: {
        kind: 'gas',
        address: 'Via Dante 3, 20121 Milano MI',
        tariff: 'Gas Casa Variabile',
        account: 'PDR1203',
        billPrefix: 'MI-G-',
        unit: 'Smc',
        bills: [
          {
            period: ['2025-11-01', '2025-12-31'],
            issued: '2026-01-07',
            due: '2026-01-27',
            usage: 260,
            lines: gas(22100, 4000, 3500, 260),
            paidOn: '2026-01-27',
          },
          {
            period: ['2026-01-01', '2026-02-28'],
            issued: '2026-03-04',
            due: '2026-03-24',
            usage: 288,
            lines: gas(24480, 4100, 3550, 288),
          },
        ],
      },
    },
  );
}

/**
 * An English-speaking customer in Florence with electricity and gas, billed in English, both
 * issued on 4 March: gas rose by 39.60 euros, electricity by 7.92. Both open, due 3 May.
 */
export function dualFuelEnglish(stores: Pick<Stores, 'customers' | 'billing'>) {
  const address = 'Via dei Serragli 48, 50124 Firenze FI';
  return household(
    stores,
    {
      firstName: 'Michael',
      lastName: 'Brown',
      locale: 'en-US',
      phone: '+13125550188',
      email: 'michael.brown@example.com',
      preferredMedium: 'email',
      allows: ['email', 'sms'],
    },
    {
      electricity: {
        kind: 'electricity',
        address,
        tariff: 'Home Fixed',
        account: 'IT001E9001',
        billPrefix: 'INV-E-',
        unit: 'kWh',
        bills: [
          {
            period: ['2025-01-01', '2025-02-28'],
            issued: '2025-03-05',
            due: '2025-04-04',
            usage: 330,
            lines: power(5940, 2100, 330),
            paidOn: '2025-04-01',
            method: 'card',
          },
          {
            period: ['2025-11-01', '2025-12-31'],
            issued: '2026-01-07',
            due: '2026-02-06',
            usage: 340,
            lines: power(6120, 2100, 340),
            paidOn: '2026-02-02',
            method: 'card',
          },
          {
            period: ['2026-01-01', '2026-02-28'],
            issued: '2026-03-04',
            due: '2026-05-03',
            usage: 380,
            lines: power(6840, 2100, 380),
          },
        ],
      },
      gas: {
        kind: 'gas',
        address,
        tariff: 'Home Gas Variable',
        account: 'PDR9001',
        billPrefix: 'INV-G-',
        unit: 'Smc',
        bills: [
          {
            period: ['2025-01-01', '2025-02-28'],
            issued: '2025-03-05',
            due: '2025-04-04',
            usage: 200,
            lines: naturalGas(17000, 3000, 200),
            paidOn: '2025-04-01',
            method: 'card',
          },
          {
            period: ['2025-11-01', '2025-12-31'],
            issued: '2026-01-07',
            due: '2026-02-06',
            usage: 180,
            lines: naturalGas(15300, 3000, 180),
            paidOn: '2026-02-02',
            method: 'card',
          },
          {
            period: ['2026-01-01', '2026-02-28'],
            issued: '2026-03-04',
            due: '2026-05-03',
            usage: 222,
            lines: naturalGas(18900, 3000, 222),
          },
        ],
      },
    },
  );
}

/**
 * An English-speaking family in Rome with electricity, gas and water, all billed in English.
 * Latest bills: electricity rose by 2.20 euros, gas by 26.40, water fell by 5.50. Electricity and
 * gas (January–February) were issued on 4 March, water (January–March) on 8 April. Open:
 * electricity and gas due 3 May, water due 11 May.
 */
export function threeSuppliesEnglish(stores: Pick<Stores, 'customers' | 'billing'>) {
  const address = 'Via Appia Nuova 715, 00179 Roma RM';
  return household(
    stores,
    {
      firstName: 'Jennifer',
      lastName: 'Davis',
      locale: 'en-US',
      phone: '+16175550123',
      email: 'jennifer.davis@example.com',
      preferredMedium: 'sms',
      allows: ['sms', 'email'],
    },
    {
      electricity: {
        kind: 'electricity',
        address,
        tariff: 'Home Fixed',
        account: 'IT001E4410',
        billPrefix: 'RM-E-',
        unit: 'kWh',
        bills: [
          {
            period: ['2025-11-01', '2025-12-31'],
            issued: '2026-01-07',
            due: '2026-02-06',
            usage: 300,
            lines: power(5400, 1800, 300),
            paidOn: '2026-02-05',
          },
          {
            period: ['2026-01-01', '2026-02-28'],
            issued: '2026-03-04',
            due: '2026-05-03',
            usage: 310,
            lines: power(5580, 1820, 310),
          },
        ],
      },
      gas: {
        kind: 'gas',
        address,
        tariff: 'Home Gas Variable',
        account: 'PDR4410',
        billPrefix: 'RM-G-',
        unit: 'Smc',
        bills: [
          {
            period: ['2025-11-01', '2025-12-31'],
            issued: '2026-01-07',
            due: '2026-02-06',
            usage: 150,
            lines: naturalGas(12750, 2700, 150),
            paidOn: '2026-02-05',
          },
          {
            period: ['2026-01-01', '2026-02-28'],
            issued: '2026-03-04',
            due: '2026-05-03',
            usage: 178,
            lines: naturalGas(15150, 2700, 178),
          },
        ],
      },
      water: {
        kind: 'water',
        address,
        tariff: 'Domestic resident',
        account: 'ACEA-2281',
        billPrefix: 'W',
        unit: 'm3',
        bills: [
          {
            period: ['2025-10-01', '2025-12-31'],
            issued: '2026-01-12',
            due: '2026-02-11',
            usage: 40,
            lines: water(6000, 4000, 40),
            paidOn: '2026-02-10',
          },
          {
            period: ['2026-01-01', '2026-03-31'],
            issued: '2026-04-08',
            due: '2026-05-11',
            usage: 37,
            lines: water(5550, 3950, 37),
          },
        ],
      },
    },
  );
}

/**
 * The Bologna household after it took its e-mail consent back on a paper form (1 February): its
 * bills can only go by post.
 */
export async function postOnlyBologna(stores: Pick<Stores, 'customers' | 'billing'>) {
  const home = await threeSuppliesBologna(stores);
  await stores.customers.recordConsent(home.customer.id, {
    purpose: 'contact',
    medium: 'email',
    granted: false,
    givenAt: '2026-02-01T10:00:00Z',
    source: 'paper_form',
  });
  return home;
}
