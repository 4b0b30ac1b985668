import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { StaffUser, Stores } from '../../core/index.ts';
import { gasCustomer, staffUsers } from '../support/fixtures.ts';
import { advisorSocket, sessionCookie } from '../support/chat-console.ts';
import {
  chatInstancesForFile,
  refused,
  signedIdentity,
  staffAgent,
  visitor,
  type ChatInstance,
  type Visitor,
} from '../support/chat.ts';

// Advisors behind the bot, on the real clock: two instances on one database, the visitor on one
// and the advisor on the other, every message crossing through PostgreSQL's notifications.

let a: ChatInstance;
let b: ChatInstance;
let stores: Stores;

chatInstancesForFile(
  {
    count: 2,
    config: {
      CHAT_ADVISOR_LIMIT: 2,
      CHAT_MESSAGES_PER_MINUTE: 6,
      CHAT_MESSAGE_MAX_CHARS: 500,
      CHAT_CONNECTIONS_PER_IP: 12,
      CHAT_HEARTBEAT_SECONDS: 1,
    },
  },
  (instances) => {
    [a, b] = instances as [ChatInstance, ChatInstance];
    stores = a.stores;
  },
);

/** A visitor who asks for a person in their own words, and the queue message they get. */
async function askForPerson(chat: Visitor, words = 'vorrei parlare con una persona') {
  await chat.next('bot', 0);
  chat.send({ type: 'message', text: words });
  return chat.next('system', 1);
}

const advisors = async (count: number) => {
  const made: StaffUser[] = [];
  for (let i = 0; i < count; i++) made.push((await staffUsers(stores)).advisor);
  return made;
};

/** Nobody takes chats any more (each test starts with an empty room). */
async function everyoneAway() {
  for (const user of await stores.staff.list()) await stores.chats.setAvailable(user.id, false, new Date());
}

describe('hand-off to an advisor on another instance', () => {
  it('queues the visitor, assigns the available advisor, carries replies and typing both ways, and closes with the outcome logged', async () => {
    await everyoneAway();
    const { customer } = await gasCustomer(stores);
    const [advisor] = await advisors(1);
    const agent = await staffAgent(b, advisor!.username);
    const chat = await visitor(a.url, {
      identity: signedIdentity(customer.id, new Date(Date.now() + 600_000)),
    });
    const queued = await askForPerson(chat);
    // No chat has been handled on this database yet: the wait cannot be estimated, and it says so.
    expect(queued.body).toBe(
      'Ti passo a un consulente: sei il prossimo in coda. Non sappiamo ancora stimare l’attesa.',
    );
    const id = chat.ready.conversationId;
    const inQueue = (await agent.get('/api/chat/queue').expect(200)).body as {
      id: string;
      position: number;
    }[];
    expect(inQueue.find((q) => q.id === id)?.position).toBe(1);

    const became = await agent.post('/api/chat/availability').send({ available: true }).expect(200);
    expect(became.body).toEqual({ available: true, assigned: 1 });
    const joined = await chat.next('system', queued.seq);
    expect(joined.body).toBe('advisor è entrato in chat.');
    await chat.waitFor(
      () => chat.frames.find((f) => f.type === 'status' && f.status === 'assigned'),
      'assigned',
    );

    await agent.post(`/api/chat/conversations/${id}/typing`).send({}).expect(204);
    await chat.waitFor(() => chat.frames.find((f) => f.type === 'typing' && f.who === 'advisor'), 'typing');
    const reply = await agent
      .post(`/api/chat/conversations/${id}/messages`)
      .send({ text: 'Buongiorno, sono Giulia. Come posso aiutarla?' })
      .expect(201);
    const heard = await chat.next('advisor', joined.seq);
    expect(heard).toMatchObject({
      seq: reply.body.seq,
      body: 'Buongiorno, sono Giulia. Come posso aiutarla?',
    });

    chat.send({ type: 'message', text: 'La bolletta di marzo è <b>doppia</b> rispetto a febbraio' });
    await chat.next('visitor', heard.seq);
    const seen = (await agent.get(`/api/chat/conversations/${id}/messages?after=${heard.seq}`).expect(200))
      .body as { author: string; body: string }[];
    expect(seen).toEqual([
      expect.objectContaining({
        author: 'visitor',
        body: 'La bolletta di marzo è <b>doppia</b> rispetto a febbraio',
      }),
    ]);

    const closed = await agent
      .post(`/api/chat/conversations/${id}/close`)
      .send({ outcome: 'resolved' })
      .expect(200);
    expect(closed.body).toMatchObject({ status: 'closed', outcome: 'resolved' });
    await chat.waitFor(() => chat.frames.find((f) => f.type === 'status' && f.status === 'closed'), 'closed');

    const contacts = await stores.interactions.forCustomer(customer.id, { limit: 10 });
    const bot = contacts.find((c) => c.details.part === 'bot');
    const human = contacts.find((c) => c.details.part === 'advisor');
    expect(bot).toMatchObject({ channel: 'live_chat', outcome: 'handed_off' });
    expect(human).toMatchObject({
      channel: 'live_chat',
      outcome: 'resolved',
      handoffFromId: bot?.id,
      journeyId: bot?.journeyId,
      details: { advisorStaffId: advisor!.id },
    });
    const { queueWaitMs, handleMs } = human!.details as { queueWaitMs: number; handleMs: number };
    expect(queueWaitMs).toBeGreaterThanOrEqual(0);
    expect(queueWaitMs).toBeLessThan(30_000);
    expect(handleMs).toBeGreaterThan(0);
    await agent.post('/api/chat/availability').send({ available: false }).expect(200);
    await chat.close();
  });

  it('gives waiting chats to the least loaded advisors within their limit, and refuses a claim beyond it', async () => {
    await everyoneAway();
    const [first, second] = await advisors(2);
    const one = await staffAgent(a, first!.username);
    const two = await staffAgent(b, second!.username);
    await one.post('/api/chat/availability').send({ available: true }).expect(200);
    const chats: Visitor[] = [];
    for (let i = 0; i < 4; i++) {
      const chat = await visitor(i % 2 ? a.url : b.url, { locale: 'en-US' });
      await askForPerson(chat, 'I want to talk to a human');
      chats.push(chat);
    }
    // The only available advisor took two (the limit); two wait.
    expect(await stores.chats.assignedTo(first!.id)).toHaveLength(2);
    const waiting = (await two.get('/api/chat/queue').expect(200)).body as { id: string; position: number }[];
    const ours = waiting.filter((w) => chats.some((c) => c.ready.conversationId === w.id));
    expect(ours.map((w) => w.position)).toEqual([1, 2]);
    const refusedClaim = await one.post(`/api/chat/conversations/${ours[0]!.id}/claim`).send({}).expect(409);
    expect(refusedClaim.body.detail ?? refusedClaim.body.title).toContain('2 chats open');

    const claimed = await two.post(`/api/chat/conversations/${ours[0]!.id}/claim`).send({}).expect(200);
    expect(claimed.body).toMatchObject({ status: 'assigned', advisorId: second!.id });
    await two.post(`/api/chat/conversations/${ours[0]!.id}/claim`).send({}).expect(409);
    await two.post('/api/chat/availability').send({ available: true }).expect(200);
    expect(await stores.chats.assignedTo(second!.id)).toHaveLength(2);
    for (const chat of chats) await chat.close();
  });

  it('logs a visitor who leaves while waiting as abandoned in the queue, and a chat the bot finished as contained', async () => {
    await everyoneAway();
    const { customer: waiting } = await gasCustomer(stores);
    const identity = signedIdentity(waiting.id, new Date(Date.now() + 600_000));
    const left = await visitor(a.url, { identity });
    await askForPerson(left);
    left.send({ type: 'end' });
    await left.waitFor(() => left.frames.find((f) => f.type === 'status' && f.status === 'closed'), 'closed');
    const { customer: contained } = await gasCustomer(stores);
    const done = await visitor(b.url, {
      identity: signedIdentity(contained.id, new Date(Date.now() + 600_000)),
    });
    await done.next('bot', 0);
    done.send({ type: 'end' });
    await done.waitFor(() => done.frames.find((f) => f.type === 'status' && f.status === 'closed'), 'closed');

    const [human] = (await stores.interactions.forCustomer(waiting.id, { limit: 5 })).filter(
      (c) => c.details.part === 'advisor',
    );
    expect(human).toMatchObject({ outcome: 'abandoned', details: { abandonedWhileWaiting: true } });
    const [bot] = await stores.interactions.forCustomer(contained.id, { limit: 5 });
    expect(bot).toMatchObject({ channel: 'live_chat', outcome: 'resolved', details: { contained: true } });
    await left.close();
    await done.close();
  });
});

describe('limits and malformed input', () => {
  it('refuses a message over the size limit and a seventh in a minute, saying why, and stores neither', async () => {
    const chat = await visitor(a.url, { locale: 'en-US' });
    await chat.next('bot', 0);
    chat.send({ type: 'message', text: 'x'.repeat(501) });
    const tooLong = await chat.waitFor(() => chat.frames.find((f) => f.type === 'error'), 'an error');
    expect(tooLong).toMatchObject({
      code: 'invalid_input',
      message: 'text is 501 characters long; a message may have at most 500',
    });
    for (let i = 0; i < 7; i++) chat.send({ type: 'message', text: `message ${i}` });
    const limited = await chat.waitFor(
      () => chat.frames.find((f) => f.type === 'error' && f.code === 'rate_limited'),
      'the rate limit',
    );
    expect(limited.message).toBe('at most 6 messages a minute; please wait a moment before writing again');
    const stored = await stores.chats.messages(chat.ready.conversationId, 0, 100);
    expect(stored.filter((m) => m.author === 'visitor').map((m) => m.body)).toEqual(
      Array.from({ length: 6 }, (_, i) => `message ${i}`),
    );
    await chat.close();
  });

  it('counts an emoji as one character, and closes a connection that sends a frame too large, serving on', async () => {
    // 500 emoji (the limit here), sent as JSON escapes: two \uXXXX each, 12 bytes a character.
    const chat = await visitor(a.url, { locale: 'it-IT' });
    await chat.next('bot', 0);
    const hearts = '😍'.repeat(500);
    chat.socket.send(
      JSON.stringify({ type: 'message', text: hearts }).replace(
        /[\ud800-\udfff]/g,
        (u) => `\\u${u.charCodeAt(0).toString(16)}`,
      ),
    );
    const stored = async () =>
      (await stores.chats.messages(chat.ready.conversationId, 0, 100)).filter((m) => m.author === 'visitor');
    for (let i = 0; i < 100 && (await stored()).length === 0; i++)
      await new Promise((r) => setTimeout(r, 50));
    expect((await stored()).map((m) => m.body)).toEqual([hearts]);
    expect(chat.frames.filter((f) => f.type === 'error')).toEqual([]);

    // A frame of 20 KB, from a visitor and from an advisor: each connection closed (1009), the
    // instance alive and serving the next chat.
    const closed = (socket: WebSocket) =>
      new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    const visitorClosed = closed(chat.socket);
    chat.socket.send(JSON.stringify({ type: 'message', text: 'a'.repeat(20_000) }));
    expect(await visitorClosed).toBe(1009);
    const [advisor] = await advisors(1);
    const console = await advisorSocket(a, await sessionCookie(a, advisor!.username));
    const advisorClosed = closed(console.socket);
    console.send({ type: 'typing', conversationId: 'x'.repeat(20_000) });
    expect(await advisorClosed).toBe(1009);
    const next = await visitor(a.url, { locale: 'en-US' });
    expect(await next.next('bot', 0)).toBeDefined();
    await next.close();
  });

  it('answers malformed frames with an error naming what is wrong, and keeps the connection', async () => {
    const chat = await visitor(b.url);
    await chat.next('bot', 0);
    chat.socket.send('not json');
    chat.send({ type: 'shout', text: 'hi' });
    chat.send({ type: 'quick', value: 'intent:DropTable;' });
    chat.send({ type: 'message', text: 42 });
    chat.send({ type: 'read', seq: -1 });
    chat.socket.send(Buffer.from(JSON.stringify({ type: 'message', text: 'ciao' })), { binary: true });
    await chat.waitFor(
      () => (chat.frames.filter((f) => f.type === 'error').length >= 6 ? true : undefined),
      'errors',
    );
    const errors = chat.frames.filter((f) => f.type === 'error');
    expect(errors.every((e) => e.code === 'invalid_input')).toBe(true);
    expect(errors[0]?.message).toBe('a chat frame must be JSON');
    expect(errors[1]?.message).toContain('type');
    expect(errors[5]?.message).toBe('binary frames are not accepted: send each chat frame as JSON text');
    // Nothing refused was stored: the visitor's messages are none.
    expect(chat.messages().filter((m) => m.author === 'visitor')).toEqual([]);
    expect(chat.socket.readyState).toBe(WebSocket.OPEN);
    await chat.close();
  });

  it('refuses malformed connection addresses with 400 and routes’ malformed input with 4xx', async () => {
    const addresses: Record<string, string>[] = [
      { locale: 'fr-FR' },
      { page: 'Bill Page!' },
      { conversation: 'nope', key: 'k' },
      { after: '-1' },
    ];
    for (const query of addresses) {
      expect((await refused(a.url, query)).status).toBe(400);
    }
    const [advisor] = await advisors(1);
    const agent = await staffAgent(a, advisor!.username);
    await agent.post('/api/chat/conversations/not-a-uuid/claim').expect(400);
    await agent.post('/api/chat/availability').send({ available: 'yes' }).expect(400);
    await agent
      .post('/api/chat/conversations/7d0e6b9c-1f0a-4c1e-9d55-2b8f4f1d0a11/messages')
      .send({ text: 'hello' })
      .expect(404);
    const chat = await visitor(a.url);
    const id = chat.ready.conversationId;
    await agent.post(`/api/chat/conversations/${id}/messages`).send({ text: 'hello' }).expect(403);
    await agent.post(`/api/chat/conversations/${id}/close`).send({ outcome: 'great' }).expect(400);
    await agent.get(`/api/chat/conversations/${id}/messages?after=-1`).expect(400);
    await agent.post('/api/chat/personal-links').send({ customerId: 'someone' }).expect(400);
    // Claim and typing take no body, but like every request that changes state they are sent as
    // JSON (`{}`), which another site's form cannot send; the refusal says so.
    for (const path of ['claim', 'typing']) {
      const bare = await agent.post(`/api/chat/conversations/${id}/${path}`).expect(400);
      expect(bare.body.hint).toBe('send the JSON body {} when there is nothing to say');
    }
    await agent.post(`/api/chat/conversations/${id}/claim`).send({}).expect(409);
    await agent.post(`/api/chat/conversations/${id}/typing`).send({}).expect(404);
    const described = (await agent.get('/api/openapi.json').expect(200)).body.paths[
      '/api/chat/conversations/{id}/claim'
    ].post;
    expect(described.requestBody).toMatchObject({ required: true });
    expect(Object.keys(described.requestBody.content)).toEqual(['application/json']);
    await chat.close();
  });

  it('refuses connections beyond the limit from one address, and closes one that stops answering heartbeats', async () => {
    const open: Visitor[] = [];
    for (let i = 0; i < 12; i++) open.push(await visitor(a.url));
    const over = await refused(a.url, {});
    expect(over.status).toBe(429);
    expect(over.problem.title).toBe('at most 12 chat connections from one address; close another chat first');
    for (const chat of open) await chat.close();

    const openedAt = Date.now();
    const silent = new WebSocket(`${b.url}/chat/socket`, { autoPong: false });
    const closedAt = await new Promise<number>((resolve) => silent.once('close', () => resolve(Date.now())));
    const healthy = await visitor(b.url);
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    expect(healthy.socket.readyState).toBe(WebSocket.OPEN);
    // Pinged after one second, found silent at the next beat.
    expect(closedAt - openedAt).toBeGreaterThanOrEqual(1_000);
    expect(closedAt - openedAt).toBeLessThan(5_000);
    await healthy.close();
  });
});
