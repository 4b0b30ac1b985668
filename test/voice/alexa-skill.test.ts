import express from 'express';
import request from 'supertest';
import type { RequestEnvelope } from 'ask-sdk-model';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCustomerContext,
  createPostgresStores,
  locales,
  type Bill,
  type Locale,
  type StorageHandle,
  type Stores,
} from '../../core/index.ts';
import { createAlexaRouter } from '../../voice/alexa/alexa-router.ts';
import { createAlexaSkill, handledIntentNames } from '../../voice/alexa/alexa-skill.ts';
import { loadInteractionModel } from '../../voice/alexa/intent-models.ts';
import { createBillIntents } from '../../voice/fulfilment/bill-intents.ts';
import type { IntentHandler } from '../../voice/fulfilment/conversation.ts';
import { createTurnLog } from '../../voice/fulfilment/turn-log.ts';
import {
  alexaRequestEnvelope,
  signBody,
  testCertificateChain,
  testCertUrl,
  testSkillId,
  type AlexaRequestBody,
} from '../support/alexa-requests.ts';
import { openTestDatabase } from '../support/database.ts';
import { fixedClock, gasCustomer } from '../support/fixtures.ts';

let storage: StorageHandle;
let stores: Stores;
let chain: string;
let signingKey: string;
const errors: unknown[] = [];
// Stands in for account linking: the access token Alexa forwards names the customer.
const linked = new Map<string, string>();

beforeAll(async () => {
  storage = await openTestDatabase();
  stores = createPostgresStores(storage.db, { clock: fixedClock });
  const certs = testCertificateChain();
  chain = certs.chain;
  signingKey = certs.signingKeys.privateKey;
});

afterAll(async () => {
  await storage?.close();
});

function appWith(overrides: Partial<ReturnType<typeof createBillIntents>> = {}) {
  const intents = {
    ...createBillIntents({
      context: createCustomerContext({ ...stores, clock: fixedClock }),
      clock: fixedClock,
    }),
    ...overrides,
  };
  const skill = createAlexaSkill({
    intents,
    turnLog: createTurnLog({ interactions: stores.interactions, clock: fixedClock, touchpoint: 'alexa' }),
    identify: async (envelope: RequestEnvelope) => {
      const customerId = linked.get(envelope.context.System.user.accessToken ?? '');
      return customerId ? { customerId } : undefined;
    },
    onError: (error) => errors.push(error),
  });
  const app = express();
  app.use(
    createAlexaRouter({
      skill,
      verification: {
        skillId: testSkillId,
        verifySignature: true,
        pinnedCertificateChains: new Map([[testCertUrl, chain]]),
      },
    }),
  );
  return app;
}

async function ask(
  app: express.Express,
  options: Parameters<typeof alexaRequestEnvelope>[0],
): Promise<{
  sessionAttributes?: Record<string, unknown>;
  response: {
    outputSpeech?: { ssml: string };
    reprompt?: { outputSpeech: { ssml: string } };
    card?: { type: string; title?: string; content?: string };
    shouldEndSession?: boolean;
  };
}> {
  const body = JSON.stringify(alexaRequestEnvelope(options));
  const res = await request(app)
    .post('/alexa')
    .set('Content-Type', 'application/json; charset=utf-8')
    .set('SignatureCertChainUrl', testCertUrl)
    .set('Signature-256', signBody(body, signingKey))
    .send(body);
  expect(res.status).toBe(200);
  return res.body;
}

const intent = (name: string): AlexaRequestBody => ({ type: 'IntentRequest', intent: name });

// Said by hand, not with the code under test: whole euros drop the cents, the decimal mark is the locale's.
function euro(locale: Locale, cents: number): string {
  const [whole, decimals] = (Math.abs(cents) / 100).toFixed(2).split('.');
  const figure = decimals === '00' ? whole : `${whole}${locale === 'it-IT' ? ',' : '.'}${decimals}`;
  return locale === 'it-IT' ? `${figure} euro` : `${figure} euros`;
}
const energy = (bill: Bill) => bill.lines.find((l) => l.code === 'energy')?.amountCents ?? 0;

async function linkedGasCustomer() {
  const fixture = await gasCustomer(stores);
  const token = `token-${fixture.customer.id}`;
  linked.set(token, fixture.customer.id);
  return { ...fixture, token };
}

describe('the Alexa skill at /alexa', () => {
  for (const locale of locales) {
    const italian = locale === 'it-IT';

    it(`welcomes in ${locale} on launch and keeps the session open with a reprompt`, async () => {
      const { response } = await ask(appWith(), { request: { type: 'LaunchRequest' }, locale });
      expect(response.outputSpeech?.ssml).toMatch(italian ? /^<speak>Ciao!/ : /^<speak>Hi!/);
      expect(response.reprompt?.outputSpeech.ssml).toMatch(italian ? /quanto devo pagare/ : /what do I owe/);
      expect(response.shouldEndSession).toBe(false);
    });

    it(`answers every bill question in ${locale} with its figure, a card, and a voice turn in the journey`, async () => {
      const { customer, token, current, previous } = await linkedGasCustomer();
      const app = appWith();
      const expected = {
        WhatDoIOweIntent: euro(locale, current.amountCents),
        LastPaymentIntent: euro(locale, previous.amountCents),
        WhyHigherIntent: `${euro(locale, energy(current) - energy(previous))} ${italian ? 'in più' : 'more'}`,
      };
      for (const [name, figure] of Object.entries(expected)) {
        const { response } = await ask(app, { request: intent(name), locale, accessToken: token });
        expect(response.outputSpeech?.ssml).toContain(figure);
        expect(response.outputSpeech?.ssml).toMatch(/^<speak>.*<\/speak>$/s);
        expect(response.card).toMatchObject({ type: 'Simple' });
        expect(response.card?.content).toContain(figure);
        expect(response.card?.title).toBe(
          {
            WhatDoIOweIntent: italian ? 'Quanto devi pagare' : 'What you owe',
            LastPaymentIntent: italian ? 'Ultimo pagamento' : 'Last payment',
            WhyHigherIntent: italian ? 'Perché la bolletta è cambiata' : 'Why your bill changed',
          }[name],
        );
      }
      const turns = await stores.interactions.forCustomer(customer.id, { limit: 10 });
      expect(turns.map((t) => [t.channel, t.touchpoint, t.outcome, t.details])).toEqual(
        expect.arrayContaining(
          ['WhatDoIOwe', 'LastPayment', 'WhyHigher'].map((name) => [
            'voice_assistant',
            'alexa',
            'resolved',
            { intent: name, locale },
          ]),
        ),
      );
      expect(turns.filter((t) => t.channel === 'voice_assistant')).toHaveLength(3);
    });

    it(`offers help in ${locale}, naming the bill and video consultations`, async () => {
      const { response } = await ask(appWith(), { request: intent('AMAZON.HelpIntent'), locale });
      expect(response.outputSpeech?.ssml).toContain(
        italian ? 'la tua bolletta e con le videoconsulenze' : 'your bill and with video consultations',
      );
      expect(response.shouldEndSession).toBe(false);
    });

    it.each(['AMAZON.StopIntent', 'AMAZON.CancelIntent'])(
      `says goodbye in ${locale} and ends the session on %s`,
      async (name) => {
        const { response } = await ask(appWith(), { request: intent(name), locale });
        expect(response.outputSpeech?.ssml).toBe(
          italian ? '<speak>A presto!</speak>' : '<speak>Goodbye!</speak>',
        );
        expect(response.shouldEndSession).toBe(true);
      },
    );

    it(`tells an unlinked user in ${locale} how to link, with a LinkAccount card and no figures`, async () => {
      await linkedGasCustomer();
      const { response } = await ask(appWith(), { request: intent('WhatDoIOweIntent'), locale });
      expect(response.card).toEqual({ type: 'LinkAccount' });
      expect(response.outputSpeech?.ssml).toContain(italian ? 'collega il tuo account' : 'link your account');
      expect(response.outputSpeech?.ssml).not.toMatch(/\d|euro/);
    });

    it(`ends the session in ${locale} after two fallbacks in a row instead of reprompting forever`, async () => {
      const app = appWith();
      const sessionId = 'amzn1.echo-api.session.fallbacks';
      const first = await ask(app, { request: intent('AMAZON.FallbackIntent'), locale, sessionId });
      expect(first.response.shouldEndSession).toBe(false);
      expect(first.response.reprompt?.outputSpeech.ssml).toMatch(/quanto devo pagare|what do I owe/);
      const second = await ask(app, {
        request: intent('AMAZON.FallbackIntent'),
        locale,
        sessionId,
        attributes: first.sessionAttributes,
      });
      expect(second.response.outputSpeech?.ssml).toMatch(italian ? /A presto!/ : /Goodbye!/);
      expect(second.response.shouldEndSession).toBe(true);
    });
  }

  it('counts only consecutive fallbacks: an understood request in between starts again', async () => {
    const app = appWith();
    const sessionId = 'amzn1.echo-api.session.reset';
    const first = await ask(app, { request: intent('AMAZON.FallbackIntent'), locale: 'en-US', sessionId });
    const help = await ask(app, {
      request: intent('AMAZON.HelpIntent'),
      locale: 'en-US',
      sessionId,
      attributes: first.sessionAttributes,
    });
    const again = await ask(app, {
      request: intent('AMAZON.FallbackIntent'),
      locale: 'en-US',
      sessionId,
      attributes: help.sessionAttributes,
    });
    expect(again.response.shouldEndSession).toBe(false);
  });

  it('answers a locale it does not speak in en-US', async () => {
    const { response } = await ask(appWith(), { request: { type: 'LaunchRequest' }, locale: 'de-DE' });
    expect(response.outputSpeech?.ssml).toMatch(/^<speak>Hi!/);
  });

  it('acknowledges SessionEndedRequest with an empty response', async () => {
    const { response } = await ask(appWith(), { request: { type: 'SessionEndedRequest' }, locale: 'it-IT' });
    expect(response.outputSpeech).toBeUndefined();
  });

  it('turns a throwing fulfilment into a spoken apology, never a stack trace, and reports the error', async () => {
    const { token } = await linkedGasCustomer();
    const failing: IntentHandler = () => Promise.reject(new Error('core exploded at line 42'));
    errors.length = 0;
    const { response } = await ask(appWith({ WhatDoIOwe: failing }), {
      request: intent('WhatDoIOweIntent'),
      locale: 'it-IT',
      accessToken: token,
    });
    expect(response.outputSpeech?.ssml).toBe(
      '<speak>Mi dispiace, qualcosa è andato storto. Riprova tra poco.</speak>',
    );
    expect(JSON.stringify(response)).not.toMatch(/exploded|Error|at /);
    expect(errors).toEqual([expect.objectContaining({ message: 'core exploded at line 42' })]);
  });

  it('reaches no handler with a request whose body changed after signing', async () => {
    const body = JSON.stringify(
      alexaRequestEnvelope({ request: { type: 'LaunchRequest' }, locale: 'en-US' }),
    );
    const res = await request(appWith())
      .post('/alexa')
      .set('Content-Type', 'application/json')
      .set('SignatureCertChainUrl', testCertUrl)
      .set('Signature-256', signBody(body, signingKey))
      .send(body.replace('LaunchRequest', 'SessionEndedRequest'));
    expect(res.status).toBe(400);
  });
});

describe('the skill against its interaction models', () => {
  // Handlers for these come with booking, payment links, callbacks, linking codes and the NPS question.
  const notYetHandled = [
    'AMAZON.NavigateHomeIntent',
    'AMAZON.YesIntent',
    'AMAZON.NoIntent',
    'PayBillIntent',
    'BookConsultationIntent',
    'NextAppointmentIntent',
    'MoveAppointmentIntent',
    'CancelAppointmentIntent',
    'TalkToPersonIntent',
    'LinkAccountIntent',
    'SatisfactionIntent',
  ];

  it.each(locales)('handles only intents the %s model declares', async (locale) => {
    const model = await loadInteractionModel(locale);
    const declared = model.intents.map((i) => i.name);
    expect(handledIntentNames.filter((name) => !declared.includes(name))).toEqual([]);
  });

  it.each(locales)('names the %s model intents that have no handler yet', async (locale) => {
    const model = await loadInteractionModel(locale);
    const unhandled = model.intents.map((i) => i.name).filter((name) => !handledIntentNames.includes(name));
    expect(unhandled).toEqual(notYetHandled);
  });
});
