import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import type { StaffUser } from '../../core/index.ts';
import { launchChromium } from '../support/chromium.ts';
import { gasCustomer, staffPassword } from '../support/fixtures.ts';
import {
  signedIdentity,
  staffAgent,
  startChatInstances,
  visitor,
  type ChatInstance,
} from '../support/chat.ts';
import { sessionCookie } from '../support/chat-console.ts';

// Advisors going away, as the console shows it, on the real clock: heartbeats every second, away
// after three seconds unheard. Marta's console is open but its socket never reaches the server
// (a network that lets the page load and not the socket); Paolo's console works.

let run: Awaited<ReturnType<typeof startChatInstances>>;
let app: ChatInstance;
let origin: string;
let browser: Browser;

beforeAll(async () => {
  run = await startChatInstances({
    count: 1,
    config: { CHAT_HEARTBEAT_SECONDS: 1, CHAT_ADVISOR_AWAY_SECONDS: 3 },
  });
  app = run.instances[0]!;
  origin = app.url.replace('ws://', 'http://');
  browser = await launchChromium();
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await run?.close();
});

/** An advisor's console page, logged in; `cutOff`: its chat socket never reaches the server. */
async function consoleOf(advisor: StaffUser, cutOff = false) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'en-US' });
  const cookie = await sessionCookie(app, advisor.username);
  const at = cookie.indexOf('=');
  await context.addCookies([{ name: cookie.slice(0, at), value: cookie.slice(at + 1), url: origin }]);
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  if (cutOff) await page.routeWebSocket(/\/chat\/advisor-socket/, () => {});
  await page.goto(`${origin}/console`);
  return { context, page };
}

describe('the console of an advisor whose console went silent', () => {
  it('says they are away, and colleagues see them away and cannot hand them a chat', async () => {
    const advisor = (username: string, displayName: string) =>
      app.stores.staff.addUser({ username, displayName, role: 'advisor', password: staffPassword });
    const suffix = Date.now().toString(36);
    const marta = await advisor(`marta-${suffix}`, 'Marta Ferri');
    const paolo = await advisor(`paolo-${suffix}`, 'Paolo Gatti');
    for (const who of [marta, paolo])
      await (
        await staffAgent(app, who.username)
      )
        .post('/api/chat/availability')
        .send({ available: true })
        .expect(200);
    const paoloConsole = await consoleOf(paolo);
    await paoloConsole.page.locator('#taking-chats:checked').waitFor();
    // Four seconds of real time: Paolo's console beat four times, Marta's never reached us.
    await new Promise((resolve) => setTimeout(resolve, 4_000));

    const martaConsole = await consoleOf(marta, true);
    const note = martaConsole.page.locator('#inbox-away');
    await note.waitFor();
    expect(await note.textContent()).toContain('Away');
    // She still said she takes chats: the box stays ticked.
    expect(await martaConsole.page.locator('#taking-chats').isChecked()).toBe(true);
    expect(await paoloConsole.page.locator('#inbox-away').isHidden()).toBe(true);

    // A customer asks for a person: Paolo gets the chat; his hand-over list shows Marta away.
    const { customer } = await gasCustomer(app.stores);
    const chat = await visitor(app.url, {
      identity: signedIdentity(customer.id, new Date(Date.now() + 600_000)),
    });
    const welcome = await chat.next('bot', 0);
    chat.send({ type: 'message', text: 'vorrei parlare con una persona' });
    await chat.next('system', welcome.seq + 1);
    await chat.waitFor(
      () => chat.messages().find((m) => m.body === 'Paolo Gatti è entrato in chat.'),
      'Paolo joining',
    );
    await paoloConsole.page.locator('#my-chats').getByRole('button', { name: 'Open' }).click();
    const away = paoloConsole.page.getByRole('option', { name: 'Marta Ferri (away)' });
    await away.waitFor({ state: 'attached' });
    expect(await away.isDisabled()).toBe(true);
    expect((await app.stores.chats.conversation(chat.ready.conversationId))?.advisorId).toBe(paolo.id);

    await chat.close();
    await martaConsole.context.close();
    await paoloConsole.context.close();
  }, 120_000);
});
