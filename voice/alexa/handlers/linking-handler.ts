import { getDeviceId, getUserId, type RequestHandler } from 'ask-sdk-core';
import type { IntentRequest } from 'ask-sdk-model';
import {
  answerOf,
  linkingTurn,
  type createTurnLog,
  type LinkingReply,
  type LinkingRequest,
} from '../../../core/services.ts';
import { ALEXA_PLATFORM } from '../alexa-identity.ts';
import { localeOf } from '../alexa-messages.ts';
import { isIntent, respond, saveSession, sessionState, slotValues } from '../alexa-turns.ts';

/**
 * LinkAccountIntent: the Alexa user says the one-time code the customer received. Open to users
 * who are not linked (that is its point); once the code links them, the turn joins the
 * customer's journey like any other.
 */
export function createLinkingHandler(options: {
  link: (request: LinkingRequest) => Promise<LinkingReply>;
  turnLog: ReturnType<typeof createTurnLog>;
}): RequestHandler {
  return {
    canHandle: (input) => isIntent(input, 'LinkAccountIntent'),
    handle: async (input) => {
      const locale = localeOf(input.requestEnvelope.request.locale);
      const { result, state } = await linkingTurn({
        link: options.link,
        turnLog: options.turnLog,
        state: sessionState(input),
        request: {
          platform: ALEXA_PLATFORM,
          platformUserId: getUserId(input.requestEnvelope),
          deviceId: getDeviceId(input.requestEnvelope) ?? undefined,
          locale,
          code: slotValues((input.requestEnvelope.request as IntentRequest).intent).code,
        },
      });
      saveSession(input, state);
      return respond(input, answerOf(result, 'LinkAccount', locale));
    },
  };
}
