import { describe, expect, it } from 'vitest';
import { signVisit, VISIT_TTL_MS, type Stores } from '../../core/index.ts';
import { dualFuelTurin, HOUSEHOLD_NOW, threeSuppliesEnglish } from '../support/households.ts';
import { staffUsers } from '../support/fixtures.ts';
import {
  chatInstancesForFile,
  refused,
  signedIdentity,
  staffAgent,
  visitor,
  type ChatInstance,
} from '../support/chat.ts';

// The bot on a fixed clock (the households' bills are owed as of 20 April 2026), two instances
// on one database, real WebSockets.

let a: ChatInstance;
let b: ChatInstance;
let stores: Stores;
const inADay = new Date(HOUSEHOLD_NOW.getTime() + 86_400_000);

chatInstancesForFile({ count: 2, clock: { now: () => HOUSEHOLD_NOW } }, (instances) => {
  [a, b] = instances as [ChatInstance, ChatInstance];
  stores = a.stores;
});

describe('the chat bot, on the voice assistant’s conversations', () => {
  it('tells an identified Italian dual-fuel customer what is owed and sends the payment link on "sì", as the outbox shows', async () => {
    const turin = await dualFuelTurin(stores);
    const chat = await visitor(a.url, {
      locale: 'it-IT',
      identity: signedIdentity(turin.customer.id, inADay),
    });
    const welcome = await chat.next('bot', 0);
    expect(welcome.quickReplies.map((q) => q.value)).toEqual([
      'intent:WhatDoIOwe',
      'intent:WhyHigher',
      'intent:PayBill',
      'intent:BookConsultation',
      'person',
    ]);
    chat.send({ type: 'quick', value: 'intent:WhatDoIOwe' });
    const pressed = await chat.next('visitor', welcome.seq);
    expect(pressed.body).toBe('Quanto devo pagare?');
    const owed = await chat.next('bot', pressed.seq);
    expect(owed.body).toContain('In tutto devi pagare 494,23 euro, per luce e gas.');
    expect(owed.quickReplies).toEqual([
      { label: 'Sì', value: 'yes' },
      { label: 'No', value: 'no' },
    ]);
    chat.send({ type: 'message', text: 'sì' });
    const sent = await chat.next('bot', owed.seq + 1);
    expect(sent.body).toMatch(/^Da pagare: 494,23 euro\. Paga da qui: http:\/\/localhost:3000\/pay\/\S+$/);
    const links = (await stores.outbox.recent({ limit: 10, customerId: turin.customer.id })).filter(
      (m) => m.kind === 'payment_link',
    );
    expect(links).toHaveLength(1);
    expect(links[0]).toMatchObject({ medium: 'sms', recipient: turin.customer.phone });
    await chat.close();
  });

  it('is a live_chat contact of the customer’s journey on the widget, with each bot turn logged in the same journey', async () => {
    const turin = await dualFuelTurin(stores);
    const chat = await visitor(b.url, { identity: signedIdentity(turin.customer.id, inADay) });
    await chat.next('bot', 0);
    chat.send({ type: 'message', text: 'Perché la bolletta del gas è aumentata?' });
    await chat.next('bot', 2);
    await chat.close();
    await expect
      .poll(async () => (await stores.interactions.forCustomer(turin.customer.id, { limit: 10 })).length)
      .toBe(2);
    const contacts = await stores.interactions.forCustomer(turin.customer.id, { limit: 10 });
    const opened = contacts.find((c) => c.details.part === 'bot');
    expect(opened).toMatchObject({
      channel: 'live_chat',
      touchpoint: 'widget',
      details: { conversationId: chat.ready.conversationId, identity: 'token' },
    });
    const turn = contacts.find((c) => c.details.intent === 'WhyHigher');
    expect(turn).toMatchObject({ channel: 'live_chat', touchpoint: 'widget', reason: 'bill_explanation' });
    // One journey: the bot's answers join the conversation's contact.
    expect(turn).toMatchObject({ journeyId: opened!.journeyId, handoffFromId: opened!.id });
  });

  it('tells an anonymous visitor nothing about any customer and offers a person instead', async () => {
    const chat = await visitor(a.url, { locale: 'it-IT', page: 'bill_page' });
    await chat.next('bot', 0);
    chat.send({ type: 'message', text: 'quanto devo pagare?' });
    const answer = await chat.next('bot', 2);
    expect(answer.body).toContain('devo sapere chi sei');
    expect(answer.body).not.toMatch(/euro|\d/);
    expect(answer.quickReplies).toEqual([{ label: 'Parla con una persona', value: 'person' }]);
    const conversation = await stores.chats.conversation(chat.ready.conversationId);
    expect(conversation).toMatchObject({ customerId: null, identity: 'anonymous', touchpoint: 'bill_page' });
    await chat.close();
  });

  it('answers an English customer with three supplies who came through a personal link an advisor made', async () => {
    const jennifer = await threeSuppliesEnglish(stores);
    const { advisor } = await staffUsers(stores);
    const agent = await staffAgent(a, advisor.username);
    const made = await agent
      .post('/api/chat/personal-links')
      .send({ customerId: jennifer.customer.id })
      .expect(201);
    const chat = await visitor(b.url, { locale: 'en-US', link: made.body.token });
    expect(chat.ready).toMatchObject({ status: 'bot', locale: 'en-US' });
    await chat.next('bot', 0);
    chat.send({ type: 'message', text: 'how much do I owe you?' });
    const owed = await chat.next('bot', 2);
    expect(owed.body).toContain('In total you owe 382.25 euros, for electricity, gas and water.');
    await chat.close();
  });
});

describe('who the visitor is, checked on every connection', () => {
  it('refuses a forged, an expired and an unknown customer’s identity, naming what is wrong', async () => {
    const turin = await dualFuelTurin(stores);
    const genuine = signedIdentity(turin.customer.id, inADay);
    const forged = signedIdentity(turin.customer.id, inADay, 'a-secret-the-organisation-never-shared!!');
    const expired = signedIdentity(turin.customer.id, new Date(HOUSEHOLD_NOW.getTime() - 1000));
    const nobody = signedIdentity('7d0e6b9c-1f0a-4c1e-9d55-2b8f4f1d0a11', inADay);
    const tampered = genuine.replace(turin.customer.id, '7d0e6b9c-1f0a-4c1e-9d55-2b8f4f1d0a11');
    for (const [token, says] of [
      [forged, 'is not valid'],
      [tampered, 'is not valid'],
      [expired, 'has expired'],
      [nobody, 'names no customer of ours'],
    ] as const) {
      const answer = await refused(a.url, { identity: token });
      expect(answer.status).toBe(401);
      // An identity is no link: the refusal names what it is.
      expect(answer.problem.title).toBe(`this identity ${says}`);
    }
  });

  it('takes a kit page’s signed visit for its customer and page, and refuses a forged, expired or other link’s token', async () => {
    const turin = await dualFuelTurin(stores);
    const opening = await stores.interactions.record({
      customerId: turin.customer.id,
      channel: 'web',
      touchpoint: 'self_service',
      direction: 'inbound',
      reason: 'billing',
      startedAt: HOUSEHOLD_NOW,
      outcome: 'resolved',
    });
    const visit = { customerId: turin.customer.id, touchpoint: 'bill_page', contactId: opening.id };
    const token = signVisit(a.links, visit, HOUSEHOLD_NOW);
    // The widget's own `page` cannot move the chat to another touchpoint: the signed one counts.
    const chat = await visitor(a.url, { visit: token, page: 'widget' });
    expect(chat.ready.transcript).toBe(true);
    const conversation = (await stores.chats.conversation(chat.ready.conversationId))!;
    expect(conversation).toMatchObject({
      customerId: turin.customer.id,
      identity: 'page',
      touchpoint: 'bill_page',
    });
    const contact = (await stores.interactions.interaction(conversation.botContactId))!;
    expect(contact).toMatchObject({
      touchpoint: 'bill_page',
      handoffFromId: opening.id,
      journeyId: opening.journeyId,
    });
    await chat.close();

    const [head, subject, expiry] = token.split('.');
    const other = await threeSuppliesEnglish(stores);
    const stale = signVisit(a.links, visit, new Date(HOUSEHOLD_NOW.getTime() - VISIT_TTL_MS - 1000));
    const otherLink = a.links.sign({ action: 'chat', subject: turin.customer.id, expiresAt: inADay });
    for (const [bad, says] of [
      [
        `${head}.${subject!.replace(turin.customer.id, other.customer.id)}.${expiry}.${token.split('.')[3]}`,
        'is not valid',
      ],
      [stale, 'has expired'],
      [otherLink, 'is for chat, not visit'],
      ['visit.nonsense', 'is not valid'],
    ] as const) {
      const answer = await refused(a.url, { visit: bad });
      expect(answer.status, bad).toBe(401);
      expect(answer.problem.title).toContain(says);
    }
  });

  it('resumes a conversation after the last message seen, on the other instance, with the same identity', async () => {
    const turin = await dualFuelTurin(stores);
    const identity = signedIdentity(turin.customer.id, inADay);
    const first = await visitor(a.url, { identity });
    const welcome = await first.next('bot', 0);
    first.send({ type: 'quick', value: 'intent:WhatDoIOwe' });
    await first.next('bot', welcome.seq + 1);
    const seen = first.lastSeq();
    await first.close();
    const again = await visitor(b.url, {
      identity,
      conversation: first.ready.conversationId,
      key: first.ready.key!,
      after: String(welcome.seq),
    });
    expect(again.ready).toMatchObject({ conversationId: first.ready.conversationId });
    expect(again.ready.key).toBeUndefined();
    await again.waitFor(() => (again.lastSeq() >= seen ? true : undefined), 'the missed messages');
    expect(again.messages().map((m) => m.seq)).toEqual([welcome.seq + 1, welcome.seq + 2]);
    await again.close();
  });

  it('refuses to reopen an identified customer’s chat to an anonymous visitor, another customer or a wrong key', async () => {
    const turin = await dualFuelTurin(stores);
    const other = await threeSuppliesEnglish(stores);
    const chat = await visitor(a.url, { identity: signedIdentity(turin.customer.id, inADay) });
    await chat.close();
    const back = { conversation: chat.ready.conversationId, key: chat.ready.key! };
    const anonymous = await refused(b.url, back);
    expect(anonymous.status).toBe(403);
    expect(anonymous.problem.title).toContain('identified customer');
    const someoneElse = await refused(b.url, {
      ...back,
      identity: signedIdentity(other.customer.id, inADay),
    });
    expect(someoneElse.status).toBe(403);
    const wrongKey = await refused(b.url, {
      ...back,
      key: 'not-the-key',
      identity: signedIdentity(turin.customer.id, inADay),
    });
    expect(wrongKey.status).toBe(403);
    expect(wrongKey.problem.title).toContain('cannot be opened with this key');
  });
});
