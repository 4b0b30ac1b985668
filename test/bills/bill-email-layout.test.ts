import { describe, expect, it } from 'vitest';
import { reactiveBillEmail, reactiveBillEmailCompiledWhole } from '../../bills/bill-email.ts';
import { compareBill, type Bill, type Locale } from '../../core/index.ts';
import { type BillView } from '../../core/services.ts';

// The reactive e-mail's layout is compiled by MJML once per shape and each bill's content put
// into it: every e-mail must come out exactly as MJML makes it from the whole source.

function gasBill(
  n: number,
  start: string,
  end: string,
  issued: string,
  smc: number,
  description: string,
): Bill {
  const lines = [
    { code: 'gas', description, amountCents: Math.round(smc * 112.4), quantity: smc, unit: 'Smc' as const },
    {
      code: 'network',
      description: 'Trasporto & gestione contatore <G4>',
      amountCents: 1_870,
      quantity: null,
      unit: null,
    },
  ];
  return {
    id: `5f0c2a3e-8d41-4c6b-9a7e-${String(n).padStart(12, '0')}`,
    accountId: '5f0c2a3e-8d41-4c6b-9a7e-0000000000aa',
    customerId: '5f0c2a3e-8d41-4c6b-9a7e-0000000000bb',
    number: `G-2026/${String(40_210 + n)}`,
    periodStart: start,
    periodEnd: end,
    issuedOn: issued,
    dueOn: '2026-03-24',
    currency: 'EUR',
    amountCents: lines.reduce((s, l) => s + l.amountCents, 0),
    consumption: { quantity: smc, unit: 'Smc' },
    lines,
    cancelled: false,
    paidCents: 0,
  };
}

function view(options: {
  locale: Locale;
  firstName: string;
  lastName: string;
  marketing: boolean;
  history: boolean;
}): BillView {
  const current = gasBill(
    3,
    '2026-01-01',
    '2026-02-28',
    '2026-03-04',
    412,
    "Spesa per la materia gas naturale (l'inverno)",
  );
  const previous = gasBill(
    2,
    '2025-11-01',
    '2025-12-31',
    '2026-01-08',
    268,
    'Spesa per la materia gas naturale',
  );
  const yearAgo = gasBill(
    1,
    '2025-01-01',
    '2025-02-28',
    '2025-03-05',
    391,
    'Spesa per la materia gas naturale',
  );
  return {
    communication: {
      id: current.id,
      billId: current.id,
      customerId: current.customerId,
      style: 'reactive',
      medium: 'email',
      pilotId: null,
      arm: null,
      sentInteractionId: current.id,
      createdAt: new Date('2026-03-05T06:30:00Z'),
    },
    firstName: options.firstName,
    lastName: options.lastName,
    locale: options.locale,
    emailOnFile: true,
    messageMedium: 'email',
    paperless: false,
    marketing: options.marketing,
    bill: current,
    status: 'unpaid',
    supply: { kind: 'gas', address: "Via dell'Indipendenza 12, 40121 Bologna BO" },
    comparison: compareBill(current, previous, yearAgo),
    history: options.history
      ? [yearAgo, previous, current].map((b) => ({
          periodStart: b.periodStart,
          periodEnd: b.periodEnd,
          quantity: b.consumption?.quantity ?? null,
          unit: 'Smc',
          amountCents: b.amountCents,
        }))
      : [],
  };
}

const link = 'https://bollette.example.it/b/c.5f0c2a3e.mq2k0.Qm9sbGV0dGE&x=%25%25pay%25%25';

describe('the reactive e-mail from its kept layout', () => {
  it('is byte for byte what MJML makes of the whole source, in both languages, with and without usage and offer', async () => {
    const cases = [
      { locale: 'it-IT', firstName: 'Maria Grazia', lastName: "D'Angelo", marketing: true, history: true },
      { locale: 'it-IT', firstName: 'Carlo & Anna', lastName: 'Bianchi', marketing: false, history: false },
      { locale: 'en-US', firstName: 'Siobhán', lastName: "O'Neill", marketing: true, history: false },
      { locale: 'en-US', firstName: '%%amount%%', lastName: 'Smith <Jr>', marketing: false, history: true },
    ] as const;
    for (const c of cases) {
      const kept = await reactiveBillEmail(view(c), link);
      const whole = await reactiveBillEmailCompiledWhole(view(c), link);
      expect(kept.html).toBe(whole.html);
      expect(kept.text).toBe(whole.text);
      // Twice from the kept layout: nothing of the first bill stays in it.
      expect((await reactiveBillEmail(view(c), link)).html).toBe(kept.html);
    }
    // A name that looks like a slot is written as the name, not filled.
    const odd = await reactiveBillEmail(view(cases[3]), link);
    expect(odd.html).toContain('Hello %%amount%%,');
  });
});
