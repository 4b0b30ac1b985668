import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { locales, type Customer, type Locale, type StorageHandle, type Stores } from '../../core/index.ts';
import { loadInteractionModel } from '../../voice/alexa/intent-models.ts';
import { startAlexaApp, type AlexaAnswer } from '../support/alexa-app.ts';
import type { AlexaRequestBody } from '../support/alexa-requests.ts';
import { openTestDatabase } from '../support/database.ts';
import { FIXED_NOW, gasCustomer, staffPassword, staffUsers } from '../support/fixtures.ts';

// The app's clock; tests move it forward to let codes expire, and each test starts from FIXED_NOW.
let now = FIXED_NOW;
const clock = { now: () => now };

type AlexaApp = Awaited<ReturnType<typeof startAlexaApp>>;
let storage: StorageHandle;
let stores: Stores;
let alexa: AlexaApp;
let advisorCookie: string;

// The identity provider: a JWKS served over HTTP, as an organisation's provider serves it.
const issuer = 'https://login.example.it/';
const audience = 'channel-pilot-alexa';
const kid = 'provider-key-1';
let providerKey: CryptoKey;
let strangerKey: CryptoKey;
let jwks: Server;
let byId: AlexaApp;
let byEmail: AlexaApp;

// The voice pilot, closed to everyone, and open with the closing question.
let closedPilot: AlexaApp;
let surveyPilot: AlexaApp;

beforeAll(async () => {
  storage = await openTestDatabase();
  alexa = await startAlexaApp({ storage, clock });
  stores = alexa.composed.stores;
  const { advisor } = await staffUsers(stores);
  const login = await request(alexa.composed.app)
    .post('/api/auth/login')
    .send({ username: advisor.username, password: staffPassword })
    .expect(200);
  advisorCookie = String(login.headers['set-cookie']).split(';')[0] as string;

  const provider = await generateKeyPair('RS256');
  providerKey = provider.privateKey;
  strangerKey = (await generateKeyPair('RS256')).privateKey;
  const publicJwk = { ...(await exportJWK(provider.publicKey)), kid, alg: 'RS256', use: 'sig' };
  jwks = createServer((req, res) => {
    if (req.url !== '/.well-known/jwks.json') {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ keys: [publicJwk] }));
  });
  await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
  const { port } = jwks.address() as AddressInfo;
  const oauth = {
    ALEXA_OAUTH_JWKS_URL: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    ALEXA_OAUTH_ISSUER: issuer,
    ALEXA_OAUTH_AUDIENCE: audience,
  };
  byId = await startAlexaApp({
    storage,
    clock,
    config: { ...oauth, ALEXA_OAUTH_CUSTOMER_CLAIM: 'sub', ALEXA_OAUTH_CLAIM_MATCHES: 'id' },
  });
  byEmail = await startAlexaApp({
    storage,
    clock,
    config: { ...oauth, ALEXA_OAUTH_CUSTOMER_CLAIM: 'email', ALEXA_OAUTH_CLAIM_MATCHES: 'email' },
  });

  closedPilot = await startAlexaApp({
    storage,
    clock,
    voiceAccess: { permit: async () => ({ allowed: false, closingSurvey: false }) },
  });
  surveyPilot = await startAlexaApp({
    storage,
    clock,
    voiceAccess: { permit: async () => ({ allowed: true, closingSurvey: true }) },
  });
});

afterAll(async () => {
  await new Promise((resolve) => (jwks ? jwks.close(resolve) : resolve(undefined)));
  await storage?.close();
});

beforeEach(() => {
  now = FIXED_NOW;
});

let counter = 0;
const unique = () => `${Date.now().toString(36)}${(counter++).toString(36)}`;
const newAlexaUser = () => `amzn1.ask.account.${randomUUID()}`;
const intent = (name: string, slots?: Record<string, string>): AlexaRequestBody => ({
  type: 'IntentRequest',
  intent: name,
  ...(slots ? { slots } : {}),
});

// Said by hand, not with the code under test: whole euros drop the cents, the decimal mark is the locale's.
function euro(locale: Locale, cents: number): string {
  const [whole, decimals] = (cents / 100).toFixed(2).split('.');
  const figure = decimals === '00' ? whole : `${whole}${locale === 'it-IT' ? ',' : '.'}${decimals}`;
  return locale === 'it-IT' ? `${figure} euro` : `${figure} euros`;
}
const owes = (locale: Locale, cents: number) =>
  locale === 'it-IT'
    ? `In tutto devi pagare ${euro(locale, cents)}, per il gas.`
    : `In total you owe ${euro(locale, cents)}, for gas.`;

/** An en-US customer who prefers e-mail, with one unpaid bill of 100 + 20.50 + 10% VAT = 132.55 euros. */
async function englishCustomer(email = `sam.taylor.${unique()}@example.com`) {
  const customer = await stores.customers.create({
    firstName: 'Sam',
    lastName: `Taylor-${unique()}`,
    locale: 'en-US',
    phone: '+12025550143',
    email,
    segment: 'family',
    preferredMedium: 'email',
    consents: [
      { purpose: 'data_processing', granted: true, givenAt: '2024-01-10T09:00:00Z', source: 'web_form' },
      {
        purpose: 'contact',
        medium: 'email',
        granted: true,
        givenAt: '2024-01-10T09:00:00Z',
        source: 'web_form',
      },
    ],
  });
  const account = await stores.customers.addAccount({
    customerId: customer.id,
    number: `GAS-${unique()}`,
    kind: 'gas',
    supplyAddress: 'Via Roma 2, 20121 Milano MI',
    tariff: 'Gas Casa Variabile',
    startedOn: '2024-01-01',
  });
  await stores.billing.issueBill({
    accountId: account.id,
    number: `E-${unique()}`,
    periodStart: '2026-01-01',
    periodEnd: '2026-02-28',
    issuedOn: '2026-03-05',
    dueOn: '2026-03-25',
    consumption: { quantity: 100, unit: 'Smc' },
    lines: [
      { code: 'energy', description: 'Gas', amountCents: 10000, quantity: 100, unit: 'Smc' },
      { code: 'transport', description: 'Transport and meter', amountCents: 2050 },
      { code: 'vat', description: 'VAT', amountCents: 1205 },
    ],
  });
  return { customer, owedCents: 13255 };
}

/** A customer who speaks the locale, and what they owe. */
async function customerFor(locale: Locale): Promise<{ customer: Customer; owedCents: number }> {
  if (locale === 'en-US') return englishCustomer();
  const { customer, current } = await gasCustomer(stores);
  return { customer, owedCents: current.amountCents };
}

/** Staff send the customer a code through the API; the customer reads it in the message they got. */
async function sendCode(customerId: string): Promise<string> {
  await request(alexa.composed.app)
    .post(`/api/customers/${customerId}/voice-link-code`)
    .set('Cookie', advisorCookie)
    .send({})
    .expect(201);
  const [message] = (await stores.outbox.recent({ limit: 20, customerId })).filter(
    (m) => m.kind === 'link_code',
  );
  const code = /\b\d{6}\b/.exec(message?.body ?? '')?.[0];
  if (!code) throw new Error(`no code in ${JSON.stringify(message)}`);
  return code;
}

/** A six-digit code that is not this one. */
const otherThan = (code: string, step = 1) => String((Number(code) + step) % 1_000_000).padStart(6, '0');

const speech = (answer: AlexaAnswer) => answer.response.outputSpeech?.ssml ?? '';
type Directive = { type: string; slotToElicit?: string; updatedIntent?: { name: string } };
const elicited = (answer: AlexaAnswer) =>
  ((answer.response.directives ?? []) as Directive[]).map((d) => [
    d.type,
    d.slotToElicit,
    d.updatedIntent?.name,
  ]);

const said = {
  linkAccount: { 'it-IT': 'collega il tuo account', 'en-US': 'link your account' },
  askCode: { 'it-IT': 'Dimmi il codice di collegamento', 'en-US': 'Tell me the linking code' },
  linked: { 'it-IT': 'il tuo account è collegato', 'en-US': 'your account is linked' },
  wrong: { 'it-IT': 'Questo codice non è giusto', 'en-US': 'Check the message and say it again' },
  expired: { 'it-IT': 'Questo codice è scaduto', 'en-US': 'That code has expired' },
  used: { 'it-IT': 'Questo codice è già stato usato', 'en-US': 'That code has already been used' },
  tooMany: { 'it-IT': 'Hai provato troppi codici sbagliati', 'en-US': 'Too many wrong codes' },
  notInPilot: { 'it-IT': 'in prova solo per alcuni clienti', 'en-US': 'a trial for some customers only' },
  surveyQuestion: {
    'it-IT': 'da zero a dieci, quanto consiglieresti',
    'en-US': 'from zero to ten, how likely',
  },
  surveyOutOfRange: {
    'it-IT': 'Mi serve un numero da zero a dieci',
    'en-US': 'I need a number from zero to ten',
  },
  surveyThanks: { 'it-IT': 'Grazie per la tua risposta', 'en-US': 'Thanks for your answer' },
  goodbye: { 'it-IT': '<speak>A presto!</speak>', 'en-US': '<speak>Goodbye!</speak>' },
  linkAccountReprompt: { 'it-IT': 'dimmi: il mio codice è', 'en-US': 'say: my code is' },
} as const satisfies Record<string, Record<Locale, string>>;

/** What an Alexa user who is not linked hears: how to link, and nothing about anyone. */
function expectAskedToLink(answer: AlexaAnswer, locale: Locale, customers: Customer[] = []) {
  expect(answer.response.card).toEqual({ type: 'LinkAccount' });
  expect(speech(answer)).toContain(said.linkAccount[locale]);
  expect(speech(answer)).not.toMatch(/\d|euro/);
  for (const customer of customers) {
    expect(JSON.stringify(answer)).not.toContain(customer.firstName);
    expect(JSON.stringify(answer)).not.toContain(customer.lastName);
  }
  // The session stays open: the next thing the user says may be the code they were sent.
  expect(answer.response.shouldEndSession).toBe(false);
  expect(answer.response.reprompt?.outputSpeech.ssml).toContain(said.linkAccountReprompt[locale]);
}

/** What the customer behind the request owes, said and on the card. */
function expectOwed(answer: AlexaAnswer, locale: Locale, owedCents: number) {
  expect(speech(answer)).toContain(owes(locale, owedCents));
  expect(answer.response.card?.content).toContain(euro(locale, owedCents));
}

async function interactionCount(): Promise<number> {
  const row = await storage.db
    .selectFrom('interactions')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** A value Alexa could send for each slot of the interaction models. */
const sampleSlots: Record<string, { slots?: Record<string, string>; resolved?: Record<string, string> }> = {
  period: { slots: { period: '2026-02' } },
  topic: { resolved: { topic: 'billing' } },
  date: { slots: { date: '2026-03-12' } },
  time: { slots: { time: '10:00' } },
  score: { slots: { score: '9' } },
  supply: { resolved: { supply: 'gas' } },
};

describe('an Alexa user who has not linked an account', () => {
  for (const locale of locales) {
    it(`hears in ${locale}, for every customer intent, how to link — with a LinkAccount card, no figures, no names — and nothing enters any journey`, async () => {
      // A linked customer with bills exists: none of it may reach the stranger.
      const { customer } = await customerFor(locale);
      await alexa.link(customer, newAlexaUser());
      const model = await loadInteractionModel(locale);
      const customerIntents = model.intents.filter(
        (i) => !i.name.startsWith('AMAZON.') && i.name !== 'LinkAccountIntent',
      );
      expect(customerIntents.map((i) => i.name)).toEqual(
        expect.arrayContaining([
          'WhatDoIOweIntent',
          'PayBillIntent',
          'TalkToPersonIntent',
          'SatisfactionIntent',
        ]),
      );
      const before = await interactionCount();
      const callbacksBefore = (await stores.callbacks.open({ limit: 500 })).length;
      const outboxBefore = (await stores.outbox.recent({ limit: 50, customerId: customer.id })).length;
      const stranger = newAlexaUser();
      for (const modelIntent of customerIntents) {
        const slots: Record<string, string> = {};
        const resolved: Record<string, string> = {};
        for (const slot of modelIntent.slots) {
          const sample = sampleSlots[slot.name];
          if (!sample) throw new Error(`no sample value for slot ${slot.name} of ${modelIntent.name}`);
          Object.assign(slots, sample.slots);
          Object.assign(resolved, sample.resolved);
        }
        const answer = await alexa.ask({
          request: { type: 'IntentRequest', intent: modelIntent.name, slots, resolved },
          locale,
          userId: stranger,
        });
        if (modelIntent.name === 'SatisfactionIntent') {
          // A score nobody asked for is not understood, whoever says it.
          expect(answer.response.outputSpeech?.ssml).toMatch(/non ho capito|didn&apos;t get that/);
          expect(JSON.stringify(answer)).not.toContain(customer.lastName);
          continue;
        }
        expectAskedToLink(answer, locale, [customer]);
      }
      expect(await interactionCount()).toBe(before);
      expect(await stores.callbacks.open({ limit: 500 })).toHaveLength(callbacksBefore);
      expect(await stores.outbox.recent({ limit: 50, customerId: customer.id })).toHaveLength(outboxBefore);
    });
  }
});

describe('linking codes', () => {
  it('are sent by staff through the API only to a logged-in user', async () => {
    const { customer } = await gasCustomer(stores);
    await request(alexa.composed.app).post(`/api/customers/${customer.id}/voice-link-code`).expect(401);
    expect(await stores.outbox.recent({ limit: 5, customerId: customer.id })).toEqual([]);
  });

  it('reach an Italian customer by SMS, in Italian, valid ten minutes', async () => {
    const { customer } = await gasCustomer(stores);
    const res = await request(alexa.composed.app)
      .post(`/api/customers/${customer.id}/voice-link-code`)
      .set('Cookie', advisorCookie)
      .send({})
      .expect(201);
    expect(res.body).toEqual({
      medium: 'sms',
      expiresAt: new Date(FIXED_NOW.getTime() + 10 * 60_000).toISOString(),
    });
    const sent = await stores.outbox.recent({ limit: 5, customerId: customer.id });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      kind: 'link_code',
      medium: 'sms',
      recipient: '+393331234567',
      subject: null,
    });
    expect(sent[0]?.body).toMatch(
      /^Il tuo codice per collegare l’assistente vocale è \d{6}\. Dillo all’assistente vocale \(Alexa o al telefono\) entro 10 minuti/,
    );
    // Staff who can send a code cannot read it: said to their own Alexa, it would open the account.
    const code = /\d{6}/.exec(sent[0]?.body ?? '')?.[0] as string;
    const shown = await request(alexa.composed.app)
      .get(`/api/outbox?customerId=${customer.id}`)
      .set('Cookie', advisorCookie)
      .expect(200);
    expect(shown.body[0].body).not.toContain(code);
    expect(shown.body[0].body).toContain('••••••');
    const page = await request(alexa.composed.app).get('/outbox').set('Cookie', advisorCookie).expect(200);
    expect(page.text).not.toContain(code);
  });

  it('reach an English-speaking customer by e-mail, in English', async () => {
    const { customer } = await englishCustomer();
    const res = await request(alexa.composed.app)
      .post(`/api/customers/${customer.id}/voice-link-code`)
      .set('Cookie', advisorCookie)
      .send({})
      .expect(201);
    expect(res.body).toMatchObject({ medium: 'email' });
    const sent = await stores.outbox.recent({ limit: 5, customerId: customer.id });
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      kind: 'link_code',
      medium: 'email',
      recipient: customer.email,
      subject: 'Your voice assistant code',
    });
    expect(sent[0]?.body).toMatch(
      /^Your code to link the voice assistant is \d{6}\. Say it to the voice assistant \(Alexa or on the phone\) within 10 minutes/,
    );
  });

  for (const locale of locales) {
    it(`link in ${locale}: the skill asks for the code, the code links, and the bill is then that customer's`, async () => {
      const { customer, owedCents } = await customerFor(locale);
      const code = await sendCode(customer.id);
      const userId = newAlexaUser();
      const sessionId = `amzn1.echo-api.session.${randomUUID()}`;

      const asked = await alexa.ask({ request: intent('LinkAccountIntent'), locale, userId, sessionId });
      expect(elicited(asked)).toEqual([['Dialog.ElicitSlot', 'code', 'LinkAccountIntent']]);
      expect(speech(asked)).toContain(said.askCode[locale]);
      expect(asked.response.shouldEndSession).not.toBe(true);

      const linked = await alexa.ask({
        request: intent('LinkAccountIntent', { code }),
        locale,
        userId,
        sessionId,
        ...(asked.sessionAttributes ? { attributes: asked.sessionAttributes } : {}),
      });
      expect(speech(linked)).toContain(said.linked[locale]);
      expect(elicited(linked)).toEqual([]);

      expectOwed(await alexa.ask({ request: intent('WhatDoIOweIntent'), locale, userId }), locale, owedCents);
    });

    it(`ask again in ${locale} after a wrong code, without linking, and the right one still links`, async () => {
      const { customer, owedCents } = await customerFor(locale);
      const code = await sendCode(customer.id);
      const userId = newAlexaUser();
      const wrong = await alexa.ask({
        request: intent('LinkAccountIntent', { code: otherThan(code) }),
        locale,
        userId,
      });
      expect(speech(wrong)).toContain(said.wrong[locale]);
      expect(elicited(wrong)).toEqual([['Dialog.ElicitSlot', 'code', 'LinkAccountIntent']]);
      expect(wrong.response.shouldEndSession).not.toBe(true);
      expectAskedToLink(await alexa.ask({ request: intent('WhatDoIOweIntent'), locale, userId }), locale, [
        customer,
      ]);

      const right = await alexa.ask({ request: intent('LinkAccountIntent', { code }), locale, userId });
      expect(speech(right)).toContain(said.linked[locale]);
      expectOwed(await alexa.ask({ request: intent('WhatDoIOweIntent'), locale, userId }), locale, owedCents);
    });

    it(`say in ${locale} that a code said after eleven minutes has expired, and do not link`, async () => {
      const { customer } = await customerFor(locale);
      const code = await sendCode(customer.id);
      now = new Date(FIXED_NOW.getTime() + 11 * 60_000);
      const userId = newAlexaUser();
      const answer = await alexa.ask({ request: intent('LinkAccountIntent', { code }), locale, userId });
      expect(speech(answer)).toContain(said.expired[locale]);
      expect(speech(answer)).not.toContain(said.linked[locale]);
      expect(answer.response.shouldEndSession).toBe(true);
      expectAskedToLink(await alexa.ask({ request: intent('WhatDoIOweIntent'), locale, userId }), locale, [
        customer,
      ]);
    });

    it(`tell a second Alexa user in ${locale} that a used code was used, and leave them unlinked`, async () => {
      const { customer, owedCents } = await customerFor(locale);
      const code = await sendCode(customer.id);
      const first = newAlexaUser();
      const second = newAlexaUser();
      expect(
        speech(await alexa.ask({ request: intent('LinkAccountIntent', { code }), locale, userId: first })),
      ).toContain(said.linked[locale]);

      const again = await alexa.ask({
        request: intent('LinkAccountIntent', { code }),
        locale,
        userId: second,
      });
      expect(speech(again)).toContain(said.used[locale]);
      expect(again.response.shouldEndSession).toBe(true);
      expectAskedToLink(
        await alexa.ask({ request: intent('WhatDoIOweIntent'), locale, userId: second }),
        locale,
        [customer],
      );
      expectOwed(
        await alexa.ask({ request: intent('WhatDoIOweIntent'), locale, userId: first }),
        locale,
        owedCents,
      );
    });

    it(`refuse in ${locale} the right code after five wrong ones, and do not link`, async () => {
      const { customer } = await customerFor(locale);
      const code = await sendCode(customer.id);
      const userId = newAlexaUser();
      for (let attempt = 1; attempt <= 5; attempt++) {
        const wrong = await alexa.ask({
          request: intent('LinkAccountIntent', { code: otherThan(code, attempt) }),
          locale,
          userId,
        });
        expect(speech(wrong)).toContain(said.wrong[locale]);
      }
      const right = await alexa.ask({ request: intent('LinkAccountIntent', { code }), locale, userId });
      expect(speech(right)).toContain(said.tooMany[locale]);
      expect(speech(right)).not.toContain(said.linked[locale]);
      expect(right.response.shouldEndSession).toBe(true);
      expectAskedToLink(await alexa.ask({ request: intent('WhatDoIOweIntent'), locale, userId }), locale, [
        customer,
      ]);
    });
  }
});

describe('account linking through the identity provider (OAuth)', () => {
  // Valid by the real clock and by the app's (earlier) one; expired by both.
  const later = () => Math.floor(Math.max(Date.now(), now.getTime()) / 1000) + 3600;
  const earlier = () => Math.floor(Math.min(Date.now(), now.getTime()) / 1000) - 3600;

  function token(
    claims: JWTPayload,
    options: { key?: CryptoKey; iss?: string; aud?: string; exp?: number } = {},
  ): Promise<string> {
    return new SignJWT(claims)
      .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
      .setIssuer(options.iss ?? issuer)
      .setAudience(options.aud ?? audience)
      .setExpirationTime(options.exp ?? later())
      .sign(options.key ?? providerKey);
  }

  for (const locale of locales) {
    it(`answers in ${locale} for the customer whose id the token's subject names`, async () => {
      const { customer, owedCents } = await customerFor(locale);
      const answer = await byId.ask({
        request: intent('WhatDoIOweIntent'),
        locale,
        userId: newAlexaUser(),
        accessToken: await token({ sub: customer.id }),
      });
      expectOwed(answer, locale, owedCents);
    });

    it(`answers in ${locale} for the customer whose e-mail the token names, whatever its case`, async () => {
      const { customer, owedCents } = await englishCustomer(`Pat.Jones.${unique()}@Example.com`);
      const answer = await byEmail.ask({
        request: intent('WhatDoIOweIntent'),
        locale,
        userId: newAlexaUser(),
        accessToken: await token({ email: (customer.email ?? '').toUpperCase() }),
      });
      expectOwed(answer, locale, owedCents);
    });
  }

  it('records the turn in the journey of the customer the token names', async () => {
    const { customer } = await englishCustomer();
    await byId.ask({
      request: intent('WhatDoIOweIntent'),
      locale: 'en-US',
      userId: newAlexaUser(),
      accessToken: await token({ sub: customer.id }),
    });
    const turns = await stores.interactions.forCustomer(customer.id, { limit: 5 });
    expect(turns.map((t) => [t.channel, t.touchpoint, t.details.intent])).toEqual([
      ['voice_assistant', 'alexa', 'WhatDoIOwe'],
    ]);
  });

  const rejected: [string, (customer: Customer) => Promise<string>][] = [
    ['an expired token', (c) => token({ sub: c.id }, { exp: earlier() })],
    ['a token from another issuer', (c) => token({ sub: c.id }, { iss: 'https://login.elsewhere.example/' })],
    ['a token for another audience', (c) => token({ sub: c.id }, { aud: 'someone-elses-skill' })],
    [
      'a token signed by another key under the same key id',
      (c) => token({ sub: c.id }, { key: strangerKey }),
    ],
    ['a token whose subject names no customer', () => token({ sub: randomUUID() })],
    [
      'a token whose subject is not a customer id at all',
      () => token({ sub: 'auth0|5f7c8ec7c33c6c004bbafe82' }),
    ],
  ];
  for (const locale of locales) {
    it.each(rejected)(
      `treats %s as not linked in ${locale}: a LinkAccount card, nobody's data`,
      async (_, make) => {
        const { customer } = await customerFor(locale);
        // This Alexa user linked another customer with a code: a bad token must not fall back on it.
        const other = await customerFor(locale);
        const userId = newAlexaUser();
        await alexa.link(other.customer, userId);
        const before = await interactionCount();
        const answer = await byId.ask({
          request: intent('WhatDoIOweIntent'),
          locale,
          userId,
          accessToken: await make(customer),
        });
        expectAskedToLink(answer, locale, [customer, other.customer]);
        expect(await interactionCount()).toBe(before);
      },
    );
  }

  it.each(locales)('treats a token naming an e-mail no customer has as not linked in %s', async (locale) => {
    const { customer } = await englishCustomer();
    const answer = await byEmail.ask({
      request: intent('WhatDoIOweIntent'),
      locale,
      userId: newAlexaUser(),
      // Contains the customer's address, but is not it.
      accessToken: await token({ email: `x${customer.email ?? ''}` }),
    });
    expectAskedToLink(answer, locale, [customer]);
  });

  it.each(locales)(
    'treats a token naming an e-mail two customers share as not linked in %s, rather than guess',
    async (locale) => {
      const shared = `family.${unique()}@example.com`;
      const first = await englishCustomer(shared);
      const second = await englishCustomer(shared.toUpperCase());
      const answer = await byEmail.ask({
        request: intent('WhatDoIOweIntent'),
        locale,
        userId: newAlexaUser(),
        accessToken: await token({ email: shared }),
      });
      expectAskedToLink(answer, locale, [first.customer, second.customer]);
    },
  );
});

describe('the voice pilot', () => {
  /** A customer whose Alexa user linked their account with a code. */
  async function linkedCustomer(locale: Locale) {
    const fixture = await customerFor(locale);
    const userId = newAlexaUser();
    await alexa.link(fixture.customer, userId);
    return { ...fixture, userId };
  }

  for (const locale of locales) {
    it(`tells a linked customer in ${locale} that the pilot does not serve them yet, with none of their data`, async () => {
      const { customer, userId } = await linkedCustomer(locale);
      const before = await interactionCount();
      const answer = await closedPilot.ask({ request: intent('WhatDoIOweIntent'), locale, userId });
      expect(speech(answer)).toContain(said.notInPilot[locale]);
      expect(speech(answer)).not.toMatch(/\d|euro/);
      expect(JSON.stringify(answer)).not.toContain(customer.lastName);
      expect(answer.response.card).toBeUndefined();
      expect(answer.response.shouldEndSession).toBe(true);
      expect(await interactionCount()).toBe(before);
    });

    /**
     * What owed, then "no" to the link and "no" to "anything else?": the natural end of the
     * conversation, where the one closing question is asked.
     */
    async function toTheNaturalEnd(userId: string, sessionId: string) {
      let attributes: Record<string, unknown> | undefined;
      const ask = async (request: ReturnType<typeof intent>) => {
        const answer = await surveyPilot.ask({
          request,
          locale,
          userId,
          sessionId,
          ...(attributes ? { attributes } : {}),
        });
        attributes = answer.sessionAttributes;
        return answer;
      };
      const owed = await ask(intent('WhatDoIOweIntent'));
      await ask(intent('AMAZON.NoIntent'));
      return { owed, end: await ask(intent('AMAZON.NoIntent')), attributes: () => attributes };
    }

    it(`asks a customer who asked something in ${locale} the NPS question at the natural end, and stores a 9 against their last answered turn`, async () => {
      const { customer, userId, owedCents } = await linkedCustomer(locale);
      const sessionId = `amzn1.echo-api.session.${randomUUID()}`;
      const { owed, end: stop, attributes } = await toTheNaturalEnd(userId, sessionId);
      expectOwed(owed, locale, owedCents);
      expect(speech(stop)).toContain(said.surveyQuestion[locale]);
      expect(elicited(stop)).toEqual([['Dialog.ElicitSlot', 'score', 'SatisfactionIntent']]);
      expect(stop.response.shouldEndSession).not.toBe(true);

      const scored = await surveyPilot.ask({
        request: intent('SatisfactionIntent', { score: '9' }),
        locale,
        userId,
        sessionId,
        attributes: attributes() ?? {},
      });
      expect(speech(scored)).toContain(said.surveyThanks[locale]);
      expect(scored.response.shouldEndSession).toBe(true);

      const turns = await stores.interactions.forCustomer(customer.id, { limit: 10 });
      const owedTurn = turns.find((t) => t.details.intent === 'WhatDoIOwe');
      expect(owedTurn).toBeDefined();
      expect(await stores.surveys.forInteraction(owedTurn?.id ?? '')).toEqual([
        expect.objectContaining({ metric: 'nps', score: 9, comment: null }),
      ]);
    });

    it(`asks again in ${locale} when the score is 11, storing nothing until a score from 0 to 10`, async () => {
      const { customer, userId } = await linkedCustomer(locale);
      const sessionId = `amzn1.echo-api.session.${randomUUID()}`;
      const { end: stop } = await toTheNaturalEnd(userId, sessionId);
      const eleven = await surveyPilot.ask({
        request: intent('SatisfactionIntent', { score: '11' }),
        locale,
        userId,
        sessionId,
        ...(stop.sessionAttributes ? { attributes: stop.sessionAttributes } : {}),
      });
      expect(speech(eleven)).toContain(said.surveyOutOfRange[locale]);
      expect(elicited(eleven)).toEqual([['Dialog.ElicitSlot', 'score', 'SatisfactionIntent']]);
      expect(eleven.response.shouldEndSession).not.toBe(true);
      const answers = async () => {
        const turns = await stores.interactions.forCustomer(customer.id, { limit: 20 });
        return (await Promise.all(turns.map((t) => stores.surveys.forInteraction(t.id)))).flat();
      };
      expect(await answers()).toEqual([]);

      const ten = await surveyPilot.ask({
        request: intent('SatisfactionIntent', { score: '10' }),
        locale,
        userId,
        sessionId,
        ...(eleven.sessionAttributes ? { attributes: eleven.sessionAttributes } : {}),
      });
      expect(speech(ten)).toContain(said.surveyThanks[locale]);
      expect(await answers()).toEqual([expect.objectContaining({ metric: 'nps', score: 10 })]);
      // Stored against the question the customer asked, not against the re-asked survey question.
      const turns = await stores.interactions.forCustomer(customer.id, { limit: 20 });
      const owedTurn = turns.find((t) => t.details.intent === 'WhatDoIOwe');
      expect(await stores.surveys.forInteraction(owedTurn?.id ?? '')).toEqual([
        expect.objectContaining({ metric: 'nps', score: 10 }),
      ]);
    });

    it(`says goodbye in ${locale} without the question to a customer who asked nothing`, async () => {
      const { userId } = await linkedCustomer(locale);
      const stop = await surveyPilot.ask({
        request: intent('AMAZON.StopIntent'),
        locale,
        userId,
        sessionId: `amzn1.echo-api.session.${randomUUID()}`,
      });
      expect(speech(stop)).toBe(said.goodbye[locale]);
      expect(elicited(stop)).toEqual([]);
      expect(stop.response.shouldEndSession).toBe(true);
    });
  }
});
