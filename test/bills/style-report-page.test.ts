import { sql } from 'kysely';
import { pino } from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeApp } from '../../app/compose.ts';
import { type StorageHandle } from '../../core/index.ts';
import {
  getAs,
  payThroughBillPage,
  sendLatestBills,
  staffCookies,
  startStylePilot,
  voicePilot,
} from '../support/bill-style-pilot.ts';
import { openTestDatabase } from '../support/database.ts';

// The style report's page under /manage: each arm's figures as the rows behind them give them,
// each arm's scorecard on the five criteria, small arms withheld from pilot managers.

let storage: StorageHandle;
beforeAll(async () => {
  storage = await openTestDatabase();
});
afterAll(async () => {
  await storage?.close();
});

// Thursday 5 March 2026, the day after the January–February bills were issued.
const ISSUE_MORNING = new Date('2026-03-05T08:30:00Z');
let now = ISSUE_MORNING;

async function stylePilotWithBills(minimumGroup: number) {
  now = ISSUE_MORNING;
  const composed = await composeApp({
    storage,
    config: {
      PUBLIC_URL: 'https://bollette.example.it',
      SESSION_TTL_HOURS: 72,
      COOKIE_SECURE: false,
      REPORT_MINIMUM_GROUP: minimumGroup,
    },
    logger: pino({ level: 'silent' }),
    clock: { now: () => now },
  });
  const pilot = await startStylePilot(
    composed,
    {
      arms: [
        { code: 'paper_qr', style: 'active', percent: 35 },
        { code: 'responsive_email', style: 'reactive', percent: 35 },
      ],
      control: { style: 'passive', percent: 30 },
    },
    now,
    ['billing', 'payment'],
  );
  const sent = (await sendLatestBills(composed, 4)).map((s) => s.communication);
  // Customers are drawn into the arms at random: 16 of them leave an arm of 35% or the control of
  // 30% without anyone about once in 190 draws. Households are added until every arm has one, so
  // that each arm's figures are checked against its rows.
  while (!['paper_qr', 'responsive_email', 'control'].every((arm) => sent.some((c) => c.arm === arm))) {
    sent.push(...(await sendLatestBills(composed, 1)).map((s) => s.communication));
  }
  return {
    composed,
    pilot,
    sent,
    end: () => composed.stores.pilots.setStatus(pilot.id, 'running', 'ended', now),
    ...(await staffCookies(composed)),
  };
}

/** The text of a fragment, tags dropped and white space collapsed. */
function text(fragment: string): string {
  return fragment
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The cells of the table row of an arm, in the panel that starts at `panel`. */
function armRow(page: string, panel: string, arm: string): string[] {
  const from = page.indexOf(panel);
  expect(from, `${panel} not found`).toBeGreaterThanOrEqual(0);
  const start = page.indexOf(`data-arm="${arm}"`, from);
  expect(start, `no row for ${arm}`).toBeGreaterThan(from);
  const row = page.slice(start, page.indexOf('</tr>', start));
  return [...row.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((m) => text(m[1] as string));
}

// Each test sends some 36 bills, PDFs and e-mails made: more than the default 30 s on a busy machine.
describe("a bill style pilot's report page", { timeout: 180_000 }, () => {
  it('shows each arm’s bills, customers, openings and on-time payments as the rows behind them count them, and a scorecard per arm', async () => {
    const { composed, pilot, sent, end } = await stylePilotWithBills(20);
    // Two customers of each arm open their bill's link; one of them pays through it before the due date.
    for (const arm of ['paper_qr', 'responsive_email', 'control']) {
      const ofArm = sent.filter((c) => c.arm === arm);
      const customers = [...new Set(ofArm.map((c) => c.customerId))].slice(0, 2);
      for (const customerId of customers) {
        const communication = ofArm.find((c) => c.customerId === customerId)!;
        now = new Date('2026-03-05T19:10:00Z');
        await request(composed.app)
          .get(new URL(composed.bills.billLinks.url(communication)).pathname)
          .expect(200);
      }
    }
    // The payer has a bill due on 24 March, judged when the page is read a week later.
    const dueOn = async (c: (typeof sent)[number]) => (await composed.stores.billing.bill(c.billId))?.dueOn;
    let payer;
    while (!payer) {
      for (const c of sent.filter((c) => c.arm === 'responsive_email'))
        if (!payer && (await dueOn(c)) === '2026-03-24') payer = c;
      if (!payer) sent.push(...(await sendLatestBills(composed, 1)).map((s) => s.communication));
    }
    const path = new URL(composed.bills.billLinks.url(payer)).pathname;
    now = new Date('2026-03-06T18:05:00Z');
    await payThroughBillPage(composed, path, now);

    // Read on 1 April (Rome): the bills due on 24 March are judged, those due in May are not yet.
    now = new Date('2026-04-01T07:00:00Z');
    const { admin: reader } = await staffCookies(composed);
    const page = (
      await request(composed.app).get(`/manage/pilots/${pilot.code}/styles`).set('Cookie', reader).expect(200)
    ).text;

    // What the rows say, counted here in SQL and not by the report's code.
    const rows = await sql<{
      arm: string;
      bills: number;
      customers: number;
      opened: number;
      judged: number;
      on_time: number;
    }>`
      select c.arm, count(*)::int as bills, count(distinct c.customer_id)::int as customers,
        count(*) filter (where b.due_on < '2026-04-01')::int as judged,
        count(*) filter (where exists (
          select 1 from interactions i
          where i.source = 'bill_link' and i.handoff_from_id = c.sent_interaction_id))::int as opened,
        count(*) filter (where b.due_on < '2026-04-01' and (
          select coalesce(sum(p.amount_cents), 0) from payments p
          where p.bill_id = c.bill_id and (p.paid_at at time zone 'Europe/Rome')::date <= b.due_on
        ) >= b.amount_cents)::int as on_time
      from bill_communications c join bills b on b.id = c.bill_id
      where c.pilot_id = ${pilot.id}
      group by c.arm`.execute(storage.db);
    expect(rows.rows.map((r) => r.arm).sort()).toEqual(['control', 'paper_qr', 'responsive_email']);
    // Households with two and three supplies: more bills than customers in every arm.
    expect(rows.rows.every((r) => r.bills > r.customers)).toBe(true);
    const share = (part: number, whole: number) => `${((part / whole) * 100).toFixed(1)}%`;
    for (const r of rows.rows) {
      const [, bills, notYetDue, customers, , opened, onTime] = armRow(page, 'id="arms-h"', r.arm);
      expect(bills).toBe(String(r.bills));
      expect(notYetDue).toBe(String(r.bills - r.judged));
      expect(customers).toBe(String(r.customers));
      expect(opened?.startsWith(share(r.opened, r.bills))).toBe(true);
      expect(onTime?.startsWith(r.judged ? share(r.on_time, r.judged) : 'no data (n = 0)')).toBe(true);
    }
    // Some bills of the pilot fall due in May: not judged on 1 April.
    expect(rows.rows.some((r) => r.judged < r.bills)).toBe(true);
    expect(rows.rows.some((r) => r.judged > 0)).toBe(true);
    // The payment through the link counts for its arm.
    const paid = rows.rows.find((r) => r.arm === 'responsive_email')!;
    expect(paid.on_time).toBeGreaterThan(0);

    // Against control: the on-time difference, arm minus control, in points.
    const control = rows.rows.find((r) => r.arm === 'control')!;
    const [, difference] = armRow(page, 'id="vs-h"', 'responsive_email');
    // Control may hold only customers whose bills fall due in May: then there is nothing to compare.
    const points = ((paid.on_time / paid.judged - control.on_time / control.judged) * 100).toFixed(1);
    expect(
      difference?.startsWith(
        control.judged === 0
          ? 'no data'
          : `${Number(points) > 0 ? '+' : Number(points) < 0 ? '−' : ''}${Math.abs(Number(points)).toFixed(1)} pts`,
      ),
    ).toBe(true);

    // One scorecard per arm (not control), each on the five criteria with a recommendation.
    for (const arm of ['paper_qr', 'responsive_email']) {
      const from = page.indexOf(`data-scorecard="${arm}"`);
      expect(from).toBeGreaterThan(0);
      const section = page.slice(from, page.indexOf('</section>\n', page.indexOf('class="cards"', from)));
      expect([...section.matchAll(/data-criterion="(\w+)"/g)].map((m) => m[1])).toEqual([
        'appropriate',
        'relevant',
        'significant',
        'functional',
        'connected',
      ]);
      expect(section).toMatch(/data-recommendation="(go|extend|stop)"/);
      // Connected is judged on the opened share the table shows.
      const row = rows.rows.find((r) => r.arm === arm)!;
      const connected = text(section.slice(section.indexOf('data-criterion="connected"')));
      expect(connected).toContain(
        `personal link was opened, continuing the bill's journey on its page ${((row.opened / row.bills) * 100).toFixed(0)}%`,
      );
    }
    expect(page).not.toContain('data-scorecard="control"');

    // The pilot's own page leads to it.
    const pilotPage = await request(composed.app)
      .get(`/manage/pilots/${pilot.code}`)
      .set('Cookie', reader)
      .expect(200);
    expect(pilotPage.text).toContain(`href="/manage/pilots/${pilot.code}/styles"`);
    await end();
  });

  it('tells a pilot manager the figures are withheld while an arm counts fewer customers than the minimum, and shows an admin', async () => {
    const { composed, pilot, manager, admin, end } = await stylePilotWithBills(20);
    const withheld = (
      await request(composed.app)
        .get(`/manage/pilots/${pilot.code}/styles`)
        .set('Cookie', manager)
        .expect(200)
    ).text;
    expect(text(withheld)).toMatch(/Figures withheld: arm \w+ has fewer than 20 customers/);
    expect(withheld).not.toContain('id="arms-h"');
    expect(withheld).not.toContain('data-scorecard=');
    const shown = (
      await request(composed.app).get(`/manage/pilots/${pilot.code}/styles`).set('Cookie', admin).expect(200)
    ).text;
    expect(shown).toContain('id="arms-h"');
    await end();
  });

  it('answers 4xx, never 5xx, to a bad window, an unknown pilot, a pilot of another channel, an advisor and nobody', async () => {
    const { composed, pilot, admin, advisor, end } = await stylePilotWithBills(1);
    const other = await voicePilot(composed, now);
    const get = getAs(composed);
    for (const withinDays of ['0', 'abc', '366', '2.5', '']) {
      const answer = await get(`/manage/pilots/${pilot.code}/styles?withinDays=${withinDays}`, admin);
      expect(answer.status, `withinDays=${withinDays}`).toBe(400);
    }
    await get(`/manage/pilots/no_such_pilot/styles`, admin).expect(404);
    await get(`/manage/pilots/${other.code}/styles`, admin).expect(404);
    await get(`/manage/pilots/${pilot.code}/styles`, advisor).expect(403);
    const anonymous = await get(`/manage/pilots/${pilot.code}/styles`).expect(303);
    expect(anonymous.headers.location).toContain('/manage/login');
    await end();
  });
});
