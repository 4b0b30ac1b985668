import { getIntentName, getRequestType, SkillBuilders, type ErrorHandler, type Skill } from 'ask-sdk-core';
import type { BillIntentName } from '../fulfilment/bill-intents.ts';
import type { IntentHandler } from '../fulfilment/conversation.ts';
import type { createTurnLog } from '../fulfilment/turn-log.ts';
import { alexaMessages, localeOf } from './alexa-messages.ts';
import { billIntentsByAlexaName, createBillHandlers, type Identify } from './handlers/bill-handlers.ts';
import {
  builtinIntentNames,
  createBuiltinHandlers,
  resetFallbackCount,
} from './handlers/builtin-handlers.ts';

export type { Identify } from './handlers/bill-handlers.ts';

/** Options of {@link createAlexaSkill}. */
export interface AlexaSkillOptions {
  /** The platform-neutral bill answers (createBillIntents). */
  intents: Record<BillIntentName, IntentHandler>;
  /** Records every answered bill question as a turn of the customer's journey (createTurnLog). */
  turnLog: ReturnType<typeof createTurnLog>;
  /** Maps the request's linked account to a customer; undefined for a user who has not linked. */
  identify: Identify;
  /** Told of every failure the skill turned into a spoken apology, so that it can be logged. */
  onError: (error: unknown, at: { requestType: string; intent?: string }) => void;
}

/** Every intent name of the interaction models that this skill answers. */
export const handledIntentNames: readonly string[] = [
  ...Object.keys(billIntentsByAlexaName),
  ...builtinIntentNames,
];

/** The custom skill: hand it a verified request envelope with `skill.invoke(envelope)`. */
export function createAlexaSkill(options: AlexaSkillOptions): Skill {
  const { onError } = options;

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
    .addRequestHandlers(...createBillHandlers(options), ...createBuiltinHandlers())
    .addRequestInterceptors(resetFallbackCount)
    .addErrorHandlers(apologize)
    .create();
}
