import { describe, expect, it } from 'vitest';
import type { Stores } from '../../core/index.ts';
import { gasCustomer, officeHoursAdvisor, staffUsers } from '../support/fixtures.ts';
import {
  chatInstancesForFile,
  signedIdentity,
  staffAgent,
  visitor,
  type ChatInstance,
  type Visitor,
} from '../support/chat.ts';

// Switching a chat to video on the real clock: the visitor on instance A, the advisor on B.

let a: ChatInstance;
let b: ChatInstance;
let stores: Stores;

chatInstancesForFile({ count: 2, config: { CHAT_ADVISOR_LIMIT: 2 } }, (instances) => {
  [a, b] = instances as [ChatInstance, ChatInstance];
  stores = a.stores;
});

async function everyoneAway() {
  for (const user of await stores.staff.list()) await stores.chats.setAvailable(user.id, false, new Date());
}

/** An identified customer's chat, handed to a new advisor who takes chats on instance B. */
async function chatWithAdvisor() {
  await everyoneAway();
  const { customer } = await gasCustomer(stores);
  const { advisor } = await staffUsers(stores);
  const agent = await staffAgent(b, advisor.username);
  const chat = await visitor(a.url, {
    identity: signedIdentity(customer.id, new Date(Date.now() + 600_000)),
  });
  await chat.next('bot', 0);
  chat.send({ type: 'message', text: 'voglio parlare con un operatore' });
  const queued = await chat.next('system', 1);
  await agent.post('/api/chat/availability').send({ available: true }).expect(200);
  const joined = await chat.next('system', queued.seq);
  return { customer, advisor, agent, chat, id: chat.ready.conversationId, joined };
}

describe('switching to video', () => {
  it('books a consultation starting now with this advisor in the chat’s journey and posts its join link, refusing by name a topic the advisor does not serve', async () => {
    const { customer, advisor, agent, chat, id, joined } = await chatWithAdvisor();
    await agent.post(`/api/chat/conversations/${id}/video`).send({}).expect(409);
    const profile = await officeHoursAdvisor(stores, { name: 'Chiara Galli', staffUserId: advisor.id });
    await agent.post(`/api/chat/conversations/${id}/video`).send({ topic: 'Not a topic!' }).expect(400);
    // A topic no advisor serves, and one others serve but not this advisor: refused by name, nothing booked.
    await stores.advisors.addAdvisor({
      name: 'Marco Riva',
      email: `marco.riva.${Date.now()}@example.it`,
      languages: ['it-IT'],
      topics: ['moving'],
      timeZone: 'Europe/Rome',
      workingHours: [1, 2, 3, 4, 5].map((weekday) => ({ weekday, start: '09:00', end: '17:00' })),
    });
    for (const [topic, says] of [
      ['bollette_luce', 'no advisor holds consultations on the topic bollette_luce'],
      ['moving', 'the advisor does not hold consultations on the topic moving; they serve billing'],
    ] as const) {
      const refusal = await agent.post(`/api/chat/conversations/${id}/video`).send({ topic }).expect(400);
      expect(refusal.body.detail).toContain(says);
      expect(refusal.body.errors).toEqual([{ path: 'topic', message: 'must be one of billing' }]);
    }
    const hour = 3_600_000;
    expect(
      await stores.appointments.busy([profile.id], new Date(Date.now() - hour), new Date(Date.now() + hour)),
    ).toEqual([]);
    const before = Date.now();
    const booked = await agent
      .post(`/api/chat/conversations/${id}/video`)
      .send({ topic: 'billing' })
      .expect(201);
    const appointment = await stores.appointments.appointment(booked.body.appointmentId);
    expect(appointment).toMatchObject({
      customerId: customer.id,
      advisorId: profile.id,
      status: 'booked',
      bookedVia: 'live_chat',
    });
    expect(Math.abs(appointment!.startsAt.getTime() - before)).toBeLessThan(5000);
    const row = await stores.chats.conversation(id);
    const human = await stores.interactions.interaction(row!.humanContactId!);
    expect(appointment!.journeyId).toBe(human!.journeyId);

    // The refused topics posted nothing: the first system message after joining is the join link.
    const posted = await chat.next('system', joined.seq);
    expect(posted.seq).toBe(booked.body.seq);
    expect(posted.body).toContain(booked.body.joinUrl);
    const token = booked.body.joinUrl.split('/join/')[1];
    expect(a.links.verify(token, 'join', new Date()).subject).toBe(appointment!.id);
    await chat.close();
  }, 30_000);

  it('refuses a chat of an anonymous visitor, one not assigned to the advisor, and a malformed id', async () => {
    await everyoneAway();
    const { advisor } = await staffUsers(stores);
    const agent = await staffAgent(b, advisor.username);
    const chat: Visitor = await visitor(a.url, {});
    await chat.next('bot', 0);
    chat.send({ type: 'quick', value: 'person' });
    await chat.next('system', 1);
    await agent.post('/api/chat/availability').send({ available: true }).expect(200);
    await agent.post(`/api/chat/conversations/${chat.ready.conversationId}/video`).send({}).expect(409);
    const other = (await staffUsers(stores)).advisor;
    const otherAgent = await staffAgent(b, other.username);
    await otherAgent.post(`/api/chat/conversations/${chat.ready.conversationId}/video`).send({}).expect(403);
    await agent.post('/api/chat/conversations/123/video').send({}).expect(400);
    await chat.close();
  }, 30_000);
});
