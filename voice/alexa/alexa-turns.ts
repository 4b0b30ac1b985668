import { getIntentName, getRequestType, type HandlerInput } from 'ask-sdk-core';
import type { Intent, IntentRequest, Response, Slot } from 'ask-sdk-model';
import {
  customerIntentNames,
  type CustomerIntentName,
  type SessionAnswer,
  type SessionEvent,
  type SessionState,
  type Slots,
} from '../../core/services.ts';
import { alexaMessages, localeOf, type AlexaMessages } from './alexa-messages.ts';

// Alexa's envelopes in the conversation's terms, and its answers back as Alexa responses.

/** Each custom intent of the interaction models is the fulfilment intent of the same name plus `Intent`. */
export const alexaIntentName = (intent: string) => `${intent}Intent`;

/** The conversation's event for each of Alexa's built-in intents. */
export const builtinEvents = {
  'AMAZON.HelpIntent': 'help',
  'AMAZON.StopIntent': 'stop',
  'AMAZON.NavigateHomeIntent': 'stop',
  'AMAZON.CancelIntent': 'cancel',
  'AMAZON.FallbackIntent': 'fallback',
  'AMAZON.YesIntent': 'yes',
  'AMAZON.NoIntent': 'no',
} as const;
export const builtinIntentNames = Object.keys(builtinEvents) as (keyof typeof builtinEvents)[];

const customerIntents = new Map<string, CustomerIntentName>(
  customerIntentNames.map((intent) => [alexaIntentName(intent), intent]),
);

export const say = (input: HandlerInput): AlexaMessages =>
  alexaMessages[localeOf(input.requestEnvelope.request.locale)];

export const isIntent = (input: HandlerInput, ...names: string[]) =>
  getRequestType(input.requestEnvelope) === 'IntentRequest' &&
  names.includes(getIntentName(input.requestEnvelope));

/** The conversation's state, which Alexa carries in the session's attributes. */
export const sessionState = (input: HandlerInput): SessionState =>
  input.requestEnvelope.session ? input.attributesManager.getSessionAttributes<SessionState>() : {};

export function saveSession(input: HandlerInput, state: SessionState): void {
  if (input.requestEnvelope.session) input.attributesManager.setSessionAttributes({ ...state });
}

/** The intent of an IntentRequest; undefined for any other request. */
const intentOf = (input: HandlerInput): Intent | undefined =>
  getRequestType(input.requestEnvelope) === 'IntentRequest'
    ? (input.requestEnvelope.request as IntentRequest).intent
    : undefined;

/** What the customer did, for the conversation; undefined for a request it does not take. */
export function sessionEvent(input: HandlerInput): SessionEvent | undefined {
  const type = getRequestType(input.requestEnvelope);
  if (type === 'LaunchRequest') return { kind: 'open' };
  if (type === 'SessionEndedRequest') return { kind: 'ended' };
  const intent = intentOf(input);
  if (!intent) return undefined;
  const builtin = Object.hasOwn(builtinEvents, intent.name)
    ? builtinEvents[intent.name as keyof typeof builtinEvents]
    : undefined;
  if (builtin) return { kind: builtin };
  // An intent the model has and this version does not (a model deployed ahead of it) is not understood.
  const customer = customerIntents.get(intent.name);
  if (!customer) return { kind: 'fallback' };
  const status = intent.confirmationStatus;
  return {
    kind: 'intent',
    intent: customer,
    slots: slotValues(intent),
    confirmation: status === 'CONFIRMED' ? 'confirmed' : status === 'DENIED' ? 'denied' : 'none',
  };
}

/** Slot values as the fulfilment takes them: a custom value by its resolved id, anything else as said. */
export function slotValues(intent: Intent | undefined): Slots {
  const values: Slots = {};
  for (const slot of Object.values(intent?.slots ?? {})) {
    const match = slot.resolutions?.resolutionsPerAuthority?.find(
      (authority) => authority.status.code === 'ER_SUCCESS_MATCH',
    );
    const value = match?.values?.[0]?.value.id ?? slot.value;
    if (value) values[slot.name] = value;
  }
  return values;
}

/** The intent to put in a dialog directive: every slot the request had, with the values gathered so far. */
function updatedIntent(name: string, asked: Intent | undefined, slots: Slots): Intent {
  const names = new Set([
    ...Object.keys(asked?.name === name ? (asked.slots ?? {}) : {}),
    ...Object.keys(slots),
  ]);
  const all: Record<string, Slot> = {};
  for (const slot of names) {
    const value = slots[slot];
    all[slot] = { name: slot, confirmationStatus: 'NONE', ...(value ? { value } : {}) };
  }
  return { name, confirmationStatus: 'NONE', slots: all };
}

/** The conversation's answer as Alexa's response: speech, card, dialog directives, what happens next. */
export function respond(input: HandlerInput, answer: SessionAnswer): Response {
  const builder = input.responseBuilder;
  if (answer.linkAccount) {
    return builder
      .speak(say(input).linkAccount())
      .reprompt(say(input).linkAccountReprompt())
      .withLinkAccountCard()
      .withShouldEndSession(false)
      .getResponse();
  }
  // Alexa allows no speech once it ended the session: an empty response acknowledges it.
  if (answer.speech === '') return builder.getResponse();
  builder.speak(answer.speech);
  if (answer.card) builder.withSimpleCard(answer.card.title, answer.card.text);
  if (answer.reprompt) builder.reprompt(answer.reprompt);
  const next = answer.next;
  const intentName = alexaIntentName(answer.intent ?? '');
  switch (next.kind) {
    case 'end':
      return builder.withShouldEndSession(true).getResponse();
    case 'elicit':
      return builder
        .addElicitSlotDirective(next.slot, updatedIntent(intentName, intentOf(input), next.slots))
        .getResponse();
    case 'confirm':
      return builder
        .addConfirmIntentDirective(updatedIntent(intentName, intentOf(input), next.slots))
        .getResponse();
    case 'offer':
    case 'listen':
      return builder.getResponse();
  }
}
