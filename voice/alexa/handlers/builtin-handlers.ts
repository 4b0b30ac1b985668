import {
  getRequestType,
  type HandlerInput,
  type RequestHandler,
  type RequestInterceptor,
} from 'ask-sdk-core';
import type { Response } from 'ask-sdk-model';
import { GENERAL_REASON, reply } from '../../fulfilment/conversation.ts';
import { serviceMessages } from '../../fulfilment/service-messages.ts';
import type { createTurnLog } from '../../fulfilment/turn-log.ts';
import { localeOf } from '../alexa-messages.ts';
import {
  askToLink,
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
 * Only fallbacks *in a row* count: an understood request in between starts the count again. An
 * offer stands for the next answer only: anything but yes or no withdraws it. And "it" means the
 * appointment just talked about only right after: help or a misunderstanding in between forgets it.
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
    const between =
      getRequestType(input.requestEnvelope) === 'LaunchRequest' ||
      isIntent(input, 'AMAZON.HelpIntent', 'AMAZON.FallbackIntent', 'AMAZON.NavigateHomeIntent');
    if (state.appointment !== undefined && between) updateSession(input, { appointment: undefined });
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

  // A user who has not linked an account hears first how to, and may say their code at once.
  const launch: RequestHandler = {
    canHandle: (input) => getRequestType(input.requestEnvelope) === 'LaunchRequest',
    handle: async (input) => {
      if (!(await guards.identify(input.requestEnvelope))) return askToLink(input);
      return input.responseBuilder
        .speak(say(input).welcome())
        .reprompt(say(input).welcomeReprompt())
        .getResponse();
    },
  };

  const help: RequestHandler = {
    canHandle: (input) => isIntent(input, 'AMAZON.HelpIntent'),
    handle: (input) =>
      input.responseBuilder.speak(say(input).help()).reprompt(say(input).helpReprompt()).getResponse(),
  };

  const goodbye = (input: HandlerInput) =>
    input.responseBuilder.speak(say(input).goodbye()).withShouldEndSession(true).getResponse();

  // Stop ends the skill at once, as Alexa's users (and its certification) expect: nothing more is asked.
  const stop: RequestHandler = {
    canHandle: (input) => isIntent(input, 'AMAZON.StopIntent', 'AMAZON.NavigateHomeIntent'),
    handle: async (input) => {
      await abandonOpenQuestion(input);
      return goodbye(input);
    },
  };

  // "Cancel it" right after an answer about an appointment cancels that appointment (once confirmed);
  // anywhere else, cancel is stop.
  const cancel: RequestHandler = {
    canHandle: (input) => isIntent(input, 'AMAZON.CancelIntent'),
    handle: async (input) => {
      const cancelAppointment = turns.get('CancelAppointmentIntent');
      if (sessionState(input).appointment && cancelAppointment)
        return cancelAppointment.run(input, { fresh: true });
      await abandonOpenQuestion(input);
      return goodbye(input);
    },
  };

  /**
   * The natural end of a conversation: "no" to "anything else?". A customer who was answered
   * something may be asked the pilot's one closing question, once per session; then goodbye.
   */
  async function closing(input: HandlerInput): Promise<Response> {
    const state = sessionState(input);
    const answered = (state.history ?? []).some((turn) => turn.outcome !== 'continued');
    if (answered && !state.surveyAsked) {
      const who = await guards.identify(input.requestEnvelope);
      if (who && (await guards.access.permit(who.customerId, 'voice_assistant')).closingSurvey) {
        updateSession(input, { surveyAsked: true, offer: undefined, appointment: undefined });
        const text = serviceMessages[localeOf(input.requestEnvelope.request.locale)];
        const question = reply(text.surveyTitle(), text.surveyQuestion(), 'continued', 'survey', {
          kind: 'elicit',
          slot: 'score',
          slots: { score: undefined },
        });
        return respond(input, question, 'SatisfactionIntent');
      }
    }
    await abandonOpenQuestion(input);
    return goodbye(input);
  }

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

  // "Yes" runs what was offered ("shall I send you the link to pay?") and "no" declines it; with
  // nothing offered, "no" is the end of the conversation and "yes" asks what is needed.
  const yesNo: RequestHandler = {
    canHandle: (input) => isIntent(input, 'AMAZON.YesIntent', 'AMAZON.NoIntent'),
    handle: (input) => {
      const offered = sessionState(input).offer;
      const turn = offered ? turns.get(offered.intent) : undefined;
      const yes = isIntent(input, 'AMAZON.YesIntent');
      if (turn && yes)
        return turn.run(input, { fresh: true, ...(offered?.slots ? { slots: offered.slots } : {}) });
      if (!offered && !yes) return closing(input);
      // The conversation moves on: "it" no longer means the appointment talked about before.
      updateSession(input, { offer: undefined, appointment: undefined });
      return input.responseBuilder
        .speak(yes ? say(input).yesToNothing() : say(input).noOffer())
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

  return [launch, help, stop, cancel, fallback, yesNo, sessionEnded];
}
