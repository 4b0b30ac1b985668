import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Customer, Interaction, Locale, StorageHandle, Stores } from '../../core/index.ts';
import { startAlexaApp, type AlexaAnswer } from '../support/alexa-app.ts';
import type { AlexaRequestBody } from '../support/alexa-requests.ts';
import { openTestDatabase } from '../support/database.ts';
import { americanCustomer, fixedClock, gasCustomer, staffPassword, staffUsers } from '../support/fixtures.ts';

// The app's clock: Tuesday 10 March 2026, 10:00 in Rome (/alexa checks request timestamps against real time).
const clock = fixedClock;

let storage: StorageHandle;
let stores: Stores;
let alexa: Awaited<ReturnType<typeof startAlexaApp>>;
let staffCookie: string[];
let advisorId: string;

beforeAll(async () => {
  storage = await openTestDatabase();
  alexa = await startAlexaApp({ storage, clock });
  stores = alexa.composed.stores;
  const { advisor } = await staffUsers(stores);
  advisorId = advisor.id;
  const login = await request(alexa.composed.app)
    .post('/api/auth/login')
    .send({ username: advisor.username, password: staffPassword })
    .expect(200);
  staffCookie = [String(login.headers['set-cookie']).split(';')[0] as string];
});

afterAll(async () => {
  await storage?.close();
});

const intent = (name: string, slots?: Record<string, string>): AlexaRequestBody => ({
  type: 'IntentRequest',
  intent: name,
  ...(slots ? { slots } : {}),
});

/** What the customer hears: the SSML's words, entities decoded. */
const heard = (answer: AlexaAnswer) =>
  (answer.response.outputSpeech?.ssml ?? '')
    .replace(/<[^>]*>/g, '')
    .replace(/&apos;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');

const consent = (purpose: 'data_processing' | 'contact', medium?: 'email' | 'sms') => ({
  purpose,
  ...(medium ? { medium } : {}),
  granted: true,
  givenAt: '2024-05-01T09:00:00Z',
  source: 'web_form' as const,
});

/** Links a new Alexa user to the customer with a code, as the customer would. */
async function linked(customer: Customer) {
  const userId = `amzn1.ask.account.${customer.id}`;
  await alexa.link(customer, userId);
  return userId;
}

/** The customer owing something in each locale, linked, and what they owe as the skill should say it. */
async function owingCustomer(locale: Locale) {
  if (locale === 'it-IT') {
    // 420 + 65 euros, plus 10% VAT: 533,50 euro for the current bill; the others are paid.
    const { customer, current } = await gasCustomer(stores);
    return {
      customer,
      userId: await linked(customer),
      owed: '533,50 euro',
      owedCents: 53350,
      billNumber: current.number,
      medium: 'sms' as const,
      recipient: '+393331234567',
      phoneEnd: '5 6 7',
    };
  }
  // 85.25 + 8.53 euros of VAT.
  const { customer, january } = await americanCustomer(stores);
  return {
    customer,
    userId: await linked(customer),
    owed: '93.78 euros',
    owedCents: 9378,
    billNumber: january.number,
    medium: 'email' as const,
    recipient: customer.email as string,
    phoneEnd: '1 4 7',
  };
}

const paymentLinksSent = async (customerId: string) =>
  (await stores.outbox.recent({ limit: 20, customerId })).filter((m) => m.kind === 'payment_link');

const voiceTurns = async (customerId: string, intentName: string) =>
  (await stores.interactions.forCustomer(customerId, { limit: 50 })).filter(
    (i) => i.channel === 'voice_assistant' && i.details.intent === intentName,
  );

const linkOpenings = async (customerId: string) =>
  (await stores.interactions.forCustomer(customerId, { limit: 50 })).filter(
    (i) => i.channel === 'web' && i.touchpoint === 'payment_link',
  );

const urlIn = (text: string | undefined) => /https?:\/\/\S+\/pay\/[\w.-]+/.exec(text ?? '')?.[0];

describe('paying a bill by voice', () => {
  for (const locale of ['it-IT', 'en-US'] as const) {
    const italian = locale === 'it-IT';

    it(`says in ${locale} that paying by voice is impossible and sends the link on the preferred consented medium, with a card`, async () => {
      const owing = await owingCustomer(locale);
      const answer = await alexa.ask({ request: intent('PayBillIntent'), locale, userId: owing.userId });
      const speech = heard(answer);
      expect(speech).toContain(italian ? 'non si può pagare a voce' : "can't pay by voice");
      expect(speech).toContain(italian ? 'via SMS' : 'by e-mail');
      expect(speech).toContain(owing.owed);

      const [message, ...more] = await paymentLinksSent(owing.customer.id);
      expect(more).toEqual([]);
      expect(message).toMatchObject({ medium: owing.medium, recipient: owing.recipient });
      const url = urlIn(message?.body);
      expect(url).toMatch(/^http:\/\/localhost:3000\/pay\//);

      expect(answer.response.card).toMatchObject({
        type: 'Simple',
        title: italian ? 'Paga la bolletta' : 'Pay your bill',
      });
      expect(answer.response.card?.content).toContain(owing.owed);
      expect(answer.response.card?.content).toContain(url);

      const [turn] = await voiceTurns(owing.customer.id, 'PayBill');
      expect(turn).toMatchObject({ outcome: 'resolved', reason: 'payment' });
    });

    it(`continues the ${locale} voice journey when the link is opened, answering what is owed, once however often it is opened`, async () => {
      const owing = await owingCustomer(locale);
      await alexa.ask({ request: intent('PayBillIntent'), locale, userId: owing.userId });
      const [message] = await paymentLinksSent(owing.customer.id);
      const path = new URL(urlIn(message?.body) ?? 'http://missing/').pathname;

      const page = await request(alexa.composed.app).get(path).set('Accept', 'application/json').expect(200);
      // Whoever holds the link sees what is owed, not the ids of the records behind it.
      expect(Object.keys(page.body).sort()).toEqual(['balance', 'bills', 'firstName', 'locale']);
      expect(page.body).toMatchObject({
        firstName: owing.customer.firstName,
        locale,
        balance: { owedCents: owing.owedCents },
        bills: [{ number: owing.billNumber, amountCents: owing.owedCents, paidCents: 0, status: 'unpaid' }],
      });

      const [payTurn] = await voiceTurns(owing.customer.id, 'PayBill');
      const openings = await linkOpenings(owing.customer.id);
      expect(openings).toHaveLength(1);
      expect(openings[0]).toMatchObject<Partial<Interaction>>({
        channel: 'web',
        touchpoint: 'payment_link',
        reason: 'payment',
        journeyId: payTurn?.journeyId as string,
        journeyStep: (payTurn?.journeyStep ?? 0) + 1,
        handoffFromId: payTurn?.id as string,
      });

      await request(alexa.composed.app).get(path).expect(200);
      expect(await linkOpenings(owing.customer.id)).toHaveLength(1);
    });

    it(`tells a ${locale} customer who may not be texted or e-mailed that no link can be sent`, async () => {
      const owing = await owingCustomer(locale);
      // Consent withdrawn after the account was linked.
      for (const medium of ['email', 'sms'] as const) {
        await stores.customers.recordConsent(owing.customer.id, {
          ...consent('contact', medium),
          granted: false,
          givenAt: '2026-03-01T09:00:00Z',
        });
      }
      const answer = await alexa.ask({ request: intent('PayBillIntent'), locale, userId: owing.userId });
      expect(heard(answer)).toContain(italian ? 'Non posso mandarti il link' : "I can't send you the link");
      expect(heard(answer)).not.toMatch(/https?:/);
      expect(await paymentLinksSent(owing.customer.id)).toEqual([]);
      const [turn] = await voiceTurns(owing.customer.id, 'PayBill');
      expect(turn?.outcome).toBe('failed');
    });
  }

  it('tells a customer who owes nothing so, and sends no link', async () => {
    const { customer } = await americanCustomer(stores, { owes: false });
    const userId = await linked(customer);
    const answer = await alexa.ask({ request: intent('PayBillIntent'), locale: 'en-US', userId });
    expect(heard(answer)).toBe('You have nothing to pay: all your bills are settled.');
    expect(await paymentLinksSent(customer.id)).toEqual([]);
  });

  it('tells an Italian customer who owes nothing so, and sends no link', async () => {
    const { customer, current } = await gasCustomer(stores);
    await stores.billing.recordPayment({
      customerId: customer.id,
      billId: current.id,
      amountCents: current.amountCents,
      paidAt: '2026-03-09T10:00:00Z',
      method: 'card',
      channel: 'web',
    });
    const userId = await linked(customer);
    const answer = await alexa.ask({ request: intent('PayBillIntent'), locale: 'it-IT', userId });
    expect(heard(answer)).toBe('Non hai niente da pagare: tutte le tue bollette sono saldate.');
    expect(await paymentLinksSent(customer.id)).toEqual([]);
  });

  it('refuses a tampered payment link with 401 problem+json and records no opening', async () => {
    const owing = await owingCustomer('it-IT');
    const other = await owingCustomer('en-US');
    await alexa.ask({ request: intent('PayBillIntent'), locale: 'it-IT', userId: owing.userId });
    const [message] = await paymentLinksSent(owing.customer.id);
    const path = new URL(urlIn(message?.body) ?? 'http://missing/').pathname;
    const flipped = path.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    // The same signature on a link pointed at another customer.
    const elsewhere = path.replace(owing.customer.id, other.customer.id);
    for (const tampered of [flipped, elsewhere]) {
      const res = await request(alexa.composed.app)
        .get(tampered)
        .set('Accept', 'application/json')
        .expect(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(JSON.stringify(res.body)).not.toContain(owing.owed);
    }
    expect(await linkOpenings(owing.customer.id)).toEqual([]);
    expect(await linkOpenings(other.customer.id)).toEqual([]);
  });
});

describe('the payment link offered with what is owed', () => {
  for (const locale of ['it-IT', 'en-US'] as const) {
    const italian = locale === 'it-IT';
    const question = italian ? 'Vuoi che ti mandi il link per pagare?' : 'Shall I send you the link to pay?';

    it(`ends what is owed in ${locale} with the offer of a link, and sends it on yes`, async () => {
      const owing = await owingCustomer(locale);
      const sessionId = `amzn1.echo-api.session.offer-yes-${owing.customer.id}`;
      const owed = await alexa.ask({
        request: intent('WhatDoIOweIntent'),
        locale,
        userId: owing.userId,
        sessionId,
      });
      expect(heard(owed)).toContain(owing.owed);
      expect(heard(owed).endsWith(question)).toBe(true);
      expect(owed.response.shouldEndSession).not.toBe(true);
      expect(await paymentLinksSent(owing.customer.id)).toEqual([]);

      const yes = await alexa.ask({
        request: intent('AMAZON.YesIntent'),
        locale,
        userId: owing.userId,
        sessionId,
        attributes: owed.sessionAttributes,
      });
      expect(heard(yes)).toContain(italian ? 'ti ho mandato via SMS il link' : 'I sent you the link');
      const sent = await paymentLinksSent(owing.customer.id);
      expect(sent).toHaveLength(1);
      expect(yes.response.card?.content).toContain(urlIn(sent[0]?.body));
      expect(await voiceTurns(owing.customer.id, 'PayBill')).toHaveLength(1);
    });

    it(`sends nothing in ${locale} when the offer is answered no, nor on a later yes`, async () => {
      const owing = await owingCustomer(locale);
      const sessionId = `amzn1.echo-api.session.offer-no-${owing.customer.id}`;
      const owed = await alexa.ask({
        request: intent('WhatDoIOweIntent'),
        locale,
        userId: owing.userId,
        sessionId,
      });
      const no = await alexa.ask({
        request: intent('AMAZON.NoIntent'),
        locale,
        userId: owing.userId,
        sessionId,
        attributes: owed.sessionAttributes,
      });
      expect(heard(no)).toBe(
        italian ? 'Va bene. Posso fare altro per te?' : 'OK. Anything else I can do for you?',
      );
      expect(no.response.shouldEndSession).toBe(false);
      const lateYes = await alexa.ask({
        request: intent('AMAZON.YesIntent'),
        locale,
        userId: owing.userId,
        sessionId,
        attributes: no.sessionAttributes,
      });
      expect(heard(lateYes)).toBe(italian ? 'Dimmi pure: cosa ti serve?' : 'Sure, what do you need?');
      expect(await paymentLinksSent(owing.customer.id)).toEqual([]);
      expect(await voiceTurns(owing.customer.id, 'PayBill')).toEqual([]);
    });
  }

  it('withdraws an offer once the customer asks something else: a later yes sends nothing', async () => {
    const owing = await owingCustomer('en-US');
    const sessionId = `amzn1.echo-api.session.offer-withdrawn-${owing.customer.id}`;
    const owed = await alexa.ask({
      request: intent('WhatDoIOweIntent'),
      locale: 'en-US',
      userId: owing.userId,
      sessionId,
    });
    expect(heard(owed)).toContain('Shall I send you the link to pay?');
    const help = await alexa.ask({
      request: intent('AMAZON.HelpIntent'),
      locale: 'en-US',
      userId: owing.userId,
      sessionId,
      attributes: owed.sessionAttributes,
    });
    const yes = await alexa.ask({
      request: intent('AMAZON.YesIntent'),
      locale: 'en-US',
      userId: owing.userId,
      sessionId,
      attributes: help.sessionAttributes,
    });
    expect(heard(yes)).toBe('Sure, what do you need?');
    expect(await paymentLinksSent(owing.customer.id)).toEqual([]);
  });

  it('sends nothing on a yes when nothing was offered', async () => {
    const owing = await owingCustomer('en-US');
    const sessionId = `amzn1.echo-api.session.nothing-offered-${owing.customer.id}`;
    // The last payment comes with no offer.
    const last = await alexa.ask({
      request: intent('LastPaymentIntent'),
      locale: 'en-US',
      userId: owing.userId,
      sessionId,
    });
    const yes = await alexa.ask({
      request: intent('AMAZON.YesIntent'),
      locale: 'en-US',
      userId: owing.userId,
      sessionId,
      attributes: last.sessionAttributes,
    });
    expect(heard(yes)).toBe('Sure, what do you need?');
    const fresh = await alexa.ask({
      request: intent('AMAZON.YesIntent'),
      locale: 'en-US',
      userId: owing.userId,
    });
    expect(heard(fresh)).toBe('Sure, what do you need?');
    expect(await paymentLinksSent(owing.customer.id)).toEqual([]);
  });
});

interface CallbackBody {
  id: string;
  customerId: string;
  interactionId: string | null;
  channel: string;
  reason: string;
  summary: string;
  context: { locale?: string; turns?: { turnId: string; intent: string }[] };
  status: string;
  doneBy: string | null;
}

const openCallbacks = async () =>
  (
    await request(alexa.composed.app)
      .get('/api/callbacks')
      .query({ limit: 500 })
      .set('Cookie', staffCookie)
      .expect(200)
  ).body as CallbackBody[];

describe('asking to talk to a person', () => {
  for (const locale of ['it-IT', 'en-US'] as const) {
    const italian = locale === 'it-IT';

    it(`after two questions in ${locale}, promises a call back on the number ending in its last three digits and hands the summary to staff`, async () => {
      const owing = await owingCustomer(locale);
      const sessionId = `amzn1.echo-api.session.person-${owing.customer.id}`;
      const first = await alexa.ask({
        request: intent('WhatDoIOweIntent'),
        locale,
        userId: owing.userId,
        sessionId,
      });
      const second = await alexa.ask({
        request: intent('WhyHigherIntent'),
        locale,
        userId: owing.userId,
        sessionId,
        attributes: first.sessionAttributes,
      });
      const person = await alexa.ask({
        request: intent('TalkToPersonIntent'),
        locale,
        userId: owing.userId,
        sessionId,
        attributes: second.sessionAttributes,
      });
      expect(heard(person)).toContain(
        italian
          ? `richiamarti al numero che finisce con ${owing.phoneEnd}`
          : `call you back on the number ending in ${owing.phoneEnd}`,
      );
      expect(person.response.shouldEndSession).toBe(true);
      const [turn] = await voiceTurns(owing.customer.id, 'TalkToPerson');
      expect(turn?.outcome).toBe('handed_off');
      const [owe] = await voiceTurns(owing.customer.id, 'WhatDoIOwe');
      const [why] = await voiceTurns(owing.customer.id, 'WhyHigher');

      const mine = (await openCallbacks()).filter((c) => c.customerId === owing.customer.id);
      expect(mine).toHaveLength(1);
      const callback = mine[0] as CallbackBody;
      expect(callback).toMatchObject({ interactionId: turn?.id, channel: 'voice_assistant', status: 'open' });
      expect(callback.summary).toContain(
        italian ? 'quanto deve pagare, perché la bolletta è cambiata' : 'what they owe, why the bill changed',
      );
      expect(callback.context.turns?.map((t) => [t.turnId, t.intent])).toEqual([
        [owe?.id, 'WhatDoIOwe'],
        [why?.id, 'WhyHigher'],
      ]);

      const done = await request(alexa.composed.app)
        .post(`/api/callbacks/${callback.id}/done`)
        .set('Cookie', staffCookie)
        .send({})
        .expect(200);
      expect(done.body).toMatchObject({ id: callback.id, status: 'done', doneBy: advisorId });
      expect((await openCallbacks()).filter((c) => c.customerId === owing.customer.id)).toEqual([]);
      const again = await request(alexa.composed.app)
        .post(`/api/callbacks/${callback.id}/done`)
        .set('Cookie', staffCookie)
        .send({})
        .expect(409);
      expect(again.headers['content-type']).toMatch(/^application\/problem\+json/);
    });
  }

  it('names linking the account in the summary, in Italian, when it happened in the same conversation', async () => {
    const { customer } = await gasCustomer(stores);
    await alexa.composed.voice.linking.issueCode(customer.id);
    const [sent] = (await stores.outbox.recent({ limit: 5, customerId: customer.id })).filter(
      (m) => m.kind === 'link_code',
    );
    const code = /\d{6}/.exec(sent?.body ?? '')?.[0] ?? 'none';
    const userId = `amzn1.ask.account.${customer.id}`;
    const sessionId = `amzn1.echo-api.session.link-then-person-${customer.id}`;
    const linkedNow = await alexa.ask({
      request: intent('LinkAccountIntent', { code }),
      locale: 'it-IT',
      userId,
      sessionId,
    });
    expect(heard(linkedNow)).toMatch(/collegato/);
    await alexa.ask({
      request: intent('TalkToPersonIntent'),
      locale: 'it-IT',
      userId,
      sessionId,
      attributes: linkedNow.sessionAttributes,
    });
    const [callback] = (await openCallbacks()).filter((c) => c.customerId === customer.id);
    expect(callback?.summary).toBe(
      "Ha chiesto all'assistente vocale: di collegare il suo account; poi ha chiesto di parlare con una persona.",
    );
  });

  it('tells a customer without a phone number that nobody can call back, and queues no call', async () => {
    const { customer } = await americanCustomer(stores, { phone: null });
    const userId = await linked(customer);
    const answer = await alexa.ask({ request: intent('TalkToPersonIntent'), locale: 'en-US', userId });
    expect(heard(answer)).toBe(
      "I don't have a phone number to call you back on. Call customer service any time.",
    );
    const [turn] = await voiceTurns(customer.id, 'TalkToPerson');
    expect(turn?.outcome).toBe('failed');
    expect((await openCallbacks()).filter((c) => c.customerId === customer.id)).toEqual([]);
  });

  it('shows the callback queue only to signed-in staff', async () => {
    await request(alexa.composed.app).get('/api/callbacks').expect(401);
  });
});

describe('a bill in detail', () => {
  it('names the supply, period, amount and payment of the Italian bill issued in the month asked, never its number', async () => {
    const { customer } = await gasCustomer(stores);
    const userId = await linked(customer);
    const answer = await alexa.ask({
      request: intent('BillDetailIntent', { period: '2026-01' }),
      locale: 'it-IT',
      userId,
    });
    // 275 + 60 euros, plus 10% VAT.
    expect(heard(answer)).toBe(
      'La bolletta del gas emessa a gennaio, dal primo novembre 2025 al 31 dicembre 2025, è di 368,50 euro. È pagata.',
    );
  });

  it('takes a month said without a year, which Alexa resolves to the coming one, as the last such month', async () => {
    const { customer, previous } = await gasCustomer(stores);
    const userId = await linked(customer);
    // "La bolletta di gennaio" on 10 March 2026: Alexa sends January 2027.
    const answer = await alexa.ask({
      request: intent('BillDetailIntent', { period: '2027-01' }),
      locale: 'it-IT',
      userId,
    });
    expect(heard(answer)).toContain('La bolletta del gas emessa a gennaio, dal primo novembre 2025');
    expect(heard(answer)).not.toContain(previous.number);
    // Two years ahead is no slip of the resolver: there is no such bill, and the latest is offered.
    const far = await alexa.ask({
      request: intent('BillDetailIntent', { period: '2028-01' }),
      locale: 'it-IT',
      userId,
    });
    expect(heard(far)).toBe(
      "Non ho una bolletta del gas di gennaio 2028. L'ultima bolletta del gas che ho è quella dal primo gennaio al 28 febbraio, emessa il 5 marzo. Vuoi che te la legga?",
    );
  });

  it('says no English bill was issued in the month asked and names the one covering it, paid', async () => {
    const { customer } = await americanCustomer(stores);
    const userId = await linked(customer);
    const answer = await alexa.ask({
      request: intent('BillDetailIntent', { period: '2025-12' }),
      locale: 'en-US',
      userId,
    });
    expect(heard(answer)).toBe(
      'No electricity bill was issued in December 2025. The one covering December 2025, from December 1, 2025 to December 31, 2025, issued on January 8, is 79.20 euros. It is paid.',
    );
  });

  it('describes the latest bill, with what is left and when it is due, when no month is said', async () => {
    const gas = await gasCustomer(stores);
    const italian = await alexa.ask({
      request: intent('BillDetailIntent'),
      locale: 'it-IT',
      userId: await linked(gas.customer),
    });
    expect(heard(italian)).toBe(
      "L'ultima bolletta del gas, emessa il 5 marzo, dal primo gennaio al 28 febbraio, è di 533,50 euro. Restano da pagare 533,50 euro, con scadenza il 25 marzo.",
    );
    const american = await americanCustomer(stores);
    const english = await alexa.ask({
      request: intent('BillDetailIntent'),
      locale: 'en-US',
      userId: await linked(american.customer),
    });
    expect(heard(english)).toBe(
      'Your latest electricity bill, issued on February 6, from January 1 to January 31, is 93.78 euros. 93.78 euros is due on March 20.',
    );
  });

  it.each([
    [
      'it-IT',
      'Non ho una bolletta del gas di giugno 2024. La prima bolletta del gas che ho è quella dal primo gennaio 2025 al 28 febbraio 2025, emessa il 5 marzo 2025. Vuoi che te la legga?',
    ],
    [
      'en-US',
      'I have no electricity bill for June 2024. The first electricity bill I have is the one from December 1, 2025 to December 31, 2025, issued on January 8. Shall I read it to you?',
    ],
  ] as const)(
    'says in %s that there is no bill of a month without one, naming it, and offers the first',
    async (locale, sentence) => {
      const { customer } = locale === 'it-IT' ? await gasCustomer(stores) : await americanCustomer(stores);
      const answer = await alexa.ask({
        request: intent('BillDetailIntent', { period: '2024-06' }),
        locale,
        userId: await linked(customer),
      });
      expect(heard(answer)).toBe(sentence);
      expect(answer.response.shouldEndSession).toBe(false);
    },
  );
});

describe('built-in requests around the services', () => {
  for (const locale of ['it-IT', 'en-US'] as const) {
    const italian = locale === 'it-IT';

    it(`opens in ${locale} naming the payment link among what it can do, and keeps listening`, async () => {
      const { userId } = await owingCustomer(locale);
      const answer = await alexa.ask({ request: { type: 'LaunchRequest' }, locale, userId });
      expect(heard(answer)).toContain(italian ? 'mandarti il link per pagare' : 'send you a link to pay');
      expect(answer.response.shouldEndSession).toBe(false);
    });

    it(`helps in ${locale} with the phrases for paying and for a person, and keeps listening`, async () => {
      const answer = await alexa.ask({ request: intent('AMAZON.HelpIntent'), locale });
      expect(heard(answer)).toContain(italian ? 'voglio pagare' : 'I want to pay');
      expect(heard(answer)).toContain(
        italian ? 'voglio parlare con un operatore' : 'let me talk to a person',
      );
      expect(answer.response.shouldEndSession).toBe(false);
    });

    it(`says goodbye in ${locale} and ends the session on NavigateHome after a question`, async () => {
      const owing = await owingCustomer(locale);
      const sessionId = `amzn1.echo-api.session.home-${owing.customer.id}`;
      const owed = await alexa.ask({
        request: intent('WhatDoIOweIntent'),
        locale,
        userId: owing.userId,
        sessionId,
      });
      const home = await alexa.ask({
        request: intent('AMAZON.NavigateHomeIntent'),
        locale,
        userId: owing.userId,
        sessionId,
        attributes: owed.sessionAttributes,
      });
      expect(heard(home)).toBe(italian ? 'A presto!' : 'Goodbye!');
      expect(home.response.shouldEndSession).toBe(true);
      expect(await paymentLinksSent(owing.customer.id)).toEqual([]);
    });

    it(`reprompts once in ${locale} on a fallback and ends the session on the second in a row`, async () => {
      const sessionId = `amzn1.echo-api.session.fallback-${locale}`;
      const first = await alexa.ask({ request: intent('AMAZON.FallbackIntent'), locale, sessionId });
      expect(heard(first)).toMatch(italian ? /^Scusa, non ho capito/ : /^Sorry, I didn't get that/);
      expect(first.response.shouldEndSession).toBe(false);
      const second = await alexa.ask({
        request: intent('AMAZON.FallbackIntent'),
        locale,
        sessionId,
        attributes: first.sessionAttributes,
      });
      expect(heard(second)).toMatch(italian ? /continuo a non capire/ : /I still didn't get that/);
      expect(second.response.shouldEndSession).toBe(true);
    });
  }
});
