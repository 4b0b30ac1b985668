import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/chromium.ts';
import { staffUsers } from '../support/fixtures.ts';
import { dualFuelTurin, HOUSEHOLD_NOW } from '../support/households.ts';
import { signedIdentity, staffAgent, startChatInstances, type ChatInstance } from '../support/chat.ts';

// A customer on the organisation's own site (another origin) with the widget's one script tag,
// talking to instance A; the advisor works through instance B; one PostgreSQL between them.

const SHOTS = new URL('./screenshots/', import.meta.url).pathname;
let run: Awaited<ReturnType<typeof startChatInstances>>;
let a: ChatInstance;
let b: ChatInstance;
let site: Server;
let siteUrl: string;
let browser: Browser;

beforeAll(async () => {
  run = await startChatInstances({ count: 2, clock: { now: () => HOUSEHOLD_NOW } });
  [a, b] = run.instances as [ChatInstance, ChatInstance];
  const turin = await dualFuelTurin(a.stores);
  const identity = signedIdentity(turin.customer.id, new Date(HOUSEHOLD_NOW.getTime() + 3_600_000));
  const appOrigin = a.url.replace('ws://', 'http://');
  // The organisation's page: its own styles, which must not reach the widget.
  const page = `<!doctype html><html lang="it"><head><title>Le tue bollette</title>
<style>button { background: red !important; font-size: 40px; } li { display: none; }</style></head>
<body><h1>Area clienti</h1><p>La tua bolletta di aprile.</p>
<script src="${appOrigin}/assets/chatwidget.js" data-locale="it-IT" data-page="bill_page" data-identity="${identity}" async></script>
</body></html>`;
  site = createServer((_req, res) => {
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.end(page);
  });
  await new Promise<void>((resolve) => site.listen(0, '127.0.0.1', resolve));
  siteUrl = `http://127.0.0.1:${(site.address() as AddressInfo).port}/bollette`;
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => site?.close(resolve));
  await run?.close();
});

describe('the chat widget on the organisation’s site', () => {
  it('lets a customer ask the bot, reach an advisor on another instance, reload without losing the chat, and end it', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'it-IT' });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const problems: string[] = [];
    page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(siteUrl);
    const launcher = page.getByRole('button', { name: 'Chatta con noi' });
    await launcher.focus();
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog', { name: 'Assistenza clienti' });
    await expect.poll(() => dialog.isVisible()).toBe(true);
    const log = dialog.getByRole('log', { name: 'Messaggi della chat' });
    await log.getByText('Ciao', { exact: false }).first().waitFor();
    // The page's own styles did not reach the widget's buttons.
    const owed = dialog.getByRole('button', { name: 'Quanto devo pagare?' });
    const styled = (el: unknown) =>
      (
        globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }
      ).getComputedStyle(el).backgroundColor;
    expect(await owed.evaluate(styled)).not.toBe('rgb(255, 0, 0)');
    await owed.click();
    await log.getByText('In tutto devi pagare 494,23 euro', { exact: false }).waitFor();

    await page.getByRole('textbox', { name: 'Il tuo messaggio' }).fill('vorrei parlare con una persona');
    await page.keyboard.press('Enter');
    await log.getByText('sei il prossimo in coda', { exact: false }).waitFor();
    await dialog.getByRole('status').getByText('Sei il prossimo in coda.').waitFor();

    const { advisor } = await staffUsers(b.stores);
    const agent = await staffAgent(b, advisor.username);
    await agent.post('/api/chat/availability').send({ available: true }).expect(200);
    await log.getByText('advisor è entrato in chat.').waitFor();
    const [chat] = (await agent.get('/api/chat/mine').expect(200)).body as {
      id: string;
      touchpoint: string;
    }[];
    expect(chat?.touchpoint).toBe('bill_page');
    await agent.post(`/api/chat/conversations/${chat!.id}/typing`).send({}).expect(204);
    await dialog.getByText('Il consulente sta scrivendo…').waitFor();
    const sneaky = 'Guardi qui <img src=x onerror="document.title=\'preso\'"> e mi dica';
    await agent.post(`/api/chat/conversations/${chat!.id}/messages`).send({ text: sneaky }).expect(201);
    await log.getByText(sneaky).waitFor();
    expect(await page.title()).toBe('Le tue bollette');
    expect(await dialog.locator('img').count()).toBe(0);
    await page.screenshot({ path: `${SHOTS}live-chat-widget.png` });

    const before = await log.getByRole('listitem').count();
    await page.reload();
    await log.getByText(sneaky).waitFor();
    await expect.poll(() => log.getByRole('listitem').count()).toBe(before);
    await page.getByRole('textbox', { name: 'Il tuo messaggio' }).fill('Grazie, ora è chiaro');
    await page.keyboard.press('Enter');
    await expect
      .poll(async () =>
        (
          (await agent.get(`/api/chat/conversations/${chat!.id}/messages`).expect(200)).body as {
            body: string;
          }[]
        )
          .map((m) => m.body)
          .includes('Grazie, ora è chiaro'),
      )
      .toBe(true);

    await dialog.getByRole('button', { name: 'Termina la chat' }).click();
    await dialog.getByRole('status').getByText('La chat è chiusa.').waitFor();
    const closed = (await b.stores.chats.conversation(chat!.id))!;
    expect(closed.status).toBe('closed');
    // The CSAT question, answered with the keyboard; the answer is on the advisor's part of the chat.
    const survey = dialog.getByRole('group', { name: 'Quanto sei soddisfatto di questa chat?' });
    await survey.getByRole('button', { name: '4 su 5' }).focus();
    await page.keyboard.press('Enter');
    await dialog.getByRole('status').getByText('Grazie per la tua risposta.').waitFor();
    expect(await survey.isVisible()).toBe(false);
    expect(await b.stores.surveys.forInteraction(closed.humanContactId!)).toMatchObject([
      { metric: 'csat', score: 4 },
    ]);
    // The transcript, to the address on file.
    await dialog.getByRole('button', { name: 'Mandami la conversazione per e-mail' }).click();
    await dialog.getByRole('status').getByText('Conversazione inviata a', { exact: false }).waitFor();
    const sent = await b.stores.outbox.recent({ limit: 20, customerId: closed.customerId! });
    expect(sent.filter((m) => m.kind === 'chat_transcript')).toHaveLength(1);
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.isVisible()).toBe(false);
    expect(await launcher.evaluate((el) => el.matches(':focus'))).toBe(true);
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);
});
