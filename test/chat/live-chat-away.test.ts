import { describe, expect, it, vi } from 'vitest';
import type { Stores } from '../../core/index.ts';
import { gasCustomer, staffPassword } from '../support/fixtures.ts';
import {
  chatInstancesForFile,
  signedIdentity,
  staffAgent,
  visitor,
  type ChatInstance,
} from '../support/chat.ts';
import { advisorSocket, sessionCookie } from '../support/chat-console.ts';

// Advisors going away on the real clock, no fake timers: heartbeats every second, away after
// three seconds unheard. Marta keeps her console open on instance B; Paolo only ticked "taking
// chats" and has no console open. The visitor is on instance A.

let a: ChatInstance;
let b: ChatInstance;
let stores: Stores;

chatInstancesForFile(
  {
    count: 2,
    config: { CHAT_HEARTBEAT_SECONDS: 1, CHAT_ADVISOR_AWAY_SECONDS: 3, CHAT_ADVISOR_LIMIT: 3 },
  },
  (instances) => {
    [a, b] = instances as [ChatInstance, ChatInstance];
    stores = a.stores;
  },
);

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('an advisor whose console goes silent', () => {
  it('is away after the expiry while a colleague whose console beats gets the chat, and back once their console is heard', async () => {
    const advisor = (username: string, displayName: string) =>
      stores.staff.addUser({ username, displayName, role: 'advisor', password: staffPassword });
    const marta = await advisor(`marta-${Date.now().toString(36)}`, 'Marta Ferri');
    const paolo = await advisor(`paolo-${Date.now().toString(36)}`, 'Paolo Gatti');
    const martaAgent = await staffAgent(b, marta.username);
    const paoloAgent = await staffAgent(b, paolo.username);
    const martaConsole = await advisorSocket(b, await sessionCookie(b, marta.username));
    await martaAgent.post('/api/chat/availability').send({ available: true }).expect(200);
    await paoloAgent.post('/api/chat/availability').send({ available: true }).expect(200);
    const team = async () =>
      (await martaAgent.get('/api/chat/advisors').expect(200)).body as {
        advisorId: string;
        available: boolean;
        away: boolean;
      }[];
    const state = async (id: string) => (await team()).find((t) => t.advisorId === id);
    expect(await state(paolo.id)).toMatchObject({ available: true, away: false });

    // Four seconds of real time: Marta's console answered four pings, Paolo said nothing.
    await pause(4_000);
    expect(await state(marta.id)).toMatchObject({ available: true, away: false });
    expect(await state(paolo.id)).toMatchObject({ available: false, away: true });

    // Two customers ask for a person: both chats go to Marta, though Paolo has none.
    const chats = [];
    for (const words of ['vorrei parlare con una persona', 'posso parlare con un operatore?']) {
      const { customer } = await gasCustomer(stores);
      const chat = await visitor(a.url, {
        identity: signedIdentity(customer.id, new Date(Date.now() + 600_000)),
      });
      const welcome = await chat.next('bot', 0);
      chat.send({ type: 'message', text: words });
      await chat.next('system', welcome.seq + 1);
      chats.push(chat);
    }
    for (const chat of chats) {
      await chat.waitFor(
        () => chat.messages().find((m) => m.body === 'Marta Ferri è entrato in chat.'),
        'Marta joining',
      );
      expect((await stores.chats.conversation(chat.ready.conversationId))?.advisorId).toBe(marta.id);
    }
    // A hand-over to someone away is refused, saying why.
    const refused = await martaAgent
      .post(`/api/chat/conversations/${chats[0]!.ready.conversationId}/transfer`)
      .send({ advisorId: paolo.id })
      .expect(409);
    expect(refused.body.detail).toContain('Paolo Gatti is away');

    // Paolo opens his console: heard as it opens, he counts again.
    const paoloConsole = await advisorSocket(b, await sessionCookie(b, paolo.username));
    await vi.waitFor(
      async () => expect(await state(paolo.id)).toMatchObject({ available: true, away: false }),
      {
        timeout: 2_000,
        interval: 100,
      },
    );
    await martaAgent
      .post(`/api/chat/conversations/${chats[0]!.ready.conversationId}/transfer`)
      .send({ advisorId: paolo.id })
      .expect(200);

    // Marta's console closes: four seconds later she is away, Paolo (still beating) is not.
    await martaConsole.close();
    await pause(4_000);
    expect(await state(marta.id)).toMatchObject({ available: false, away: true });
    expect(await state(paolo.id)).toMatchObject({ available: true, away: false });

    await paoloConsole.close();
    for (const chat of chats) await chat.close();
  });
});
