import { getIntentName, getRequestType, SkillBuilders, type ErrorHandler, type Skill } from 'ask-sdk-core';
import type { ChannelAccess } from '../../core/index.ts';
import { appointmentIntentNames } from '../fulfilment/appointment-intents.ts';
import { billIntentNames } from '../fulfilment/bill-intents.ts';
import type { IntentHandler } from '../fulfilment/conversation.ts';
import type { LinkingReply, LinkingRequest } from '../fulfilment/linking-intent.ts';
import { serviceIntentNames } from '../fulfilment/service-intents.ts';
import type { createTurnLog } from '../fulfilment/turn-log.ts';
import type { Identify } from './alexa-identity.ts';
import { alexaMessages, localeOf } from './alexa-messages.ts';
import { alexaIntentName, customerTurn, sessionState } from './alexa-turns.ts';
import { builtinIntentNames, createBuiltinHandlers, resetPerTurnState } from './handlers/builtin-handlers.ts';
import { createLinkingHandler } from './handlers/linking-handler.ts';

/** Every fulfilment intent a linked customer can ask for. */
export const customerIntentNames = [...billIntentNames, ...serviceIntentNames, ...appointmentIntentNames];
export type CustomerIntentName = (typeof customerIntentNames)[number];

/** Every intent name of the interaction models that this skill answers. */
export const handledIntentNames: readonly string[] = [
  ...customerIntentNames.map(alexaIntentName),
  'LinkAccountIntent',
  ...builtinIntentNames,
];

/** Options of {@link createAlexaSkill}. */
export interface AlexaSkillOptions {
  /** The platform-neutral answers (createBillIntents, createServiceIntents, createAppointmentIntents). */
  intents: Record<CustomerIntentName, IntentHandler>;
  /** Links an Alexa user with a one-time code (createLinkingIntent). */
  link: (request: LinkingRequest) => Promise<LinkingReply>;
  /** Records every answered turn in the customer's journey (createTurnLog). */
  turnLog: ReturnType<typeof createTurnLog>;
  /** Maps the request's linked account to a customer (createAlexaIdentity). */
  identify: Identify;
  /** Whether the voice pilot serves a customer, and asks them the closing question. */
  access: ChannelAccess;
  /** Told of every failure the skill turned into a spoken apology, so that it can be logged. */
  onError: (error: unknown, at: { requestType: string; intent?: string }) => void;
}

/** The custom skill: hand it a verified request envelope with `skill.invoke(envelope)`. */
export function createAlexaSkill(options: AlexaSkillOptions): Skill {
  const { onError, turnLog } = options;
  const guards = { identify: options.identify, access: options.access };
  const turns = new Map(
    customerIntentNames.map((intent) => {
      const turn = customerTurn(intent, turnLog.wrap(intent, options.intents[intent]), guards);
      // A score is an answer to the closing question only: unasked, the fallback takes it.
      if (intent === 'Satisfaction') {
        const asked = turn.canHandle;
        turn.canHandle = (input) => asked(input) && sessionState(input).surveyAsked === true;
      }
      return [turn.intentName, turn] as const;
    }),
  );

  // The customer hears an apology, never the error; the details go to onError only.
  const apologize: ErrorHandler = {
    canHandle: () => true,
    handle: (input, error) => {
      const envelope = input.requestEnvelope;
      const requestType = getRequestType(envelope);
      onError(error, {
        requestType,
        ...(requestType === 'IntentRequest' ? { intent: getIntentName(envelope) } : {}),
      });
      return input.responseBuilder
        .speak(alexaMessages[localeOf(envelope.request.locale)].apology())
        .withShouldEndSession(true)
        .getResponse();
    },
  };

  return SkillBuilders.custom()
    .addRequestHandlers(
      ...turns.values(),
      createLinkingHandler({ link: options.link, turnLog }),
      ...createBuiltinHandlers({ guards, turns, turnLog }),
    )
    .addRequestInterceptors(resetPerTurnState)
    .addErrorHandlers(apologize)
    .create();
}
