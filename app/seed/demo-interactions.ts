import { setImmediate as nextTurn } from 'node:timers/promises';
import type { InteractionInput, Outcome } from '../../core/index.ts';
import { localDay, romeDay, type LocalDay } from './demo-calendar.ts';
import type { CustomerProfile } from './demo-customers.ts';
import {
  apportion,
  billPressure,
  canReach,
  createCustomerPicker,
  flowVolume,
  reasonPull,
  type BillEvents,
} from './demo-demand.ts';
import { billReasons, flows, paymentReasons, type Flow, type FlowKey, type Reason } from './demo-flows.ts';
import {
  comeBack,
  customerDelays,
  handoffDelays,
  handoffTargets,
  nextChannel,
  notificationResponse,
} from './demo-journeys.ts';
import { table, tableOf, type DemoRandom, type Table } from './demo-random.ts';

export type DemoInteraction = InteractionInput & { id: string };

export interface InteractionOptions {
  random: DemoRandom;
  seed: number;
  total: number;
  now: Date;
  customers: readonly CustomerProfile[];
  events: BillEvents;
  chunkSize: number;
  /** Receives the contacts in time order, one chunk at a time (a later chunk never starts earlier). */
  write(chunk: DemoInteraction[]): Promise<void>;
}

interface Planned {
  customer: CustomerProfile | null;
  flow: Flow;
  reason: Reason;
  startedAt: number;
  handoffFromId: string | null;
  depth: number;
}

interface Draft extends Planned {
  id: string;
  endedAt: number | null;
  outcome: Outcome;
}

const WINDOW_DAYS = 365;
const MINUTE = 60_000;
const flowList = Object.values(flows);
const handleByReason: Partial<Record<Reason, number>> = {
  complaint: 1.5,
  payment_plan: 1.4,
  bill_explanation: 1.3,
  payment: 0.8,
  bill_copy: 0.6,
};
const afterBill = table(
  Array.from({ length: 14 }, (_, i) => [i + 1, (i + 1) * Math.exp(-(i + 1) / 3)] as const),
);

/**
 * Generates exactly `total` contacts over the 365 days before `now`, day by day in time order,
 * and hands them to `write` in chunks: only a chunk and the follow-ups already planned for the
 * next few days are held in memory, whatever the total.
 */
export async function generateInteractions(options: InteractionOptions): Promise<number> {
  const { random } = options;
  const firstDay = romeDay(options.now) - WINDOW_DAYS;
  const days: LocalDay[] = Array.from({ length: WINDOW_DAYS }, (_, i) => localDay(firstDay + i));
  const picker = createCustomerPicker(options.customers, flowList);
  const pressure = billPressure(options.events, firstDay, WINDOW_DAYS);
  const volumes = days.map((day, i) => flowList.map((flow) => flowVolume(flow, day, pressure, i)));
  const perDay = apportion(
    options.total,
    volumes.map((v) => v.reduce((a, b) => a + b, 0)),
  );
  const outcomeTables = new Map(flowList.map((flow) => [flow.key, tableOf<Outcome>(flow.outcomes)]));
  const hourTables = new Map(
    flowList.map((flow) => [flow.key, flow.hours.map((h) => table(h.map((w, i) => [i, w])))]),
  );
  const pending = new Map<number, Planned[]>();
  let buffer: DemoInteraction[] = [];
  let sequence = 0;

  /** A moment on `day` when the flow is open, after `notBefore`; null when there is none. */
  const timeOn = (flow: Flow, day: LocalDay, notBefore = 0): number | null => {
    const hours = (hourTables.get(flow.key) as Table<number>[])[day.dayType] as Table<number>;
    if (hours.total === 0) return null;
    for (let attempt = 0; attempt < 4; attempt++) {
      const hour = random.draw(hours);
      const from = day.hourStarts[hour] as number;
      const to = day.hourStarts[hour + 1] as number;
      const at = from + Math.floor((random.next() * (to - from)) / 1000) * 1000;
      if (at > notBefore) return at;
    }
    return null;
  };

  const customerFor = (flow: Flow, reason: Reason, index: number, day: LocalDay): CustomerProfile | null => {
    if (flow.anonymous && random.chance(flow.anonymous)) return null;
    let candidates: CustomerProfile[] | undefined;
    if (reason === 'bill_issued') candidates = options.events.issued.get(day.day);
    else if (billReasons.includes(reason) && random.chance(0.6)) {
      candidates = options.events.issued.get(day.day - random.draw(afterBill));
    } else if (paymentReasons.includes(reason) && random.chance(0.5)) {
      candidates = random.chance(0.5)
        ? options.events.overdue.get(day.day - random.int(0, 7))
        : options.events.due.get(day.day - random.int(-3, 5));
    }
    const candidate = candidates && candidates.length > 0 ? random.pick(candidates) : undefined;
    if (candidate && candidate.joinedDay <= day.day && canReach(candidate, flow)) return candidate;
    return picker.draw(flow, day.day, random.next());
  };

  const complete = (plan: Planned): Draft => {
    let outcome = random.draw(outcomeTables.get(plan.flow.key) as Table<Outcome>);
    if (plan.reason === 'complaint' && outcome === 'resolved' && random.chance(0.3)) {
      outcome = plan.flow.outcomes.handed_off ? 'handed_off' : 'failed';
    }
    if (plan.customer === null && outcome === 'handed_off') outcome = 'abandoned';
    let endedAt: number | null = null;
    if (plan.flow.handle) {
      const minutes = random.logNormal(
        plan.flow.handle.median * (handleByReason[plan.reason] ?? 1),
        plan.flow.handle.sigma,
      );
      endedAt =
        plan.startedAt +
        Math.max(1000, Math.round((minutes * (outcome === 'abandoned' ? 0.3 : 1) * MINUTE) / 1000) * 1000);
    }
    return { ...plan, id: random.uuid(), endedAt, outcome };
  };

  /** Plans the customer's next contact about the same thing, if there is one. */
  const followUp = (draft: Draft, index: number, today: Planned[]) => {
    const { customer, flow, reason } = draft;
    if (customer === null || draft.depth >= 4) return;
    const explicit = draft.outcome === 'handed_off';
    const notification = flow.direction === 'outbound' && flow.share > 0 && flow.key !== 'cc_callback';
    let chance = explicit
      ? comeBack.handed_off
      : notification
        ? draft.outcome === 'resolved'
          ? (notificationResponse[reason] ?? 0)
          : 0
        : comeBack[draft.outcome] * (reason === 'complaint' ? 2 : 1);
    if (!explicit) chance *= 0.6 ** draft.depth;
    if (!random.chance(chance)) return;
    let target: Flow;
    if (explicit) {
      target = flows[random.draw(tableOf<FlowKey>(handoffTargets[flow.key] ?? { cc_callback: 1 }))];
    } else {
      const next = random.draw(tableOf(nextChannel[flow.channel]));
      target = next === 'web' ? webPage(reason) : flows[next];
    }
    if (!canReach(customer, target)) target = explicit ? flows.paper_out : flows.cc_agent;
    // E-mails and letters are answered days later; the customer may move on before that.
    const handled = flow.handle !== null && flow.handle.median < 600 ? draft.endedAt : null;
    const after = handled ?? draft.startedAt;
    const plan = {
      customer,
      flow: target,
      reason,
      handoffFromId: explicit ? draft.id : null,
      depth: draft.depth + 1,
    };
    if (flow.key === 'cc_ivr' && target.key === 'cc_agent') {
      today.push({ ...plan, startedAt: after + random.int(20, 600) * 1000 });
      return;
    }
    const delays = explicit ? (handoffDelays[target.key] ?? customerDelays) : customerDelays;
    for (let delay = random.draw(table(delays.map((w, d) => [d, w]))); delay <= 6; delay++) {
      const day = days[index + delay];
      if (!day) return;
      const startedAt = timeOn(target, day, after + 15 * MINUTE);
      if (startedAt === null) continue;
      if (delay === 0) today.push({ ...plan, startedAt });
      else addPlanned(pending, index + delay, { ...plan, startedAt });
      return;
    }
  };

  for (let index = 0; index < days.length; index++) {
    // A turn of the event loop a day, for a write still under way to go on with.
    await nextTurn();
    const day = days[index] as LocalDay;
    const flowTable = table(flowList.map((flow, k) => [flow, (volumes[index] as number[])[k] as number]));
    const reasonTables = new Map<FlowKey, Table<Reason>>();
    const queue = pending.get(index) ?? [];
    pending.delete(index);
    const drafts: Draft[] = [];
    let next = 0;
    for (let budget = perDay[index] as number; budget > 0; budget--) {
      let plan = queue[next++];
      if (!plan) {
        const flow = random.draw(flowTable);
        let reasons = reasonTables.get(flow.key);
        if (!reasons) {
          const entries = Object.entries(flow.reasons) as [Reason, number][];
          reasons = table(entries.map(([r, w]) => [r, w * reasonPull(r, pressure, index, day)]));
          reasonTables.set(flow.key, reasons);
        }
        const reason = random.draw(reasons);
        plan = {
          customer: customerFor(flow, reason, index, day),
          flow,
          reason,
          startedAt: timeOn(flow, day) as number,
          handoffFromId: null,
          depth: 0,
        };
      }
      const draft = complete(plan);
      drafts.push(draft);
      followUp(draft, index, queue);
    }
    // A later step must not sort before the contact it follows: times are distinct or ordered by creation.
    drafts.sort((a, b) => a.startedAt - b.startedAt);
    for (const draft of drafts) buffer.push(toInput(random, draft, `${options.seed}-${++sequence}`));
    while (buffer.length >= options.chunkSize) {
      await options.write(buffer.slice(0, options.chunkSize));
      buffer = buffer.slice(options.chunkSize);
    }
  }
  if (buffer.length > 0) await options.write(buffer);
  return sequence;
}

function webPage(reason: Reason): Flow {
  if (reason === 'payment' || reason === 'payment_plan') return flows.web_payment;
  if (reason === 'complaint' || reason === 'fault') return flows.web_contact_form;
  return flows.web_self_service;
}

function addPlanned(pending: Map<number, Planned[]>, index: number, plan: Planned): void {
  const list = pending.get(index);
  if (list) list.push(plan);
  else pending.set(index, [plan]);
}

const devices = tableOf({ mobile: 58, desktop: 27, app: 15 });

function toInput(random: DemoRandom, draft: Draft, externalId: string): DemoInteraction {
  const { flow } = draft;
  let details: Record<string, unknown> = {};
  if (flow.key === 'cc_agent') details = { queueSeconds: random.int(5, 480) };
  else if (flow.channel === 'web' || flow.key === 'sms_link') details = { device: random.draw(devices) };
  else if (flow.key === 'shop_counter') details = { shop: draft.customer?.city ?? 'Roma' };
  else if (flow.direction === 'outbound' && flow.channel !== 'call_centre')
    details = { template: draft.reason };
  return {
    id: draft.id,
    customerId: draft.customer?.id ?? null,
    channel: flow.channel,
    touchpoint: flow.touchpoint,
    direction: flow.direction,
    reason: draft.reason,
    startedAt: new Date(draft.startedAt),
    endedAt: draft.endedAt === null ? null : new Date(draft.endedAt),
    outcome: draft.outcome,
    handoffFromId: draft.handoffFromId,
    source: 'demo',
    externalId,
    details,
  };
}
