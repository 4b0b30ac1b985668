import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { overflow, withBrowserApp, type BrowserApp } from '../support/browser-app.ts';
import { officeHoursAdvisor } from '../support/fixtures.ts';
import { linkAfter, linkCustomer } from '../support/link-pages.ts';

// The pages behind a consultation's links in Chromium with JavaScript switched off, on a
// phone-sized screen: the forms alone book, move and cancel (the browser sends them as from
// this site), and nothing is wider than the screen.

let browser: Browser;
let composed: BrowserApp['composed'];
// Monday 23 March 2026, 09:00 in Rome.
const clock = { now: () => new Date('2026-03-23T08:00:00Z') };

withBrowserApp(clock, async (opened) => {
  ({ composed, browser } = opened);
  await officeHoursAdvisor(composed.stores, { name: 'Carla Bruno' });
});

describe('the customer link pages in a browser without JavaScript', () => {
  it('book from the booking link, move from the confirmation, then cancel', async () => {
    const { stores, appointmentLinks } = composed;
    const customer = await linkCustomer(stores, 'it-IT', ['email']);
    const context = await browser.newContext({
      javaScriptEnabled: false,
      viewport: { width: 390, height: 800 },
    });
    const page = await context.newPage();
    try {
      const link = appointmentLinks.issue('book', customer.id, new Date('2026-03-30T08:00:00Z'));
      await page.goto(link.url);
      expect(await page.getByRole('heading', { level: 1 }).textContent()).toBe(
        'Prenota una consulenza video',
      );
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      await page.getByRole('button', { name: 'martedì 24 marzo alle ore 10:35' }).click();
      await page.waitForSelector('body[data-state="booked"]');
      expect(await page.locator('#result').textContent()).toContain('martedì 24 marzo alle ore 10:35');
      const [appointment] = await stores.advisors.upcomingAppointments(customer.id, clock.now());
      expect(appointment?.startsAt.toISOString()).toBe('2026-03-24T09:35:00.000Z');

      const confirmation = (await stores.outbox.recent({ limit: 10, customerId: customer.id })).find(
        (m) => m.kind === 'confirmation',
      )!;
      await page.goto(linkAfter(confirmation.body, 'Per spostarla'));
      expect(await overflow(page)).toBeLessThanOrEqual(0);
      await page.getByRole('button', { name: 'mercoledì 25 marzo alle ore 11:20' }).click();
      await page.waitForSelector('body[data-state="moved"]');
      expect(await page.locator('#told').textContent()).toContain('per e-mail');
      const moved = await stores.appointments.appointment(appointment!.id);
      expect(moved?.startsAt.toISOString()).toBe('2026-03-25T10:20:00.000Z');

      await page.goto(linkAfter(confirmation.body, 'Per annullarla'));
      await page.getByLabel('Motivo (facoltativo)').fill('ho risolto');
      await page.getByRole('button', { name: 'Sì, annulla la consulenza' }).click();
      await page.waitForSelector('body[data-state="cancelled"]');
      const cancelled = await stores.appointments.appointment(appointment!.id);
      expect([cancelled?.status, cancelled?.cancelReason]).toEqual(['cancelled', 'ho risolto']);
    } finally {
      await context.close();
    }
  });
});
