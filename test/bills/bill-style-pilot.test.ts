import { pino } from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeApp } from '../../app/compose.ts';
import { configDefaults } from '../../app/config.ts';
import { billUnitCosts } from '../../app/config-bills.ts';
import { type StorageHandle } from '../../core/index.ts';
import { styleArmOf, styleReportOf, type StylePilotDesign } from '../../core/services.ts';
import { payThroughBillPage, sendLatestBills, startStylePilot } from '../support/bill-style-pilot.ts';
import { openTestDatabase } from '../support/database.ts';

// A pilot that compares bill styles: every customer drawn into one arm for good, each issued bill
// sent in that arm's style, and the report moving as customers pay.

let storage: StorageHandle;
beforeAll(async () => {
  storage = await openTestDatabase();
});
afterAll(async () => {
  await storage?.close();
});

// Thursday 5 March 2026, the day after the January–February bills were issued.
let now = new Date('2026-03-05T08:30:00Z');
const clock = { now: () => now };

const design: StylePilotDesign = {
  arms: [
    { code: 'paper_qr', style: 'active', percent: 30 },
    { code: 'responsive_email', style: 'reactive', percent: 40 },
  ],
  control: { style: 'passive', percent: 30 },
};

// Its tests send some 36–48 bills, PDFs and e-mails made: more than the default 30 s on a busy machine.
describe('a bill style pilot', { timeout: 180_000 }, () => {
  it('sends each customer every bill in the style of their arm, judges on time only bills past due; a payment through the link moves that arm’s on-time rate, going paperless its digital switch', async () => {
    const composed = await composeApp({
      storage,
      config: { PUBLIC_URL: 'https://bollette.example.it', SESSION_TTL_HOURS: 1, COOKIE_SECURE: true },
      logger: pino({ level: 'silent' }),
      clock,
    });
    const pilot = await startStylePilot(composed, design, now);
    // The latest bill of each supply: issued in March, due in March or April.
    const sent = await sendLatestBills(composed, 4);

    for (const { communication } of sent) {
      const drawn = styleArmOf(pilot.id, communication.customerId, design);
      expect(communication.pilotId).toBe(drawn ? pilot.id : null);
      expect(communication.arm).toBe(drawn?.arm ?? null);
      expect(communication.style).toBe(drawn?.style ?? configDefaults.BILL_DEFAULT_STYLE);
    }
    const armsOfCustomer = new Map<string, Set<string | null>>();
    for (const { communication } of sent) {
      const arms = armsOfCustomer.get(communication.customerId) ?? new Set();
      arms.add(communication.arm);
      armsOfCustomer.set(communication.customerId, arms);
    }
    expect([...armsOfCustomer.values()].every((arms) => arms.size === 1)).toBe(true);

    const options = { costs: billUnitCosts(configDefaults), withinDays: 30 };
    // The day after the run, no bill has fallen due: none is judged on time or late yet.
    const today = await styleReportOf(composed.bills.communications, pilot.id, { ...options, now });
    expect(today.map((r) => r.arm)).toEqual(['paper_qr', 'responsive_email', 'control']);
    const inArms = sent.filter((s) => s.communication.pilotId);
    expect(today.reduce((n, r) => n + r.bills, 0)).toBe(inArms.length);
    for (const r of today) {
      expect(r.notYetDue, r.arm).toBe(r.bills);
      expect(r.onTimeRate, r.arm).toMatchObject({ value: null, n: 0 });
    }

    // Judged once every due date has passed (the latest falls in April).
    const judged = { ...options, now: new Date('2026-05-15T08:00:00Z') };
    const before = await styleReportOf(composed.bills.communications, pilot.id, judged);
    for (const r of before) expect(r).toMatchObject({ notYetDue: 0, onTimeRate: { n: r.bills } });

    // An unpaid bill of an arm is paid on the page its link opens, before it falls due.
    const target = sent.find((s) => s.communication.arm !== null);
    if (!target) throw new Error('nobody was drawn into an arm');
    const armBefore = before.find((r) => r.arm === target.communication.arm);
    const path = new URL(composed.bills.billLinks.url(target.communication)).pathname;
    now = new Date('2026-03-06T18:05:00Z');
    await payThroughBillPage(composed, path, now);
    const paid = await composed.stores.billing.bill(target.communication.billId);
    expect(paid?.paidCents).toBe(paid?.amountCents);

    const after = await styleReportOf(composed.bills.communications, pilot.id, judged);
    const armAfter = after.find((r) => r.arm === target.communication.arm);
    const n = armBefore?.bills ?? 0;
    // The payment settles the customer's open bills, oldest due first: at least this one, on time.
    const moved = ((armAfter?.onTimeRate.value ?? 0) - (armBefore?.onTimeRate.value ?? 0)) * n;
    expect(moved).toBeGreaterThanOrEqual(1);
    expect(moved).toBeCloseTo(Math.round(moved), 6);
    expect(armAfter?.bills).toBe(n);
    expect(armAfter?.openedRate.value).toBeGreaterThan(armBefore?.openedRate.value ?? 0);

    // The same customer goes paperless from that page: the arm's digital switch moves by one bill.
    await request(composed.app).post(`${path}/paperless`).type('form').send('').expect(200);
    const switched = await styleReportOf(composed.bills.communications, pilot.id, judged);
    const armSwitched = switched.find((r) => r.arm === target.communication.arm);
    expect(
      ((armSwitched?.digitalSwitchRate.value ?? 0) - (armAfter?.digitalSwitchRate.value ?? 0)) * n,
    ).toBeCloseTo(1, 6);
  });
});
