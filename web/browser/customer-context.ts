import { api, fill, h } from './dom.ts';
import {
  change,
  date,
  day,
  money,
  time,
  words,
  type Appointment,
  type Change,
  type Interaction,
} from './console-format.ts';

// The customer beside the call: who they are, what they owe and how their bills moved, what they
// paid, and what they did lately on every channel.

interface CustomerContext {
  profile: {
    firstName: string;
    lastName: string;
    segment: string;
    locale: string;
    phone: string | null;
    email: string | null;
  };
  reachableMedia: string[];
  accounts: { id: string; number: string; kind: string; supplyAddress: string; tariff: string }[];
  balance: {
    owedCents: number;
    overdueCents: number;
    nextDue: { dueOn: string; amountCents: number } | null;
  };
  openBills: {
    id: string;
    number: string;
    dueOn: string;
    amountCents: number;
    paidCents: number;
    status: string;
    periodStart: string;
    periodEnd: string;
    comparison: {
      amount: { vsPrevious: Change | null; vsYearAgo: Change | null };
      lines: { description: string; currentCents: number; previousCents: number | null }[];
    };
  }[];
  recentPayments: { id: string; amountCents: number; paidAt: string; method: string; channel: string }[];
  recentInteractions: Interaction[];
}

/**
 * Fills `area` with the customer's context. `idPrefix` keeps its element ids apart from another
 * panel's on the same page (the console shows a consultation's and a chat's side by side).
 */
export async function renderContext(
  appointment: Pick<Appointment, 'customerId'>,
  area: HTMLElement,
  idPrefix = '',
): Promise<void> {
  const heading = (text: string) => h('h2', { id: `${idPrefix}context-heading` }, text);
  area.setAttribute('aria-labelledby', `${idPrefix}context-heading`);
  fill(area, heading('Customer'), h('p', { class: 'muted' }, 'Loading…'));
  let c: CustomerContext;
  try {
    c = await api<CustomerContext>('GET', `/api/customers/${appointment.customerId}/context`);
  } catch (error) {
    fill(area, heading('Customer'), h('p', { class: 'error' }, (error as Error).message));
    return;
  }
  const table = (head: string[], rows: (string | Node)[][]) =>
    rows.length === 0
      ? h('p', { class: 'muted' }, 'None.')
      : h(
          'table',
          {},
          h('thead', {}, h('tr', {}, ...head.map((x) => h('th', { attrs: { scope: 'col' } }, x)))),
          h('tbody', {}, ...rows.map((r) => h('tr', {}, ...r.map((cell) => h('td', {}, cell))))),
        );
  fill(
    area,
    heading(`${c.profile.firstName} ${c.profile.lastName}`),
    h(
      'p',
      {},
      `${words(c.profile.segment)} · ${c.profile.locale} · reachable by ${c.reachableMedia.join(', ') || 'nothing (no consent)'}`,
    ),
    h(
      'p',
      { id: `${idPrefix}balance` },
      h('strong', {}, `Owes ${money(c.balance.owedCents)}`),
      c.balance.overdueCents > 0 ? `, of which ${money(c.balance.overdueCents)} overdue` : '',
      c.balance.nextDue
        ? `; next due ${c.balance.nextDue.dueOn} (${money(c.balance.nextDue.amountCents)})`
        : '',
    ),
    h('h3', {}, 'Accounts'),
    table(
      ['Account', 'Supply', 'Tariff'],
      c.accounts.map((a) => [`${a.number} (${words(a.kind)})`, a.supplyAddress, a.tariff]),
    ),
    h('h3', {}, 'Open bills'),
    table(
      ['Bill', 'Due', 'Amount', 'vs previous', 'vs a year ago', 'Moved most'],
      c.openBills.map((b) => [
        `${b.number} (${b.periodStart} – ${b.periodEnd})`,
        `${b.dueOn} · ${words(b.status)}`,
        money(b.amountCents - b.paidCents),
        change(b.comparison.amount.vsPrevious),
        change(b.comparison.amount.vsYearAgo),
        b.comparison.lines[0]
          ? `${b.comparison.lines[0].description}: ${money(b.comparison.lines[0].currentCents)}${b.comparison.lines[0].previousCents === null ? '' : ` (was ${money(b.comparison.lines[0].previousCents)})`}`
          : '–',
      ]),
    ),
    h('h3', {}, 'Recent payments'),
    table(
      ['Paid', 'Amount', 'How'],
      c.recentPayments.map((p) => [
        day(p.paidAt),
        money(p.amountCents),
        `${words(p.method)} via ${words(p.channel)}`,
      ]),
    ),
    h('h3', {}, 'Recent contacts, every channel'),
    table(
      ['When', 'Channel', 'Reason', 'What happened'],
      c.recentInteractions.map((i) => [
        `${date(i.startedAt)} ${time(i.startedAt)}`,
        `${words(i.channel)} · ${words(i.touchpoint)}`,
        words(i.reason),
        describe(i),
      ]),
    ),
  );
}

/** What a contact was, in a few words: the question asked of the voice assistant, the link opened. */
function describe(i: Interaction): string {
  const d = i.details;
  const parts: string[] = [];
  if (typeof d.intent === 'string')
    parts.push(
      `asked: ${d.intent
        .replace(/Intent$/, '')
        .replace(/([a-z])([A-Z])/g, '$1 $2')
        .toLowerCase()}`,
    );
  if (i.channel === 'web' && typeof d.sentDuring === 'string')
    parts.push(`opened the ${words(i.touchpoint)}`);
  const wrapUp = d.wrapUp as { outcome?: string; notes?: string } | undefined;
  if (wrapUp?.outcome)
    parts.push(`advisor: ${words(wrapUp.outcome)}${wrapUp.notes ? ` – ${wrapUp.notes}` : ''}`);
  parts.push(words(i.outcome));
  return parts.join('; ');
}
