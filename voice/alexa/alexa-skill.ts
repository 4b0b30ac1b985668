import {
  getIntentName,
  getRequestType,
  SkillBuilders,
  type ErrorHandler,
  type RequestHandler,
  type Skill,
} from 'ask-sdk-core';
import type { LinkingReply, LinkingRequest } from '../../core/services.ts';
import type { createConversationSession } from '../../core/services.ts';
import { customerIntentNames } from '../../core/services.ts';
import type { createTurnLog } from '../../core/services.ts';
import type { Identify } from './alexa-identity.ts';
import { alexaMessages, localeOf } from './alexa-messages.ts';
import {
  alexaIntentName,
  builtinIntentNames,
  respond,
  saveSession,
  sessionEvent,
  sessionState,
} from './alexa-turns.ts';
import { createLinkingHandler } from './handlers/linking-handler.ts';

export { customerIntentNames, type CustomerIntentName } from '../../core/services.ts';

/** Every intent name of the interaction models that this skill answers. */
export const handledIntentNames: readonly string[] = [
  ...customerIntentNames.map(alexaIntentName),
  'LinkAccountIntent',
  ...builtinIntentNames,
];

/** Options of {@link createAlexaSkill}. */
export interface AlexaSkillOptions {
  /** The conversation's rules (createConversationSession). */
  session: ReturnType<typeof createConversationSession>;
  /** Links an Alexa user with a one-time code (createLinkingIntent). */
  link: (request: LinkingRequest) => Promise<LinkingReply>;
  /** Records every answered turn in the customer's journey (createTurnLog). */
  turnLog: ReturnType<typeof createTurnLog>;
  /** Maps the request's linked account to a customer (createAlexaIdentity). */
  identify: Identify;
  /** Told of every failure the skill turned into a spoken apology, so that it can be logged. */
  onError: (error: unknown, at: { requestType: string; intent?: string }) => void;
}

/** The custom skill: hand it a verified request envelope with `skill.invoke(envelope)`. */
export function createAlexaSkill(options: AlexaSkillOptions): Skill {
  const { onError, session } = options;

  // Alexa's envelope in, the conversation's answer out: the rules are the session's.
  const conversation: RequestHandler = {
    canHandle: (input) => sessionEvent(input) !== undefined,
    handle: async (input) => {
      const envelope = input.requestEnvelope;
      const { answer, state } = await session.turn({
        locale: localeOf(envelope.request.locale),
        event: sessionEvent(input) as NonNullable<ReturnType<typeof sessionEvent>>,
        state: sessionState(input),
        identify: () => options.identify(envelope),
      });
      saveSession(input, state);
      return respond(input, answer);
    },
  };

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
    .addRequestHandlers(createLinkingHandler({ link: options.link, turnLog: options.turnLog }), conversation)
    .addErrorHandlers(apologize)
    .create();
}
