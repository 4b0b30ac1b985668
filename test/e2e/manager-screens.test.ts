import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { pino } from 'pino';
import type { Browser, Page } from 'playwright-core';
import { composeApp } from '../../app/compose.ts';
import { seedDemoData } from '../../app/seed/demo-data.ts';
import { type StorageHandle } from '../../core/index.ts';
import { createPostgresBulkLoader, createPostgresInteractionLoader } from '../../core/imports.ts';
import { openTestDatabase } from '../support/database.ts';
import { launchChromium } from '../support/chromium.ts';
import { staffPassword } from '../support/fixtures.ts';

// The pilot manager's pages in a real browser, on the demo dataset with its two pilots:
// log in, read the census and a pilot's report, and leave screenshots to look at.

const SHOTS = new URL('./screenshots/', import.meta.url).pathname;
const now = new Date('2026-03-10T10:00:00+01:00');
const clock = { now: () => now };
let storage: StorageHandle;
let server: Server;
let base: string;
let browser: Browser;
let composed: Awaited<ReturnType<typeof composeApp>>;

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  storage = await openTestDatabase();
  composed = await composeApp({
    storage,
    config: { PUBLIC_URL: 'http://localhost:3000', SESSION_TTL_HOURS: 1, COOKIE_SECURE: false },
    logger: pino({ level: 'silent' }),
    clock,
  });
  await seedDemoData({
    stores: composed.stores,
    bulk: createPostgresBulkLoader(storage),
    contacts: createPostgresInteractionLoader({ url: storage.url, db: storage.db }),
    now,
    customers: 800,
    interactions: 16_000,
  });
  await composed.stores.staff.addUser({
    username: 'manager',
    displayName: 'Marta Manager',
    role: 'pilot_manager',
    password: staffPassword,
  });
  server = composed.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
  await storage?.close();
});

async function logIn(page: Page, next: string) {
  await page.goto(`${base}${next}`);
  expect(new URL(page.url()).pathname).toBe('/manage/login');
  await page.fill('input[name=username]', 'manager');
  await page.fill('input[name=password]', staffPassword);
  await Promise.all([page.waitForURL(`${base}${next}`), page.click('button[type=submit]')]);
}

/** The pages refresh themselves while an analysis computes; wait for the finished one. */
async function untilComputed(page: Page, selector: string) {
  // Figures withheld from this login never come: said at once rather than after the wait.
  await page.waitForSelector(`${selector}, .banner`, { timeout: 120_000 });
  const withheld = await page.locator('.banner:has-text("Figures withheld")').allInnerTexts();
  expect(withheld, page.url()).toEqual([]);
  await page.waitForSelector(selector, { timeout: 120_000 });
}

describe('the pilot manager in a browser', () => {
  it('logs in, reads the census with its charts, and the figures are those of the API', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const range = 'from=2026-01-05&to=2026-03-08';
    await logIn(page, `/manage/census?${range}`);
    await untilComputed(page, '[data-figure=contacts]');
    const shown = await page.textContent('[data-figure=contacts]');
    const api = await page.request.get(`${base}/api/census?${range}`);
    const answer = (await api.json()) as { status: string; result: { totals: { contacts: number } } };
    expect(answer.status).toBe('ready');
    expect(Number(shown?.replace(/\D/g, ''))).toBe(answer.result.totals.contacts);
    expect(answer.result.totals.contacts).toBeGreaterThan(1000);
    // A heatmap, the transition diagram and bars, each an SVG chart.
    expect(await page.locator('section[aria-labelledby=when-h] svg').count()).toBeGreaterThan(0);
    expect(await page.locator('svg').count()).toBeGreaterThan(5);
    await page.screenshot({ path: `${SHOTS}census.png`, fullPage: true });
    const csv = await page.request.get(`${base}/manage/census.csv?${range}&table=transitions`);
    expect(csv.headers()['content-type']).toContain('text/csv');
    expect((await csv.text()).split('\r\n')[0]).toBe('from,to,contacts');
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: `${SHOTS}census-phone.png`, fullPage: true });
    // Nothing wider than the phone's screen at page level.
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    await page.close();
  });

  it("opens a pilot's report with its recommendation, and exports it as one self-contained file", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await logIn(page, '/manage/pilots');
    await page.click('a[href="/manage/pilots/alexa_bills"]');
    await untilComputed(page, '[data-recommendation]');
    const recommendation = await page.getAttribute('[data-recommendation]', 'data-recommendation');
    const api = (await (await page.request.get(`${base}/api/pilots/alexa_bills/report`)).json()) as {
      result: { scorecard: { recommendation: string }; metrics: { cohort: { pilot: number } } };
    };
    expect(recommendation).toBe(api.result.scorecard.recommendation);
    expect(api.result.metrics.cohort.pilot).toBeGreaterThan(0);
    await page.screenshot({ path: `${SHOTS}report.png`, fullPage: true });

    const exported = await page.request.get(`${base}/manage/pilots/alexa_bills/report.html`);
    expect(exported.headers()['content-disposition']).toMatch(
      /attachment; filename="?alexa_bills-report.html"?/,
    );
    const file = await exported.text();
    expect(file).not.toMatch(/<script|src="http|href="\//);
    // Opened from disk, with the app out of reach, it shows the same recommendation.
    const offline = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await offline.route('**/*', (route) => route.abort());
    await offline.setContent(file);
    expect(await offline.getAttribute('[data-recommendation]', 'data-recommendation')).toBe(recommendation);
    await offline.screenshot({ path: `${SHOTS}report-export.png`, fullPage: true });
    await offline.close();
    await page.close();
  });

  it('defines a pilot, starts it, reads its report, rates a criterion and ends it, all from the pages', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await logIn(page, '/manage/pilots');
    await page.click('a[href="/manage/pilots/new"]');
    await page.fill('#f-code', 'video_bills_e2e');
    await page.fill('#f-name', 'Video for bill questions');
    await page.selectOption('#f-channel', 'video');
    await page.fill('#f-touchpoints', 'consultation');
    await page.fill('#f-reasons', 'bill_explanation, payment_plan');
    await page.fill('#f-startsOn', '2026-03-02');
    // A mistake first: the end before the start is named, and nothing is stored.
    await page.fill('#f-endsOn', '2026-02-01');
    // Two segments, so that each arm counts enough customers for a pilot manager to see its figures.
    await page.check('input[name=segments][value=senior]');
    await page.check('input[name=segments][value=family]');
    await page.fill('#f-rolloutPercent', '30');
    await page.fill('#f-controlPercent', '30');
    await page.selectOption('select[name=objective0Metric]', 'noShow');
    await page.selectOption('select[name=objective0Comparison]', 'at_most');
    await page.fill('input[name=objective0Threshold]', '0.15');
    await page.click('form.pilot-form button[type=submit]');
    expect(await page.textContent('[data-form-issues]')).toContain('endsOn');
    await page.screenshot({ path: `${SHOTS}manage-define-invalid.png`, fullPage: true });
    expect(await composed.stores.pilots.pilot('video_bills_e2e')).toBeUndefined();
    await page.fill('#f-endsOn', '2026-05-29');
    await Promise.all([
      page.waitForURL(`${base}/manage/pilots/video_bills_e2e`),
      page.click('form.pilot-form button[type=submit]'),
    ]);
    expect((await composed.stores.pilots.pilot('video_bills_e2e'))?.status).toBe('draft');

    // Starting is refused while the demo's video pilot runs on the channel: the page says so.
    await page.click('button[data-to=running]');
    expect(await page.textContent('main')).toContain(
      'channel video already has a running pilot: video_advice',
    );
    await page.goto(`${base}/manage/pilots/video_advice`);
    await page.waitForSelector('[data-manage]');
    await page.click('button[data-to=ended]');
    await page.waitForURL(`${base}/manage/pilots/video_advice`);
    expect((await composed.stores.pilots.pilot('video_advice'))?.status).toBe('ended');

    await page.goto(`${base}/manage/pilots/video_bills_e2e`);
    await page.waitForSelector('[data-manage]');
    await page.click('button[data-to=running]');
    await page.waitForURL(`${base}/manage/pilots/video_bills_e2e`);
    const started = await composed.stores.pilots.pilot('video_bills_e2e');
    expect(started?.status).toBe('running');
    expect((await composed.stores.pilots.cohortSize(started!.id)).pilot).toBeGreaterThanOrEqual(20);

    // The report, once computed (the page reloads itself meanwhile), with its recommendation.
    await untilComputed(page, '[data-recommendation]');
    await page.selectOption('#rate-appropriate', '2');
    await page.fill('form[data-rate=appropriate] textarea', 'Seniors want a phone call first');
    await page.click('form[data-rate=appropriate] button');
    await page.waitForURL(`${base}/manage/pilots/video_bills_e2e#manage-h`);
    expect(await composed.stores.pilots.ratings(started!.id)).toMatchObject([
      { criterion: 'appropriate', rating: 2, note: 'Seniors want a phone call first' },
    ]);
    expect(await page.textContent('[data-criterion=appropriate]')).toContain(
      'Seniors want a phone call first',
    );

    await page.click('button[data-to=ended]');
    await page.waitForURL(`${base}/manage/pilots/video_bills_e2e`);
    expect((await composed.stores.pilots.pilot('video_bills_e2e'))?.status).toBe('ended');
    const trail = await page.locator('tr[data-change]').allInnerTexts();
    expect(trail.map((row) => row.replace(/\s+/g, ' ').trim())).toEqual([
      expect.stringMatching(/Marta Manager running → ended$/),
      expect.stringMatching(/Marta Manager rated appropriate 2\/5: “Seniors want a phone call first”$/),
      expect.stringMatching(/Marta Manager draft → running \(enrolled \d+ customers\)$/),
      expect.stringMatching(
        /Marta Manager defined “Video for bill questions” \(video_bills_e2e\) as a draft$/,
      ),
    ]);
    await page.screenshot({ path: `${SHOTS}manage-ended.png`, fullPage: true });
    await page.close();
  }, 300_000);
});
