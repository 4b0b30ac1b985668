import { getIntentName, getRequestType, type HandlerInput, type RequestHandler } from 'ask-sdk-core';
import type { RequestEnvelope } from 'ask-sdk-model';
import type { BillIntentName } from '../../fulfilment/bill-intents.ts';
import type { IntentHandler } from '../../fulfilment/conversation.ts';
import type { createTurnLog } from '../../fulfilment/turn-log.ts';
import { alexaMessages, localeOf } from '../alexa-messages.ts';

/** Who is asking: the customer behind the request's linked account, or undefined when it is not linked. */
export type Identify = (envelope: RequestEnvelope) => Promise<{ customerId: string } | undefined>;

/** The interaction model's intent name for each bill question the fulfilment answers. */
export const billIntentsByAlexaName = {
  WhatDoIOweIntent: 'WhatDoIOwe',
  LastPaymentIntent: 'LastPayment',
  WhyHigherIntent: 'WhyHigher',
} as const satisfies Record<string, BillIntentName>;

export interface BillHandlersOptions {
  intents: Record<BillIntentName, IntentHandler>;
  turnLog: ReturnType<typeof createTurnLog>;
  identify: Identify;
}

export function createBillHandlers(options: BillHandlersOptions): RequestHandler[] {
  const { intents, turnLog, identify } = options;
  return Object.entries(billIntentsByAlexaName).map(([alexaName, intent]) => {
    const answer = turnLog.wrap(intent, intents[intent]);
    return {
      canHandle: (input: HandlerInput) =>
        getRequestType(input.requestEnvelope) === 'IntentRequest' &&
        getIntentName(input.requestEnvelope) === alexaName,
      handle: async (input: HandlerInput) => {
        const locale = localeOf(input.requestEnvelope.request.locale);
        const who = await identify(input.requestEnvelope);
        if (!who) {
          // Alexa shows the LinkAccount card in the companion app; nothing about any customer is said.
          return input.responseBuilder
            .speak(alexaMessages[locale].linkAccount())
            .withLinkAccountCard()
            .withShouldEndSession(true)
            .getResponse();
        }
        const reply = await answer({ customerId: who.customerId, locale });
        return input.responseBuilder
          .speak(reply.speech)
          .withSimpleCard(reply.cardTitle, reply.cardText)
          .withShouldEndSession(false)
          .reprompt(alexaMessages[locale].helpReprompt())
          .getResponse();
      },
    };
  });
}
