import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  createPostgresStores,
  type Bill,
  type Billing,
  type Locale,
  type StorageHandle,
  type Stores,
} from '../../core/index.ts';
import { createBillIntents } from '../../core/conversation/bill-intents.ts';
import { withTestStores } from '../support/database.ts';
import { statementCounter } from '../support/statement-count.ts';
import { fixedClock, gasCustomer } from '../support/fixtures.ts';

let storage: StorageHandle;
let stores: Stores;
withTestStores((opened) => ({ storage, stores } = opened));

// Said by hand, not with the code under test: whole euros drop the cents, the decimal mark is the locale's.
function euro(locale: Locale, cents: number): string {
  const [whole, decimals] = (Math.abs(cents) / 100).toFixed(2).split('.');
  const figure = decimals === '00' ? whole : `${whole}${locale === 'it-IT' ? ',' : '.'}${decimals}`;
  return locale === 'it-IT' ? `${figure} euro` : `${figure} euros`;
}

const line = (bill: Bill, code: string) => bill.lines.find((l) => l.code === code)?.amountCents ?? 0;

let n = 0;
async function customerWithBills(
  locale: Locale,
  bills: { start: string; end: string; due: string; kwh: number; lines: [string, string, number][] }[],
) {
  const customer = await stores.customers.create({
    firstName: 'Jane',
    lastName: `Doe-${n++}`,
    locale,
    segment: 'residential',
  });
  const account = await stores.customers.addAccount({
    customerId: customer.id,
    number: `EL-${Date.now()}-${n}`,
    kind: 'electricity',
    supplyAddress: '1 Main St, Springfield',
    tariff: 'Home Flex',
    startedOn: '2024-01-01',
  });
  const issued = [];
  for (const [i, b] of bills.entries()) {
    issued.push(
      await stores.billing.issueBill({
        accountId: account.id,
        number: `B${i}-${n}`,
        periodStart: b.start,
        periodEnd: b.end,
        issuedOn: b.end,
        dueOn: b.due,
        consumption: { quantity: b.kwh, unit: 'kWh' },
        lines: b.lines.map(([code, description, amountCents]) => ({ code, description, amountCents })),
      }),
    );
  }
  return { customer, bills: issued };
}

describe('bill intents on the billing records', () => {
  const intents = () =>
    createBillIntents({ billing: stores.billing, customers: stores.customers, clock: fixedClock });

  for (const locale of ['it-IT', 'en-US'] as const) {
    it(`tells the gas customer in ${locale} what they owe and by when, in the locale's money and dates`, async () => {
      const { customer, current } = await gasCustomer(stores);
      const reply = await intents().WhatDoIOwe({ customerId: customer.id, locale, turnId: randomUUID() });
      expect(reply.outcome).toBe('resolved');
      expect(reply.reason).toBe('payment');
      expect(reply.speech).toMatch(/^<speak>.*<\/speak>$/s);
      expect(reply.speech).toContain(euro(locale, current.amountCents));
      expect(reply.speech).toContain(locale === 'it-IT' ? 'è il 25 marzo' : 'due on March 25');
      expect(reply.speech).not.toMatch(/scadut|overdue/);
      expect(reply.cardText).toContain(euro(locale, current.amountCents));
    });

    it(`says the gas customer's last payment in ${locale}: amount, day and method`, async () => {
      const { customer, previous } = await gasCustomer(stores);
      const reply = await intents().LastPayment({ customerId: customer.id, locale, turnId: randomUUID() });
      expect(reply.outcome).toBe('resolved');
      expect(reply.speech).toContain(euro(locale, previous.amountCents));
      expect(reply.speech).toContain(locale === 'it-IT' ? '20 gennaio' : 'January 20');
      expect(reply.speech).toContain(locale === 'it-IT' ? 'addebito diretto' : 'direct debit');
    });

    it(`explains in ${locale} that the gas bill went up, against last period and last year, naming energy and the gas used`, async () => {
      const { customer, current, previous, yearAgo } = await gasCustomer(stores);
      const reply = await intents().WhyHigher({ customerId: customer.id, locale, turnId: randomUUID() });
      expect(reply.outcome).toBe('resolved');
      expect(reply.reason).toBe('bill_explanation');
      const vsPrevious = euro(locale, current.amountCents - previous.amountCents);
      const vsYearAgo = euro(locale, current.amountCents - yearAgo.amountCents);
      const energy = euro(locale, line(current, 'energy') - line(previous, 'energy'));
      const gas = (current.consumption?.quantity ?? 0) - (previous.consumption?.quantity ?? 0);
      if (locale === 'it-IT') {
        expect(reply.speech).toContain(`${vsPrevious} in più rispetto alla precedente`);
        expect(reply.speech).toContain(`più alta di ${vsYearAgo}`);
        expect(reply.speech).toContain(`la materia prima: ${energy} in più`);
        expect(reply.speech).toContain(`${gas} standard metri cubi in più`);
      } else {
        expect(reply.speech).toContain(`${vsPrevious} more than the previous one`);
        expect(reply.speech).toContain(`${vsYearAgo} higher`);
        expect(reply.speech).toContain(`the energy itself: ${energy} more`);
        expect(reply.speech).toContain(`${gas} standard cubic meters more`);
      }
    });
  }

  it('tells an en-US customer the overdue part and the next due date with its weekday when it is days away', async () => {
    const previous = { start: '2025-12-01', end: '2025-12-31', due: '2026-01-25', kwh: 300 };
    const current = { start: '2026-01-01', end: '2026-01-31', due: '2026-03-12', kwh: 280 };
    const { customer, bills } = await customerWithBills('en-US', [
      {
        ...previous,
        lines: [
          ['energy', 'Energy', 9000],
          ['home_care', 'Home & <Care> cover', 3000],
        ],
      },
      {
        ...current,
        lines: [
          ['energy', 'Energy', 8500],
          ['home_care', 'Home & <Care> cover', 1100],
        ],
      },
    ]);
    const [older, latest] = bills as [Bill, Bill];
    await stores.billing.recordPayment({
      customerId: customer.id,
      billId: older.id,
      amountCents: 5000,
      paidAt: '2026-02-01T10:00:00Z',
      method: 'card',
      channel: 'web',
    });
    const owed = await intents().WhatDoIOwe({
      customerId: customer.id,
      locale: 'en-US',
      turnId: randomUUID(),
    });
    const overdue = older.amountCents - 5000;
    expect(owed.speech).toContain(`you owe ${euro('en-US', overdue + latest.amountCents)}`);
    expect(owed.speech).toContain(`${euro('en-US', overdue)} is already overdue`);
    expect(owed.speech).toContain(`Thursday, March 12, for ${euro('en-US', latest.amountCents)}`);

    const owedIt = await intents().WhatDoIOwe({
      customerId: customer.id,
      locale: 'it-IT',
      turnId: randomUUID(),
    });
    expect(owedIt.speech).toContain(`scadenza è giovedì 12 marzo, per ${euro('it-IT', latest.amountCents)}`);
    // Asked about the supply: what is overdue, and what falls due next with its date.
    const onSupply = async (locale: Locale) =>
      (
        await intents().WhatDoIOwe({
          customerId: customer.id,
          locale,
          turnId: randomUUID(),
          slots: { supply: 'electricity' },
        })
      ).speech;
    expect(await onSupply('en-US')).toContain(
      `${euro('en-US', overdue)} is overdue and ${euro('en-US', latest.amountCents)} is due on Thursday, March 12`,
    );
    expect(await onSupply('it-IT')).toContain(
      `${euro('it-IT', overdue)} già scaduti e ${euro('it-IT', latest.amountCents)} con scadenza giovedì 12 marzo`,
    );

    const why = await intents().WhyHigher({ customerId: customer.id, locale: 'en-US', turnId: randomUUID() });
    expect(why.speech).toContain(
      `${euro('en-US', older.amountCents - latest.amountCents)} less than the previous one`,
    );
    expect(why.speech).toContain('no bill for the same period last year');
    expect(why.speech).toContain(`Home &amp; &lt;Care&gt; cover: ${euro('en-US', 3000 - 1100)} less`);
    expect(why.cardText).toContain('Home & <Care> cover');
    expect(why.speech).toContain('20 kilowatt hours less');
  });

  it('says there is nothing to compare when the open bill is the first one', async () => {
    const { customer, bills } = await customerWithBills('it-IT', [
      {
        start: '2026-01-01',
        end: '2026-01-31',
        due: '2026-03-20',
        kwh: 200,
        lines: [['energy', 'Energia', 6050]],
      },
    ]);
    for (const locale of ['it-IT', 'en-US'] as const) {
      const reply = await intents().WhyHigher({ customerId: customer.id, locale, turnId: randomUUID() });
      expect(reply.outcome).toBe('resolved');
      expect(reply.speech).toContain(euro(locale, bills[0]?.amountCents ?? -1));
      expect(reply.speech).toContain(
        locale === 'it-IT' ? 'niente con cui confrontarla' : 'nothing to compare',
      );
    }
  });

  it('says there is nothing to pay when every bill is paid, and still explains the latest bill', async () => {
    const { customer, bills } = await customerWithBills('it-IT', [
      {
        start: '2026-01-01',
        end: '2026-01-31',
        due: '2026-02-20',
        kwh: 200,
        lines: [['energy', 'Energia', 6000]],
      },
    ]);
    await stores.billing.recordPayment({
      customerId: customer.id,
      billId: bills[0]?.id ?? null,
      amountCents: 6000,
      paidAt: '2026-02-15T10:00:00Z',
      method: 'bank_transfer',
      channel: 'bank',
    });
    const italian = await intents().WhatDoIOwe({
      customerId: customer.id,
      locale: 'it-IT',
      turnId: randomUUID(),
    });
    const english = await intents().WhatDoIOwe({
      customerId: customer.id,
      locale: 'en-US',
      turnId: randomUUID(),
    });
    expect(italian.speech).toContain('Non hai niente da pagare');
    expect(english.speech).toContain('You have nothing to pay');
    const why = await intents().WhyHigher({ customerId: customer.id, locale: 'en-US', turnId: randomUUID() });
    // A paid bill is still the one the customer asks about.
    expect(why.speech).toContain(
      'Your latest electricity bill is 60 euros. It is the first one for this supply',
    );
  });

  it('apologises with outcome failed, and reports the error, when the billing records fail', async () => {
    const down = () => Promise.reject(new Error('connection terminated unexpectedly'));
    const failing: Billing = { ...stores.billing, openBills: down, payments: down, lastPayment: down };
    const errors: unknown[] = [];
    const handlers = createBillIntents({
      billing: failing,
      customers: stores.customers,
      clock: fixedClock,
      onError: (e) => errors.push(e),
    });
    for (const name of ['WhatDoIOwe', 'LastPayment', 'WhyHigher'] as const) {
      for (const locale of ['it-IT', 'en-US'] as const) {
        const reply = await handlers[name]({ customerId: 'c1', locale, turnId: randomUUID() });
        expect(reply.outcome).toBe('failed');
        expect(reply.speech).toContain(locale === 'it-IT' ? 'Mi dispiace' : 'Sorry');
        expect(reply.speech).not.toContain('connection terminated');
      }
    }
    expect(errors).toHaveLength(6);
  });
});

describe('the last payment', () => {
  const statements = statementCounter();
  const counted = () => {
    const { billing, customers } = createPostgresStores(storage.db.withPlugin(statements.plugin), {
      clock: fixedClock,
    });
    return createBillIntents({ billing, customers, clock: fixedClock });
  };

  it('names the supply of the bill the newest payment paid, reading supplies and payment in two statements', async () => {
    const { customer } = await gasCustomer(stores);
    const electricity = await stores.customers.addAccount({
      customerId: customer.id,
      number: `EL-${randomUUID().slice(0, 8)}`,
      kind: 'electricity',
      supplyAddress: 'Via Roma 1, Torino',
      tariff: 'Casa Flex',
      startedOn: '2025-01-01',
    });
    const bill = await stores.billing.issueBill({
      accountId: electricity.id,
      number: `E-${randomUUID().slice(0, 8)}`,
      periodStart: '2026-01-01',
      periodEnd: '2026-01-31',
      issuedOn: '2026-02-03',
      dueOn: '2026-02-25',
      consumption: { quantity: 210, unit: 'kWh' },
      lines: [{ code: 'energy', description: 'Energy', amountCents: 6432 }],
    });
    // Newer than the gas customer's last gas payment (January 20).
    const payment = await stores.billing.recordPayment({
      customerId: customer.id,
      billId: bill.id,
      amountCents: 6432,
      paidAt: '2026-02-20T09:15:00Z',
      method: 'card',
      channel: 'web',
    });
    expect(await stores.billing.lastPayment(customer.id)).toEqual({ ...payment, accountId: electricity.id });

    statements.count = 0;
    const reply = await counted().LastPayment({
      customerId: customer.id,
      locale: 'en-US',
      turnId: randomUUID(),
    });
    expect(statements.count).toBe(2);
    expect(reply.speech).toContain(
      `${euro('en-US', 6432)} for the electricity bill, received on February 20, by card`,
    );
  });

  it('names no supply for a payment that paid no bill, and says so when there is no payment at all', async () => {
    const { customer } = await gasCustomer(stores);
    await stores.billing.recordPayment({
      customerId: customer.id,
      billId: null,
      amountCents: 2500,
      paidAt: '2026-02-21T09:15:00Z',
      method: 'bank_transfer',
      channel: 'bank',
    });
    expect(await stores.billing.lastPayment(customer.id)).toMatchObject({ billId: null, accountId: null });
    const reply = await counted().LastPayment({
      customerId: customer.id,
      locale: 'it-IT',
      turnId: randomUUID(),
    });
    expect(reply.speech).toContain(`Il tuo ultimo pagamento è di ${euro('it-IT', 2500)}, ricevuto`);

    const nobody = await stores.customers.create({
      firstName: 'Ada',
      lastName: 'Neri',
      locale: 'it-IT',
      segment: 'residential',
    });
    expect(await stores.billing.lastPayment(nobody.id)).toBeUndefined();
    const none = await counted().LastPayment({
      customerId: nobody.id,
      locale: 'it-IT',
      turnId: randomUUID(),
    });
    expect(none.speech).toContain('Non ho trovato pagamenti recenti a tuo nome.');
  });
});
