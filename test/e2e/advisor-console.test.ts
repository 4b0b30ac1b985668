import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import type { Customer } from '../../core/index.ts';
import type { Appointment } from '../../core/services.ts';
import { gasCustomer } from '../support/fixtures.ts';
import { LIVEKIT_INSTALL_TIMEOUT_MS } from '../support/livekit.ts';
import {
  SHOTS,
  decodedFrames,
  hasDecodedFrames,
  lowContrastText,
  startConsultationE2e,
  type AdvisorDesk,
  type ConsultationE2e,
} from '../support/consultation-e2e.ts';

// A whole consultation in two browsers against the app and a real livekit-server: the advisor
// logs in to the console and joins; the customer opens the link, waits in the lobby and is let
// in; each side decodes the other's video; chat crosses both ways; the customer leaves and
// answers the survey; the advisor records the outcome and sends a payment link. Everything is
// then checked where it lands: the appointment, the journey, the survey answers, the outbox.

let e2e: ConsultationE2e;
let desk: AdvisorDesk;
let customer: Customer;
let appointment: Appointment;
const contexts: BrowserContext[] = [];
let advisorPage: Page;
let customerPage: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  e2e = await startConsultationE2e();
  desk = await e2e.addAdvisor({ name: 'Elena Galli' });
  ({ customer } = await gasCustomer(e2e.stores));
  // What the customer did before: asked the voice assistant why the bill is higher, and opened
  // the payment link it sent.
  const asked = await e2e.stores.interactions.record({
    customerId: customer.id,
    channel: 'voice_assistant',
    touchpoint: 'alexa',
    direction: 'inbound',
    reason: 'billing',
    startedAt: new Date(Date.now() - 3_600_000),
    outcome: 'resolved',
    details: { intent: 'WhyHigherIntent', locale: 'it-IT' },
  });
  const sent = await e2e.composed.paymentLinks.send({ customerId: customer.id, fromInteractionId: asked.id });
  await e2e.composed.paymentLinks.open(decodeURIComponent(sent?.url.split('/').pop() ?? ''));
  appointment = await e2e.book({ advisor: desk, customer, startsInMinutes: 2 });

  for (const staff of [desk, undefined]) {
    const context = await e2e.newContext({
      viewport: { width: 1280, height: 900 },
      ...(staff ? { staff } : { locale: 'it-IT' }),
    });
    contexts.push(context);
  }
  [advisorPage, customerPage] = (await Promise.all(contexts.map((c) => c.newPage()))) as [Page, Page];
  for (const page of [advisorPage, customerPage])
    page.on('pageerror', (error) => pageErrors.push(error.message));
}, LIVEKIT_INSTALL_TIMEOUT_MS);

afterAll(async () => {
  await Promise.allSettled(contexts.map((context) => context.close()));
  await e2e?.close();
});

const text = async (page: Page, selector: string) =>
  ((await page.textContent(selector)) ?? '').replace(/\s+/g, ' ').trim();

describe('a consultation from the advisor console', () => {
  it('sends someone without a session to the login page, and an advisor who logs in back to the console', async () => {
    const context = await e2e.newContext();
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(`${e2e.base}/console`);
    expect(new URL(page.url()).pathname).toBe('/manage/login');
    await page.fill('input[name=username]', desk.username);
    await page.fill('input[name=password]', 'correct horse battery staple');
    await Promise.all([page.waitForURL(`${e2e.base}/console`), page.click('button[type=submit]')]);
    await page.waitForSelector(`tr[data-appointment="${appointment.id}"]`);
  });

  it('lists today’s consultation and shows the customer’s context from every channel', async () => {
    await advisorPage.goto(`${e2e.base}/console`);
    const row = `tr[data-appointment="${appointment.id}"]`;
    await advisorPage.waitForSelector(row);
    expect(await text(advisorPage, row)).toContain(`${customer.firstName} ${customer.lastName}`);
    await advisorPage.click(`${row} button:text("Open")`);
    await advisorPage.waitForSelector('#customer-context table');
    const context = await text(advisorPage, '#customer-context');
    expect(context).toContain(`${customer.firstName} ${customer.lastName}`);
    expect(context).toContain('Open bills');
    // The current bill against the previous one: 42,000 + 6,500 + VAT against 27,500 + 6,000 + VAT.
    const current = Math.round(42_000 + 6_500 + (42_000 + 6_500) * 0.1);
    const previous = Math.round(27_500 + 6_000 + (27_500 + 6_000) * 0.1);
    const euros = (cents: number) =>
      new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'EUR' }).format(cents / 100);
    expect(context).toContain(`+${euros(current - previous)}`);
    expect(context).toContain('Materia gas naturale');
    expect(context).toContain('asked: why higher');
    expect(context).toContain('opened the payment link');
    expect(await text(advisorPage, '#balance')).toContain(`Owes ${euros(current)}`);
    expect(await lowContrastText(advisorPage)).toEqual([]);
  });

  it('joins the call, sees the customer waiting in the lobby, admits them, and both sides decode the other’s video', async () => {
    await advisorPage.click('#join-call');
    expect(await hasDecodedFrames(advisorPage, '#local-video')).toBe(true);

    await customerPage.goto(e2e.joinLink(appointment));
    await customerPage.waitForSelector('#join:not([disabled])');
    await customerPage.click('#join');
    await customerPage.waitForSelector('#lobby:not([hidden])');

    // The cue: inside the call, and on the list's row (with the tab's title).
    await advisorPage.waitForSelector('#room-lobby .waiting');
    await advisorPage.waitForSelector(`tr.waiting[data-appointment="${appointment.id}"]`, {
      timeout: 10_000,
    });
    expect(await advisorPage.title()).toMatch(/^\(1\) /);
    await advisorPage.screenshot({ path: `${SHOTS}console-lobby.png`, fullPage: true });
    expect((await decodedFrames(advisorPage, '#remote-video', 0))?.totalVideoFrames ?? 0).toBe(0);

    await advisorPage.click('#admit');
    await customerPage.waitForSelector('#call:not([hidden])');
    expect(await hasDecodedFrames(customerPage, '#remote-video')).toBe(true);
    expect(await hasDecodedFrames(advisorPage, '#remote-video')).toBe(true);
    expect(await e2e.stores.appointments.appointment(appointment.id)).toMatchObject({
      status: 'in_progress',
    });
    await advisorPage.waitForSelector('#room-lobby:empty', { state: 'attached' });
  }, 60_000);

  it('says so while the customer’s connection drops, and carries on by itself when it is back', async () => {
    const customerContext = contexts[1] as BrowserContext;
    await customerContext.setOffline(true);
    await customerPage.waitForSelector('#status:has-text("Connessione persa")', { timeout: 30_000 });
    await customerPage.screenshot({ path: `${SHOTS}consultation-reconnecting.png`, fullPage: true });
    await customerContext.setOffline(false);
    await customerPage.waitForSelector('#status:has-text("Di nuovo collegati")', { timeout: 30_000 });
    const before = (await decodedFrames(customerPage, '#remote-video', 0))?.totalVideoFrames ?? 0;
    await customerPage.waitForTimeout(1000);
    const after = (await decodedFrames(customerPage, '#remote-video', 0))?.totalVideoFrames ?? 0;
    expect(after).toBeGreaterThan(before);
  }, 60_000);

  it('carries chat messages both ways', async () => {
    await customerPage.fill('#chat-input', 'Buongiorno, la bolletta è più alta');
    await customerPage.press('#chat-input', 'Enter');
    await advisorPage.waitForSelector('#chat-log li:has-text("Buongiorno, la bolletta è più alta")');
    await advisorPage.fill('#chat-input', 'Vediamo insieme il consumo');
    await advisorPage.click('#chat-form button[type=submit]');
    await customerPage.waitForSelector('#chat-log li:has-text("Vediamo insieme il consumo")');
    expect(await text(customerPage, '#chat-log')).toContain('Elena Galli');
    expect(await lowContrastText(customerPage)).toEqual([]);
    expect(await lowContrastText(advisorPage)).toEqual([]);
    await advisorPage.screenshot({ path: `${SHOTS}console-call.png`, fullPage: true });
    await customerPage.screenshot({ path: `${SHOTS}consultation-call-with-advisor.png`, fullPage: true });
  });

  it('shows the advisor the customer’s shared screen until they stop sharing', async () => {
    await customerPage.click('#toggle-share');
    await advisorPage.waitForSelector('video.screen', { state: 'visible', timeout: 15_000 });
    expect(await hasDecodedFrames(advisorPage, 'video.screen')).toBe(true);
    expect(await customerPage.getAttribute('#toggle-share', 'aria-pressed')).toBe('true');
    await customerPage.click('#toggle-share');
    await advisorPage.waitForSelector('video.screen', { state: 'hidden', timeout: 15_000 });
    expect(await customerPage.getAttribute('#toggle-share', 'aria-pressed')).toBe('false');
  }, 60_000);

  it('completes the appointment when the customer leaves, and stores the survey against the consultation', async () => {
    await customerPage.click('#leave');
    await customerPage.waitForSelector('#survey');
    expect(await lowContrastText(customerPage)).toEqual([]);
    await customerPage.click('#survey input[name=nps][value="8"] + span');
    await customerPage.click('#survey input[name=csat][value="5"] + span');
    await customerPage.fill('#survey-comment', 'Chiaro e veloce');
    await customerPage.click('#survey button[type=submit]');
    await customerPage.waitForSelector('#survey-thanks', { timeout: 30_000 });

    expect(await e2e.stores.appointments.appointment(appointment.id)).toMatchObject({ status: 'completed' });
    const consultation = await e2e.stores.interactions.fromSource('video', `consultation:${appointment.id}`);
    expect(consultation).toMatchObject({ customerId: customer.id, channel: 'video', outcome: 'resolved' });
    const answers = await e2e.stores.surveys.forInteraction(consultation!.id);
    expect(answers.map((a) => [a.metric, a.score, a.comment]).sort()).toEqual([
      ['csat', 5, null],
      ['nps', 8, 'Chiaro e veloce'],
    ]);
  });

  it('records the advisor’s outcome and notes in the journey, and sends a payment link from the same contact', async () => {
    await advisorPage.waitForSelector('#join-call');
    await advisorPage.check('#wrap-up-form input[value="follow_up"]');
    await advisorPage.fill('#wrap-up-notes', 'Send the payment link; call back after the meter reading');
    await advisorPage.click('#wrap-up-form button[type=submit]');
    await advisorPage.waitForSelector('#wrap-up-form .ok', { timeout: 30_000 });
    await advisorPage.click('#send-payment-link');
    await advisorPage.waitForSelector('#payment-link-result.ok');
    expect(await text(advisorPage, '#payment-link-result')).toBe('Payment link sent by sms.');
    await advisorPage.screenshot({ path: `${SHOTS}console-wrap-up.png`, fullPage: true });

    const consultation = await e2e.stores.interactions.fromSource('video', `consultation:${appointment.id}`);
    expect(consultation?.details.wrapUp).toMatchObject({
      outcome: 'follow_up',
      notes: 'Send the payment link; call back after the meter reading',
      by: desk.user.id,
    });
    const messages = await e2e.stores.outbox.recent({ limit: 10, customerId: customer.id });
    const links = messages.filter((m) => m.kind === 'payment_link');
    expect(links).toHaveLength(2); // the voice assistant's, then the advisor's
    expect(pageErrors).toEqual([]);
  });
});
