import type { CustomerProfile } from './demo-customers.ts';
import type { LocalDay } from './demo-calendar.ts';
import {
  billReasons,
  demoChannels,
  paymentReasons,
  type Flow,
  type FlowKey,
  type Reason,
} from './demo-flows.ts';
import { billMonthVolume, channelAffinity, monthVolume } from './demo-shapes.ts';
import { searchCumulative } from './demo-random.ts';

/** Who received a bill, had one fall due, or was still owing a week later, by local day. */
export interface BillEvents {
  issued: Map<number, CustomerProfile[]>;
  due: Map<number, CustomerProfile[]>;
  overdue: Map<number, CustomerProfile[]>;
}

export function createBillEvents(): BillEvents {
  return { issued: new Map(), due: new Map(), overdue: new Map() };
}

export function addEvent(map: Map<number, CustomerProfile[]>, day: number, customer: CustomerProfile): void {
  const list = map.get(day);
  if (list) list.push(customer);
  else map.set(day, [customer]);
}

export function canReach(customer: CustomerProfile, flow: Flow): boolean {
  switch (flow.needs) {
    case 'email':
      return customer.hasEmail;
    case 'phone':
      return customer.hasPhone;
    case 'email_consent':
      return customer.reachable.includes('email');
    case 'sms_consent':
      return customer.reachable.includes('sms');
    default:
      return true;
  }
}

const preferredChannel = { email: 'email', sms: 'sms', phone: 'call_centre', post: 'paper_mail' } as const;

/**
 * Draws the customer behind a contact: busy customers more often, each kind of customer on the
 * channels they favour, and only customers who had signed up by that day.
 */
export function createCustomerPicker(customers: readonly CustomerProfile[], flowList: readonly Flow[]) {
  const sorted = [...customers].sort((a, b) => a.joinedDay - b.joinedDay);
  const cumulative = new Map<FlowKey, Float64Array>();
  for (const flow of flowList) {
    const channel = demoChannels.indexOf(flow.channel);
    // Notifications go to everyone they may reach, busy or not.
    const broadcast = flow.direction === 'outbound' && flow.share > 0;
    const sums = new Float64Array(sorted.length);
    let total = 0;
    sorted.forEach((c, i) => {
      if (canReach(c, flow)) {
        const english = c.locale === 'en-US' ? (channelAffinity.english[channel] as number) : 1;
        const preferred = c.preferredMedium && preferredChannel[c.preferredMedium] === flow.channel ? 1.4 : 1;
        total += broadcast
          ? 1
          : c.activity * (channelAffinity[c.segment][channel] as number) * english * preferred;
      }
      sums[i] = total;
    });
    cumulative.set(flow.key, sums);
  }
  return {
    draw(flow: Flow, day: number, uniform: number): CustomerProfile | null {
      const sums = cumulative.get(flow.key) as Float64Array;
      let lo = 0;
      let hi = sorted.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if ((sorted[mid] as CustomerProfile).joinedDay <= day) lo = mid + 1;
        else hi = mid;
      }
      const total = lo > 0 ? (sums[lo - 1] as number) : 0;
      if (total <= 0) return null;
      return sorted[searchCumulative(sums, uniform * total, lo)] as CustomerProfile;
    },
  };
}

/** Day-by-day pull of the bills on contact volume, around 1 on an average day of the window. */
export interface Pressure {
  bills: number[];
  payments: number[];
  issued: number[];
}

export function billPressure(events: BillEvents, firstDay: number, days: number): Pressure {
  const count = (map: Map<number, CustomerProfile[]>, i: number) => map.get(firstDay + i)?.length ?? 0;
  const bills: number[] = [];
  const payments: number[] = [];
  const issued: number[] = [];
  for (let i = 0; i < days; i++) {
    let b = 0;
    // People read a bill a few days after it is issued; the questions peak around the third day.
    for (let k = 1; k <= 14; k++) b += count(events.issued, i - k) * k * Math.exp(-k / 3);
    let p = 0;
    for (let k = -3; k <= 5; k++) p += count(events.due, i - k) * Math.exp(-Math.abs(k) / 2);
    for (let k = 0; k <= 7; k++) p += 2 * count(events.overdue, i - k) * Math.exp(-k / 3);
    bills.push(b);
    payments.push(p);
    issued.push(count(events.issued, i));
  }
  const normalise = (values: number[], floor: number) => {
    const mean = values.reduce((a, v) => a + v, 0) / Math.max(1, values.length);
    return values.map((v) => (mean > 0 ? floor + (1 - floor) * (v / mean) : 1));
  };
  return { bills: normalise(bills, 0.35), payments: normalise(payments, 0.4), issued: normalise(issued, 0) };
}

/** How strongly a reason is pulled on a day, relative to an ordinary day. */
export function reasonPull(reason: Reason, pressure: Pressure, index: number, day: LocalDay): number {
  if (reason === 'bill_issued') return pressure.issued[index] as number;
  if (billReasons.includes(reason)) {
    return (pressure.bills[index] as number) * (billMonthVolume[day.month - 1] as number);
  }
  if (paymentReasons.includes(reason)) return pressure.payments[index] as number;
  return 1;
}

/** Expected contacts of a flow on a day, in the flow's own units. */
export function flowVolume(flow: Flow, day: LocalDay, pressure: Pressure, index: number): number {
  const hours = flow.hours[day.dayType];
  if (flow.share === 0 || hours.every((h) => h === 0)) return 0;
  const weekday = flow.weekdays[day.dayType === 2 ? 6 : day.weekday - 1] as number;
  let weighted = 0;
  let plain = 0;
  for (const [reason, weight] of Object.entries(flow.reasons) as [Reason, number][]) {
    weighted += weight * reasonPull(reason, pressure, index, day);
    plain += weight;
  }
  return flow.share * weekday * (monthVolume[day.month - 1] as number) * (weighted / plain);
}

/** Splits `total` into integers proportional to `weights` that sum to exactly `total`. */
export function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, w) => a + w, 0);
  const shares = weights.map((w) => (sum > 0 ? (w * total) / sum : total / weights.length));
  const counts = shares.map(Math.floor);
  let left = total - counts.reduce((a, c) => a + c, 0);
  const byRemainder = shares
    .map((s, i) => [s - Math.floor(s), i] as const)
    .sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of byRemainder) {
    if (left-- <= 0) break;
    counts[i] = (counts[i] as number) + 1;
  }
  return counts;
}
