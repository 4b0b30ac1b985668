// What the advisor console shows of appointments, money and time: English, in the organisation's zone.

export interface Appointment {
  id: string;
  customerId: string;
  advisorId: string;
  startsAt: string;
  endsAt: string;
  topic: string;
  locale: string;
  status: string;
  journeyId: string | null;
  customerName: string;
  advisorName: string;
}
export interface Change {
  delta: number;
  ratio: number | null;
}
export interface Interaction {
  id: string;
  journeyId: string;
  channel: string;
  touchpoint: string;
  reason: string;
  outcome: string;
  startedAt: string;
  details: Record<string, unknown>;
}
const zone = 'Europe/Rome';
export const money = (cents: number) =>
  new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'EUR' }).format(cents / 100);
export const time = (at: string) =>
  new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', timeZone: zone }).format(
    new Date(at),
  );
export const day = (at: string) =>
  new Intl.DateTimeFormat('en-GB', {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    timeZone: zone,
  }).format(new Date(at));
export const date = (at: string) =>
  new Intl.DateTimeFormat('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: zone,
  }).format(new Date(at));
export const dayKey = (at: Date) => new Intl.DateTimeFormat('en-CA', { timeZone: zone }).format(at);
export const words = (slug: string) => slug.replaceAll('_', ' ');
export const change = (c: Change | null) =>
  c === null
    ? '–'
    : `${c.delta >= 0 ? '+' : '−'}${money(Math.abs(c.delta))}${c.ratio === null ? '' : ` (${c.ratio >= 0 ? '+' : ''}${Math.round(c.ratio * 100)}%)`}`;
