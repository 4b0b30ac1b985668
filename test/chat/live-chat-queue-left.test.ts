import { describe, expect, it } from 'vitest';
import type { Stores } from '../../core/index.ts';
import { gasCustomer, staffUsers } from '../support/fixtures.ts';
import {
  chatInstancesForFile,
  signedIdentity,
  staffAgent,
  visitor,
  type ChatInstance,
} from '../support/chat.ts';

// Visitors leaving the queue by closing the page, on the real clock, no fake timers: heartbeats
// every second, a visitor connected nowhere for two seconds has left. Nobody takes chats while
// the visitors wait; each instance notes only its own visitors.

let a: ChatInstance;
let b: ChatInstance;
let stores: Stores;

chatInstancesForFile(
  { count: 2, config: { CHAT_HEARTBEAT_SECONDS: 1, CHAT_EMAIL_AFTER_SECONDS: 2 } },
  (instances) => {
    [a, b] = instances as [ChatInstance, ChatInstance];
    stores = a.stores;
  },
);

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function everyoneAway() {
  for (const user of await stores.staff.list()) await stores.chats.setAvailable(user.id, false, new Date());
}

/** A customer's chat on `instance`, queued for a person. */
async function queued(instance: ChatInstance) {
  const { customer } = await gasCustomer(stores);
  const chat = await visitor(instance.url, {
    identity: signedIdentity(customer.id, new Date(Date.now() + 600_000)),
  });
  await chat.next('bot', 0);
  chat.send({ type: 'message', text: 'posso parlare con un operatore x favore?' });
  const told = await chat.next('system', 1);
  expect(told.body).toContain('Ti passo a un consulente');
  return { chat, id: chat.ready.conversationId };
}

describe('a visitor who closes the page while waiting', () => {
  it('is counted as having left the queue once connected nowhere past the grace, and the chat goes to no advisor', async () => {
    await everyoneAway();
    const leaving = await queued(a);
    const staying = await queued(b);
    await leaving.chat.close();
    const closedAt = Date.now();

    // Within the grace the visitor may be reloading the page: still in the queue.
    await pause(1000);
    expect((await stores.chats.conversation(leaving.id))?.status).toBe('waiting');

    await expect
      .poll(async () => (await stores.chats.conversation(leaving.id))?.status, {
        timeout: 10_000,
        interval: 200,
      })
      .toBe('closed');
    expect(Date.now() - closedAt).toBeGreaterThanOrEqual(2000);
    const left = (await stores.chats.conversation(leaving.id))!;
    expect(left.outcome).toBe('left_waiting');
    // The contact is amended just after the chat closes.
    await expect
      .poll(async () => (await stores.interactions.interaction(left.humanContactId!))?.outcome)
      .toBe('abandoned');
    const human = await stores.interactions.interaction(left.humanContactId!);
    expect(human).toMatchObject({ outcome: 'abandoned', details: { abandonedWhileWaiting: true } });
    expect(human!.details.queueWaitMs).toBeGreaterThanOrEqual(2000);

    // The visitor still connected (to the other instance) keeps their place, now first, and is told.
    expect((await stores.chats.conversation(staying.id))?.status).toBe('waiting');
    await staying.chat.waitFor(
      () =>
        staying.chat.frames.find((f) => f.type === 'status' && f.status === 'waiting' && f.position === 1),
      'the new place in the queue',
    );

    const { advisor } = await staffUsers(stores);
    const agent = await staffAgent(a, advisor.username);
    const queue = await agent.get('/api/chat/queue').expect(200);
    const ids = (queue.body as { id: string }[]).map((c) => c.id);
    expect(ids).toContain(staying.id);
    expect(ids).not.toContain(leaving.id);
    await agent.post('/api/chat/availability').send({ available: true }).expect(200);
    expect((await stores.chats.conversation(leaving.id))?.advisorId).toBeNull();
    expect((await stores.chats.conversation(staying.id))?.advisorId).toBe(advisor.id);
    await staying.chat.close();
  }, 30_000);

  it('keeps the place of a visitor who reloads the page onto the other instance', async () => {
    await everyoneAway();
    const { chat, id } = await queued(a);
    const seen = chat.lastSeq();
    await chat.close();
    await pause(500);
    const again = await visitor(b.url, {
      identity: new URL(chat.socket.url).searchParams.get('identity')!,
      conversation: id,
      key: chat.ready.key!,
      after: String(seen),
    });
    expect(again.ready).toMatchObject({ conversationId: id, status: 'waiting' });
    // Well past the grace, with heartbeats on both instances: still waiting.
    await pause(3500);
    expect((await stores.chats.conversation(id))?.status).toBe('waiting');
    await again.close();
    await expect
      .poll(async () => (await stores.chats.conversation(id))?.outcome, { timeout: 10_000, interval: 200 })
      .toBe('left_waiting');
  }, 30_000);
});
