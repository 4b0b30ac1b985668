import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSmtpEmailSender } from '../../app/notify/smtp-email-sender.ts';
import { type StaffUser, type Stores } from '../../core/index.ts';
import { italianPublicHolidays } from '../../core/services.ts';
import { gasCustomer, staffUsers } from '../support/fixtures.ts';
import { dualFuelEnglish } from '../support/households.ts';
import { startMailbox } from '../support/smtp.ts';
import {
  signedIdentity,
  staffAgent,
  startChatInstances,
  visitor,
  type ChatInstance,
  type Visitor,
} from '../support/chat.ts';

// The customer's side of the chat on the real clock: hours (closed all of today in Rome, by the
// operator's closed day), the wait told while queued, the CSAT question at the end and the
// transcript by e-mail, delivered to a real SMTP server and read back as a mail client would.

let mailbox: Awaited<ReturnType<typeof startMailbox>>;
let closedRun: Awaited<ReturnType<typeof startChatInstances>>;
let openRun: Awaited<ReturnType<typeof startChatInstances>>;
let shut: ChatInstance;
let a: ChatInstance;
let b: ChatInstance;
let stores: Stores;
const todayInRome = () => DateTime.now().setZone('Europe/Rome').toISODate()!;
const inAnHour = () => new Date(Date.now() + 3_600_000);

beforeAll(async () => {
  mailbox = await startMailbox();
  const senders = [
    createSmtpEmailSender({
      url: mailbox.url,
      from: 'Assistenza <assistenza@example.it>',
    }),
  ];
  closedRun = await startChatInstances({
    count: 1,
    senders,
    config: {
      CHAT_HOURS: [1, 2, 3, 4, 5, 6, 7].map((weekday) => ({ weekday, start: '00:00', end: '24:00' })),
      CHAT_CLOSED_DAYS: [todayInRome()],
    },
  });
  shut = closedRun.instances[0]!;
  openRun = await startChatInstances({ count: 2, senders, config: { CHAT_ADVISOR_LIMIT: 1 } });
  [a, b] = openRun.instances as [ChatInstance, ChatInstance];
  stores = a.stores;
}, 180_000);

afterAll(async () => {
  await closedRun?.close();
  await openRun?.close();
  await mailbox?.close();
});

/** Every frame of a type the visitor got so far. */
const framesOf = (chat: Visitor, type: string) => chat.frames.filter((f) => f.type === type);
const lastStatus = (chat: Visitor) => framesOf(chat, 'status').at(-1) as Record<string, unknown> | undefined;
const errorFrame = (chat: Visitor, after: number) =>
  chat.waitFor(() => chat.frames.slice(after).find((f) => f.type === 'error'), 'error frame');

async function askForPerson(chat: Visitor, words = 'vorrei parlare con una persona') {
  const welcome = await chat.next('bot', 0);
  chat.send({ type: 'message', text: words });
  return chat.next('system', welcome.seq);
}

async function deliverAll(instance: ChatInstance) {
  while ((await instance.dispatcher.runOnce()) > 0);
}

describe('outside business hours (closed all of today by the operator)', () => {
  it('tells the visitor when the advisors are back, in the widget’s status', async () => {
    const chat = await visitor(shut.url, { locale: 'it-IT' });
    const status = await chat.waitFor(() => lastStatus(chat), 'status frame');
    // Every day is open all day but today: the next opening is the next day at midnight in
    // Rome that is not a public holiday.
    let next = DateTime.now().setZone('Europe/Rome').startOf('day').plus({ days: 1 });
    const holidays = (year: number) => italianPublicHolidays(year).map((h) => h.day);
    while (holidays(next.year).includes(next.toISODate()!)) next = next.plus({ days: 1 });
    expect(status).toMatchObject({ status: 'bot', advisors: 'closed', opensAt: next.toUTC().toISO() });
    await chat.close();
  });

  it('offers an identified customer a callback instead of the queue, and the call centre’s queue has it with their words', async () => {
    const { customer } = await gasCustomer(shut.stores);
    const chat = await visitor(shut.url, { identity: signedIdentity(customer.id, inAnHour()) });
    const offer = await askForPerson(
      chat,
      'ho una domanda sul conguaglio del gas, vorrei parlare con una persona',
    );
    expect(offer.body).toMatch(
      /^I consulenti della chat ora non sono disponibili: torniamo \S+ \d+ \S+ alle 00:00\./,
    );
    expect(offer.quickReplies).toEqual([
      { label: 'Richiamatemi', value: 'offline:callback' },
      { label: 'Continuiamo per e-mail', value: 'offline:email' },
    ]);
    const id = chat.ready.conversationId;
    expect((await shut.stores.chats.conversation(id))?.status).toBe('bot');

    chat.send({ type: 'quick', value: 'offline:callback' });
    const pressed = await chat.next('visitor', offer.seq);
    expect(pressed.body).toBe('Richiamatemi');
    const done = await chat.next('system', pressed.seq);
    expect(done.body).toContain('che finisce con 4567');
    await chat.waitFor(() => framesOf(chat, 'status').find((f) => f.status === 'closed'), 'closed status');

    const conversation = (await shut.stores.chats.conversation(id))!;
    expect(conversation).toMatchObject({
      status: 'closed',
      outcome: 'offline_callback',
      humanContactId: null,
    });
    const requests = (await shut.stores.callbacks.open({ limit: 100 })).filter(
      (r) => r.customerId === customer.id,
    );
    expect(requests).toHaveLength(1);
    expect(requests[0]).toMatchObject({
      channel: 'live_chat',
      interactionId: conversation.botContactId,
      context: { conversationId: id },
    });
    expect(requests[0]!.summary).toContain('conguaglio del gas');
    const contact = await shut.stores.interactions.interaction(conversation.botContactId);
    expect(contact).toMatchObject({
      outcome: 'handed_off',
      details: { offline: 'callback', callbackId: requests[0]!.id },
    });
    await chat.close();
  });

  it('carries on by e-mail: the conversation reaches the address on file and the inbox contact joins the chat’s journey', async () => {
    const { customer } = await gasCustomer(shut.stores);
    const chat = await visitor(shut.url, { identity: signedIdentity(customer.id, inAnHour()) });
    const offer = await askForPerson(chat, 'la bolletta di marzo è troppo alta, posso parlare con qualcuno?');
    chat.send({ type: 'quick', value: 'offline:email' });
    const done = await chat.next('system', offer.seq + 1);
    expect(done.body).toContain('g•••@example.it');
    await chat.waitFor(() => framesOf(chat, 'status').find((f) => f.status === 'closed'), 'closed status');
    const conversation = (await shut.stores.chats.conversation(chat.ready.conversationId))!;
    expect(conversation.outcome).toBe('offline_email');
    const bot = (await shut.stores.interactions.interaction(conversation.botContactId))!;
    const email = (await shut.stores.interactions.interaction(bot.details.emailContactId as string))!;
    expect(email).toMatchObject({
      channel: 'email',
      touchpoint: 'inbox',
      customerId: customer.id,
      journeyId: bot.journeyId,
      details: { conversationId: conversation.id, fromChat: true },
    });
    await deliverAll(shut);
    const mail = mailbox.mails.find((m) => m.text?.includes('la bolletta di marzo è troppo alta'));
    expect(mail?.to).toMatchObject({ text: 'giulia.rossi@example.it' });
    expect(mail?.subject).toBe('La tua conversazione in chat');
    await chat.close();
  });

  it('asks no CSAT question of a chat handed on to a callback or to e-mail, and stores no answer sent anyway', async () => {
    for (const [value, words] of [
      ['offline:callback', 'mi richiamate per favore? vorrei parlare con un operatore'],
      ['offline:email', 'il conguaglio non mi torna, posso scrivere a qualcuno?'],
    ] as const) {
      const { customer } = await gasCustomer(shut.stores);
      const chat = await visitor(shut.url, { identity: signedIdentity(customer.id, inAnHour()) });
      await askForPerson(chat, words);
      chat.send({ type: 'quick', value });
      const closed = await chat.waitFor(
        () => framesOf(chat, 'status').find((f) => f.status === 'closed'),
        'closed status',
      );
      expect(closed.survey, value).toBe(false);
      const before = chat.frames.length;
      chat.send({ type: 'csat', score: 5 });
      expect(await errorFrame(chat, before), value).toMatchObject({ code: 'conflict' });
      const conversation = (await shut.stores.chats.conversation(chat.ready.conversationId))!;
      expect(conversation.outcome).toBe(value.replace(':', '_'));
      expect(await shut.stores.surveys.forInteraction(conversation.botContactId), value).toEqual([]);
      await chat.close();
    }
  });

  it('offers an anonymous visitor nothing to leave an address for, and refuses the buttons’ values sent by hand', async () => {
    const chat = await visitor(shut.url, { locale: 'en-US' });
    const offer = await askForPerson(chat, 'can I talk to someone please');
    expect(offer.body).toContain('we need to know who you are');
    expect(offer.quickReplies).toEqual([]);
    const before = chat.frames.length;
    chat.send({ type: 'quick', value: 'offline:email' });
    expect(await errorFrame(chat, before)).toMatchObject({ code: 'forbidden' });
    const again = chat.frames.length;
    chat.send({ type: 'quick', value: 'offline:fax' });
    expect(await errorFrame(chat, again)).toMatchObject({ code: 'invalid_input' });
    expect((await shut.stores.chats.conversation(chat.ready.conversationId))?.status).toBe('bot');
    await chat.close();
  });
});

/** A chat `advisor` took at `assignedAt`, still open. */
async function openChat(advisor: StaffUser, assignedAt = new Date()) {
  const id = crypto.randomUUID();
  await stores.chats.start({
    id,
    customerId: null,
    identity: 'anonymous',
    visitorKeyHash: 'x',
    locale: 'it-IT',
    touchpoint: 'widget',
    botContactId: crypto.randomUUID(),
    at: new Date(assignedAt.getTime() - 120_000),
  });
  await stores.chats.queue(id, crypto.randomUUID(), new Date(assignedAt.getTime() - 60_000));
  await stores.chats.claim(id, advisor.id, 10, assignedAt);
  return id;
}

/** A chat handled by `advisor` that closed `ago` minutes ago after `handle` minutes. */
async function handledChat(advisor: StaffUser, handle: number, ago: number) {
  const closedAt = new Date(Date.now() - ago * 60_000);
  await stores.chats.close(
    await openChat(advisor, new Date(closedAt.getTime() - handle * 60_000)),
    'resolved',
    closedAt,
  );
}

describe('while queued', () => {
  it('tells each waiting visitor their place and an estimate from recent handle times, and updates both as the queue moves', async () => {
    const { advisor } = await staffUsers(stores);
    // Handle times of 4, 6, 8, 10 and 12 minutes today: 8 on average. A chat handled nine days
    // ago is outside the look-back and does not count.
    for (const [handle, ago] of [
      [4, 50],
      [6, 40],
      [8, 30],
      [10, 20],
      [12, 10],
      [60, 9 * 24 * 60],
    ] as const)
      await handledChat(advisor, handle, ago);
    // The one advisor taking chats is busy with one (the limit is one).
    await openChat(advisor);
    await stores.chats.setAvailable(advisor.id, true, new Date());

    const first = await visitor(a.url, { locale: 'it-IT' });
    const queued = await askForPerson(first);
    // 8 minutes a chat, one place: first in line, about 8 minutes; second, 16.
    expect(queued.body).toBe(
      'Ti passo a un consulente: sei il prossimo in coda. Attesa stimata: circa 8 minuti.',
    );
    const second = await visitor(b.url, { locale: 'en-US' });
    await askForPerson(second, 'I would like to speak to an advisor');
    await second.waitFor(
      () => (lastStatus(second)?.position === 2 ? lastStatus(second) : undefined),
      'second place',
    );
    expect(lastStatus(second)).toMatchObject({ status: 'waiting', position: 2, minutes: 16 });

    first.send({ type: 'end' });
    const moved = await second.waitFor(
      () => (lastStatus(second)?.position === 1 ? lastStatus(second) : undefined),
      'first place after the queue moved',
    );
    expect(moved).toMatchObject({ status: 'waiting', position: 1, minutes: 8 });
    await stores.chats.setAvailable(advisor.id, false, new Date());
    second.send({ type: 'end' });
    await first.close();
    await second.close();
  });
});

describe('when the chat closes', () => {
  it('asks the CSAT question and stores the one answer on the human part’s contact, of the identified customer', async () => {
    const { customer } = await gasCustomer(stores);
    const { advisor } = await staffUsers(stores);
    const chat = await visitor(a.url, { identity: signedIdentity(customer.id, inAnHour()) });
    await askForPerson(chat);
    const agent = await staffAgent(b, advisor.username);
    const id = chat.ready.conversationId;
    let before = chat.frames.length;
    chat.send({ type: 'csat', score: 5 });
    expect(await errorFrame(chat, before)).toMatchObject({ code: 'conflict' });
    await agent.post(`/api/chat/conversations/${id}/claim`).send({}).expect(200);
    await agent.post(`/api/chat/conversations/${id}/close`).send({ outcome: 'resolved' }).expect(200);
    await chat.waitFor(
      () => framesOf(chat, 'status').find((f) => f.status === 'closed' && f.survey === true),
      'the question',
    );

    for (const bad of [{ score: 0 }, { score: 6 }, { score: 2.5 }, { score: '4' }, {}]) {
      before = chat.frames.length;
      chat.send({ type: 'csat', ...bad });
      expect(await errorFrame(chat, before)).toMatchObject({ code: 'invalid_input' });
    }
    chat.send({ type: 'csat', score: 4 });
    await chat.waitFor(() => framesOf(chat, 'csat')[0], 'csat acknowledgement');
    before = chat.frames.length;
    chat.send({ type: 'csat', score: 1 });
    expect(await errorFrame(chat, before)).toMatchObject({ code: 'conflict' });

    const conversation = (await stores.chats.conversation(id))!;
    const answers = await stores.surveys.forInteraction(conversation.humanContactId!);
    expect(answers).toHaveLength(1);
    expect(answers[0]).toMatchObject({ metric: 'csat', score: 4 });
    const contact = await stores.interactions.interaction(conversation.humanContactId!);
    expect(contact?.customerId).toBe(customer.id);
    await chat.close();
  });

  it('asks an anonymous visitor whose chat the bot contained too, and ties the answer to the bot’s contact', async () => {
    const chat = await visitor(b.url, { locale: 'en-US' });
    await chat.next('bot', 0);
    chat.send({ type: 'end' });
    await chat.waitFor(
      () => framesOf(chat, 'status').find((f) => f.status === 'closed' && f.survey === true),
      'the question',
    );
    chat.send({ type: 'csat', score: 2 });
    await chat.waitFor(() => framesOf(chat, 'csat')[0], 'csat acknowledgement');
    const conversation = (await stores.chats.conversation(chat.ready.conversationId))!;
    expect(await stores.surveys.forInteraction(conversation.botContactId)).toMatchObject([
      { metric: 'csat', score: 2 },
    ]);
    await chat.close();
  });
});

describe('the transcript by e-mail', () => {
  it('goes to the identified customer’s address on file, escaped, through a real SMTP server, in their language', async () => {
    const household = await dualFuelEnglish(stores);
    const chat = await visitor(a.url, {
      locale: 'en-US',
      identity: signedIdentity(household.customer.id, inAnHour()),
    });
    expect(chat.ready.transcript).toBe(true);
    const welcome = await chat.next('bot', 0);
    const odd = 'My meter says <script>alert("x")</script> & 1,042 kWh?';
    chat.send({ type: 'message', text: odd });
    await chat.next('bot', welcome.seq + 1);
    chat.send({ type: 'transcript' });
    const sent = await chat.waitFor(() => framesOf(chat, 'transcript')[0], 'transcript frame');
    const address = household.customer.email!;
    expect(sent).toMatchObject({ to: `m•••${address.slice(address.indexOf('@'))}`, queued: true });

    const queued = (await stores.outbox.recent({ limit: 20, customerId: household.customer.id })).filter(
      (m) => m.kind === 'chat_transcript',
    );
    expect(queued).toHaveLength(1);
    expect(queued[0]).toMatchObject({
      medium: 'email',
      recipient: address,
      subject: 'Your chat conversation',
    });
    expect(queued[0]!.html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; 1,042 kWh?');
    expect(queued[0]!.html).not.toContain('<script>');
    await deliverAll(a);
    const mail = mailbox.mails.find((m) => m.text?.includes(odd));
    expect(mail?.to).toMatchObject({ text: address });
    expect(mail?.text).toContain('Virtual assistant:');
    await chat.close();
  });

  it('is never sent for an anonymous visitor nor to a customer with no e-mail address on file', async () => {
    const anonymous = await visitor(b.url, { locale: 'it-IT' });
    expect(anonymous.ready.transcript).toBe(false);
    await anonymous.next('bot', 0);
    let before = anonymous.frames.length;
    anonymous.send({ type: 'transcript' });
    expect(await errorFrame(anonymous, before)).toMatchObject({ code: 'forbidden' });
    await anonymous.close();

    const { customer } = await gasCustomer(stores, { email: null });
    const known = await visitor(b.url, { identity: signedIdentity(customer.id, inAnHour()) });
    await known.next('bot', 0);
    before = known.frames.length;
    known.send({ type: 'transcript' });
    expect(await errorFrame(known, before)).toMatchObject({ code: 'conflict' });
    const outbox = await stores.outbox.recent({ limit: 20, customerId: customer.id });
    expect(outbox.filter((m) => m.kind === 'chat_transcript')).toEqual([]);
    await known.close();
  });
});
