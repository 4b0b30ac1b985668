import { randomUUID } from 'node:crypto';
import { standardChannels, type Customer, type Stores } from '../../core/index.ts';
import { voiceAssistantChannel } from '../../voice/index.ts';
import { videoChannel } from '../../video/index.ts';

export const FIXED_NOW = new Date('2026-03-10T10:00:00+01:00');

/** A pilot of the voice assistant on Alexa, for payments, whose cohort is the customers named. */
export const voicePilotOf = (
  customerIds: string[],
  dates: { startsOn: string; endsOn: string } = { startsOn: '2026-03-01', endsOn: '2026-05-31' },
) => ({
  code: `voice_${randomUUID().slice(0, 8)}`,
  name: 'Alexa for bills',
  channel: 'voice_assistant',
  touchpoints: ['alexa'],
  reasons: ['payment'],
  ...dates,
  cohort: { customerIds },
});
export const fixedClock = { now: () => FIXED_NOW };

let counter = 0;
const unique = () => `${Date.now().toString(36)}${(counter++).toString(36)}`;

/**
 * A gas customer with three bills: the same winter period a year ago, the previous period,
 * and the current one (higher, because of more gas and a higher energy price), plus a
 * payment of the previous bill.
 */
export async function gasCustomer(stores: Stores, overrides: { email?: string | null } = {}) {
  const customer = await stores.customers.create({
    firstName: 'Giulia',
    lastName: `Rossi-${unique()}`,
    locale: 'it-IT',
    phone: '+393331234567',
    email: overrides.email === undefined ? 'giulia.rossi@example.it' : overrides.email,
    segment: 'family',
    preferredMedium: 'sms',
    consents: [
      { purpose: 'data_processing', granted: true, givenAt: '2024-01-10T09:00:00Z', source: 'paper_form' },
      {
        purpose: 'contact',
        medium: 'email',
        granted: true,
        givenAt: '2024-01-10T09:00:00Z',
        source: 'paper_form',
      },
      {
        purpose: 'contact',
        medium: 'sms',
        granted: true,
        givenAt: '2024-01-10T09:00:00Z',
        source: 'paper_form',
      },
    ],
  });
  const account = await stores.customers.addAccount({
    customerId: customer.id,
    number: `GAS-${unique()}`,
    kind: 'gas',
    supplyAddress: 'Via Roma 1, 20121 Milano MI',
    tariff: 'Gas Casa Variabile',
    startedOn: '2023-06-01',
  });
  const bill = (
    number: string,
    start: string,
    end: string,
    issued: string,
    due: string,
    smc: number,
    energy: number,
    transport: number,
  ) =>
    stores.billing.issueBill({
      accountId: account.id,
      number: `${number}-${unique()}`,
      periodStart: start,
      periodEnd: end,
      issuedOn: issued,
      dueOn: due,
      consumption: { quantity: smc, unit: 'Smc' },
      lines: [
        {
          code: 'energy',
          description: 'Materia gas naturale',
          amountCents: energy,
          quantity: smc,
          unit: 'Smc',
        },
        { code: 'transport', description: 'Trasporto e gestione contatore', amountCents: transport },
        { code: 'vat', description: 'IVA', amountCents: Math.round((energy + transport) * 0.1) },
      ],
    });
  const yearAgo = await bill('Y', '2025-01-01', '2025-02-28', '2025-03-05', '2025-03-25', 300, 30000, 6000);
  const previous = await bill('P', '2025-11-01', '2025-12-31', '2026-01-05', '2026-01-25', 250, 27500, 6000);
  const current = await bill('C', '2026-01-01', '2026-02-28', '2026-03-05', '2026-03-25', 350, 42000, 6500);
  await stores.billing.recordPayment({
    customerId: customer.id,
    billId: previous.id,
    amountCents: previous.amountCents,
    paidAt: '2026-01-20T10:00:00Z',
    method: 'direct_debit',
    channel: 'bank',
  });
  await stores.billing.recordPayment({
    customerId: customer.id,
    billId: yearAgo.id,
    amountCents: yearAgo.amountCents,
    paidAt: '2025-03-30T10:00:00Z',
    method: 'card',
    channel: 'web',
  });
  return { customer, account, yearAgo, previous, current };
}

export const staffPassword = 'correct horse battery staple';

export async function staffUsers(stores: Stores) {
  const suffix = unique();
  const make = (role: 'advisor' | 'pilot_manager' | 'admin') =>
    stores.staff.addUser({ username: `${role}-${suffix}`, displayName: role, role, password: staffPassword });
  return { advisor: await make('advisor'), manager: await make('pilot_manager'), admin: await make('admin') };
}

/**
 * A customer, an advisor of their own and an appointment between them, written straight to
 * the roster (no booking rules), for tests of what happens around a consultation.
 */
export async function consultationFor(
  stores: Stores,
  options: {
    startsAt: Date;
    endsAt: Date;
    bookedVia?: string;
    journeyId?: string | null;
    customer?: Customer;
  },
) {
  const suffix = unique();
  const customer =
    options.customer ??
    (await stores.customers.create({
      firstName: 'Giulia',
      lastName: 'Rossi',
      locale: 'it-IT',
      segment: 'family',
    }));
  const advisor = await stores.advisors.addAdvisor({
    name: 'Marco Bianchi',
    email: `marco.${suffix}@example.it`,
    languages: ['it-IT'],
    topics: ['billing'],
    timeZone: 'Europe/Rome',
  });
  const appointment = await stores.advisors.addAppointment({
    customerId: customer.id,
    advisorId: advisor.id,
    topic: 'billing',
    locale: 'it-IT',
    startsAt: options.startsAt,
    endsAt: options.endsAt,
    bookedVia: options.bookedVia ?? 'web',
    journeyId: options.journeyId ?? null,
  });
  return { customer, advisor, appointment };
}

let americans = 0;

/**
 * An en-US electricity customer preferring e-mail (SMS too when they have a phone), with a paid
 * December bill (79.20 euros) and a January bill of 93.78 euros (85.25 plus 10% VAT), open unless
 * `owes` is false.
 */
export async function americanCustomer(
  stores: Pick<Stores, 'customers' | 'billing'>,
  options: { phone?: string | null; owes?: boolean; januaryDue?: string } = {},
) {
  const phone = options.phone === undefined ? '+12125550147' : options.phone;
  const made = `${unique()}${++americans}`;
  const given = { granted: true, givenAt: '2024-05-01T09:00:00Z', source: 'web_form' as const };
  const customer = await stores.customers.create({
    firstName: 'Sam',
    lastName: `Taylor-${made}`,
    locale: 'en-US',
    phone,
    email: `sam.taylor.${made}@example.com`,
    segment: 'family',
    preferredMedium: 'email',
    consents: [
      { purpose: 'data_processing', ...given },
      { purpose: 'contact', medium: 'email', ...given },
      ...(phone ? [{ purpose: 'contact' as const, medium: 'sms' as const, ...given }] : []),
    ],
  });
  const account = await stores.customers.addAccount({
    customerId: customer.id,
    number: `EL-${made}`,
    kind: 'electricity',
    supplyAddress: '12 Main Street, Springfield',
    tariff: 'Home Flex',
    startedOn: '2024-05-01',
  });
  const issue = (prefix: string, start: string, end: string, issued: string, due: string, energy: number) =>
    stores.billing.issueBill({
      accountId: account.id,
      number: `${prefix}-${made}`,
      periodStart: start,
      periodEnd: end,
      issuedOn: issued,
      dueOn: due,
      consumption: { quantity: 250, unit: 'kWh' },
      lines: [
        { code: 'energy', description: 'Electricity', amountCents: energy, quantity: 250, unit: 'kWh' },
        { code: 'vat', description: 'VAT', amountCents: Math.round(energy / 10) },
      ],
    });
  const december = await issue('D', '2025-12-01', '2025-12-31', '2026-01-08', '2026-01-28', 7200);
  const january = await issue(
    'J',
    '2026-01-01',
    '2026-01-31',
    '2026-02-06',
    options.januaryDue ?? '2026-03-20',
    8525,
  );
  const pay = (billId: string, amountCents: number) =>
    stores.billing.recordPayment({
      customerId: customer.id,
      billId,
      amountCents,
      paidAt: '2026-01-25T10:00:00Z',
      method: 'card',
      channel: 'web',
    });
  await pay(december.id, 7920);
  if (options.owes === false) await pay(january.id, 9378);
  return { customer, december, january };
}

/**
 * An advisor for bills who works Monday to Friday, 09:00–17:00 in Rome: with the booking rules,
 * consultations start every 45 minutes from 09:05 (5 minutes before, 30 of consultation, 10 after).
 */
export function officeHoursAdvisor(
  stores: Pick<Stores, 'advisors'>,
  options: { name: string; languages?: ('it-IT' | 'en-US')[]; staffUserId?: string },
) {
  return stores.advisors.addAdvisor({
    name: options.name,
    email: `${options.name.toLowerCase().replace(/\s+/g, '.')}.${unique()}@example.it`,
    languages: options.languages ?? ['it-IT', 'en-US'],
    topics: ['billing'],
    timeZone: 'Europe/Rome',
    workingHours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '17:00' })),
    ...(options.staffUserId ? { staffUserId: options.staffUserId } : {}),
  });
}

/**
 * An advisor of billing in Italian and English who works 08:55–17:00 on each of `days`, whatever
 * weekday or holiday they are (hours of the day's own): consultations at 09:00, 09:45, 10:30…
 * For tests on the real clock, whose days are the ones ahead of today.
 */
export async function advisorOnDays(
  stores: Pick<Stores, 'advisors' | 'appointments'>,
  days: readonly string[],
  options: { name: string; staffUserId?: string },
) {
  const advisor = await stores.advisors.addAdvisor({
    name: options.name,
    email: `${options.name.toLowerCase().replace(/\s+/g, '.')}.${unique()}@example.it`,
    languages: ['it-IT', 'en-US'],
    topics: ['billing'],
    timeZone: 'Europe/Rome',
    ...(options.staffUserId ? { staffUserId: options.staffUserId } : {}),
  });
  for (const day of days) {
    await stores.appointments.addOverride({
      advisorId: advisor.id,
      day,
      hours: [{ start: '08:55', end: '17:00' }],
      reason: null,
    });
  }
  return advisor;
}

/** The channels an installation runs today and the two pilot channels, as the app registers them. */
export const everyChannel = [...standardChannels, voiceAssistantChannel, videoChannel];
