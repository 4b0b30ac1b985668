import { describe, expect, it } from 'vitest';
import {
  balance,
  compareBill,
  createJourneyTracker,
  netPromoterScore,
  reachableMedia,
  type Bill,
  type Consent,
  type Customer,
} from '../../core/index.ts';

const bill = (overrides: Partial<Bill>): Bill => ({
  id: 'b',
  accountId: 'a',
  customerId: 'c',
  number: 'N',
  periodStart: '2026-01-01',
  periodEnd: '2026-01-31',
  issuedOn: '2026-02-05',
  dueOn: '2026-02-25',
  currency: 'EUR',
  amountCents: 10000,
  consumption: { quantity: 310, unit: 'kWh' },
  lines: [
    { code: 'energy', description: 'Energy', amountCents: 7000, quantity: 310, unit: 'kWh' },
    { code: 'taxes', description: 'Taxes', amountCents: 3000, quantity: null, unit: null },
  ],
  cancelled: false,
  paidCents: 0,
  ...overrides,
});

describe('what a customer owes', () => {
  it('splits what is overdue from what falls due next, and ignores paid and cancelled bills', () => {
    const owed = balance(
      [
        bill({ id: 'late', dueOn: '2026-02-25', amountCents: 5000, paidCents: 1000 }),
        bill({ id: 'next', dueOn: '2026-03-25', amountCents: 8000 }),
        bill({ id: 'same-day', dueOn: '2026-03-25', amountCents: 2000 }),
        bill({ id: 'later', dueOn: '2026-04-25', amountCents: 9000 }),
        bill({ id: 'paid', amountCents: 4000, paidCents: 4000 }),
        bill({ id: 'void', cancelled: true }),
      ],
      '2026-03-10',
    );
    expect(owed.owedCents).toBe(4000 + 8000 + 2000 + 9000);
    expect(owed.overdueCents).toBe(4000);
    expect(owed.nextDue).toEqual({ dueOn: '2026-03-25', amountCents: 10000 });
    expect(owed.openBills.map((b) => [b.billId, b.status])).toEqual([
      ['late', 'overdue'],
      ['next', 'unpaid'],
      ['same-day', 'unpaid'],
      ['later', 'unpaid'],
    ]);
  });

  it('has nothing due when everything is paid', () => {
    expect(balance([bill({ paidCents: 10000 })], '2026-03-10')).toEqual({
      owedCents: 0,
      overdueCents: 0,
      nextDue: null,
      openBills: [],
    });
  });
});

describe('why the bill is higher', () => {
  it('names the line that moved most and separates a longer period from higher use', () => {
    const previous = bill({
      id: 'p',
      periodStart: '2025-12-01',
      periodEnd: '2025-12-31',
      amountCents: 10000,
      consumption: { quantity: 310, unit: 'kWh' },
    });
    const current = bill({
      id: 'c',
      periodStart: '2026-01-01',
      periodEnd: '2026-02-28',
      amountCents: 19500,
      consumption: { quantity: 590, unit: 'kWh' },
      lines: [
        { code: 'energy', description: 'Energy', amountCents: 15000, quantity: 590, unit: 'kWh' },
        { code: 'taxes', description: 'Taxes', amountCents: 3500, quantity: null, unit: null },
        { code: 'late_fee', description: 'Late payment fee', amountCents: 1000, quantity: null, unit: null },
      ],
    });
    const yearAgo = bill({
      id: 'y',
      periodStart: '2025-01-01',
      periodEnd: '2025-02-28',
      amountCents: 21000,
      consumption: { quantity: 650, unit: 'kWh' },
    });
    const cmp = compareBill(current, previous, yearAgo);
    expect(cmp.direction).toBe('higher');
    expect(cmp.amount.vsPrevious).toEqual({ delta: 9500, ratio: 0.95 });
    expect(cmp.amount.vsYearAgo?.delta).toBe(-1500);
    expect(cmp.lines.map((l) => [l.code, l.vsPrevious?.delta ?? null])).toEqual([
      ['energy', 8000],
      ['late_fee', 1000],
      ['taxes', 500],
    ]);
    expect(cmp.periodDays).toEqual({ current: 59, previous: 31, yearAgo: 59 });
    // Nearly twice the kWh, but over nearly twice the days: use per day hardly changed.
    expect(cmp.dailyConsumption).toEqual({ current: 10, previous: 10, yearAgo: 11.017 });
    expect(cmp.consumption?.vsYearAgo?.delta).toBe(-60);
  });

  it('says when there is nothing to compare with', () => {
    expect(compareBill(bill({})).direction).toBe('no_previous');
  });

  it('does not compare consumption across different units', () => {
    const cmp = compareBill(bill({}), bill({ id: 'p', consumption: { quantity: 30, unit: 'Smc' } }));
    expect(cmp.consumption?.vsPrevious).toBeNull();
  });
});

describe('who may be contacted, and how', () => {
  const customer: Customer = {
    id: 'c',
    firstName: 'Anna',
    lastName: 'Neri',
    locale: 'it-IT',
    phone: '+393331112222',
    email: null,
    segment: 'senior',
    preferredMedium: 'phone',
    createdAt: new Date(),
  };
  const consent = (
    purpose: Consent['purpose'],
    medium: Consent['medium'],
    granted: boolean,
    at: string,
  ): Consent => ({
    id: `${purpose}${medium}${at}`,
    customerId: 'c',
    purpose,
    medium,
    granted,
    givenAt: new Date(at),
    source: 'paper_form',
  });

  it('offers consented media with an address, the preferred first, and honours a later withdrawal', () => {
    const history = [
      consent('data_processing', null, true, '2024-01-01'),
      consent('contact', 'sms', true, '2024-01-01'),
      consent('contact', 'email', true, '2024-01-01'),
      consent('contact', 'phone', true, '2024-01-01'),
      consent('contact', 'post', true, '2024-01-01'),
      consent('contact', 'post', false, '2025-06-01'),
    ];
    expect(reachableMedia(customer, history)).toEqual(['phone', 'sms']);
  });

  it('reaches nobody without consent to process their data', () => {
    expect(reachableMedia(customer, [consent('contact', 'sms', true, '2024-01-01')])).toEqual([]);
  });
});

describe('journeys', () => {
  it('continues a journey within the window and starts another after it', () => {
    let n = 0;
    const tracker = createJourneyTracker({ windowDays: 7, newId: () => `j${++n}` });
    const at = (day: number) => new Date(Date.UTC(2026, 0, day));
    expect(tracker.place({ customerId: 'c', reason: 'r', startedAt: at(1) })).toEqual({
      journeyId: 'j1',
      journeyStep: 1,
    });
    expect(tracker.place({ customerId: 'c', reason: 'r', startedAt: at(8) })).toEqual({
      journeyId: 'j1',
      journeyStep: 2,
    });
    expect(tracker.place({ customerId: 'c', reason: 'r', startedAt: at(16) })).toEqual({
      journeyId: 'j2',
      journeyStep: 1,
    });
    expect(tracker.place({ customerId: 'c', reason: 'other', startedAt: at(16) })).toEqual({
      journeyId: 'j3',
      journeyStep: 1,
    });
    expect(tracker.place({ customerId: null, reason: 'r', startedAt: at(16) })).toEqual({
      journeyId: 'j4',
      journeyStep: 1,
    });
  });
});

describe('net promoter score', () => {
  it('is promoters minus detractors, in points', () => {
    expect(netPromoterScore([10, 9, 9, 8, 7, 6, 0, 10, 3, 5])).toBe(0);
    expect(netPromoterScore([10, 10, 8, 2])).toBe(25);
    expect(netPromoterScore([])).toBeNull();
  });
});
