import type { Browser, BrowserContext, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import type { Customer } from '../../core/index.ts';
import type { Advisor, ConsultationEvent } from '../../core/services.ts';
import { withBrowserApp, type BrowserApp } from '../support/browser-app.ts';
import { officeHoursAdvisor } from '../support/fixtures.ts';
import { linkCustomer } from '../support/link-pages.ts';

// The rating form a customer fills in after a video consultation, in Chromium against the app:
// what it says when the answers are not stored (a refusal it names, or a failure worth retrying),
// and that the answers sent once the comment is put right are the ones stored. The call itself
// (a real LiveKit server) is in consultation-page.test.ts; here the call's end comes as the
// webhooks would tell it, and the form is the one the consultation's page shows when its join
// link is opened after a call left unrated (a tab closed at the end of the call).

let browser: Browser;
let composed: BrowserApp['composed'];
let advisor: Advisor;
// Wednesday 11 March 2026: the consultations below are held from 10:05 in Rome.
let now = new Date('2026-03-11T08:00:00Z');
const clock = { now: () => now };

withBrowserApp(clock, async (opened) => {
  ({ composed, browser } = opened);
  advisor = await officeHoursAdvisor(composed.stores, { name: 'Marta Ferri' });
});

let held = 0;

/** A consultation of `customer` held from 10:05 on a day of its own, over: its join link and journey entry. */
async function heldConsultation(customer: Customer) {
  const startsAt = new Date(Date.UTC(2026, 2, 11 + held++, 9, 5));
  const appointment = await composed.stores.advisors.addAppointment({
    customerId: customer.id,
    advisorId: advisor.id,
    topic: 'billing',
    locale: customer.locale,
    startsAt,
    endsAt: new Date(startsAt.getTime() + 30 * 60_000),
    bookedVia: 'web',
  });
  const minutes = (m: number) => new Date(startsAt.getTime() + m * 60_000);
  let n = 0;
  const event = (kind: ConsultationEvent['kind'], m: number, role: 'customer' | 'advisor') =>
    composed.lifecycle.handle({
      kind,
      id: `EV_${appointment.id}_${n++}`,
      appointmentId: appointment.id,
      at: minutes(m),
      participant: {
        sessionId: `PA_${role}_${appointment.id}`,
        role,
        identity: `${role}:${role === 'advisor' ? advisor.id : customer.id}`,
      },
      ...(kind === 'participant_left' ? { replaced: false } : {}),
    } as ConsultationEvent);
  await event('participant_joined', 1, 'customer');
  await event('participant_joined', 2, 'advisor');
  await event('participant_left', 24, 'advisor');
  now = minutes(26);
  const entry = await composed.stores.interactions.fromSource('video', `consultation:${appointment.id}`);
  if (!entry) throw new Error('the consultation has no journey entry');
  const join = composed.appointmentLinks.forAppointment(appointment).join;
  return { appointment, entry, join };
}

/** The consultation's page reopened after the call, with the rating form on it. */
async function surveyPage(context: BrowserContext, join: { url: string }) {
  const page = await context.newPage();
  await page.goto(join.url);
  await page.waitForSelector('#survey');
  return page;
}

const status = (page: Page) => page.locator('#survey [role=status]');
const answer = async (page: Page, nps: number, csat: number) => {
  await page.click(`#survey input[name=nps][value="${nps}"] + span`);
  await page.click(`#survey input[name=csat][value="${csat}"] + span`);
};
/**
 * Puts text in the comment box as a paste would, whatever characters it holds (written as escapes
 * in the script, so that no character is changed on the way to the browser).
 */
const pasteComment = (page: Page, text: string) =>
  page.evaluate(`document.getElementById('survey-comment').value = ${JSON.stringify(text)}`);
const stored = async (interactionId: string) =>
  (await composed.stores.surveys.forInteraction(interactionId))
    .map((a) => ({ metric: a.metric, score: a.score, comment: a.comment }))
    .sort((a, b) => a.metric.localeCompare(b.metric));

describe('the rating after a consultation', () => {
  it('says in Italian that the comment cannot be saved as it is, and stores the answers once it is corrected', async () => {
    const customer = await linkCustomer(composed.stores, 'it-IT', ['email']);
    const { entry, join } = await heldConsultation(customer);
    const context = await browser.newContext({ locale: 'it-IT' });
    try {
      const page = await surveyPage(context, join);
      // The same consultation, open in another tab too.
      const other = await surveyPage(context, join);
      await answer(page, 9, 4);
      // Half of an emoji (an unpaired surrogate): text the database cannot store.
      await pasteComment(page, 'Consulente gentilissima \uD83D');
      await page.click('#survey button[type=submit]');
      await expect
        .poll(() => status(page).textContent())
        .toBe(
          'Non possiamo salvare il commento così com’è: è troppo lungo o contiene caratteri che non accettiamo. Lo modifichi e invii di nuovo.',
        );
      expect(await page.isEnabled('#survey button[type=submit]')).toBe(true);
      expect(await page.evaluate('document.activeElement?.id')).toBe('survey-comment');
      expect(await stored(entry.id)).toEqual([]);

      await page.fill('#survey-comment', 'Consulente gentilissima, tutto chiaro');
      await page.click('#survey button[type=submit]');
      await page.waitForSelector('#survey-thanks');
      expect(await stored(entry.id)).toEqual([
        { metric: 'csat', score: 4, comment: null },
        { metric: 'nps', score: 9, comment: 'Consulente gentilissima, tutto chiaro' },
      ]);

      // Rated again from the other tab: already saved, nothing to retry.
      await answer(other, 2, 1);
      await other.click('#survey button[type=submit]');
      await expect
        .poll(() => status(other).textContent())
        .toBe('Le sue risposte a questa consulenza erano già state salvate. Grazie!');
      expect(await other.isDisabled('#survey button[type=submit]')).toBe(true);
      expect((await stored(entry.id)).map((a) => a.score)).toEqual([4, 9]);
    } finally {
      await context.close();
    }
  });

  it('drops a NUL character from the comment, and asks to try again later only when the network failed', async () => {
    const customer = await linkCustomer(composed.stores, 'en-US', ['sms']);
    const { entry, join } = await heldConsultation(customer);
    const context = await browser.newContext({ locale: 'en-US' });
    try {
      const page = await surveyPage(context, join);
      await answer(page, 10, 5);
      await pasteComment(page, 'Very helpful\u0000 thank you');
      await context.setOffline(true);
      await page.click('#survey button[type=submit]');
      await expect
        .poll(() => status(page).textContent())
        .toBe('We could not save your answers. Please try again in a moment.');
      expect(await page.isEnabled('#survey button[type=submit]')).toBe(true);
      expect(await stored(entry.id)).toEqual([]);

      await context.setOffline(false);
      await page.click('#survey button[type=submit]');
      await page.waitForSelector('#survey-thanks');
      expect(await stored(entry.id)).toEqual([
        { metric: 'csat', score: 5, comment: null },
        { metric: 'nps', score: 10, comment: 'Very helpful thank you' },
      ]);
    } finally {
      await context.close();
    }
  });
});

describe('the consultation’s page reopened after a call left unrated', () => {
  it('shows the rating form in Italian under its own policy, stores the answers, and afterwards only thanks', async () => {
    const customer = await linkCustomer(composed.stores, 'it-IT', ['email']);
    // The customer closed the tab when the advisor left: the call is over, nothing rated.
    const { appointment, entry, join } = await heldConsultation(customer);
    expect((await composed.stores.appointments.appointment(appointment.id))?.status).toBe('completed');
    // The page as served, its Content-Security-Policy included.
    const context = await browser.newContext({ locale: 'it-IT' });
    try {
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(error.message));
      page.on('console', (message) => {
        if (message.type() === 'error') problems.push(message.text());
      });
      const response = await page.goto(join.url);
      expect(response?.status()).toBe(200);
      expect(await page.getAttribute('body', 'data-state')).toBe('survey');
      expect(await page.textContent('h1')).toBe('Questa consulenza è terminata');
      await page.waitForSelector('#survey');
      expect(await page.textContent('#survey-heading')).toBe('Com’è andata?');
      // The form alone: no camera preview, nothing to join.
      expect(await page.$('video')).toBeNull();
      expect(await page.$('#join')).toBeNull();

      now = new Date(now.getTime() + 4 * 60_000);
      await answer(page, 7, 3);
      await page.fill('#survey-comment', 'Ho chiuso la scheda per sbaglio. Consulente chiara e disponibile');
      await page.click('#survey button[type=submit]');
      await page.waitForSelector('#survey-thanks');
      expect(await page.textContent('#survey-thanks')).toBe(
        'Grazie! Le sue risposte ci aiutano a migliorare.',
      );
      expect(await stored(entry.id)).toEqual([
        { metric: 'csat', score: 3, comment: null },
        {
          metric: 'nps',
          score: 7,
          comment: 'Ho chiuso la scheda per sbaglio. Consulente chiara e disponibile',
        },
      ]);
      const answers = await composed.stores.surveys.forInteraction(entry.id);
      expect(answers.map((a) => a.answeredAt)).toEqual([now, now]);
      expect(problems).toEqual([]);

      // Opened once more: over, with thanks, and no form.
      const again = await context.newPage();
      const reopened = await again.goto(join.url);
      expect(reopened?.status()).toBe(200);
      expect(await again.getAttribute('body', 'data-state')).toBe('over');
      expect(await again.textContent('h1')).toBe('Questa consulenza è terminata');
      expect(await again.textContent('main')).toContain('Grazie! Le sue risposte ci aiutano a migliorare.');
      expect(await again.$('script[src="/assets/rating.js"]')).toBeNull();
      expect(await again.$('#survey')).toBeNull();
      expect((await stored(entry.id)).map((a) => a.score)).toEqual([3, 7]);
    } finally {
      await context.close();
    }
  });
});
