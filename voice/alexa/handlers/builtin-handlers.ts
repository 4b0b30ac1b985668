import {
  getRequestType,
  type HandlerInput,
  type RequestHandler,
  type RequestInterceptor,
} from 'ask-sdk-core';
import { GENERAL_REASON, reply } from '../../fulfilment/conversation.ts';
import { serviceMessages } from '../../fulfilment/service-messages.ts';
import type { createTurnLog } from '../../fulfilment/turn-log.ts';
import { localeOf } from '../alexa-messages.ts';
import {
  isIntent,
  remember,
  respond,
  say,
  sessionState,
  updateSession,
  type CustomerGuards,
  type CustomerTurn,
} from '../alexa-turns.ts';

/** After this many fallbacks in a row the skill says goodbye instead of reprompting again. */
export const maxConsecutiveFallbacks = 2;

export const builtinIntentNames = [
  'AMAZON.HelpIntent',
  'AMAZON.StopIntent',
  'AMAZON.CancelIntent',
  'AMAZON.NavigateHomeIntent',
  'AMAZON.FallbackIntent',
  'AMAZON.YesIntent',
  'AMAZON.NoIntent',
] as const;

/**
 * Only fallbacks *in a row* count: an understood request in between starts the count again. And
 * an offer stands for the next answer only: anything but yes or no withdraws it.
 */
export const resetPerTurnState: RequestInterceptor = {
  process: (input) => {
    if (!input.requestEnvelope.session) return;
    const state = sessionState(input);
    if (state.consecutiveFallbacks !== undefined && !isIntent(input, 'AMAZON.FallbackIntent')) {
      updateSession(input, { consecutiveFallbacks: undefined });
    }
    if (state.offer !== undefined && !isIntent(input, 'AMAZON.YesIntent', 'AMAZON.NoIntent')) {
      updateSession(input, { offer: undefined });
    }
  },
};

export function createBuiltinHandlers(options: {
  guards: CustomerGuards;
  /** The customer turns, by Alexa intent name: "yes" to an offer runs one. */
  turns: ReadonlyMap<string, CustomerTurn>;
  turnLog: ReturnType<typeof createTurnLog>;
}): RequestHandler[] {
  const { guards, turns, turnLog } = options;

  /**
   * A conversation left in the middle of a question the skill asked (by stop, by giving up, or by
   * Alexa ending the session) is logged as abandoned, so that it is not counted as contained.
   */
  async function abandonOpenQuestion(input: HandlerInput, customerId?: string): Promise<void> {
    const last = sessionState(input).history?.at(-1);
    if (last?.outcome !== 'continued') return;
    const who = customerId ?? (await guards.identify(input.requestEnvelope))?.customerId;
    if (!who) return;
    const abandoned = turnLog.wrap(last.intent, async () => reply('', '', 'abandoned', last.reason));
    const turn = await abandoned({ customerId: who, locale: localeOf(input.requestEnvelope.request.locale) });
    remember(input, { turnId: turn.turnId, intent: last.intent, reason: last.reason, outcome: 'abandoned' });
  }

  const launch: RequestHandler = {
    canHandle: (input) => getRequestType(input.requestEnvelope) === 'LaunchRequest',
    handle: (input) =>
      input.responseBuilder.speak(say(input).welcome()).reprompt(say(input).welcomeReprompt()).getResponse(),
  };

  const help: RequestHandler = {
    canHandle: (input) => isIntent(input, 'AMAZON.HelpIntent'),
    handle: (input) =>
      input.responseBuilder.speak(say(input).help()).reprompt(say(input).helpReprompt()).getResponse(),
  };

  // Leaving: a customer who was served may be asked the pilot's one closing question, once.
  const stop: RequestHandler = {
    canHandle: (input) =>
      isIntent(input, 'AMAZON.StopIntent', 'AMAZON.CancelIntent', 'AMAZON.NavigateHomeIntent'),
    handle: async (input) => {
      const state = sessionState(input);
      if (!state.surveyAsked && (state.history ?? []).length > 0) {
        const who = await guards.identify(input.requestEnvelope);
        await abandonOpenQuestion(input, who?.customerId);
        if (who && (await guards.access.permit(who.customerId, 'voice_assistant')).closingSurvey) {
          updateSession(input, { surveyAsked: true, offer: undefined });
          const text = serviceMessages[localeOf(input.requestEnvelope.request.locale)];
          const question = reply(text.surveyTitle(), text.surveyQuestion(), 'continued', 'survey', {
            kind: 'elicit',
            slot: 'score',
            slots: { score: undefined },
          });
          return respond(input, question, 'SatisfactionIntent');
        }
      }
      return input.responseBuilder.speak(say(input).goodbye()).withShouldEndSession(true).getResponse();
    },
  };

  // An answer to a satisfaction question nobody asked is not understood either.
  const fallback: RequestHandler = {
    canHandle: (input) =>
      isIntent(input, 'AMAZON.FallbackIntent') ||
      (isIntent(input, 'SatisfactionIntent') && !sessionState(input).surveyAsked),
    handle: async (input) => {
      const count = (sessionState(input).consecutiveFallbacks ?? 0) + 1;
      updateSession(input, { consecutiveFallbacks: count });
      const givingUp = count >= maxConsecutiveFallbacks;
      // A customer's misunderstood turn counts too: it is what the pilot's "functional" criterion weighs.
      const who = await guards.identify(input.requestEnvelope);
      if (who) {
        if (givingUp) await abandonOpenQuestion(input, who.customerId);
        const reason = sessionState(input).history?.at(-1)?.reason ?? GENERAL_REASON;
        await turnLog.wrap('Fallback', async () => reply('', '', givingUp ? 'failed' : 'continued', reason))({
          customerId: who.customerId,
          locale: localeOf(input.requestEnvelope.request.locale),
        });
      }
      if (givingUp) {
        return input.responseBuilder
          .speak(say(input).fallbackGiveUp())
          .withShouldEndSession(true)
          .getResponse();
      }
      return input.responseBuilder
        .speak(say(input).fallback())
        .reprompt(say(input).fallbackReprompt())
        .getResponse();
    },
  };

  // "Yes" runs what was offered ("shall I send you the link to pay?"); "no", or a yes to nothing, moves on.
  const yesNo: RequestHandler = {
    canHandle: (input) => isIntent(input, 'AMAZON.YesIntent', 'AMAZON.NoIntent'),
    handle: (input) => {
      const offered = sessionState(input).offer;
      const turn = offered ? turns.get(offered.intent) : undefined;
      if (turn && isIntent(input, 'AMAZON.YesIntent'))
        return turn.run(input, { fresh: true, ...(offered?.slots ? { slots: offered.slots } : {}) });
      updateSession(input, { offer: undefined });
      return input.responseBuilder
        .speak(say(input).noOffer())
        .reprompt(say(input).helpReprompt())
        .getResponse();
    },
  };

  // Alexa allows no speech here: an empty response acknowledges it.
  const sessionEnded: RequestHandler = {
    canHandle: (input) => getRequestType(input.requestEnvelope) === 'SessionEndedRequest',
    handle: async (input) => {
      await abandonOpenQuestion(input);
      return input.responseBuilder.getResponse();
    },
  };

  return [launch, help, stop, fallback, yesNo, sessionEnded];
}
