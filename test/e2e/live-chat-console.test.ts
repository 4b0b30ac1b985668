import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { StaffUser } from '../../core/index.ts';
import { launchChromium } from '../support/chromium.ts';
import { hasDecodedFrames } from '../support/consultation-e2e.ts';
import { gasCustomer, officeHoursAdvisor, staffPassword } from '../support/fixtures.ts';
import { signedIdentity, startChatInstances, type ChatInstance } from '../support/chat.ts';
import { sessionCookie } from '../support/chat-console.ts';
import { LIVEKIT_INSTALL_TIMEOUT_MS, startLivekitServer, type LivekitServer } from '../support/livekit.ts';

// The advisor's side in the browser, on the real clock: a customer on the organisation's site
// talks to instance A; the advisor works in the console of instance B; one PostgreSQL between
// them. The advisor claims the chat, sees what the bot answered and the customer's context,
// answers with a canned reply while each side sees the other typing and reading, then switches
// to video: a consultation with this advisor, joined through a real livekit-server.

const SHOTS = new URL('./screenshots/', import.meta.url).pathname;
let front: Server;
let frontUrl: string;
let livekit: LivekitServer;
let run: Awaited<ReturnType<typeof startChatInstances>>;
let a: ChatInstance;
let b: ChatInstance;
let site: Server;
let siteUrl: string;
let browser: Browser;
let customerId: string;
let advisor: StaffUser;

beforeAll(async () => {
  // The public address (links in messages, LiveKit's webhooks) is instance A behind it; it must
  // listen before livekit-server starts, which names it in its config.
  const forward: { to?: RequestListener } = {};
  front = createServer((req, res) => (forward.to ? forward.to(req, res) : res.writeHead(503).end()));
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  frontUrl = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
  livekit = await startLivekitServer({ webhookUrl: `${frontUrl}/api/video/webhooks` });
  run = await startChatInstances({
    count: 2,
    config: { PUBLIC_URL: frontUrl, CHAT_HEARTBEAT_SECONDS: 5 },
    video: { url: livekit.wsUrl, apiKey: livekit.apiKey, apiSecret: livekit.apiSecret },
  });
  [a, b] = run.instances as [ChatInstance, ChatInstance];
  forward.to = a.app as unknown as RequestListener;

  const { customer } = await gasCustomer(a.stores);
  customerId = customer.id;
  advisor = await a.stores.staff.addUser({
    username: `chiara-${Date.now().toString(36)}`,
    displayName: 'Chiara Galli',
    role: 'advisor',
    password: staffPassword,
  });
  await officeHoursAdvisor(a.stores, { name: 'Chiara Galli', staffUserId: advisor.id });
  const identity = signedIdentity(customer.id, new Date(Date.now() + 3_600_000));
  const appOrigin = a.url.replace('ws://', 'http://');
  const page = `<!doctype html><html lang="it"><head><title>Area clienti</title></head>
<body><h1>Le tue bollette</h1>
<script src="${appOrigin}/assets/chatwidget.js" data-locale="it-IT" data-page="bill_page" data-identity="${identity}" async></script>
</body></html>`;
  site = createServer((_req, res) => {
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end(page);
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}/bollette`;
  browser = await launchChromium();
}, LIVEKIT_INSTALL_TIMEOUT_MS);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => site?.close(resolve));
  await run?.close();
  await livekit?.stop();
  front?.closeAllConnections();
  await new Promise((resolve) => front?.close(resolve));
});

describe('the chat inbox in the advisor console', () => {
  it('claims a chat, answers with a canned reply with typing and read state both ways, and switches to a video call of the same journey', async () => {
    const problems: string[] = [];
    // The customer, on the organisation's site, asks the bot, then for a person.
    const customerContext = await browser.newContext({
      viewport: { width: 390, height: 844 },
      locale: 'it-IT',
    });
    const customerPage = await customerContext.newPage();
    customerPage.setDefaultTimeout(20_000);
    customerPage.on('pageerror', (e) => problems.push(`customer: ${e.message}`));
    await customerPage.goto(siteUrl);
    await customerPage.getByRole('button', { name: 'Chatta con noi' }).click();
    const dialog = customerPage.getByRole('dialog', { name: 'Assistenza clienti' });
    const widgetLog = dialog.getByRole('log', { name: 'Messaggi della chat' });
    await dialog.getByRole('button', { name: 'Quanto devo pagare?' }).click();
    await widgetLog.getByText('devi pagare', { exact: false }).waitFor();
    await customerPage
      .getByRole('textbox', { name: 'Il tuo messaggio' })
      .fill('vorrei parlare con una persona');
    await customerPage.keyboard.press('Enter');
    await widgetLog.getByText('sei il prossimo in coda', { exact: false }).waitFor();

    // The advisor, in the console of the other instance, sees the chat waiting and claims it.
    const advisorContext = await browser.newContext({
      viewport: { width: 1280, height: 1000 },
      locale: 'en-US',
    });
    const bHttp = b.url.replace('ws://', 'http://');
    const cookie = await sessionCookie(b, advisor.username);
    const at = cookie.indexOf('=');
    await advisorContext.addCookies([{ name: cookie.slice(0, at), value: cookie.slice(at + 1), url: bHttp }]);
    const consolePage = await advisorContext.newPage();
    consolePage.setDefaultTimeout(20_000);
    consolePage.on('pageerror', (e) => problems.push(`console: ${e.message}`));
    // Until the call: livekit-client then logs its data channels closing when the room ends.
    let inCall = false;
    consolePage.on(
      'console',
      (m) => m.type() === 'error' && !inCall && problems.push(`console: ${m.text()}`),
    );
    await consolePage.goto(`${bHttp}/console`);
    const [waiting] = await b.stores.chats.waiting();
    const id = waiting!.conversation.id;
    const row = consolePage.locator(`#chat-queue tr[data-chat="${id}"]`);
    await row.waitFor();
    expect(await row.locator('td').first().textContent()).toBe('1');
    await row.getByRole('button', { name: 'Claim' }).click();
    await consolePage.locator('#inbox-log').waitFor();
    expect(await b.stores.chats.conversation(id)).toMatchObject({
      status: 'assigned',
      advisorId: advisor.id,
    });
    await widgetLog.getByText('Chiara Galli è entrato in chat.').waitFor();

    // What the bot answered, and the customer's context beside the chat.
    const botPart = consolePage.getByRole('list', { name: 'What the bot answered' });
    await botPart.getByText('In tutto devi pagare', { exact: false }).waitFor();
    await consolePage
      .locator('#inbox-customer-context')
      .getByText('Giulia Rossi', { exact: false })
      .waitFor();

    // Typing, both ways.
    await consolePage.locator('#inbox-reply').fill('Un attimo');
    await dialog.getByText('Il consulente sta scrivendo…').waitFor();
    // Typed as a person types: the widget says so at most every 3 seconds.
    await customerPage
      .getByRole('textbox', { name: 'Il tuo messaggio' })
      .pressSequentially('La bolletta di gennaio', { delay: 250 });
    await consolePage.getByText('The customer is typing…').waitFor();
    await customerPage.getByRole('textbox', { name: 'Il tuo messaggio' }).fill('');

    // A canned reply, edited and sent; the widget is open, so the customer reads it.
    await consolePage.locator('#canned-reply').selectOption({ label: 'Saluto' });
    expect(await consolePage.locator('#inbox-reply').inputValue()).toContain(
      'Buongiorno, sono qui per aiutarla',
    );
    await consolePage.getByRole('button', { name: 'Send' }).click();
    await widgetLog.getByText('Buongiorno, sono qui per aiutarla', { exact: false }).waitFor();
    await consolePage.locator('#inbox-log li.advisor .read-mark').waitFor();
    const greeting = (await b.stores.chats.messages(id, 0, 100)).find((m) => m.author === 'advisor')!;
    expect((await b.stores.chats.readState(id)).visitor).toBeGreaterThanOrEqual(greeting.seq);

    // The customer writes; the console shows it and the customer sees it was read.
    await customerPage
      .getByRole('textbox', { name: 'Il tuo messaggio' })
      .fill('Ho una domanda sui consumi di gennaio');
    await customerPage.keyboard.press('Enter');
    await consolePage.locator('#inbox-log').getByText('Ho una domanda sui consumi di gennaio').waitFor();
    await dialog.locator('li.visitor .read-mark').getByText('Letto').waitFor();
    const question = (await b.stores.chats.messages(id, 0, 100)).findLast((m) => m.author === 'visitor')!;
    expect((await b.stores.chats.readState(id))[advisor.id]).toBeGreaterThanOrEqual(question.seq);
    await consolePage.screenshot({ path: `${SHOTS}console-chat-inbox.png`, fullPage: true });

    expect(problems).toEqual([]);

    // Switch to video: a consultation now, with this advisor, in the chat's journey.
    inCall = true;
    await consolePage.locator('#switch-to-video').click();
    const link = dialog.getByRole('link', { name: /\/join\// });
    await link.waitFor();
    const [appointment] = await b.stores.advisors.upcomingAppointments(
      customerId,
      new Date(Date.now() - 60_000),
    );
    const chatRow = await b.stores.chats.conversation(id);
    const human = await b.stores.interactions.interaction(chatRow!.humanContactId!);
    expect(appointment).toMatchObject({
      status: 'booked',
      bookedVia: 'live_chat',
      journeyId: human!.journeyId,
    });
    // The consultation's customer panel opens beside the chat's: each keeps its own element ids.
    await consolePage.locator('#customer-context #balance').waitFor();
    await consolePage.locator('#inbox-customer-context #inbox-balance').waitFor();
    const ids = await consolePage.locator('[id]').evaluateAll((found) => found.map((e) => e.id));
    expect(ids.filter((value, i) => ids.indexOf(value) !== i)).toEqual([]);
    expect(
      await consolePage.getByRole('region', { name: 'Giulia Rossi' }).count(),
      'both panels are named by their own heading',
    ).toBe(2);
    await consolePage.locator('#join-call:not([disabled])').click();
    expect(await hasDecodedFrames(consolePage, '#local-video')).toBe(true);

    const [callPage] = await Promise.all([customerContext.waitForEvent('page'), link.click()]);
    callPage.setDefaultTimeout(20_000);
    callPage.on('pageerror', (e) => problems.push(`call: ${e.message}`));
    await callPage.waitForSelector('#join:not([disabled])');
    await callPage.click('#join');
    await callPage.waitForSelector('#lobby:not([hidden])');
    await consolePage.click('#admit');
    await callPage.waitForSelector('#call:not([hidden])');
    expect(await hasDecodedFrames(callPage, '#remote-video')).toBe(true);
    expect(await hasDecodedFrames(consolePage, '#remote-video')).toBe(true);
    await expect
      .poll(async () => (await b.stores.appointments.appointment(appointment!.id))?.status, {
        timeout: 20_000,
      })
      .toBe('in_progress');
    await consolePage.screenshot({ path: `${SHOTS}console-chat-to-video.png`, fullPage: true });

    // The customer leaves the call; the consultation joins the chat's journey.
    await callPage.click('#leave');
    await expect
      .poll(async () => (await b.stores.appointments.appointment(appointment!.id))?.status, {
        timeout: 30_000,
      })
      .toBe('completed');
    await expect
      .poll(
        async () =>
          (await b.stores.interactions.fromSource('video', `consultation:${appointment!.id}`))?.journeyId,
        {
          timeout: 30_000,
        },
      )
      .toBe(human!.journeyId);

    // The chat is closed with its outcome.
    await consolePage.locator('#close-outcome').selectOption('resolved');
    await consolePage.locator('#close-chat').click();
    await dialog.getByRole('status').getByText('La chat è chiusa.').waitFor();
    expect(await b.stores.chats.conversation(id)).toMatchObject({ status: 'closed', outcome: 'resolved' });
    expect(problems).toEqual([]);
    await advisorContext.close();
    await customerContext.close();
  }, 180_000);
});
