import { getIntentName, getRequestType, type HandlerInput, type RequestHandler } from 'ask-sdk-core';
import type { Intent, IntentRequest, Response, Slot } from 'ask-sdk-model';
import type { ChannelAccess } from '../../core/index.ts';
import type { EarlierTurn, IntentReply } from '../fulfilment/conversation.ts';
import type { LoggedReply, UnloggedTurn } from '../fulfilment/turn-log.ts';
import type { Identify } from './alexa-identity.ts';
import { alexaMessages, localeOf, type AlexaMessages } from './alexa-messages.ts';

/** What the skill keeps between the turns of one Alexa session (Alexa sends it back each time). */
export interface SessionState {
  /** The customer turns answered so far, newest last. */
  history?: EarlierTurn[];
  /** An intent offered with a yes/no question (Alexa's name, with the slots to run it with), run on "yes". */
  offer?: { intent: string; slots?: Partial<Record<string, string>> };
  /** Fallbacks in a row; any understood request resets it. */
  consecutiveFallbacks?: number;
  /** The closing satisfaction question was asked in this session. */
  surveyAsked?: boolean;
  /** The appointment the last answer talked about: "cancel it" right after means that one. */
  appointment?: string;
}

/** Enough of the conversation for a callback's summary and the survey, without growing the session. */
const HISTORY_LIMIT = 10;

/** Each custom intent of the interaction models is the fulfilment intent of the same name plus `Intent`. */
export const alexaIntentName = (intent: string) => `${intent}Intent`;

export const say = (input: HandlerInput): AlexaMessages =>
  alexaMessages[localeOf(input.requestEnvelope.request.locale)];

export const isIntent = (input: HandlerInput, ...names: string[]) =>
  getRequestType(input.requestEnvelope) === 'IntentRequest' &&
  names.includes(getIntentName(input.requestEnvelope));

export const sessionState = (input: HandlerInput): SessionState =>
  input.attributesManager.getSessionAttributes<SessionState>();

export function updateSession(input: HandlerInput, change: Partial<SessionState>): void {
  const next: Record<string, unknown> = { ...sessionState(input), ...change };
  for (const [key, value] of Object.entries(next)) if (value === undefined) delete next[key];
  input.attributesManager.setSessionAttributes(next);
}

/**
 * Adds an answered turn to the session's history (the latest few), forgets any offer, and keeps
 * the appointment the answer talked about (none when it talked of something else).
 */
export function remember(input: HandlerInput, turn: EarlierTurn, about?: IntentReply['about']): void {
  const history = sessionState(input).history ?? [];
  updateSession(input, {
    offer: undefined,
    history: [...history, turn].slice(-HISTORY_LIMIT),
    appointment: about?.appointmentId,
  });
}

/** The intent of an IntentRequest; undefined for any other request. */
const intentOf = (input: HandlerInput): Intent | undefined =>
  getRequestType(input.requestEnvelope) === 'IntentRequest'
    ? (input.requestEnvelope.request as IntentRequest).intent
    : undefined;

/** Slot values as the fulfilment takes them: a custom value by its resolved id, anything else as said. */
export function slotValues(intent: Intent | undefined): Partial<Record<string, string>> {
  const values: Partial<Record<string, string>> = {};
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
function updatedIntent(
  name: string,
  asked: Intent | undefined,
  slots: Partial<Record<string, string>>,
): Intent {
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

/** Turns a fulfilment reply into Alexa's response: speech, card, and what happens next. */
export function respond(input: HandlerInput, reply: IntentReply, intentName: string): Response {
  const builder = input.responseBuilder.speak(reply.speech).withSimpleCard(reply.cardTitle, reply.cardText);
  const next = reply.next ?? { kind: 'listen' };
  const asked = intentOf(input);
  switch (next.kind) {
    case 'end':
      return builder.withShouldEndSession(true).getResponse();
    case 'elicit':
      return builder
        .addElicitSlotDirective(next.slot, updatedIntent(intentName, asked, next.slots))
        .reprompt(reply.speech)
        .getResponse();
    case 'confirm':
      return builder
        .addConfirmIntentDirective(updatedIntent(intentName, asked, next.slots))
        .reprompt(reply.speech)
        .getResponse();
    case 'offer':
      updateSession(input, {
        offer: { intent: alexaIntentName(next.intent), ...(next.slots ? { slots: next.slots } : {}) },
      });
      return builder.reprompt(reply.speech).getResponse();
    case 'listen':
      return builder.reprompt(say(input).helpReprompt()).withShouldEndSession(false).getResponse();
  }
}

/** The guards every customer turn passes: a linked account, and a place in the voice pilot. */
export interface CustomerGuards {
  identify: Identify;
  access: ChannelAccess;
}

/**
 * Answers for the customer behind the request, or — for a user who has not linked an account,
 * or one the voice pilot does not serve — says so without a word about any customer.
 */
export async function asCustomer(
  input: HandlerInput,
  guards: CustomerGuards,
  answer: (customerId: string) => Promise<Response>,
): Promise<Response> {
  const who = await guards.identify(input.requestEnvelope);
  if (!who) return askToLink(input);
  const permit = await guards.access.permit(who.customerId, 'voice_assistant');
  if (!permit.allowed) {
    return input.responseBuilder.speak(say(input).notInPilot()).withShouldEndSession(true).getResponse();
  }
  return answer(who.customerId);
}

/**
 * Tells a user who has not linked an account how to (Alexa shows the LinkAccount card in the
 * companion app) and keeps listening: the next thing they say may be the code.
 */
export function askToLink(input: HandlerInput): Response {
  return input.responseBuilder
    .speak(say(input).linkAccount())
    .reprompt(say(input).linkAccountReprompt())
    .withLinkAccountCard()
    .withShouldEndSession(false)
    .getResponse();
}

/** A customer turn the skill can also run on "yes" to an offer. */
export interface CustomerTurn extends RequestHandler {
  intentName: string;
  /** Answers as if the customer had asked this intent, with only `slots` said (none by default). */
  run(
    input: HandlerInput,
    options?: { fresh?: boolean; slots?: Partial<Record<string, string>> },
  ): Promise<Response>;
}

/** One custom intent answered by a logged fulfilment handler, with the session's history kept. */
export function customerTurn(
  intent: string,
  answer: (request: UnloggedTurn) => Promise<LoggedReply>,
  guards: CustomerGuards,
): CustomerTurn {
  const intentName = alexaIntentName(intent);
  const run = (
    input: HandlerInput,
    options: { fresh?: boolean; slots?: Partial<Record<string, string>> } = {},
  ) =>
    asCustomer(input, guards, async (customerId) => {
      const asked = options.fresh ? undefined : intentOf(input);
      const state = sessionState(input);
      const history = state.history ?? [];
      const confirmation = asked?.confirmationStatus;
      const reply = await answer({
        customerId,
        locale: localeOf(input.requestEnvelope.request.locale),
        slots: options.fresh ? (options.slots ?? {}) : slotValues(asked),
        confirmation:
          confirmation === 'CONFIRMED' ? 'confirmed' : confirmation === 'DENIED' ? 'denied' : 'none',
        history,
        appointmentId: state.appointment,
      });
      remember(
        input,
        { turnId: reply.turnId, intent, reason: reply.reason, outcome: reply.outcome },
        reply.about,
      );
      return respond(input, reply, intentName);
    });
  return {
    intentName,
    canHandle: (input) => isIntent(input, intentName),
    handle: (input) => run(input),
    run,
  };
}
