import { describe, expect, it } from 'vitest';
import request from 'supertest';
import { createSmtpEmailSender } from '../../app/notify/smtp-email-sender.ts';
import { createOutboxDispatcher, type Stores } from '../../core/index.ts';
import { gasCustomer, staffUsers } from '../support/fixtures.ts';
import {
  chatInstancesForFile,
  refused,
  signedIdentity,
  staffAgent,
  visitor,
  type ChatInstance,
} from '../support/chat.ts';
import { advisorRefusal, advisorSocket, sessionCookie } from '../support/chat-console.ts';
import { startMailbox } from '../support/smtp.ts';

// The advisors' side on the real clock: the console's socket on instance B, the visitor on
// instance A, one PostgreSQL between them; what the console is told is checked against the rows.

let a: ChatInstance;
let b: ChatInstance;
let stores: Stores;

chatInstancesForFile(
  {
    count: 2,
    config: {
      CHAT_ADVISOR_LIMIT: 2,
      CHAT_HEARTBEAT_SECONDS: 1,
      CHAT_EMAIL_AFTER_SECONDS: 3,
      CHAT_CONNECTIONS_PER_IP: 40,
    },
  },
  (instances) => {
    [a, b] = instances as [ChatInstance, ChatInstance];
    stores = a.stores;
  },
);

async function everyoneAway() {
  for (const user of await stores.staff.list()) await stores.chats.setAvailable(user.id, false, new Date());
}

/** An identified customer's chat, handed to a new advisor who takes chats on instance B. */
async function chatWithAdvisor(customer?: { id: string }) {
  await everyoneAway();
  const owner = customer ?? (await gasCustomer(stores)).customer;
  const { advisor, admin, manager } = await staffUsers(stores);
  const agent = await staffAgent(b, advisor.username);
  const chat = await visitor(a.url, { identity: signedIdentity(owner.id, new Date(Date.now() + 600_000)) });
  await chat.next('bot', 0);
  chat.send({ type: 'message', text: 'voglio parlare con un operatore' });
  const queued = await chat.next('system', 1);
  await agent.post('/api/chat/availability').send({ available: true }).expect(200);
  const joined = await chat.next('system', queued.seq);
  return { customer: owner, advisor, admin, manager, agent, chat, id: chat.ready.conversationId, joined };
}

describe('the advisors’ socket', () => {
  it('carries the visitor’s messages, typing and reading to the console on the other instance, and the advisor’s reading back', async () => {
    const { advisor, chat, id, joined } = await chatWithAdvisor();
    const console = await advisorSocket(b, await sessionCookie(b, advisor.username));
    console.send({ type: 'watch', conversationId: id, after: 0 });
    // What the bot answered before the hand-off comes first, in order.
    await console.waitFor(() => console.messages(id).find((m) => m.seq === joined.seq), 'the transcript');
    expect(console.messages(id).map((m) => m.seq)).toEqual(
      Array.from({ length: joined.seq }, (_, i) => i + 1),
    );
    expect(console.messages(id)[0]).toMatchObject({ author: 'bot' });

    chat.send({ type: 'typing' });
    await console.waitFor(
      () => console.frames.find((f) => f.type === 'typing' && f.who === 'visitor' && f.conversationId === id),
      'visitor typing',
    );
    chat.send({ type: 'message', text: 'Ho ricevuto una bolletta di 494 euro, è normale?' });
    const line = await console.waitFor(
      () => console.messages(id).find((m) => m.author === 'visitor' && m.body.includes('494 euro')),
      'the visitor’s line',
    );

    console.send({ type: 'read', conversationId: id, seq: line.seq });
    await chat.waitFor(
      () => chat.frames.find((f) => f.type === 'read' && f.who === 'advisor' && f.seq === line.seq),
      'advisor read',
    );
    expect(await stores.chats.readState(id)).toMatchObject({ [advisor.id]: line.seq });

    const reply = await request(b.app)
      .post(`/api/chat/conversations/${id}/messages`)
      .set('cookie', await sessionCookie(b, advisor.username))
      .send({ text: 'Controllo subito: la bolletta copre due mesi di riscaldamento.' })
      .expect(201);
    expect(reply.body.emailed).toBe(false);
    await chat.next('advisor', line.seq);
    chat.send({ type: 'read', seq: reply.body.seq });
    await console.waitFor(
      () => console.frames.find((f) => f.type === 'read' && f.who === 'visitor' && f.seq === reply.body.seq),
      'visitor read',
    );
    expect((await stores.chats.readState(id)).visitor).toBe(reply.body.seq);

    // A console that reconnects watches again from the last message it has, and is told how far
    // the visitor has read.
    await console.close();
    const again = await advisorSocket(a, await sessionCookie(a, advisor.username));
    again.send({ type: 'watch', conversationId: id, after: line.seq });
    await again.waitFor(
      () => again.frames.find((f) => f.type === 'read' && f.who === 'visitor'),
      'read state',
    );
    expect(again.messages(id).map((m) => m.seq)).toEqual([reply.body.seq]);
    expect(again.frames.find((f) => f.type === 'read')).toMatchObject({ seq: reply.body.seq });
    await again.close();
    await chat.close();
  }, 60_000);

  it('is refused without a session, from another site’s page, and to a manager; bad frames get an error naming the field', async () => {
    const { advisor, manager } = await staffUsers(stores);
    const origin = b.url.replace('ws://', 'http://');
    expect(await advisorRefusal(b, { origin })).toMatchObject({
      status: 401,
      problem: { code: 'unauthenticated' },
    });
    expect(await advisorRefusal(b, { origin, cookie: 'cp_session=forged-token' })).toMatchObject({
      status: 401,
    });
    const cookie = await sessionCookie(b, advisor.username);
    expect(await advisorRefusal(b, { origin: 'https://evil.example.com', cookie })).toMatchObject({
      status: 403,
      problem: { code: 'forbidden' },
    });
    expect(
      await advisorRefusal(b, { origin, cookie: await sessionCookie(b, manager.username) }),
    ).toMatchObject({ status: 403 });

    const console = await advisorSocket(b, cookie);
    const errors = () => console.frames.filter((f) => f.type === 'error');
    console.socket.send('not json');
    console.send({ type: 'watch', conversationId: 'nope', after: 0 });
    console.send({ type: 'typing', conversationId: '6f1c1f8e-7c53-4f4e-9d43-2b1a0c6f9e11' });
    await console.waitFor(() => (errors().length >= 3 ? errors() : undefined), 'three errors');
    expect(errors().map((e) => e.code)).toEqual(['invalid_input', 'invalid_input', 'forbidden']);
    expect(errors()[1]?.message).toContain('conversationId');
    // Still open after them.
    console.send({ type: 'watch', conversationId: '6f1c1f8e-7c53-4f4e-9d43-2b1a0c6f9e11', after: 0 });
    await console.waitFor(() => (errors().length >= 4 ? errors() : undefined), 'not found');
    expect(errors()[3]?.code).toBe('not_found');
    console.socket.send(Buffer.from('{"type":"unwatch"}'), { binary: true });
    await console.waitFor(() => (errors().length >= 5 ? errors() : undefined), 'binary refused');
    expect(errors()[4]).toMatchObject({
      code: 'invalid_input',
      message: 'binary frames are not accepted: send each advisor frame as JSON text',
    });
    await console.close();
  }, 30_000);
});

describe('handing a chat to a colleague', () => {
  it('moves the chat to an available colleague within their limit, tells the visitor, and notes it on the contact', async () => {
    const { advisor, agent, chat, id, joined } = await chatWithAdvisor();
    const { advisor: colleague } = await staffUsers(stores);
    const away = await staffUsers(stores);
    const colleagueAgent = await staffAgent(a, colleague.username);
    await colleagueAgent.post('/api/chat/availability').send({ available: true }).expect(200);
    await stores.chats.setAvailable(away.advisor.id, false, new Date());

    const team = (await agent.get('/api/chat/advisors').expect(200)).body as {
      advisorId: string;
      open: number;
    }[];
    expect(team.find((t) => t.advisorId === advisor.id)?.open).toBe(1);

    await agent.post(`/api/chat/conversations/${id}/transfer`).send({ advisorId: 'someone' }).expect(400);
    await agent.post(`/api/chat/conversations/${id}/transfer`).send({}).expect(400);
    await agent
      .post(`/api/chat/conversations/${id}/transfer`)
      .send({ advisorId: away.advisor.id })
      .expect(409);
    await agent
      .post(`/api/chat/conversations/${id}/transfer`)
      .send({ advisorId: away.manager.id })
      .expect(400);
    await colleagueAgent
      .post(`/api/chat/conversations/${id}/transfer`)
      .send({ advisorId: advisor.id })
      .expect(403);

    const moved = await agent
      .post(`/api/chat/conversations/${id}/transfer`)
      .send({ advisorId: colleague.id })
      .expect(200);
    expect(moved.body).toEqual({ id, advisorId: colleague.id });
    const row = await stores.chats.conversation(id);
    expect(row).toMatchObject({ status: 'assigned', advisorId: colleague.id });
    const told = await chat.next('system', joined.seq);
    expect(told.body).toBe('Ti passo a advisor, che continua la chat con te.');
    const human = await stores.interactions.interaction(row!.humanContactId!);
    expect(human?.details).toMatchObject({ advisorStaffId: colleague.id, transferredFrom: advisor.id });
    // The first advisor may no longer write in it; the colleague may.
    await agent.post(`/api/chat/conversations/${id}/messages`).send({ text: 'ancora io' }).expect(403);
    await colleagueAgent.post(`/api/chat/conversations/${id}/messages`).send({ text: 'Eccomi.' }).expect(201);
    await chat.close();
  }, 60_000);
});

describe('canned replies', () => {
  it('lists a set per language, lets administrators edit it, and refuses advisors’ edits and malformed ones', async () => {
    const { advisor, admin } = await staffUsers(stores);
    const agent = await staffAgent(b, advisor.username);
    const boss = await staffAgent(b, admin.username);
    const italian = (await agent.get('/api/chat/canned-replies?locale=it-IT').expect(200)).body as {
      id: string;
      locale: string;
      title: string;
    }[];
    expect(italian.length).toBeGreaterThanOrEqual(5);
    expect(new Set(italian.map((r) => r.locale))).toEqual(new Set(['it-IT']));
    await agent.get('/api/chat/canned-replies?locale=fr-FR').expect(400);

    const written = {
      locale: 'en-US',
      title: 'Meter reading',
      body: 'Please send us a photo of your meter.',
    };
    await agent.post('/api/chat/canned-replies').send(written).expect(403);
    await boss
      .post('/api/chat/canned-replies')
      .send({ ...written, title: '' })
      .expect(400);
    await boss.post('/api/chat/canned-replies').send({ locale: 'en-US' }).expect(400);
    const added = await boss.post('/api/chat/canned-replies').send(written).expect(201);
    expect(await stores.chatConsole.cannedReplies('en-US')).toContainEqual(
      expect.objectContaining({ id: added.body.id, title: 'Meter reading' }),
    );
    await boss
      .put(`/api/chat/canned-replies/${added.body.id}`)
      .send({ ...written, body: 'Please send us a photo of your gas meter.' })
      .expect(200);
    expect((await stores.chatConsole.cannedReplies('en-US')).find((r) => r.id === added.body.id)?.body).toBe(
      'Please send us a photo of your gas meter.',
    );
    await boss.put('/api/chat/canned-replies/not-an-id').send(written).expect(400);
    await boss.delete(`/api/chat/canned-replies/${added.body.id}`).expect(204);
    await boss.delete(`/api/chat/canned-replies/${added.body.id}`).expect(404);
  });
});

describe('replying after the visitor has left', () => {
  it('sends the reply by e-mail through SMTP once the visitor has been gone past the grace period, and its link opens the conversation again', async () => {
    const mailbox = await startMailbox();
    try {
      const { customer, admin, agent, chat, id } = await chatWithAdvisor();
      await chat.close();
      // Within the grace period the visitor may only be reloading the page: no e-mail.
      const soon = await agent
        .post(`/api/chat/conversations/${id}/messages`)
        .send({ text: 'È ancora lì?' })
        .expect(201);
      expect(soon.body.emailed).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 3600));
      const late = await agent
        .post(`/api/chat/conversations/${id}/messages`)
        .send({ text: 'Ho verificato: il consumo è stimato, le conviene inviarci l’autolettura.' })
        .expect(201);
      expect(late.body.emailed).toBe(true);
      const queued = (await stores.outbox.recent({ limit: 20, customerId: customer.id })).filter(
        (m) => m.kind === 'chat_reply',
      );
      expect(queued).toHaveLength(1);
      expect(queued[0]).toMatchObject({
        medium: 'email',
        recipient: 'giulia.rossi@example.it',
        status: 'pending',
      });
      // Staff see the message with its resume link masked, like a bill's or a payment's link.
      const live = /\/chat\/continue\/(\S+)/.exec(queued[0]!.body)![1]!;
      const boss = await staffAgent(b, admin.username);
      const listed = await boss.get(`/api/outbox?customerId=${customer.id}`).expect(200);
      const shown = (listed.body as { kind: string; body: string }[]).find((m) => m.kind === 'chat_reply');
      expect(shown!.body).toContain('/chat/continue/••••••');
      expect(JSON.stringify(listed.body)).not.toContain(live);
      const outboxPage = await boss.get('/outbox').expect(200);
      expect(outboxPage.text).toContain('/chat/continue/••••••');
      expect(outboxPage.text).not.toContain(live);

      const dispatcher = createOutboxDispatcher({
        outbox: stores.outbox,
        senders: [createSmtpEmailSender({ url: mailbox.url, from: 'Assistenza <chat@example.it>' })],
        clock: { now: () => new Date() },
      });
      expect(await dispatcher.runOnce()).toBeGreaterThanOrEqual(1);
      const mail = mailbox.raw.find((m) => m.includes('Risposta alla tua chat'));
      expect(mail).toBeDefined();
      const unfolded = mail!.replace(/=\r?\n/g, '').replace(/=3D/g, '=');
      expect(unfolded).toContain('autolettura');
      const token = /\/chat\/continue\/([A-Za-z0-9._~-]+)/.exec(unfolded)?.[1];
      expect(token).toBeDefined();
      expect(
        (await stores.outbox.recent({ limit: 20, customerId: customer.id })).find(
          (m) => m.kind === 'chat_reply',
        )?.status,
      ).toBe('sent');

      const page = await request(a.app).get(`/chat/continue/${token}`).expect(200);
      expect(page.text).toContain(`data-resume="${token}"`);
      await request(a.app).get(`/chat/continue/${token}x`).expect(404);
      const expired = a.links.sign({
        action: 'resume_chat',
        subject: id,
        expiresAt: new Date(Date.now() - 1000),
      });
      expect((await request(a.app).get(`/chat/continue/${expired}`).expect(410)).text).toContain('scaduto');
      expect(await refused(a.url, { resume: expired })).toMatchObject({ status: 401 });
      // A link of another kind for the same conversation does not open it.
      const other = a.links.sign({ action: 'chat', subject: id, expiresAt: new Date(Date.now() + 60_000) });
      expect(await refused(a.url, { resume: other })).toMatchObject({ status: 401 });
      const back = await visitor(a.url, { resume: token!, after: '0' });
      expect(back.ready.conversationId).toBe(id);
      await back.waitFor(() => back.messages().find((m) => m.seq === late.body.seq), 'the reply');
      back.send({ type: 'message', text: 'Grazie, la mando stasera.' });
      await back.next('visitor', late.body.seq);
      expect((await stores.chats.messages(id, late.body.seq, 10)).map((m) => m.body)).toEqual([
        'Grazie, la mando stasera.',
      ]);
      // The visitor is back: the next reply stays in the chat.
      const present = await agent
        .post(`/api/chat/conversations/${id}/messages`)
        .send({ text: 'Perfetto.' })
        .expect(201);
      expect(present.body.emailed).toBe(false);
      await back.close();
      expect(await refused(a.url, { resume: `${token}x` })).toMatchObject({ status: 401 });
    } finally {
      await mailbox.close();
    }
  }, 60_000);

  it('sends nothing to a customer who gave no e-mail address', async () => {
    const { customer } = await gasCustomer(stores, { email: null });
    const { agent, chat, id } = await chatWithAdvisor(customer);
    await chat.close();
    await new Promise((resolve) => setTimeout(resolve, 3600));
    const reply = await agent
      .post(`/api/chat/conversations/${id}/messages`)
      .send({ text: 'Mi scriva pure.' })
      .expect(201);
    expect(reply.body.emailed).toBe(false);
    expect(
      (await stores.outbox.recent({ limit: 20, customerId: customer.id })).filter(
        (m) => m.kind === 'chat_reply',
      ),
    ).toEqual([]);
  }, 30_000);
});
