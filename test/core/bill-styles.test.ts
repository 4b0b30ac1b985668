import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  StylePilotDesign,
  communicationOutcome,
  holmAdjusted,
  styleArmOf,
  styleReport,
  type BillCommunication,
  type CommunicationOutcome,
} from '../../core/services.ts';
import { styleScorecards } from '../../core/evidence.ts';

const PILOT = '3f6f2c1a-8d4b-4e0a-9c7e-5b1d2a3c4e5f';
const design = StylePilotDesign.parse({
  arms: [
    { code: 'paper_qr', style: 'active', percent: 25 },
    { code: 'responsive_email', style: 'reactive', percent: 25 },
  ],
  control: { style: 'passive', percent: 25 },
});

const communication = (over: Partial<BillCommunication> = {}): BillCommunication => ({
  id: randomUUID(),
  billId: randomUUID(),
  customerId: randomUUID(),
  style: 'reactive',
  medium: 'email',
  pilotId: PILOT,
  arm: 'responsive_email',
  sentInteractionId: randomUUID(),
  // Thursday 5 March 2026, 09:30 in Rome.
  createdAt: new Date('2026-03-05T08:30:00Z'),
  ...over,
});

describe('style arms', () => {
  it('keeps a customer in one arm, and fills several arms and control in their shares', () => {
    const customers = Array.from({ length: 20_000 }, () => randomUUID());
    const counts = new Map<string, number>();
    for (const id of customers) {
      const drawn = styleArmOf(PILOT, id, design);
      expect(styleArmOf(PILOT, id, design)).toEqual(drawn);
      const key = drawn?.arm ?? 'none';
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    for (const arm of ['paper_qr', 'responsive_email', 'control', 'none']) {
      expect((counts.get(arm) ?? 0) / customers.length).toBeGreaterThan(0.23);
      expect((counts.get(arm) ?? 0) / customers.length).toBeLessThan(0.27);
    }
  });

  it('moves nobody out of an arm when the pilot grows its last arm', () => {
    const grown = StylePilotDesign.parse({
      ...design,
      arms: [design.arms[0], { ...design.arms[1], percent: 40 }],
    });
    for (let i = 0; i < 5_000; i++) {
      const id = randomUUID();
      const before = styleArmOf(PILOT, id, design);
      if (before) expect(styleArmOf(PILOT, id, grown)).toEqual(before);
    }
  });

  it('refuses arms that add up to more than 100, a repeated code, or an arm called control', () => {
    const issues = (input: unknown) =>
      StylePilotDesign.safeParse(input).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
    expect(
      issues({
        arms: [{ code: 'a', style: 'active', percent: 60 }],
        control: { style: 'passive', percent: 50 },
      }),
    ).toEqual(['control.percent: the arms and the control add up to at most 100']);
    expect(
      issues({
        arms: [
          { code: 'control', style: 'active', percent: 10 },
          { code: 'control', style: 'reactive', percent: 10 },
        ],
        control: { style: 'passive', percent: 10 },
      }),
    ).toEqual(['arms: arm codes are unique and none is called control']);
  });
});

describe("a communication's outcome", () => {
  const costs = { post: 92, sms: 6, email: 0.1 };
  const AFTER_DUE = new Date('2026-04-30T08:00:00Z');

  it('counts a payment late on the due date, Rome time, as on time, and the next morning as late', () => {
    const facts = (paidAt: string) => ({
      communication: communication(),
      bill: { dueOn: '2026-03-24', amountCents: 13_046 },
      delivered: true,
      opened: true,
      switchedToPaperless: false,
      npsAnswers: [],
      payments: [{ paidAt: new Date(paidAt), amountCents: 13_046, channel: 'web' }],
      contacts: {},
    });
    // 23:40 in Rome on the due date (CET, UTC+1).
    expect(communicationOutcome(facts('2026-03-24T22:40:00Z'), costs, AFTER_DUE)).toMatchObject({
      paid: true,
      onTime: true,
      daysToPay: 19,
      paidVia: 'web',
      costCents: 0.1,
    });
    expect(communicationOutcome(facts('2026-03-25T07:15:00Z'), costs, AFTER_DUE)).toMatchObject({
      onTime: false,
      daysToPay: 20,
    });
  });

  it('is judged only once the end of its due date in Rome has passed', () => {
    const facts = {
      communication: communication(),
      bill: { dueOn: '2026-03-24', amountCents: 13_046 },
      delivered: true,
      opened: false,
      switchedToPaperless: false,
      npsAnswers: [],
      payments: [],
      contacts: {},
    };
    // 23:59 in Rome on the due date (CET, UTC+1): it may still be paid on time.
    expect(communicationOutcome(facts, costs, new Date('2026-03-24T22:59:00Z'))).toMatchObject({
      due: false,
      paid: false,
    });
    // Five past midnight in Rome: late.
    expect(communicationOutcome(facts, costs, new Date('2026-03-24T23:05:00Z'))).toMatchObject({
      due: true,
      paid: false,
    });
  });

  it('is paid when instalments complete the amount, by the channel of the last one', () => {
    const outcome = communicationOutcome(
      {
        communication: communication({ medium: 'post', style: 'active', arm: 'paper_qr' }),
        bill: { dueOn: '2026-03-24', amountCents: 36_377 },
        delivered: true,
        opened: false,
        switchedToPaperless: false,
        npsAnswers: [],
        payments: [
          { paidAt: new Date('2026-03-10T10:00:00Z'), amountCents: 20_000, channel: 'shop' },
          { paidAt: new Date('2026-04-02T16:00:00Z'), amountCents: 16_377, channel: 'bank' },
        ],
        contacts: { call_centre: 2 },
      },
      costs,
      AFTER_DUE,
    );
    expect(outcome).toMatchObject({
      paid: true,
      onTime: false,
      daysToPay: 28,
      paidVia: 'bank',
      costCents: 92,
    });
    const unpaid = communicationOutcome(
      {
        communication: communication(),
        bill: { dueOn: '2026-03-24', amountCents: 9_350 },
        delivered: false,
        opened: false,
        switchedToPaperless: false,
        npsAnswers: [],
        payments: [{ paidAt: new Date('2026-03-10T10:00:00Z'), amountCents: 5_000, channel: 'web' }],
        contacts: {},
      },
      costs,
      AFTER_DUE,
    );
    expect(unpaid).toMatchObject({ paid: false, onTime: null, daysToPay: null, paidVia: null });
  });
});

describe("a style pilot's report", () => {
  it('adjusts several p-values as Holm does (checked against statsmodels multipletests)', () => {
    expect(holmAdjusted([0.01, 0.04, 0.03])).toEqual([0.03, 0.06, 0.06]);
    expect(holmAdjusted([0.5, null, 0.001])).toEqual([0.5, null, 0.002]);
  });

  it('shows each arm against control with intervals, and an arm paying on time more often stands out', () => {
    const outcome = (onTime: boolean, calls: number, medium: 'email' | 'post'): CommunicationOutcome => ({
      delivered: true,
      opened: onTime,
      switchedToPaperless: medium === 'email',
      paid: true,
      due: true,
      onTime,
      daysToPay: onTime ? 12 : 31,
      paidVia: 'web',
      contacts: calls ? { call_centre: calls, web: 1 } : {},
      npsAnswers: [],
      costCents: medium === 'post' ? 92 : 0.1,
    });
    const outcomes = [
      ...Array.from({ length: 300 }, (_, i) => ({
        communication: communication({ arm: 'responsive_email' }),
        outcome: outcome(i % 10 < 8, i % 10 === 0 ? 1 : 0, 'email'),
      })),
      ...Array.from({ length: 300 }, (_, i) => ({
        communication: communication({ arm: 'paper_qr', medium: 'post', style: 'active' }),
        outcome: outcome(i % 10 < 6, i % 5 === 0 ? 1 : 0, 'post'),
      })),
      ...Array.from({ length: 300 }, (_, i) => ({
        communication: communication({ arm: 'control', medium: 'post', style: 'passive' }),
        outcome: outcome(i % 10 < 6, i % 4 === 0 ? 1 : 0, 'post'),
      })),
    ];
    const report = styleReport(design, outcomes);
    const byArm = Object.fromEntries(report.map((r) => [r.arm, r]));
    expect(byArm.responsive_email?.onTimeRate.value).toBeCloseTo(0.8);
    expect(byArm.responsive_email?.onTimeRate.fixed?.low).toBeLessThan(0.8);
    expect(byArm.responsive_email?.onTimeRate.fixed?.high).toBeGreaterThan(0.8);
    expect(byArm.responsive_email?.vsControl?.onTimeRate.significantFixed).toBe(true);
    expect(byArm.paper_qr?.vsControl?.onTimeRate.significantFixed).toBe(false);
    expect(byArm.responsive_email?.vsControl?.onTimeHolmPValue).toBeGreaterThanOrEqual(
      byArm.responsive_email?.vsControl?.onTimeRate.pValue as number,
    );
    expect(byArm.responsive_email?.costPerBill.value).toBeCloseTo(0.1);
    expect(byArm.control?.callCentreContactsPerBill.value).toBeCloseTo(0.25);
    expect(byArm.control?.contactsPerBill.value).toBeCloseTo(0.5);
    expect(byArm.control?.vsControl).toBeNull();
  });

  it('leaves bills not yet due out of the on-time rate and counts them apart', () => {
    const outcome = (due: boolean, paid: boolean, onTime: boolean): CommunicationOutcome => ({
      delivered: true,
      opened: false,
      switchedToPaperless: false,
      paid,
      due,
      onTime: paid ? onTime : null,
      daysToPay: paid ? (onTime ? 10 : 30) : null,
      paidVia: paid ? 'web' : null,
      contacts: {},
      npsAnswers: [],
      costCents: 0.1,
    });
    const of = (arm: string, outcomes: CommunicationOutcome[]) =>
      outcomes.map((o) => ({ communication: communication({ arm }), outcome: o }));
    const report = styleReport(design, [
      // Past due: 8 paid on time, 1 late, 1 unpaid.
      ...of('responsive_email', [
        ...Array.from({ length: 8 }, () => outcome(true, true, true)),
        outcome(true, true, false),
        outcome(true, false, false),
      ]),
      // Sent this week: 5 unpaid and 2 paid already, none judged.
      ...of('responsive_email', [
        ...Array.from({ length: 5 }, () => outcome(false, false, false)),
        ...Array.from({ length: 2 }, () => outcome(false, true, true)),
      ]),
      ...of('control', [outcome(false, false, false), outcome(false, false, false)]),
    ]);
    const byArm = Object.fromEntries(report.map((r) => [r.arm, r]));
    expect(byArm.responsive_email).toMatchObject({ bills: 17, notYetDue: 7, onTimeRate: { n: 10 } });
    expect(byArm.responsive_email?.onTimeRate.value).toBeCloseTo(0.8);
    expect(byArm.control).toMatchObject({ bills: 2, notYetDue: 2, onTimeRate: { value: null, n: 0 } });
    expect(byArm.responsive_email?.vsControl?.onTimeRate.pValue).toBeNull();
  });

  it('counts each customer’s NPS once, however many of their bills are in the arm', () => {
    const base: CommunicationOutcome = {
      delivered: true,
      opened: false,
      switchedToPaperless: false,
      paid: false,
      due: true,
      onTime: null,
      daysToPay: null,
      paidVia: null,
      contacts: {},
      npsAnswers: [],
      costCents: 0.1,
    };
    // Each answer is in the window of every bill the customer was sent: it counts once.
    const household = (arm: string, scores: number[]) => {
      const customerId = randomUUID();
      const npsAnswers = scores.map((score) => ({ id: randomUUID(), score }));
      return [1, 2, 3].map(() => ({
        communication: communication({ arm, customerId }),
        outcome: { ...base, npsAnswers },
      }));
    };
    const report = styleReport(design, [
      // Two answers of a promoter: one customer whose own NPS is 100.
      ...household('responsive_email', [10, 9]),
      // One detractor's answer: −100.
      ...household('responsive_email', [3]),
      // No answer: in the arm, not in its NPS.
      ...household('responsive_email', []),
      ...household('control', [7, 8]),
      ...household('control', [10]),
    ]);
    const byArm = Object.fromEntries(report.map((r) => [r.arm, r]));
    expect(byArm.responsive_email).toMatchObject({
      bills: 9,
      customers: 3,
      nps: { value: 0, n: 2, answers: 3 },
    });
    // Control: a passive (0) and a promoter (100), each counted once.
    expect(byArm.control).toMatchObject({ bills: 6, customers: 2, nps: { value: 50, n: 2, answers: 3 } });
    expect(byArm.responsive_email?.vsControl?.nps.difference.value).toBeCloseTo(-50);
  });
});

describe('a style pilot’s scorecards', () => {
  // 600 bills an arm: each arm's customers pay, open and call as their style leads them to.
  function bills(
    arm: string,
    share: { onTime: number; opened: number; calls: number },
  ): {
    communication: BillCommunication;
    outcome: CommunicationOutcome;
  }[] {
    return Array.from({ length: 600 }, (_, i) => {
      const onTime = i < share.onTime * 600;
      return {
        communication: communication({ arm }),
        outcome: {
          delivered: true,
          opened: i % 100 < share.opened * 100,
          switchedToPaperless: false,
          paid: true,
          due: true,
          onTime,
          daysToPay: onTime ? 9 : 31,
          paidVia: 'direct_debit',
          contacts: { call_centre: i % 100 < share.calls * 100 ? 1 : 0 },
          npsAnswers: [{ id: randomUUID(), score: i % 3 === 0 ? 10 : 7 }],
          costCents: 5,
        },
      };
    });
  }

  it('passes the arm that gets bills paid on time and fewer calls, and stops the one that brings more calls', () => {
    const report = styleReport(design, [
      ...bills('paper_qr', { onTime: 0.7, opened: 0.3, calls: 0.4 }),
      ...bills('responsive_email', { onTime: 0.9, opened: 0.45, calls: 0.1 }),
      ...bills('control', { onTime: 0.7, opened: 0.1, calls: 0.2 }),
    ]);
    const [paper, email] = styleScorecards(report, [], 6);
    const evidence = (card: typeof email, metric: string) =>
      card!.scorecard.criteria.flatMap((c) => c.evidence).find((e) => e.metric === metric);
    expect(evidence(email, 'onTimeVsControl')?.verdict).toBe('pass');
    expect(evidence(email, 'callCentreContactsPerBillChange')?.verdict).toBe('pass');
    expect(evidence(email, 'openedRate')?.verdict).toBe('pass');
    expect(email!.scorecard.guardrails[0]?.verdict).not.toBe('fail');
    // Twice control's calls: the guardrail is breached and the arm stopped, whatever else passes.
    expect(paper!.scorecard.guardrails[0]?.verdict).toBe('fail');
    expect(paper!.scorecard.recommendation).toBe('stop');
    expect(paper!.scorecard.reasons[0]).toContain('call-centre contacts per bill vs control');
  });
});
