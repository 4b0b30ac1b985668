import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import type { Interaction } from '../../core/index.ts';
import { launchChromium } from '../support/chromium.ts';
import { consultationFor } from '../support/fixtures.ts';
import { dualFuelTurin, HOUSEHOLD_NOW, type Household } from '../support/households.ts';
import { startChatInstances, type ChatInstance } from '../support/chat.ts';

// The chat on the kit's own customer pages, in Chromium at 390 px, on the households' clock
// (Monday 20 April 2026): the payment link's page, the bill's page and the consultation's page
// each open the widget as the customer their personal link names, and a chat started there is a
// live_chat contact on that page's touchpoint, in the journey the page continues.

const SHOTS = new URL('./screenshots/', import.meta.url).pathname;
let run: Awaited<ReturnType<typeof startChatInstances>>;
let app: ChatInstance;
let origin: string;
let browser: Browser;

beforeAll(async () => {
  run = await startChatInstances({ count: 1, clock: { now: () => HOUSEHOLD_NOW } });
  app = run.instances[0]!;
  origin = app.url.replace('ws://', 'http://');
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await run?.close();
});

/** A contact the customer had with the voice assistant this morning, about paying. */
const askedAlexa = (home: Household) =>
  app.stores.interactions.record({
    customerId: home.customer.id,
    channel: 'voice_assistant',
    touchpoint: 'alexa',
    direction: 'inbound',
    reason: 'payment',
    startedAt: HOUSEHOLD_NOW,
    endedAt: HOUSEHOLD_NOW,
    outcome: 'resolved',
  });

/** A phone-sized page that collects every error the console or the page reports (CSP refusals too). */
async function phone(path: string) {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'it-IT' });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  const problems: string[] = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  page.on('pageerror', (e) => problems.push(e.message));
  const response = await page.goto(`${origin}${path}`);
  return { context, page, problems, response: response! };
}

/** Nothing wider than the phone: no sideways scrolling. */
const fitsThePhone = (page: Page) =>
  page.evaluate(() => {
    const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } })
      .document;
    return root.documentElement.scrollWidth <= 390;
  });

async function openWidget(page: Page) {
  await page.getByRole('button', { name: 'Chatta con noi' }).click();
  const dialog = page.getByRole('dialog', { name: 'Assistenza clienti' });
  const log = dialog.getByRole('log', { name: 'Messaggi della chat' });
  await log.getByText('Ciao', { exact: false }).first().waitFor();
  return { dialog, log };
}

/** The bot part of the customer's chat started on `touchpoint`, and its conversation row. */
async function chatOn(customerId: string, touchpoint: string) {
  let contact: Interaction | undefined;
  await expect
    .poll(async () => {
      const recent = await app.stores.interactions.forCustomer(customerId, { limit: 50 });
      contact = recent.find(
        (i) => i.channel === 'live_chat' && i.touchpoint === touchpoint && i.details.part === 'bot',
      );
      return contact !== undefined;
    })
    .toBe(true);
  const conversation = await app.stores.chats.conversation(contact!.details.conversationId as string);
  return { contact: contact!, conversation: conversation! };
}

describe('the chat on the kit’s customer pages', () => {
  it('opens on the payment link’s page as its customer, answers what the bills owe, and joins the journey the link continues', async () => {
    const turin = await dualFuelTurin(app.stores);
    const alexa = await askedAlexa(turin);
    const sent = await app.paymentLinks.send({ customerId: turin.customer.id, fromInteractionId: alexa.id });
    const { context, page, problems, response } = await phone(new URL(sent!.url).pathname);
    // The page's policy lets the widget's script and socket come from this site, and nothing else.
    const policy = response.headers()['content-security-policy'];
    expect(policy).toContain("default-src 'none'");
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("connect-src 'self'");
    await page.getByText('Totale da pagare: 494,23', { exact: false }).waitFor();
    expect(await fitsThePhone(page)).toBe(true);
    // The launcher does not cover the pay button: a tap on it reaches the button.
    const pay = page.locator('#pay');
    const box = (await pay.boundingBox())!;
    expect(
      await page.evaluate(
        ({ x, y }) =>
          (
            globalThis as unknown as {
              document: { elementFromPoint(x: number, y: number): { id: string } | null };
            }
          ).document.elementFromPoint(x, y)?.id,
        { x: box.x + box.width / 2, y: box.y + box.height / 2 },
      ),
    ).toBe('pay');

    const { dialog, log } = await openWidget(page);
    // Known as the link's customer: no "tell me who you are", the bill answers straight away.
    await dialog.getByRole('button', { name: 'Quanto devo pagare?' }).click();
    await log.getByText('In tutto devi pagare 494,23 euro', { exact: false }).waitFor();
    expect(await fitsThePhone(page)).toBe(true);
    await page.screenshot({ path: `${SHOTS}live-chat-payment-page.png` });

    const { contact, conversation } = await chatOn(turin.customer.id, 'payment_page');
    expect(conversation).toMatchObject({
      customerId: turin.customer.id,
      identity: 'page',
      touchpoint: 'payment_page',
      status: 'bot',
    });
    const opening = (await app.stores.interactions.forCustomer(turin.customer.id, { limit: 50 })).find(
      (i) => i.channel === 'web' && i.touchpoint === 'payment_link',
    )!;
    expect(contact).toMatchObject({ customerId: turin.customer.id, journeyId: opening.journeyId });
    expect(opening.journeyId).toBe((await app.stores.interactions.interaction(alexa.id))!.journeyId);
    // Alexa, the link opened, the chat, and the bot's answer in it: one journey, each handed on
    // from the one before (the clock stands still, so the hand-offs, not the times, say the order).
    expect(opening.handoffFromId).toBe(alexa.id);
    expect(contact.handoffFromId).toBe(opening.id);
    // The bot's answer is logged in the same journey, handed on from the chat (logged as it settles).
    await expect
      .poll(
        async () =>
          (await app.stores.interactions.journey(opening.journeyId)).find(
            (i) => i.channel === 'live_chat' && i.details.intent === 'WhatDoIOwe',
          )?.handoffFromId,
      )
      .toBe(contact.id);
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);

  it('opens on the bill’s page and on the consultation’s page as their customer, each chat on its page’s touchpoint and journey', async () => {
    const turin = await dualFuelTurin(app.stores);
    const bill = turin.bills.gas!.at(-1)!;
    const sentBill = await app.stores.interactions.record({
      customerId: turin.customer.id,
      channel: 'email',
      touchpoint: 'notification',
      direction: 'outbound',
      reason: 'billing',
      startedAt: HOUSEHOLD_NOW,
      endedAt: HOUSEHOLD_NOW,
      outcome: 'resolved',
    });
    const communication = await app.bills.communications.record({
      billId: bill.id,
      customerId: turin.customer.id,
      style: 'reactive',
      medium: 'email',
      pilotId: null,
      arm: null,
      sentInteractionId: sentBill.id,
    });
    const billPage = await phone(new URL(app.bills.billLinks.url(communication)).pathname);
    expect(billPage.response.headers()['content-security-policy']).toContain("connect-src 'self'");
    await billPage.page.getByText('Ciao Francesca', { exact: false }).waitFor();
    expect(await fitsThePhone(billPage.page)).toBe(true);
    const inBill = await openWidget(billPage.page);
    await inBill.dialog.getByRole('button', { name: 'Perché la bolletta è cambiata?' }).click();
    await inBill.log.getByText('gas', { exact: false }).first().waitFor();
    const onBill = await chatOn(turin.customer.id, 'bill_page');
    expect(onBill.conversation).toMatchObject({ identity: 'page', customerId: turin.customer.id });
    expect(onBill.contact.journeyId).toBe(
      (await app.stores.interactions.interaction(sentBill.id))!.journeyId,
    );
    // The answer on the page is a contact of the bill's journey, written by the time it is read.
    await expect
      .poll(async () => {
        const recent = await app.stores.interactions.forCustomer(turin.customer.id, { limit: 50 });
        return recent.find((i) => i.handoffFromId === onBill.contact.id && i.reason === 'bill_explanation')
          ?.journeyId;
      })
      .toBe(onBill.contact.journeyId);
    expect(billPage.problems).toEqual([]);
    await billPage.context.close();

    // A consultation on a payment plan booked during a call, for Thursday afternoon: its page waits.
    const call = await app.stores.interactions.record({
      customerId: turin.customer.id,
      channel: 'call_centre',
      touchpoint: 'agent',
      direction: 'inbound',
      reason: 'payment_plan',
      startedAt: HOUSEHOLD_NOW,
      endedAt: HOUSEHOLD_NOW,
      outcome: 'handed_off',
    });
    const { appointment } = await consultationFor(app.stores, {
      customer: turin.customer,
      startsAt: new Date('2026-04-23T13:00:00Z'),
      endsAt: new Date('2026-04-23T13:30:00Z'),
      bookedVia: 'call_centre',
      journeyId: call.journeyId,
    });
    const join = new URL(app.appointmentLinks.forAppointment(appointment).join.url).pathname;
    const consultation = await phone(join);
    await consultation.page.locator('body[data-state="too_early"]').waitFor();
    expect(await fitsThePhone(consultation.page)).toBe(true);
    await openWidget(consultation.page);
    const onCall = await chatOn(turin.customer.id, 'consultation_page');
    expect(onCall.conversation).toMatchObject({ identity: 'page', customerId: turin.customer.id });
    expect(onCall.contact.journeyId).toBe(call.journeyId);
    expect(onCall.contact.journeyId).not.toBe(onBill.contact.journeyId);
    expect(consultation.problems).toEqual([]);
    await consultation.context.close();
  }, 120_000);
});
