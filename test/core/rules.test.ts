import { describe, expect, it } from 'vitest';
import {
  balance,
  compareBill,
  netPromoterScore,
  reachableMedia,
  type Bill,
  type Consent,
  type Customer,
} from '../../core/index.ts';
import { assignJourneys, compareContacts, gapDays, type OrderedContact } from '../../core/journeys.ts';

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
  const at = (day: number, minute = 0) => new Date(Date.UTC(2026, 0, day, 9, minute));
  const contact = (
    id: string,
    reason: string,
    startedAt: Date,
    more: Partial<OrderedContact> = {},
  ): OrderedContact => ({
    id,
    customerId: 'c',
    channel: 'call_centre',
    reason,
    startedAt,
    source: 'crm',
    externalId: id,
    outcome: 'resolved',
    handoffFromId: null,
    ...more,
  });
  const place = (contacts: OrderedContact[]) => {
    let n = 0;
    return assignJourneys([...contacts].sort(compareContacts), {
      windowDays: 7,
      open: new Map(),
      journeyOf: new Map(),
      previous: () => undefined,
      newId: () => `j${++n}`,
    });
  };

  it('continues a journey within the window and starts another after it', () => {
    const placed = place([
      contact('a', 'r', at(1)),
      contact('b', 'r', at(8)),
      contact('c', 'r', at(16)),
      contact('d', 'other', at(16)),
    ]);
    expect(Object.fromEntries(placed)).toEqual({ a: 'j1', b: 'j1', c: 'j2', d: 'j3' });
  });

  it('puts a handed-off contact in the journey it came from, whatever its reason', () => {
    const placed = place([
      contact('call', 'payment', at(1)),
      contact('video', 'moving', at(2), { handoffFromId: 'call' }),
    ]);
    expect(placed.get('video')).toBe(placed.get('call'));
  });

  it('orders contacts that start together by their source and id there, never by the stored id', () => {
    const sameMinute = [
      contact('zzz', 'r', at(1), { externalId: 'CALL-0002' }),
      contact('aaa', 'r', at(1), { externalId: 'CALL-0010' }),
      contact('mmm', 'r', at(1), { source: 'app', externalId: null }),
    ];
    expect([...sameMinute].sort(compareContacts).map((c) => c.externalId)).toEqual([
      null,
      'CALL-0002',
      'CALL-0010',
    ]);
    expect(
      [...sameMinute]
        .reverse()
        .sort(compareContacts)
        .map((c) => c.id),
    ).toEqual(['mmm', 'zzz', 'aaa']);
  });

  it('orders ids from other systems bytewise in UTF-8, as the database does, whatever their script', () => {
    // Accented Latin, full-width forms, CJK and characters beyond the BMP (surrogate pairs in
    // JavaScript strings, which order differently in UTF-16 than in UTF-8).
    const ids = [
      'PRAT-Ü1',
      'PRAT-Ｕ1',
      'PRAT-😀1',
      'PRAT-U1',
      'PRAT-\uE000',
      'PRAT-日本',
      'PRAT-𝔘',
      'PRAT-',
      'PRAT-U10',
    ];
    const contacts = ids.map((externalId, i) => contact(`c${i}`, 'r', at(1), { externalId }));
    const utf8 = [...ids].sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
    expect([...contacts].sort(compareContacts).map((c) => c.externalId)).toEqual(utf8);
    expect(
      [...contacts]
        .reverse()
        .sort(compareContacts)
        .map((c) => c.externalId),
    ).toEqual(utf8);
  });

  it('counts the gap to the next contact in started days, up to the longest kept', () => {
    expect(gapDays(at(1), at(1, 30), 30)).toBe(1);
    expect(gapDays(at(1), at(1), 30)).toBe(0);
    expect(gapDays(at(1), at(31), 30)).toBe(30);
    expect(gapDays(at(1), at(31, 1), 30)).toBeNull();
  });
});

describe('net promoter score', () => {
  it('is promoters minus detractors, in points', () => {
    expect(netPromoterScore([10, 9, 9, 8, 7, 6, 0, 10, 3, 5])).toBe(0);
    expect(netPromoterScore([10, 10, 8, 2])).toBe(25);
    expect(netPromoterScore([])).toBeNull();
  });
});
