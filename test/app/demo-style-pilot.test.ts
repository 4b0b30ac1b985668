import { sql } from 'kysely';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeApp } from '../../app/compose.ts';
import { billUnitCosts } from '../../app/config-bills.ts';
import { configDefaults } from '../../app/config.ts';
import { demoIdGenerator, seedDemoData } from '../../app/seed/demo-data.ts';
import { createDemoRandom } from '../../app/seed/demo-random.ts';
import {
  DEMO_STYLE_STREAM,
  demoStyleDesign,
  demoStylePilotIds,
  runDemoStylePilot,
} from '../../app/seed/demo-style-pilot.ts';
import { createPostgresBulkLoader } from '../../core/storage/postgres-bulk-loader.ts';
import { createPostgresInteractionLoader } from '../../core/storage/postgres-interaction-loader.ts';
import { createPostgresStores, type StorageHandle } from '../../core/index.ts';
import { styleReportOf, type StyleArmReport } from '../../core/services.ts';
import { styleScorecards } from '../../core/evidence.ts';
import { openTestDatabase } from '../support/database.ts';

// The demo's bill style pilot, as `npm start` seeds it: running, its customers' bills of the last
// weeks sent in their arms' styles on their issue days, and a report with every arm populated.

let storage: StorageHandle;
let report: StyleArmReport[];
let summary: Awaited<ReturnType<typeof runDemoStylePilot>>;
// Wednesday 11 March 2026, 10:00 in Rome.
const now = new Date('2026-03-11T09:00:00Z');

beforeAll(async () => {
  storage = await openTestDatabase();
  const newId = demoIdGenerator(11);
  await seedDemoData({
    stores: createPostgresStores(storage.db, { newId }),
    bulk: createPostgresBulkLoader(storage),
    contacts: createPostgresInteractionLoader({ url: storage.url, db: storage.db, newId }),
    customers: 450,
    interactions: 9_000,
    seed: 11,
    now,
  });
  let current = now;
  const composed = await composeApp({
    storage,
    config: { PUBLIC_URL: 'http://localhost:3000', SESSION_TTL_HOURS: 1, COOKIE_SECURE: false },
    logger: pino({ level: 'silent' }),
    clock: { now: () => current },
  });
  summary = await runDemoStylePilot({
    stores: {
      ...composed.stores,
      pilots: createPostgresStores(storage.db, { newId: demoStylePilotIds(11) }).pilots,
    },
    bills: composed.bills,
    setNow: (at) => (current = at),
    now,
    random: createDemoRandom(11, DEMO_STYLE_STREAM),
  });
  report = await styleReportOf(composed.bills.communications, summary.pilot.id, {
    costs: billUnitCosts(configDefaults),
    withinDays: 30,
    now,
  });
}, 600_000);

afterAll(async () => {
  await storage?.close();
});

describe("the demo's bill style pilot", () => {
  it('runs with its arms and a control, and every arm of its report has bills, customers, openings and payments', () => {
    expect(summary.pilot).toMatchObject({
      code: 'bill_styles',
      status: 'running',
      channel: 'bill_communications',
    });
    expect(report.map((r) => [r.arm, r.style])).toEqual([
      ...demoStyleDesign.arms.map((a) => [a.code, a.style]),
      ['control', demoStyleDesign.control.style],
    ]);
    for (const arm of report) {
      expect(arm.bills, arm.arm).toBeGreaterThan(arm.customers);
      expect(arm.customers, arm.arm).toBeGreaterThanOrEqual(configDefaults.REPORT_MINIMUM_GROUP);
      expect(arm.openedRate.value, arm.arm).toBeGreaterThan(0);
      expect(arm.onTimeRate.value, arm.arm).toBeGreaterThan(0);
      expect(arm.daysToPay.n, arm.arm).toBeGreaterThan(0);
      expect(arm.contactsPerBill.value, arm.arm).not.toBeNull();
      expect(arm.nps.answers, arm.arm).toBeGreaterThan(0);
    }
    expect(report.reduce((n, r) => n + r.bills, 0)).toBe(summary.communications);
    // Each arm's scorecard judges all five criteria on evidence.
    const scorecards = styleScorecards(report, [], 5);
    expect(scorecards.map((s) => s.arm)).toEqual(demoStyleDesign.arms.map((a) => a.code));
    for (const { scorecard } of scorecards) {
      expect(scorecard.criteria.map((c) => c.criterion)).toEqual([
        'appropriate',
        'relevant',
        'significant',
        'functional',
        'connected',
      ]);
      const unmeasured = scorecard.criteria.flatMap((c) => c.evidence).filter((e) => e.value === null);
      expect(unmeasured.map((e) => e.label)).toEqual([]);
    }
  });

  it('sent each bill on the day it was issued, in the style of its customer’s arm, and opened links after sending', async () => {
    const sent = await sql<{ issued_on: string; sent_on: string; style: string; arm: string }>`
      select b.issued_on::text, (c.created_at at time zone 'Europe/Rome')::date::text as sent_on, c.style, c.arm
      from bill_communications c join bills b on b.id = c.bill_id
      where c.pilot_id = ${summary.pilot.id}`.execute(storage.db);
    expect(sent.rows.length).toBe(summary.communications);
    const styleOf = new Map([
      ...demoStyleDesign.arms.map((a) => [a.code, a.style] as const),
      ['control', demoStyleDesign.control.style] as const,
    ]);
    for (const row of sent.rows) {
      expect(row.sent_on).toBe(row.issued_on);
      expect(row.style).toBe(styleOf.get(row.arm));
    }
    const openings = await sql<{ early: number; total: number }>`
      select count(*) filter (where i.started_at < c.created_at)::int as early, count(*)::int as total
      from bill_communications c join interactions i on i.handoff_from_id = c.sent_interaction_id
      where c.pilot_id = ${summary.pilot.id} and i.source = 'bill_link'`.execute(storage.db);
    expect(openings.rows[0]).toEqual({ early: 0, total: summary.opened });
  });

  it('sent the e-mails and text messages of its bills the morning each bill was sent, leaving nothing due still waiting to go out', async () => {
    const messages = await sql<{ kind: string; status: string; due_on: string; sent_on: string | null }>`
      select kind, status, (send_after at time zone 'Europe/Rome')::date::text as due_on,
        (sent_at at time zone 'Europe/Rome')::date::text as sent_on
      from outbox where kind like 'bill\\_%'`.execute(storage.db);
    const communications = await sql<{ n: number }>`
      select count(*)::int as n from bill_communications
      where pilot_id = ${summary.pilot.id} and medium in ('email', 'sms')`.execute(storage.db);
    expect(communications.rows[0]!.n).toBeGreaterThan(0);
    expect(messages.rows.length).toBe(communications.rows[0]!.n);
    for (const message of messages.rows) {
      expect(message.status, message.kind).toBe('sent');
      expect(message.sent_on).toBe(message.due_on);
    }
    const waiting = await sql<{ n: number }>`
      select count(*)::int as n from outbox where status in ('pending', 'sending') and send_after <= ${now}`.execute(
      storage.db,
    );
    expect(waiting.rows[0]!.n).toBe(0);
  });
});
