import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync } from 'node:fs';
import { DateTime } from 'luxon';
import type { BrowserContext, Page } from 'playwright-core';
import { TrackSource } from '@livekit/rtc-node';
import type { Customer } from '../../core/index.ts';
import type { Appointment } from '../../core/services.ts';
import { LIVEKIT_INSTALL_TIMEOUT_MS } from '../support/livekit.ts';
import { launchChromium } from '../support/chromium.ts';
import {
  SHOTS,
  decodedFrames,
  hasDecodedFrames,
  joinNodeParticipant,
  lowContrastText,
  startConsultationE2e,
  type AdvisorDesk,
  type ConsultationE2e,
  type NodeParticipant,
} from '../support/consultation-e2e.ts';

// The customer's side of a video consultation in a real browser, against the whole app and a
// real livekit-server: the page behind the join link, the camera preview, the lobby, the call
// with an advisor (a Node participant sending a generated picture), chat, leaving, the survey,
// and the pages a link that cannot open the call shows. Screenshots go to test/e2e/screenshots/.

let e2e: ConsultationE2e;
let desk: AdvisorDesk;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  e2e = await startConsultationE2e();
  desk = await e2e.addAdvisor({ name: 'Elena Galli' });
}, LIVEKIT_INSTALL_TIMEOUT_MS);

afterAll(async () => {
  await Promise.allSettled(contexts.map((context) => context.close()));
  await e2e?.close();
});

/** A page in a context of its own (one per participant), with the page's errors collected. */
async function customerPage(options: { locale?: string; viewport?: { width: number; height: number } } = {}) {
  const context = await e2e.newContext({
    locale: options.locale ?? 'en-US',
    viewport: options.viewport ?? { width: 1100, height: 900 },
  });
  contexts.push(context);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  return { page, errors };
}

/** What a customer reads in the appointment's line: the start in Rome, in their language. */
function romeTime(at: Date, locale: 'it' | 'en') {
  const rome = DateTime.fromJSDate(at, { zone: 'Europe/Rome' }).setLocale(locale);
  return { weekday: rome.toFormat('cccc'), time: rome.toFormat(locale === 'it' ? 'HH:mm' : 'hh:mm a') };
}

const text = async (page: Page, selector: string) =>
  ((await page.textContent(selector)) ?? '').replace(/\s+/g, ' ').trim();

const optionTexts = (page: Page, selector: string) =>
  page.$$eval(`${selector} option`, (options) => options.map((o) => o.textContent ?? ''));

async function openPreJoin(page: Page, url: string) {
  const response = await page.goto(url);
  expect(response?.status()).toBe(200);
  expect(await page.getAttribute('body', 'data-state')).toBe('open');
  await page.waitForSelector('#join:not([disabled])', { timeout: 15_000 });
}

describe('the customer’s consultation page before the call', () => {
  it('shows an Italian customer their appointment in Italian, a live camera preview, and the fake camera and microphone to choose from', async () => {
    const advisor = await e2e.addAdvisor({ name: 'Chiara Conti' });
    const customer = await e2e.addCustomer('it-IT');
    const appointment = await e2e.book({ advisor, customer, startsInMinutes: 1 });
    const script = await fetch(`${e2e.base}/assets/consultation.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toContain('javascript');
    expect((await script.text()).length).toBeGreaterThan(10_000);

    const { page, errors } = await customerPage({ locale: 'it-IT' });
    await openPreJoin(page, e2e.joinLink(appointment));
    expect(await page.getAttribute('html', 'lang')).toBe('it');
    expect(await text(page, 'h1')).toBe('Consulenza video');
    const { weekday, time } = romeTime(appointment.startsAt, 'it');
    const line = await text(page, '#appointment');
    expect(line).toContain('Con Chiara Conti');
    expect(line).toContain(weekday);
    expect(line).toContain(time);
    expect(line).toContain('Argomento: bollette');
    expect(await text(page, '#prejoin-heading')).toBe('Prima di entrare');
    expect(await text(page, '#join')).toBe('Entra');

    const preview = await decodedFrames(page, 'video.preview');
    expect(preview?.totalVideoFrames).toBeGreaterThan(0);
    expect(preview?.videoWidth).toBeGreaterThan(0);
    // Chromium's fake devices, by the labels it gives them once the page may use them.
    expect(await optionTexts(page, '#camera')).toContain('fake_device_0');
    const microphones = await optionTexts(page, '#microphone');
    expect(microphones.filter((label) => /^Fake .*Audio Input/.test(label)).length).toBeGreaterThanOrEqual(2);
    expect(await page.$('#media-problem')).toBeNull();
    await page.screenshot({ path: `${SHOTS}consultation-prejoin.png`, fullPage: true });
    expect(errors).toEqual([]);
  });

  it('shows an English-speaking customer the same page in English', async () => {
    const advisor = await e2e.addAdvisor({ name: 'Peter Hall' });
    const customer = await e2e.addCustomer('en-US');
    const appointment = await e2e.book({ advisor, customer, startsInMinutes: 5 });
    const { page, errors } = await customerPage({ locale: 'en-US' });
    await openPreJoin(page, e2e.joinLink(appointment));
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await text(page, 'h1')).toBe('Video consultation');
    const { weekday, time } = romeTime(appointment.startsAt, 'en');
    const line = await text(page, '#appointment');
    expect(line).toContain('With Peter Hall');
    expect(line).toContain(weekday);
    expect(line).toContain(time);
    expect(line).toContain('Topic: bills');
    expect(await text(page, '#prejoin-heading')).toBe('Before you join');
    expect(await text(page, '#join')).toBe('Join');
    expect(await hasDecodedFrames(page, 'video.preview')).toBe(true);
    expect(errors).toEqual([]);
  });
});

describe('the join button', () => {
  it('is enabled only once the chosen camera and microphone are open, and again after switching the microphone', async () => {
    const advisorDesk = await e2e.addAdvisor({ name: 'Giorgio Sala' });
    const customer = await e2e.addCustomer('en-US');
    const appointment = await e2e.book({ advisor: advisorDesk, customer, startsInMinutes: 4 });
    const { page, errors } = await customerPage();
    // The page's requests for the camera and microphone wait until the test lets them through,
    // as a slow camera or a person pondering the permission prompt makes them wait.
    await page.addInitScript(`
      const devices = navigator.mediaDevices;
      const open = devices.getUserMedia.bind(devices);
      let waiting = [];
      window.hold = true;
      window.held = 0;
      window.release = () => {
        const go = waiting;
        waiting = [];
        for (const resume of go) resume();
      };
      devices.getUserMedia = async (constraints) => {
        if (window.hold) {
          window.held += 1;
          await new Promise((resume) => waiting.push(resume));
        }
        return open(constraints);
      };
    `);
    expect((await page.goto(e2e.joinLink(appointment)))?.status()).toBe(200);
    await page.waitForFunction('window.held > 0');
    expect(await page.isDisabled('#join')).toBe(true);
    expect(await page.isDisabled('#join-camera-off')).toBe(true);

    await page.evaluate('window.hold = false; window.release()');
    await page.waitForSelector('#join:not([disabled])', { timeout: 15_000 });
    expect(await page.isEnabled('#join-camera-off')).toBe(true);

    // Another microphone: neither button works until it is open.
    const microphones = await page.$$eval('#microphone option', (options) =>
      options.map((o) => o.getAttribute('value') ?? ''),
    );
    const current = await page.inputValue('#microphone');
    const other = microphones.find((id) => id !== current && id !== 'default') ?? '';
    expect(other).not.toBe('');
    const held = await page.evaluate<number>('window.held');
    await page.evaluate('window.hold = true');
    await page.selectOption('#microphone', other);
    await page.waitForFunction(`window.held > ${held}`);
    expect(await page.isDisabled('#join')).toBe(true);
    expect(await page.isDisabled('#join-camera-off')).toBe(true);
    await page.evaluate('window.hold = false; window.release()');
    await page.waitForSelector('#join:not([disabled])', { timeout: 15_000 });
    expect(await page.isEnabled('#join-camera-off')).toBe(true);

    await page.click('#join');
    await page.waitForSelector('#lobby', { state: 'visible' });
    expect(errors).toEqual([]);
  });
});

describe('joining without video', () => {
  it('lets the customer join by voice only: the advisor gets their microphone and no camera', async () => {
    const advisorDesk = await e2e.addAdvisor({ name: 'Paolo Ferri' });
    const customer = await e2e.addCustomer('it-IT', { firstName: 'Anna', lastName: 'Moretti' });
    const appointment = await e2e.book({ advisor: advisorDesk, customer, startsInMinutes: 2 });
    const { page, errors } = await customerPage({ locale: 'it-IT' });
    await openPreJoin(page, e2e.joinLink(appointment));
    await page.click('#join-camera-off');
    await page.waitForSelector('#lobby', { state: 'visible' });
    const advisor = await joinNodeParticipant(await e2e.advisorAccess(advisorDesk, appointment));
    try {
      await advisor.publishVideo();
      const identity = await e2e.waitForLobby(advisorDesk, appointment);
      await e2e.admit(advisorDesk, appointment, identity);
      await page.waitForSelector('#call', { state: 'visible', timeout: 15_000 });
      const sources = () =>
        [...(advisor.room.remoteParticipants.get(identity)?.trackPublications.values() ?? [])].map(
          (publication) => publication.source,
        );
      await expect.poll(sources, { timeout: 10_000 }).toEqual([TrackSource.SOURCE_MICROPHONE]);
      expect(await page.isVisible('#local-video')).toBe(false);
      expect(await hasDecodedFrames(page, '#remote-video')).toBe(true);
      expect(errors).toEqual([]);
    } finally {
      await advisor.leave();
    }
  }, 60_000);
});

describe('a consultation from the waiting room to the survey', () => {
  let customer: Customer;
  let appointment: Appointment;
  let page: Page;
  let errors: string[];
  let advisor: NodeParticipant;
  let customerIdentity: string;

  it('joins into the waiting room, where the customer stays until the advisor admits them', async () => {
    customer = await e2e.addCustomer('it-IT', { firstName: 'Giulia', lastName: 'Bianchi' });
    appointment = await e2e.book({ advisor: desk, customer, startsInMinutes: 2 });
    ({ page, errors } = await customerPage({ locale: 'it-IT' }));
    await openPreJoin(page, e2e.joinLink(appointment));
    await page.click('#join');
    await page.waitForSelector('#lobby', { state: 'visible' });
    expect(await text(page, '#lobby-heading')).toBe('Sala d’attesa');
    expect(await text(page, '#lobby')).toContain('Il consulente la farà entrare tra poco');
    expect(await page.isHidden('#call')).toBe(true);

    // The advisor joins (from Node) with a camera picture, and sees the customer waiting.
    advisor = await joinNodeParticipant(await e2e.advisorAccess(desk, appointment));
    await advisor.publishVideo();
    customerIdentity = await e2e.waitForLobby(desk, appointment);
    expect(customerIdentity).toBe(`customer:${customer.id}`);
    // Still in the lobby a moment later: nothing of the customer reaches the advisor.
    await page.waitForTimeout(500);
    expect(await page.isVisible('#lobby')).toBe(true);
    expect(advisor.room.remoteParticipants.get(customerIdentity)?.trackPublications.size ?? 0).toBe(0);
    await page.screenshot({ path: `${SHOTS}consultation-lobby.png`, fullPage: true });
  }, 60_000);

  it('shows the call with the customer’s own video and the advisor’s picture once admitted', async () => {
    await e2e.admit(desk, appointment, customerIdentity);
    await page.waitForSelector('#call', { state: 'visible', timeout: 15_000 });
    expect(await page.isHidden('#lobby')).toBe(true);
    // Nobody shares a screen: its video takes no room.
    expect(await page.isVisible('video.screen')).toBe(false);
    expect(await hasDecodedFrames(page, '#local-video')).toBe(true);
    const remote = await decodedFrames(page, '#remote-video', 20_000);
    expect(remote?.totalVideoFrames).toBeGreaterThan(0);
    expect(remote).toMatchObject({ videoWidth: 320, videoHeight: 240 });
    // The customer now publishes camera and microphone to the advisor.
    await expect
      .poll(() => advisor.room.remoteParticipants.get(customerIdentity)?.trackPublications.size ?? 0, {
        timeout: 10_000,
      })
      .toBe(2);
    expect(await page.evaluate<string | undefined>('document.activeElement?.id')).toBe('toggle-mic');
    expect(await text(page, '#leave')).toBe('Esci');
  }, 60_000);

  it('mutes the microphone and turns the camera off and on again, and the advisor sees it', async () => {
    const published = (source: TrackSource) =>
      [...(advisor.room.remoteParticipants.get(customerIdentity)?.trackPublications.values() ?? [])].find(
        (p) => p.source === source,
      );
    expect(published(TrackSource.SOURCE_MICROPHONE)?.muted).toBe(false);
    await page.click('#toggle-mic');
    await expect.poll(() => page.getAttribute('#toggle-mic', 'aria-pressed')).toBe('true');
    expect(await text(page, '#toggle-mic')).toBe('Attiva microfono');
    await expect.poll(() => published(TrackSource.SOURCE_MICROPHONE)?.muted, { timeout: 5_000 }).toBe(true);

    await page.click('#toggle-camera');
    await expect.poll(() => text(page, '#toggle-camera')).toBe('Accendi fotocamera');
    await expect.poll(() => published(TrackSource.SOURCE_CAMERA)?.muted, { timeout: 5_000 }).toBe(true);
    await page.click('#toggle-camera');
    await page.click('#toggle-mic');
    await expect.poll(() => published(TrackSource.SOURCE_CAMERA)?.muted, { timeout: 5_000 }).toBe(false);
    await expect.poll(() => published(TrackSource.SOURCE_MICROPHONE)?.muted, { timeout: 5_000 }).toBe(false);
    expect(await page.getAttribute('#toggle-mic', 'aria-pressed')).toBe('false');
  }, 30_000);

  it('sends a chat message that appears in the chat and reaches the advisor, and shows the advisor’s reply', async () => {
    const message = 'Buongiorno, ho una domanda sulla bolletta';
    await page.fill('#chat-input', message);
    await page.press('#chat-input', 'Enter');
    await expect.poll(() => text(page, '#chat-log'), { timeout: 5_000 }).toContain(message);
    expect(await text(page, '#chat-log li:first-child .who')).toBe('Lei');
    expect(await text(page, '#chat-log li:first-child')).toBe(`Lei${message}`);
    expect(await page.inputValue('#chat-input')).toBe('');
    expect(await advisor.nextChat(message)).toEqual({ from: customerIdentity, text: message });

    await advisor.sendChat('Certo, mi dica pure');
    await expect.poll(() => page.locator('#chat-log li').count(), { timeout: 5_000 }).toBe(2);
    expect(await text(page, '#chat-log li:nth-child(2) .who')).toBe('Elena Galli');
    expect(await text(page, '#chat-log li:nth-child(2)')).toBe('Elena GalliCerto, mi dica pure');
    // The call with both pictures and the conversation so far.
    await page.screenshot({ path: `${SHOTS}consultation-call.png`, fullPage: true });
  }, 30_000);

  it('asks for a rating after the customer leaves, and stores the answers on the consultation', async () => {
    await page.click('#leave');
    await page.waitForSelector('#survey', { state: 'visible' });
    expect(await text(page, '#survey-heading')).toBe('Com’è andata?');
    expect(await page.$('#remote-video')).toBeNull();
    await page.screenshot({ path: `${SHOTS}consultation-survey.png`, fullPage: true });

    // The customer's departure ends the call (the webhook) and puts it on their journey.
    const entry = await waitFor(
      () => e2e.stores.interactions.fromSource('video', `consultation:${appointment.id}`),
      'the consultation’s journey entry',
    );
    expect(entry).toMatchObject({ customerId: customer.id, channel: 'video', outcome: 'resolved' });
    expect((await e2e.stores.appointments.appointment(appointment.id))?.status).toBe('completed');

    await page.click('input[name="nps"][value="9"] + span');
    await page.click('input[name="csat"][value="4"] + span');
    await page.fill('#survey-comment', 'Molto chiaro, grazie');
    await page.click('#survey button[type=submit]');
    await page.waitForSelector('#survey-thanks', { timeout: 15_000 });
    expect(await text(page, '#survey-thanks')).toContain('Grazie!');

    const answers = await e2e.stores.surveys.forInteraction(entry.id);
    expect(
      answers
        .map((a) => ({ metric: a.metric, score: a.score, comment: a.comment }))
        .sort((a, b) => a.metric.localeCompare(b.metric)),
    ).toEqual([
      { metric: 'csat', score: 4, comment: null },
      { metric: 'nps', score: 9, comment: 'Molto chiaro, grazie' },
    ]);
    expect(errors).toEqual([]);
    await advisor.leave();
  }, 60_000);
});

describe('links that cannot open the call', () => {
  let errorsDesk: AdvisorDesk;
  let open: Appointment;

  beforeAll(async () => {
    errorsDesk = await e2e.addAdvisor({ name: 'Luca Neri' });
    open = await e2e.book({
      advisor: errorsDesk,
      customer: await e2e.addCustomer('it-IT'),
      startsInMinutes: 1,
    });
  });

  it('says a tampered link is not valid (404), in both languages', async () => {
    const link = e2e.joinLink(open);
    const last = link.at(-1);
    const tampered = `${link.slice(0, -1)}${last === 'A' ? 'B' : 'A'}`;
    const { page } = await customerPage();
    const response = await page.goto(tampered);
    expect(response?.status()).toBe(404);
    expect(await page.getAttribute('body', 'data-state')).toBe('invalid');
    const body = await text(page, 'main');
    expect(body).toContain('Questo link non è valido');
    expect(body).toContain('This link is not valid');
    expect(await page.$('#join')).toBeNull();
    await page.screenshot({ path: `${SHOTS}consultation-invalid.png`, fullPage: true });
  });

  it('says an expired link has expired (410), in the customer’s language', async () => {
    const token = e2e.composed.links.sign({
      action: 'join',
      subject: open.id,
      expiresAt: new Date(Date.now() - 60_000),
    });
    const { page } = await customerPage();
    const response = await page.goto(`${e2e.base}/join/${token}`);
    expect(response?.status()).toBe(410);
    expect(await page.getAttribute('body', 'data-state')).toBe('expired');
    expect(await text(page, 'h1')).toBe('Questo link è scaduto');
  });

  it('says a cancelled consultation was cancelled, in the customer’s language', async () => {
    const cancelled = await e2e.book({
      advisor: errorsDesk,
      customer: await e2e.addCustomer('en-US'),
      startsInMinutes: 40,
    });
    await e2e.staffApi(errorsDesk, 'POST', `/api/appointments/${cancelled.id}/cancel`, {
      reason: 'the customer paid the bill',
    });
    const { page } = await customerPage();
    const response = await page.goto(e2e.joinLink(cancelled));
    expect(response?.status()).toBe(200);
    expect(await page.getAttribute('body', 'data-state')).toBe('cancelled');
    expect(await text(page, 'h1')).toBe('This consultation was cancelled');
    expect(await text(page, 'main')).toContain(romeTime(cancelled.startsAt, 'en').time);
    expect(await page.$('#join')).toBeNull();
  });

  it('says it is too early two hours before the start, and refreshes itself', async () => {
    const later = await e2e.book({
      advisor: errorsDesk,
      customer: await e2e.addCustomer('it-IT'),
      startsInMinutes: 120,
    });
    const { page } = await customerPage();
    const response = await page.goto(e2e.joinLink(later));
    expect(response?.status()).toBe(200);
    expect(await page.getAttribute('body', 'data-state')).toBe('too_early');
    expect(await text(page, 'h1')).toBe('È ancora presto');
    // The room opens 10 minutes before the start.
    const opensAt = romeTime(new Date(later.startsAt.getTime() - 10 * 60_000), 'it').time;
    expect(await text(page, 'main')).toContain(`Potrà collegarsi da`);
    expect(await text(page, 'main')).toContain(opensAt);
    expect(await page.getAttribute('meta[http-equiv="refresh"]', 'content')).toBe('60');
    expect(await page.$('#join')).toBeNull();
  });

  it('explains a refused camera and microphone, and does not let the customer join without either', async () => {
    const refusing = await launchChromium({ permissions: 'refused' });
    try {
      const page = await (await refusing.newContext({ viewport: { width: 1100, height: 900 } })).newPage();
      const response = await page.goto(e2e.joinLink(open));
      expect(response?.status()).toBe(200);
      const problem = await page.waitForSelector('#media-problem', { timeout: 15_000 });
      expect(await problem.getAttribute('data-problem')).toBe('refused');
      const explanation = await text(page, '#media-problem');
      expect(explanation).toContain('Il browser non ci permette di usare fotocamera e microfono');
      expect(explanation).toContain('consenta fotocamera e microfono');
      expect(await page.isDisabled('#join')).toBe(true);
      expect(await hasDecodedFrames(page, 'video.preview', 1_000)).toBe(false);
      await page.screenshot({ path: `${SHOTS}consultation-refused.png`, fullPage: true });
    } finally {
      await refusing.close();
    }
  });

  it('fits a phone’s screen without scrolling sideways, keeps text readable, and the join button is reachable with the keyboard', async () => {
    const { page } = await customerPage({ locale: 'it-IT', viewport: { width: 390, height: 844 } });
    await openPreJoin(page, e2e.joinLink(open));
    expect(await page.evaluate<number>('document.documentElement.scrollWidth')).toBeLessThanOrEqual(390);
    expect(await lowContrastText(page)).toEqual([]);
    let focused: string | undefined;
    for (let presses = 0; presses < 10 && focused !== 'join'; presses++) {
      await page.keyboard.press('Tab');
      focused = await page.evaluate<string | undefined>('document.activeElement?.id');
    }
    expect(focused).toBe('join');
    await page.screenshot({ path: `${SHOTS}consultation-phone.png`, fullPage: true });
  });
});

async function waitFor<T>(read: () => Promise<T | undefined>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await read();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
