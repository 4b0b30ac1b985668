import { parse } from 'csv-parse/sync';
import { pino } from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeApp } from '../../app/compose.ts';
import { styleReportCsv } from '../../bills/index.ts';
import { type StorageHandle } from '../../core/index.ts';
import {
  getAs,
  sendLatestBills,
  staffCookies,
  startStylePilot,
  voicePilot,
} from '../support/bill-style-pilot.ts';
import { openTestDatabase } from '../support/database.ts';

// A style pilot's report as the pilot manager reads it from the API and exports it as CSV: each
// arm's head count and figures, NPS counted once per customer, small arms withheld from managers.

let storage: StorageHandle;
beforeAll(async () => {
  storage = await openTestDatabase();
});
afterAll(async () => {
  await storage?.close();
});

// Thursday 5 March 2026, the day after the January–February bills were issued.
const now = new Date('2026-03-05T08:30:00Z');

function composeWithMinimum(minimumGroup: number, at = now) {
  return composeApp({
    storage,
    config: {
      PUBLIC_URL: 'https://bollette.example.it',
      SESSION_TTL_HOURS: 1,
      COOKIE_SECURE: true,
      REPORT_MINIMUM_GROUP: minimumGroup,
    },
    logger: pino({ level: 'silent' }),
    clock: { now: () => at },
  });
}

async function pilotWithBills(minimumGroup: number) {
  const composed = await composeWithMinimum(minimumGroup);
  const pilot = await startStylePilot(
    composed,
    {
      arms: [{ code: 'responsive_email', style: 'reactive', percent: 50 }],
      control: { style: 'passive', percent: 50 },
    },
    now,
  );
  const sent = (await sendLatestBills(composed, 3)).map((s) => s.communication);
  return {
    composed,
    pilot,
    sent,
    /** Ends the pilot: one pilot runs on a channel at a time. */
    end: () => composed.stores.pilots.setStatus(pilot.id, 'running', 'ended', now),
    ...(await staffCookies(composed)),
  };
}

// Its tests send some 36–48 bills, PDFs and e-mails made: more than the default 30 s on a busy machine.
describe("a bill style pilot's report on the API", { timeout: 180_000 }, () => {
  it('shows an admin every arm with its bills, customers and NPS, answers counted once per customer', async () => {
    const { composed, pilot, sent, admin, end } = await pilotWithBills(20);
    // A customer with three supplies answers the survey after opening one bill's page. Every
    // customer is drawn into one of the two arms, at random: the household's arm is the one to answer.
    const household = sent.find((c) => sent.filter((o) => o.customerId === c.customerId).length === 3);
    if (!household?.arm) throw new Error('the three-supply households were sent no bill of an arm');
    const opened = await composed.bills.billLinks.open(
      new URL(composed.bills.billLinks.url(household)).pathname.slice('/b/'.length),
    );
    await composed.stores.surveys.record({
      interactionId: opened.opening.id,
      metric: 'nps',
      score: 9,
      answeredAt: new Date('2026-03-05T09:00:00Z'),
    });

    const answer = await request(composed.app)
      .get(`/api/pilots/${pilot.code}/style-report`)
      .set('Cookie', admin)
      .expect(200);
    const arms = answer.body as {
      arm: string;
      bills: number;
      customers: number;
      nps: { value: number | null; n: number; answers: number };
    }[];
    expect(arms.map((a) => a.arm)).toEqual(['responsive_email', 'control']);
    for (const arm of arms) {
      const ofArm = sent.filter((c) => c.arm === arm.arm);
      expect(arm.bills).toBe(ofArm.length);
      expect(arm.customers).toBe(new Set(ofArm.map((c) => c.customerId)).size);
    }
    // One answering customer however many of their bills are in the arm.
    const answered = { value: 100, n: 1, answers: 1 };
    const silent = { value: null, n: 0, answers: 0 };
    for (const arm of arms) expect(arm.nps).toMatchObject(arm.arm === household.arm ? answered : silent);

    const csv = styleReportCsv(await composed.bills.report(pilot.id, 30));
    expect(csv.endsWith('\r\n')).toBe(true);
    const rows = parse(csv, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => [r.arm, Number(r.bills), Number(r.customers)])).toEqual(
      arms.map((a) => [a.arm, a.bills, a.customers]),
    );
    for (const row of rows) {
      expect(row).toMatchObject(
        row.arm === household.arm ? { nps: '100', nps_n: '1', nps_low: '' } : { nps: '', nps_n: '0' },
      );
    }
    expect(rows[1]).toMatchObject({ on_time_p_value: '', on_time_holm_p_value: '' });
    // The morning after the run nothing has fallen due: every bill is counted apart.
    for (const arm of arms) expect(arm).toMatchObject({ notYetDue: arm.bills, onTimeRate: { n: 0 } });

    // On 1 April (Rome) the bills due on 24 March are judged, those due in May not yet, as the rows say.
    const april = await composeWithMinimum(20, new Date('2026-04-01T07:00:00Z'));
    const { admin: reader } = await staffCookies(april);
    const judged = (
      await request(april.app).get(`/api/pilots/${pilot.code}/style-report`).set('Cookie', reader).expect(200)
    ).body as { arm: string; bills: number; notYetDue: number; onTimeRate: { n: number } }[];
    let notYet = 0;
    for (const arm of judged) {
      const ofArm = sent.filter((c) => c.arm === arm.arm);
      const dues = await Promise.all(
        ofArm.map(async (c) => (await composed.stores.billing.bill(c.billId))?.dueOn),
      );
      const pending = dues.filter((d) => (d as string) >= '2026-04-01').length;
      notYet += pending;
      expect(arm).toMatchObject({
        bills: ofArm.length,
        notYetDue: pending,
        onTimeRate: { n: ofArm.length - pending },
      });
    }
    expect(notYet).toBeGreaterThan(0);
    expect(notYet).toBeLessThan(sent.filter((c) => c.arm).length);
    const aprilCsv = parse(styleReportCsv(await april.bills.report(pilot.id, 30)), {
      columns: true,
    }) as Record<string, string>[];
    expect(aprilCsv.map((r) => [r.arm, Number(r.not_yet_due), Number(r.onTimeRate_n)])).toEqual(
      judged.map((a) => [a.arm, a.notYetDue, a.onTimeRate.n]),
    );
    await end();
  });

  it("withholds arms below the minimum group from pilot managers, and shows them at the smaller arm's size", async () => {
    const { composed, pilot, sent, manager, end } = await pilotWithBills(20);
    const reportAt = async (minimumGroup: number) =>
      request(minimumGroup === 20 ? composed.app : (await composeWithMinimum(minimumGroup)).app)
        .get(`/api/pilots/${pilot.id}/style-report?withinDays=14`)
        .set('Cookie', manager);
    const refused = await reportAt(20);
    expect(refused.status).toBe(403);
    expect(refused.body.detail).toContain('fewer than 20 customers');

    // Customers are drawn into arms at random: at the smaller arm's head count as drawn, a manager
    // sees both arms; at one more, neither.
    const headCounts = ['responsive_email', 'control'].map(
      (arm) => new Set(sent.filter((c) => c.arm === arm).map((c) => c.customerId)).size,
    );
    const smallest = Math.min(...headCounts);
    if (smallest > 0) {
      const shown = await reportAt(smallest);
      expect(shown.status).toBe(200);
      expect(shown.body).toHaveLength(2);
    }
    expect((await reportAt(smallest + 1)).status).toBe(403);
    await end();
  });

  it('answers 4xx to a bad window, an unknown pilot, a pilot of another channel, advisors and nobody', async () => {
    const { composed, pilot, admin, advisor, end } = await pilotWithBills(20);
    const get = getAs(composed);
    for (const days of ['abc', '0', '400', '2.5']) {
      const answer = await get(`/api/pilots/${pilot.id}/style-report?withinDays=${days}`, admin).expect(400);
      expect(JSON.stringify(answer.body), days).toContain('withinDays');
    }
    await get('/api/pilots/nessun_pilota/style-report', admin).expect(404);
    const voice = await voicePilot(composed, now);
    const other = await get(`/api/pilots/${voice.id}/style-report`, admin).expect(409);
    expect(other.body.detail).toContain('voice_assistant');
    await get(`/api/pilots/${pilot.id}/style-report`, advisor).expect(403);
    await get(`/api/pilots/${pilot.id}/style-report`).expect(401);
    await end();
  });
});
