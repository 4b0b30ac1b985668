import {
  getIntentName,
  getRequestType,
  type HandlerInput,
  type RequestHandler,
  type RequestInterceptor,
} from 'ask-sdk-core';
import { alexaMessages, localeOf, type AlexaMessages } from '../alexa-messages.ts';

/** Session attribute counting fallbacks in a row; any other request resets it. */
export const fallbackCountAttribute = 'consecutiveFallbacks';

/** After this many fallbacks in a row the skill says goodbye instead of reprompting again. */
export const maxConsecutiveFallbacks = 2;

export const builtinIntentNames = [
  'AMAZON.HelpIntent',
  'AMAZON.StopIntent',
  'AMAZON.CancelIntent',
  'AMAZON.FallbackIntent',
] as const;

const say = (input: HandlerInput): AlexaMessages =>
  alexaMessages[localeOf(input.requestEnvelope.request.locale)];

const isIntent = (input: HandlerInput, ...names: string[]) =>
  getRequestType(input.requestEnvelope) === 'IntentRequest' &&
  names.includes(getIntentName(input.requestEnvelope));

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

const stop: RequestHandler = {
  canHandle: (input) => isIntent(input, 'AMAZON.StopIntent', 'AMAZON.CancelIntent'),
  handle: (input) =>
    input.responseBuilder.speak(say(input).goodbye()).withShouldEndSession(true).getResponse(),
};

const fallback: RequestHandler = {
  canHandle: (input) => isIntent(input, 'AMAZON.FallbackIntent'),
  handle: (input) => {
    const attributes = input.attributesManager.getSessionAttributes();
    const count = Number(attributes[fallbackCountAttribute] ?? 0) + 1;
    input.attributesManager.setSessionAttributes({ ...attributes, [fallbackCountAttribute]: count });
    if (count >= maxConsecutiveFallbacks) {
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

// Alexa allows no speech in reply to SessionEndedRequest; an empty response acknowledges it.
const sessionEnded: RequestHandler = {
  canHandle: (input) => getRequestType(input.requestEnvelope) === 'SessionEndedRequest',
  handle: (input) => input.responseBuilder.getResponse(),
};

/** Only fallbacks *in a row* count: an understood request in between starts the count again. */
export const resetFallbackCount: RequestInterceptor = {
  process: (input) => {
    if (!input.requestEnvelope.session || isIntent(input, 'AMAZON.FallbackIntent')) return;
    const attributes = input.attributesManager.getSessionAttributes();
    if (attributes[fallbackCountAttribute] === undefined) return;
    const { [fallbackCountAttribute]: _dropped, ...rest } = attributes;
    input.attributesManager.setSessionAttributes(rest);
  },
};

export function createBuiltinHandlers(): RequestHandler[] {
  return [launch, help, stop, fallback, sessionEnded];
}
