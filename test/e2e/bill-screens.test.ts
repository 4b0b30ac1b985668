import { mkdirSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeApp } from '../../app/compose.ts';
import type { StorageHandle } from '../../core/index.ts';
import { launchChromium } from '../support/chromium.ts';
import { openTestDatabase } from '../support/database.ts';
import { dualFuelTurin } from '../support/households.ts';

// The reactive e-mail and the bill's page in Chromium, on a phone (390 px) and a desktop
// (1280 px): nothing wider than the screen. Screenshots go to test/e2e/screenshots/.

const SHOTS = new URL('./screenshots/', import.meta.url).pathname;
const WIDTHS = [390, 1280] as const;

let storage: StorageHandle;
let server: Server;
let browser: Browser;
let base = '';
let composed: Awaited<ReturnType<typeof composeApp>>;
// Thursday 5 March 2026, the day after the January–February bills were issued.
const clock = { now: () => new Date('2026-03-05T08:30:00Z') };

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  storage = await openTestDatabase();
  // Links carry the public address, so the server listens before the app is composed for it.
  let handle: RequestListener = (_req, res) => res.end();
  server = createServer((req, res) => handle(req, res)).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  composed = await composeApp({
    storage,
    config: { PUBLIC_URL: base, SESSION_TTL_HOURS: 1, COOKIE_SECURE: false },
    logger: pino({ level: 'silent' }),
    clock,
  });
  handle = composed.app;
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
  await storage?.close();
});

/** How far the page is wider than the window (0 or less: no horizontal scrolling). */
const overflow = (page: Page) =>
  page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');

describe('bill screens', () => {
  it('shows the reactive e-mail and the bill’s page without horizontal scrolling on a phone and a desktop, and pays from the page', async () => {
    const home = await dualFuelTurin(composed.stores);
    const bill = home.bills.gas?.at(-1);
    if (!bill) throw new Error('the household has no gas bill');
    const { communication } = await composed.bills.sender.send(bill.id, {
      style: 'reactive',
      pilotId: null,
      arm: null,
    });
    const [message] = await composed.stores.outbox.recent({ limit: 1, customerId: home.customer.id });
    if (!message?.html) throw new Error('the reactive e-mail has no HTML part');
    const path = new URL(composed.bills.billLinks.url(communication)).pathname;

    for (const width of WIDTHS) {
      const page = await browser.newPage({ viewport: { width, height: 900 } });
      try {
        await page.setContent(message.html, { waitUntil: 'load' });
        expect(await page.getByText('Paga ora').isVisible()).toBe(true);
        expect(await overflow(page), `e-mail at ${width} px`).toBeLessThanOrEqual(0);
        await page.screenshot({ path: `${SHOTS}bill-email-${width}.png`, fullPage: true });

        await page.goto(`${base}${path}`);
        expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
          'Ciao Francesca, ecco la tua bolletta',
        );
        expect(await page.locator('svg rect').count()).toBeGreaterThanOrEqual(2);
        expect(await overflow(page), `bill page at ${width} px`).toBeLessThanOrEqual(0);
        await page.screenshot({ path: `${SHOTS}bill-page-${width}.png`, fullPage: true });
      } finally {
        await page.close();
      }
    }

    const page = await browser.newPage({ viewport: { width: 390, height: 900 } });
    try {
      await page.goto(`${base}${path}`);
      await Promise.all([page.waitForURL(/\/pay\//), page.getByRole('button', { name: 'Paga ora' }).click()]);
      expect(await page.content()).toContain('Francesca');
      await page.screenshot({ path: `${SHOTS}bill-page-to-payment-390.png`, fullPage: true });
    } finally {
      await page.close();
    }
  });
});
