import { randomUUID } from 'node:crypto';
import type { Customer, Locale } from '../../core/index.ts';
import type { AlexaAnswer, AlexaApp } from './alexa-app.ts';
import { createAlexaConversation } from '../../voice/alexa/chat/alexa-conversation.ts';
import { loadInteractionModel } from '../../voice/alexa/intent-models.ts';
import { testSkillId, type AlexaRequestBody } from './alexa-requests.ts';

/** What the customer hears: the SSML's words, entities decoded. */
export const heard = (answer: AlexaAnswer): string =>
  (answer.response.outputSpeech?.ssml ?? '')
    .replace(/<[^>]*>/g, '')
    .replace(/&apos;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&');

/** An intent as Alexa sends it: built-in slot values as said, custom ones by the id they resolved to. */
export const intent = (
  name: string,
  options: {
    slots?: Record<string, string | undefined>;
    resolved?: Record<string, string>;
    confirmationStatus?: 'NONE' | 'CONFIRMED' | 'DENIED';
    dialogState?: 'STARTED' | 'IN_PROGRESS' | 'COMPLETED';
  } = {},
): AlexaRequestBody => ({ type: 'IntentRequest', intent: name, ...options });

/** The dialog directive of an answer, if any: its type, the slot it asks for and the slot values it carries. */
export function directiveOf(answer: AlexaAnswer) {
  const [d] = answer.response.directives ?? [];
  if (!d) return undefined;
  const values = Object.fromEntries(
    Object.values(d.updatedIntent?.slots ?? {})
      .filter((s) => s.value !== undefined)
      .map((s) => [s.name, s.value]),
  );
  return { type: d.type, slot: d.slotToElicit, intent: d.updatedIntent?.name, values };
}

/** A customer linked to an Alexa user of their own, as they would link it: with a code. */
export async function linkedUser(alexa: AlexaApp, customer: Customer) {
  const userId = `amzn1.ask.account.${customer.id}`;
  await alexa.link(customer, userId);
  return { customer, userId, locale: customer.locale as Locale };
}

/**
 * One Alexa session of a linked user: each request carries the session attributes of the
 * answer before, as Alexa does, until an answer ends the session.
 */
export function alexaSession(alexa: AlexaApp, who: { userId: string; locale: Locale }) {
  let sessionId = `amzn1.echo-api.session.${randomUUID()}`;
  let attributes: Record<string, unknown> | undefined;
  const say = async (request: AlexaRequestBody) => {
    const answer = await alexa.ask({
      request,
      locale: who.locale,
      userId: who.userId,
      sessionId,
      ...(attributes ? { attributes } : {}),
    });
    attributes = answer.sessionAttributes;
    if (answer.response.shouldEndSession === true) {
      sessionId = `amzn1.echo-api.session.${randomUUID()}`;
      attributes = undefined;
    }
    return answer;
  };
  return { say, attributes: () => attributes };
}

/**
 * A typed conversation with the skill behind /alexa: a simulated Alexa matches each sentence
 * against the shipped interaction model and posts signed request JSON, as Alexa would.
 */
export async function typedConversation(
  alexa: AlexaApp,
  who: { userId: string; locale: Locale },
  today: () => string,
) {
  return createAlexaConversation({
    locale: who.locale,
    invoke: alexa.invoke,
    model: await loadInteractionModel(who.locale),
    skillId: testSkillId,
    userId: who.userId,
    today,
  });
}

/** Euros as the assistant says them: "110 euros", "382.25 euros"; "111,10 euro". */
export function spokenEuros(cents: number, locale: Locale): string {
  if (locale === 'en-US') return `${(cents / 100).toFixed(cents % 100 === 0 ? 0 : 2)} euros`;
  return `${(cents / 100).toFixed(2).replace('.', ',')} euro`;
}
