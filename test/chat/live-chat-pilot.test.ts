import { DateTime } from 'luxon';
import { describe, expect, it, vi } from 'vitest';
import type { Stores } from '../../core/index.ts';
import { gasCustomer, staffUsers } from '../support/fixtures.ts';
import {
  chatInstancesForFile,
  signedIdentity,
  staffAgent,
  visitor,
  type ChatInstance,
} from '../support/chat.ts';

// A pilot offers live chat to a cohort as it would any channel, on the real clock: defined and
// started over the API, the bot serves its customers and tells the others it is not for them yet,
// and the pilot's report counts its own customers' chats.

let app: ChatInstance;
let stores: Stores;

chatInstancesForFile({ count: 1 }, ([instance]) => {
  app = instance!;
  stores = app.stores;
});

describe('a live chat pilot', () => {
  it('serves its cohort, turns others away from the bill answers, and reports on its cohort’s chats', async () => {
    const { manager, admin } = await staffUsers(stores);
    const agent = await staffAgent(app, manager.username);
    const { customer: enrolled } = await gasCustomer(stores);
    const { customer: outsider } = await gasCustomer(stores);
    const today = DateTime.now().setZone('Europe/Rome');
    await agent
      .post('/api/pilots')
      .send({
        code: 'chat_cohort',
        name: 'Live chat for a cohort',
        channel: 'live_chat',
        touchpoints: ['widget'],
        reasons: ['general_enquiry', 'bill_explanation'],
        startsOn: today.toISODate(),
        endsOn: today.plus({ days: 30 }).toISODate(),
        cohort: { customerIds: [enrolled.id] },
      })
      .expect(201);
    const started = await agent
      .post('/api/pilots/chat_cohort/status')
      .send({ status: 'running' })
      .expect(200);
    expect(started.body.pilot.status).toBe('running');

    const expires = new Date(Date.now() + 3_600_000);
    const inside = await visitor(app.url, { identity: signedIdentity(enrolled.id, expires) });
    const welcome = await inside.next('bot', 0);
    inside.send({ type: 'quick', value: 'intent:WhatDoIOwe' });
    const answer = await inside.next('bot', welcome.seq + 1);
    expect(answer.body).not.toContain('in prova solo per alcuni clienti');
    expect(answer.body).toMatch(/euro/);

    const outside = await visitor(app.url, { identity: signedIdentity(outsider.id, expires) });
    const hello = await outside.next('bot', 0);
    outside.send({ type: 'quick', value: 'intent:WhatDoIOwe' });
    const refused = await outside.next('bot', hello.seq + 1);
    // The chat's own words, not the voice assistant's ("Questo assistente…", "This assistant…").
    expect(refused.body).toBe(
      'La chat con l’assistente virtuale è in prova solo per alcuni clienti e per ora non posso rispondere sulle tue bollette qui. Puoi chiedere di parlare con una persona, chiamare il servizio clienti o usare la tua area clienti.',
    );
    expect(refused.body).not.toMatch(/euro/);

    const { customer: englishOutsider } = await gasCustomer(stores);
    const english = await visitor(app.url, {
      locale: 'en-US',
      identity: signedIdentity(englishOutsider.id, expires),
    });
    const hi = await english.next('bot', 0);
    english.send({ type: 'message', text: 'how much do I owe?' });
    const turnedAway = await english.next('bot', hi.seq + 1);
    expect(turnedAway.body).toBe(
      'Chatting with our virtual assistant is a trial for some customers only, so I cannot answer about your bills here yet. You can ask to talk to a person, call customer service or use your customer area.',
    );

    for (const chat of [inside, outside, english]) {
      chat.send({ type: 'end' });
      await chat.waitFor(
        () => chat.frames.find((f) => f.type === 'status' && f.status === 'closed'),
        'closed',
      );
      await chat.close();
    }

    // A cohort of one is withheld from pilot managers; an admin reads it.
    const reader = await staffAgent(app, admin.username);
    await reader.get('/api/pilots/chat_cohort/report?refresh=true').expect(200);
    let report:
      | { metrics: { liveChat: { conversations: number; bot: { ended: number; contained: number } } } }
      | undefined;
    await vi.waitFor(
      async () => {
        const body = (await reader.get('/api/pilots/chat_cohort/report').expect(200)).body as {
          status: string;
          result?: typeof report;
        };
        expect(body.status).toBe('ready');
        report = body.result;
      },
      { timeout: 20_000, interval: 200 },
    );
    expect(report?.metrics.liveChat).toMatchObject({ conversations: 1, bot: { ended: 1, contained: 1 } });
  });
});
