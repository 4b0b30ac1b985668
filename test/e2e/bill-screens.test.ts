import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { overflow, withBrowserApp, type BrowserApp } from '../support/browser-app.ts';
import { dualFuelTurin, threeSuppliesBologna } from '../support/households.ts';

// The reactive e-mail and the bill's page in Chromium, on a phone (390 px) and a desktop
// (1280 px): nothing wider than the screen; and the page's forms, which only the page itself may
// send. Screenshots go to test/e2e/screenshots/.

const SHOTS = new URL('./screenshots/', import.meta.url).pathname;
const WIDTHS = [390, 1280] as const;

let browser: Browser;
let base = '';
let composed: BrowserApp['composed'];
// Thursday 5 March 2026, the day after the January–February bills were issued.
const clock = { now: () => new Date('2026-03-05T08:30:00Z') };

withBrowserApp(clock, (opened) => {
  mkdirSync(SHOTS, { recursive: true });
  ({ composed, base, browser } = opened);
});

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
      // The payment page's own form goes on to the provider; the same form from another site does not.
      const payUrl = page.url();
      await Promise.all([
        page.waitForURL(/\/dev-pay\//),
        page.getByRole('button', { name: /^Paga / }).click(),
      ]);
      await page.route('http://elsewhere.example/**', (route) =>
        route.fulfill({
          contentType: 'text/html',
          body: `<!doctype html><form method="post" action="${payUrl}/checkout"></form>
            <script>document.forms[0].submit()</script>`,
        }),
      );
      const [refused] = await Promise.all([
        page.waitForResponse((r) => r.url() === `${payUrl}/checkout`),
        page.goto('http://elsewhere.example/pay'),
      ]);
      expect(refused.status()).toBe(403);
      await page.waitForLoadState();
      expect(await page.getByRole('heading', { level: 1 }).first().textContent()).toBe(
        'Richiesta non accettata',
      );
      expect(page.url()).toBe(`${payUrl}/checkout`);
    } finally {
      await page.close();
    }
  });

  it('goes paperless from the bill’s own page, and refuses the same form sent from another site', async () => {
    const home = await threeSuppliesBologna(composed.stores);
    const [latest] = await composed.stores.billing.bills(home.customer.id, { limit: 1 });
    if (!latest) throw new Error('the household has no bill');
    const { communication } = await composed.bills.sender.send(latest.id);
    const billUrl = composed.bills.billLinks.url(communication);
    const switched = () => composed.stores.interactions.fromSource('bill_paperless', communication.id);
    const page = await browser.newPage({ viewport: { width: 390, height: 900 } });
    try {
      // Another site's page whose form posts to the bill's paperless step as soon as it opens.
      await page.route('http://elsewhere.example/**', (route) =>
        route.fulfill({
          contentType: 'text/html',
          body: `<!doctype html><form method="post" action="${billUrl}/paperless"></form>
            <script>document.forms[0].submit()</script>`,
        }),
      );
      const [refused] = await Promise.all([
        page.waitForResponse((r) => r.url() === `${billUrl}/paperless`),
        page.goto('http://elsewhere.example/offer'),
      ]);
      expect(refused.status()).toBe(403);
      await page.waitForLoadState();
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe('Richiesta non accettata');
      expect(await page.textContent('main')).toContain('Il modulo è arrivato da un altro sito');
      expect(await switched()).toBeFalsy();

      await page.goto(billUrl);
      const [answer] = await Promise.all([
        page.waitForResponse((r) => r.url() === `${billUrl}/paperless`),
        page.getByRole('button', { name: 'Passa alla bolletta digitale' }).click(),
      ]);
      expect(answer.status()).toBe(200);
      expect(await switched()).toMatchObject({
        channel: 'web',
        touchpoint: 'bill_page',
        details: { communicationId: communication.id, switchedTo: 'email' },
      });
      const consents = await composed.stores.customers.consents(home.customer.id);
      expect(consents.some((c) => c.medium === 'post' && !c.granted && c.source === 'web_form')).toBe(true);
    } finally {
      await page.close();
    }
  });
});
