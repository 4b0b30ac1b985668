import { DateTime } from 'luxon';
import { z } from 'zod';
import {
  billStyles,
  type BillCommunication,
  type BillCommunicationStore,
  type BillMedium,
  type BillStyle,
} from './bill-communications.ts';
import { notFound } from './errors.ts';
import { REFERENCE_ZONE } from './clock.ts';
import type { ArmComparison, Estimate } from './pilot-metrics.ts';
import { DRAW_BUCKETS, drawBucket } from './pilots.ts';
import { compareNps, createNpsByCustomer } from './nps-statistics.ts';
import {
  compareMeans,
  COUNT_BOUNDS,
  createMomentAccumulator,
  meanEstimate,
  type MomentAccumulator,
} from './statistics.ts';
import { Slug } from './vocabulary.ts';

/** A share of bills: 0–1. */
const SHARE = { min: 0, max: 1 };

const percent = z.number().min(0).max(100).multipleOf(0.01, { error: 'has at most two decimals' });

/** A style pilot's arms: several styles tried at once beside a control that keeps today's style. */
export const StylePilotDesign = z
  .object({
    arms: z
      .array(z.object({ code: Slug, style: z.enum(billStyles), percent }))
      .min(1, { error: 'name at least one arm' })
      .max(8),
    control: z.object({
      style: z.enum(billStyles),
      percent: percent.min(0.01, { error: 'must be above 0' }),
    }),
  })
  .refine(
    (d) =>
      new Set(d.arms.map((a) => a.code)).size === d.arms.length && !d.arms.some((a) => a.code === 'control'),
    {
      error: 'arm codes are unique and none is called control',
      path: ['arms'],
    },
  )
  .refine((d) => d.arms.reduce((s, a) => s + a.percent, 0) + d.control.percent <= 100, {
    error: 'the arms and the control add up to at most 100',
    path: ['control', 'percent'],
  });
export type StylePilotDesign = z.output<typeof StylePilotDesign>;

/**
 * The arm a customer's sticky bucket falls in: the lowest buckets go to the first arm, the next
 * to the second, and so on; the highest to control, as in every pilot's draw. Null between them.
 */
export function styleArmOf(
  pilotId: string,
  customerId: string,
  design: StylePilotDesign,
): { arm: string; style: BillStyle } | null {
  const bucket = drawBucket(pilotId, customerId);
  if (bucket >= DRAW_BUCKETS - Math.round(design.control.percent * 100)) {
    return { arm: 'control', style: design.control.style };
  }
  let upTo = 0;
  for (const arm of design.arms) {
    upTo += Math.round(arm.percent * 100);
    if (bucket < upTo) return { arm: arm.code, style: arm.style };
  }
  return null;
}

/** One survey answer: a customer's answer falls in the window of each of their bills, counted once. */
export interface NpsAnswer {
  id: string;
  score: number;
}

/** What one communication led to, as its outcome is measured. */
export interface CommunicationFacts {
  communication: BillCommunication;
  bill: { dueOn: string; amountCents: number };
  delivered: boolean;
  opened: boolean;
  /** The customer went paperless from the bill's page. */
  switchedToPaperless: boolean;
  /** Payments against the bill, oldest first. */
  payments: { paidAt: Date; amountCents: number; channel: string }[];
  /** Contacts about bills and payments within the window after it was sent, by channel (its own aside). */
  contacts: Record<string, number>;
  /** The customer's NPS answers (0–10) given within the window after it was sent. */
  npsAnswers: NpsAnswer[];
}

export interface CommunicationOutcome {
  delivered: boolean;
  opened: boolean;
  /** The digital switch: paperless from this bill on. */
  switchedToPaperless: boolean;
  paid: boolean;
  /** The end of the due date (Rome time) has passed: only then is the bill judged on time or not. */
  due: boolean;
  /** Paid in full by the end of the due date (Rome time); null while unpaid. */
  onTime: boolean | null;
  /** Calendar days from sending to the payment that completed it. */
  daysToPay: number | null;
  paidVia: string | null;
  contacts: Record<string, number>;
  npsAnswers: NpsAnswer[];
  costCents: number;
}

/** Unit costs per medium, in cents (print and postage, one SMS, one e-mail). */
export type UnitCosts = Record<BillMedium, number>;

/** What a communication led to, as of `now` (which decides whether its bill has fallen due). */
export function communicationOutcome(
  facts: CommunicationFacts,
  costs: UnitCosts,
  now: Date,
): CommunicationOutcome {
  let paidCents = 0;
  let completedBy: CommunicationFacts['payments'][number] | undefined;
  for (const payment of facts.payments) {
    paidCents += payment.amountCents;
    if (paidCents >= facts.bill.amountCents) {
      completedBy = payment;
      break;
    }
  }
  const day = (at: Date) => DateTime.fromJSDate(at, { zone: REFERENCE_ZONE }).startOf('day');
  return {
    delivered: facts.delivered,
    opened: facts.opened,
    switchedToPaperless: facts.switchedToPaperless,
    paid: completedBy !== undefined,
    due: day(now).toISODate()! > facts.bill.dueOn,
    onTime: completedBy ? day(completedBy.paidAt).toISODate()! <= facts.bill.dueOn : null,
    daysToPay: completedBy
      ? Math.round(day(completedBy.paidAt).diff(day(facts.communication.createdAt), 'days').days)
      : null,
    paidVia: completedBy?.channel ?? null,
    contacts: facts.contacts,
    npsAnswers: facts.npsAnswers,
    costCents: costs[facts.communication.medium],
  };
}

export interface StyleArmReport {
  arm: string;
  style: BillStyle;
  bills: number;
  /**
   * Bills whose due date (end of day, Rome) has not passed: not judged yet, so left out of the
   * on-time rate (whose n counts the bills judged).
   */
  notYetDue: number;
  /** Customers the arm's bills went to (a household with three supplies is one). */
  customers: number;
  onTimeRate: Estimate;
  daysToPay: Estimate;
  callCentreContactsPerBill: Estimate;
  contactsPerBill: Estimate;
  /** Sent e-mails and SMS the outbox delivered, and letters (handed to the print house). */
  deliveredRate: Estimate;
  openedRate: Estimate;
  digitalSwitchRate: Estimate;
  costPerBill: Estimate;
  /** NPS of the arm's customers who answered, each counted once with their own NPS. */
  nps: Estimate & { answers: number };
  /** Against control; the on-time comparison's p-value also Holm-adjusted across the arms. */
  vsControl: {
    onTimeRate: ArmComparison;
    daysToPay: ArmComparison;
    callCentreContactsPerBill: ArmComparison;
    contactsPerBill: ArmComparison;
    digitalSwitchRate: ArmComparison;
    costPerBill: ArmComparison;
    nps: ArmComparison;
    onTimeHolmPValue: number | null;
  } | null;
}

/**
 * A style pilot's report: each arm's figures with their intervals, each arm against control,
 * and the on-time comparisons corrected for being several (Holm).
 */
export function styleReport(
  design: StylePilotDesign,
  outcomes: readonly { communication: BillCommunication; outcome: CommunicationOutcome }[],
  options: { callCentre?: string } = {},
): StyleArmReport[] {
  const callCentre = options.callCentre ?? 'call_centre';
  const arms = [
    ...design.arms.map((a) => ({ arm: a.code, style: a.style })),
    { arm: 'control', style: design.control.style },
  ];
  const tallies = new Map(
    arms.map((a) => [
      a.arm,
      {
        bills: 0,
        notYetDue: 0,
        onTime: createMomentAccumulator(),
        daysToPay: createMomentAccumulator(),
        callCentre: createMomentAccumulator(),
        contacts: createMomentAccumulator(),
        delivered: createMomentAccumulator(),
        opened: createMomentAccumulator(),
        switched: createMomentAccumulator(),
        cost: createMomentAccumulator(),
      } satisfies Record<string, MomentAccumulator | number>,
    ]),
  );
  // NPS and the head count are per customer: the answers of all their bills in the arm, together.
  const answersOf = new Map(arms.map((a) => [a.arm, new Map<string, Map<string, number>>()]));
  for (const { communication, outcome } of outcomes) {
    const tally = tallies.get(communication.arm ?? '');
    if (!tally) continue;
    tally.bills++;
    if (outcome.due) tally.onTime.add(outcome.onTime ? 1 : 0);
    else tally.notYetDue++;
    if (outcome.daysToPay !== null) tally.daysToPay.add(outcome.daysToPay);
    tally.callCentre.add(outcome.contacts[callCentre] ?? 0);
    tally.contacts.add(Object.values(outcome.contacts).reduce((s, n) => s + n, 0));
    tally.delivered.add(outcome.delivered ? 1 : 0);
    tally.opened.add(outcome.opened ? 1 : 0);
    tally.switched.add(outcome.switchedToPaperless ? 1 : 0);
    tally.cost.add(outcome.costCents);
    const customers = answersOf.get(communication.arm ?? '')!;
    const answers = customers.get(communication.customerId) ?? new Map<string, number>();
    for (const a of outcome.npsAnswers) answers.set(a.id, a.score);
    customers.set(communication.customerId, answers);
  }
  const npsOf = new Map(
    [...answersOf].map(([arm, customers]) => {
      const nps = createNpsByCustomer();
      for (const answers of customers.values()) nps.add([...answers.values()]);
      return [arm, nps.result()];
    }),
  );
  const controlNps = npsOf.get('control')!;
  const control = tallies.get('control')!;
  const reports = arms.map(({ arm, style }) => {
    const t = tallies.get(arm)!;
    return {
      arm,
      style,
      bills: t.bills,
      notYetDue: t.notYetDue,
      customers: answersOf.get(arm)!.size,
      onTimeRate: meanEstimate(t.onTime.moments(), { min: 0, max: 1 }),
      daysToPay: meanEstimate(t.daysToPay.moments()),
      callCentreContactsPerBill: meanEstimate(t.callCentre.moments(), { min: 0, max: Infinity }),
      contactsPerBill: meanEstimate(t.contacts.moments(), { min: 0, max: Infinity }),
      deliveredRate: meanEstimate(t.delivered.moments(), { min: 0, max: 1 }),
      openedRate: meanEstimate(t.opened.moments(), { min: 0, max: 1 }),
      digitalSwitchRate: meanEstimate(t.switched.moments(), { min: 0, max: 1 }),
      costPerBill: meanEstimate(t.cost.moments(), { min: 0, max: Infinity }),
      nps: {
        ...meanEstimate(npsOf.get(arm)!.customers, { min: -100, max: 100 }),
        answers: npsOf.get(arm)!.answers,
      },
      vsControl:
        arm === 'control'
          ? null
          : {
              onTimeRate: compareMeans(t.onTime.moments(), control.onTime.moments(), SHARE),
              daysToPay: compareMeans(t.daysToPay.moments(), control.daysToPay.moments()),
              callCentreContactsPerBill: compareMeans(
                t.callCentre.moments(),
                control.callCentre.moments(),
                COUNT_BOUNDS,
              ),
              contactsPerBill: compareMeans(t.contacts.moments(), control.contacts.moments(), COUNT_BOUNDS),
              digitalSwitchRate: compareMeans(t.switched.moments(), control.switched.moments(), SHARE),
              costPerBill: compareMeans(t.cost.moments(), control.cost.moments(), COUNT_BOUNDS),
              nps: compareNps(npsOf.get(arm)!, controlNps),
              onTimeHolmPValue: null as number | null,
            },
    };
  });
  const compared = reports.filter((r) => r.vsControl);
  const adjusted = holmAdjusted(compared.map((r) => r.vsControl!.onTimeRate.pValue));
  compared.forEach((r, i) => (r.vsControl!.onTimeHolmPValue = adjusted[i] ?? null));
  return reports;
}

/**
 * Holm's step-down adjustment of several p-values (nulls left out and kept null): the k-th
 * smallest of m is multiplied by m − k + 1, never below the one before, never above 1.
 */
export function holmAdjusted(pValues: readonly (number | null)[]): (number | null)[] {
  const order = pValues
    .map((p, i) => ({ p, i }))
    .filter((x): x is { p: number; i: number } => x.p !== null)
    .sort((a, b) => a.p - b.p);
  const m = order.length;
  const adjusted: (number | null)[] = pValues.map(() => null);
  let running = 0;
  order.forEach(({ p, i }, k) => {
    running = Math.max(running, Math.min(1, p * (m - k)));
    adjusted[i] = running;
  });
  return adjusted;
}

/** The channel code style pilots run on: a pilot on it draws bill styles, not access. */
export const BILL_STYLE_CHANNEL = 'bill_communications';

/**
 * A style pilot's report from what its communications led to, with the configured unit costs, as
 * of `now` (bills not yet due are counted apart from the on-time rate).
 */
export async function styleReportOf(
  store: Pick<BillCommunicationStore, 'design' | 'pilotFacts'>,
  pilotId: string,
  options: { costs: UnitCosts; withinDays: number; now: Date },
): Promise<StyleArmReport[]> {
  const design = await store.design(pilotId);
  if (!design) throw notFound('style pilot design', pilotId);
  const facts = await store.pilotFacts(pilotId, options.withinDays);
  return styleReport(
    design,
    facts.map((f) => ({
      communication: f.communication,
      outcome: communicationOutcome(f, options.costs, options.now),
    })),
  );
}
