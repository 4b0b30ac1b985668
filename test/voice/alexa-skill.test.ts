import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locales, type Bill, type Locale, type StorageHandle, type Stores } from '../../core/index.ts';
import { handledIntentNames } from '../../voice/alexa/alexa-skill.ts';
import { loadInteractionModel } from '../../voice/alexa/intent-models.ts';
import { startAlexaApp } from '../support/alexa-app.ts';
import { type alexaRequestEnvelope, type AlexaRequestBody } from '../support/alexa-requests.ts';
import { openTestDatabase } from '../support/database.ts';
import { fixedClock, gasCustomer } from '../support/fixtures.ts';

let storage: StorageHandle;
let stores: Stores;
let alexa: Awaited<ReturnType<typeof startAlexaApp>>;
let failingAlexa: Awaited<ReturnType<typeof startAlexaApp>>;
const logged: { level: number; msg: string; err?: { message: string } }[] = [];

beforeAll(async () => {
  storage = await openTestDatabase();
  alexa = await startAlexaApp({ storage, clock: fixedClock });
  stores = alexa.composed.stores;
  // A core port that fails: the access check every customer turn passes first.
  failingAlexa = await startAlexaApp({
    storage,
    clock: fixedClock,
    voiceAccess: { permit: () => Promise.reject(new Error('core exploded at line 42')) },
    logger: pino({ level: 'error' }, { write: (line: string) => logged.push(JSON.parse(line)) }),
  });
});

afterAll(async () => {
  await storage?.close();
});

const ask = (options: Parameters<typeof alexaRequestEnvelope>[0]) => alexa.ask(options);

const intent = (name: string): AlexaRequestBody => ({ type: 'IntentRequest', intent: name });

// Said by hand, not with the code under test: whole euros drop the cents, the decimal mark is the locale's.
function euro(locale: Locale, cents: number): string {
  const [whole, decimals] = (Math.abs(cents) / 100).toFixed(2).split('.');
  const figure = decimals === '00' ? whole : `${whole}${locale === 'it-IT' ? ',' : '.'}${decimals}`;
  return locale === 'it-IT' ? `${figure} euro` : `${figure} euros`;
}
const energy = (bill: Bill) => bill.lines.find((l) => l.code === 'energy')?.amountCents ?? 0;

/** A gas customer whose Alexa user has linked their account with a code. */
async function linkedGasCustomer() {
  const fixture = await gasCustomer(stores);
  const userId = `amzn1.ask.account.${fixture.customer.id}`;
  await alexa.link(fixture.customer, userId);
  return { ...fixture, userId };
}

describe('the Alexa skill at /alexa', () => {
  for (const locale of locales) {
    const italian = locale === 'it-IT';

    it(`welcomes a linked customer in ${locale} on launch and keeps the session open with a reprompt`, async () => {
      const { userId } = await linkedGasCustomer();
      const { response } = await ask({ request: { type: 'LaunchRequest' }, locale, userId });
      expect(response.outputSpeech?.ssml).toMatch(italian ? /^<speak>Ciao!/ : /^<speak>Hi!/);
      expect(response.reprompt?.outputSpeech.ssml).toMatch(italian ? /quanto devo pagare/ : /what do I owe/);
      expect(response.shouldEndSession).toBe(false);
    });

    it(`answers every bill question in ${locale} with its figure, a card, and a voice turn in the journey`, async () => {
      const { customer, userId, current, previous } = await linkedGasCustomer();
      const expected = {
        WhatDoIOweIntent: euro(locale, current.amountCents),
        LastPaymentIntent: euro(locale, previous.amountCents),
        WhyHigherIntent: `${euro(locale, energy(current) - energy(previous))} ${italian ? 'in più' : 'more'}`,
      };
      for (const [name, figure] of Object.entries(expected)) {
        const { response } = await ask({ request: intent(name), locale, userId });
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
            // Hearing what is owed comes with the offer of a payment link.
            { intent: name, locale, ...(name === 'WhatDoIOwe' ? { next: 'offer' } : {}) },
          ]),
        ),
      );
      const questions = turns.filter(
        (t) => t.channel === 'voice_assistant' && t.details.intent !== 'LinkAccount',
      );
      expect(questions).toHaveLength(3);
    });

    it(`offers help in ${locale}, naming the bill and video consultations`, async () => {
      const { response } = await ask({ request: intent('AMAZON.HelpIntent'), locale });
      expect(response.outputSpeech?.ssml).toContain(
        italian ? 'la tua bolletta e con le videoconsulenze' : 'your bill and with video consultations',
      );
      expect(response.shouldEndSession).toBe(false);
    });

    it.each(['AMAZON.StopIntent', 'AMAZON.CancelIntent'])(
      `says goodbye in ${locale} and ends the session on %s`,
      async (name) => {
        const { response } = await ask({ request: intent(name), locale });
        expect(response.outputSpeech?.ssml).toBe(
          italian ? '<speak>A presto!</speak>' : '<speak>Goodbye!</speak>',
        );
        expect(response.shouldEndSession).toBe(true);
      },
    );

    it(`tells an unlinked user in ${locale} how to link, with a LinkAccount card and no figures`, async () => {
      await linkedGasCustomer();
      const { response } = await ask({ request: intent('WhatDoIOweIntent'), locale });
      expect(response.card).toEqual({ type: 'LinkAccount' });
      expect(response.outputSpeech?.ssml).toContain(italian ? 'collega il tuo account' : 'link your account');
      expect(response.outputSpeech?.ssml).not.toMatch(/\d|euro/);
    });

    it(`ends the session in ${locale} after two fallbacks in a row instead of reprompting forever`, async () => {
      const sessionId = 'amzn1.echo-api.session.fallbacks';
      const first = await ask({ request: intent('AMAZON.FallbackIntent'), locale, sessionId });
      expect(first.response.shouldEndSession).toBe(false);
      expect(first.response.reprompt?.outputSpeech.ssml).toMatch(/quanto devo pagare|what do I owe/);
      const second = await ask({
        request: intent('AMAZON.FallbackIntent'),
        locale,
        sessionId,
        attributes: first.sessionAttributes,
      });
      expect(second.response.outputSpeech?.ssml).toMatch(italian ? /A presto!/ : /Goodbye!/);
      expect(second.response.shouldEndSession).toBe(true);
    });
  }

  it('logs a linked customer’s misunderstood turns in their journey: continued, then failed when it gives up', async () => {
    const { customer, userId } = await linkedGasCustomer();
    const sessionId = `amzn1.echo-api.session.fallbacks-${customer.id}`;
    const first = await ask({ request: intent('AMAZON.FallbackIntent'), locale: 'it-IT', userId, sessionId });
    await ask({
      request: intent('AMAZON.FallbackIntent'),
      locale: 'it-IT',
      userId,
      sessionId,
      attributes: first.sessionAttributes,
    });
    const turns = (await stores.interactions.forCustomer(customer.id, { limit: 10 }))
      .filter((t) => t.details.intent === 'Fallback')
      .map((t) => [t.outcome, t.reason]);
    expect(turns.sort()).toEqual([
      ['continued', 'general_enquiry'],
      ['failed', 'general_enquiry'],
    ]);
  });

  it('counts only consecutive fallbacks: an understood request in between starts again', async () => {
    const sessionId = 'amzn1.echo-api.session.reset';
    const first = await ask({ request: intent('AMAZON.FallbackIntent'), locale: 'en-US', sessionId });
    const help = await ask({
      request: intent('AMAZON.HelpIntent'),
      locale: 'en-US',
      sessionId,
      attributes: first.sessionAttributes,
    });
    const again = await ask({
      request: intent('AMAZON.FallbackIntent'),
      locale: 'en-US',
      sessionId,
      attributes: help.sessionAttributes,
    });
    expect(again.response.shouldEndSession).toBe(false);
  });

  it('answers a locale it does not speak in en-US', async () => {
    const { userId } = await linkedGasCustomer();
    const { response } = await ask({ request: { type: 'LaunchRequest' }, locale: 'de-DE', userId });
    expect(response.outputSpeech?.ssml).toMatch(/^<speak>Hi!/);
  });

  it('takes an intent it does not know, names every object has included, as one it did not understand', async () => {
    const { userId } = await linkedGasCustomer();
    const said = async (name: string) =>
      (await ask({ request: intent(name), locale: 'it-IT', userId })).response.outputSpeech?.ssml;
    const unknown = await said('OrderPizzaIntent');
    expect(unknown).toBe(await said('AMAZON.FallbackIntent'));
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty'])
      expect(await said(name)).toBe(unknown);
  });

  it('acknowledges SessionEndedRequest with an empty response', async () => {
    const { response } = await ask({ request: { type: 'SessionEndedRequest' }, locale: 'it-IT' });
    expect(response.outputSpeech).toBeUndefined();
  });

  it('turns a failing core port into a spoken apology, never a stack trace, and logs the error', async () => {
    const { userId } = await linkedGasCustomer();
    logged.length = 0;
    const { response } = await failingAlexa.ask({
      request: intent('WhatDoIOweIntent'),
      locale: 'it-IT',
      userId,
    });
    expect(response.outputSpeech?.ssml).toBe(
      '<speak>Mi dispiace, qualcosa è andato storto. Riprova tra poco.</speak>',
    );
    expect(response.shouldEndSession).toBe(true);
    expect(JSON.stringify(response)).not.toMatch(/exploded|Error|at /);
    expect(logged).toEqual([
      expect.objectContaining({
        level: 50,
        err: expect.objectContaining({ message: 'core exploded at line 42' }),
      }),
    ]);
  });
});

describe('the skill against its interaction models', () => {
  it.each(locales)('handles only intents the %s model declares', async (locale) => {
    const model = await loadInteractionModel(locale);
    const declared = model.intents.map((i) => i.name);
    expect(handledIntentNames.filter((name) => !declared.includes(name))).toEqual([]);
  });

  it.each(locales)('handles every intent the %s model declares', async (locale) => {
    const model = await loadInteractionModel(locale);
    const unhandled = model.intents.map((i) => i.name).filter((name) => !handledIntentNames.includes(name));
    expect(unhandled).toEqual([]);
  });
});
