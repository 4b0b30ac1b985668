import express, { Router } from 'express';
import type { CustomerDirectory, Locale } from '../../core/index.ts';
import type { AccountLinking } from '../../core/services.ts';
import { linkingTurn, type LinkingReply, type LinkingRequest } from '../../core/services.ts';
import {
  answerOf,
  customerIntentNames,
  type createConversationSession,
  type CustomerIntentName,
  type SessionAnswer,
  type SessionEvent,
} from '../../core/services.ts';
import type { createTurnLog } from '../../core/services.ts';
import { dialogflowAuthentication, type DialogflowCredentials } from './dialogflow-auth.ts';
import { dialogflowMessages } from './dialogflow-messages.ts';
import {
  readWebhookRequest,
  STATE_PARAMETER,
  type DialogflowState,
  type DialogflowTurn,
  type WebhookResponse,
} from './dialogflow-request.ts';

/** The platform names linking codes are redeemed under: one conversation (CX session) each. */
export const DIALOGFLOW_PLATFORM = 'dialogflow';
export const PHONE_PLATFORM = 'phone';
/** The session parameter the agent's routes end the conversation on. */
export const END_PARAMETER = 'channel_pilot_end';
/**
 * The session parameter naming the question asked (`BookConsultation.date`): the agent's routes
 * move to the page whose form takes that answer.
 */
export const ASKING_PARAMETER = 'channel_pilot_asking';

const builtinTags = {
  open: 'open',
  help: 'help',
  stop: 'stop',
  cancel: 'cancel',
  fallback: 'fallback',
  yes: 'yes',
  no: 'no',
  ended: 'ended',
} as const;

interface Conversation {
  session: ReturnType<typeof createConversationSession>;
  turnLog: ReturnType<typeof createTurnLog>;
}

export interface DialogflowWebhookOptions {
  credentials: DialogflowCredentials;
  /** The conversation of text sessions (touchpoint `dialogflow`) and of phone calls (`phone`). */
  text: Conversation;
  phone: Conversation;
  link: (request: LinkingRequest) => Promise<LinkingReply>;
  linking: AccountLinking;
  customers: CustomerDirectory;
  /** Who is asking instead of the linking codes (the typed chat talks as one customer). */
  identify?:
    ((who: { platform: string; user: string }) => Promise<{ customerId: string } | undefined>) | undefined;
}

/**
 * POST `/dialogflow/webhook`: CX's webhook calls, authenticated, each `fulfillmentInfo.tag` a
 * step of the conversation. Who is speaking is the customer a one-time code linked to this CX
 * session; on a phone line, the caller's number proposes a customer, who is sent a code to say
 * before anything about their account is said.
 */
export function createDialogflowWebhook(options: DialogflowWebhookOptions): Router {
  const router = Router();
  router.post(
    '/dialogflow/webhook',
    dialogflowAuthentication(options.credentials),
    express.json({ limit: '256kb', type: () => true }),
    async (req, res, next) => {
      try {
        const turn = readWebhookRequest(req.body);
        const body = JSON.stringify(await answerTurn(options, turn));
        res.type('application/json').send(body);
      } catch (error) {
        next(error);
      }
    },
  );
  return router;
}

async function answerTurn(options: DialogflowWebhookOptions, turn: DialogflowTurn): Promise<WebhookResponse> {
  const phone = turn.callerId !== undefined;
  const platform = phone ? PHONE_PLATFORM : DIALOGFLOW_PLATFORM;
  const conversation = phone ? options.phone : options.text;
  const identify = async () => {
    if (options.identify) return options.identify({ platform, user: turn.session });
    const customerId = await options.linking.linkedCustomer(platform, turn.session);
    return customerId ? { customerId } : undefined;
  };
  const asking = turn.state.asking;
  let state = turn.state.conversation ?? {};

  if (turn.tag === 'LinkAccount') {
    const { result, state: linked } = await linkingTurn({
      link: options.link,
      turnLog: conversation.turnLog,
      state,
      request: { platform, platformUserId: turn.session, locale: turn.locale, code: turn.slots.code },
    });
    state = linked;
    const still = !result.customerId && turn.state.codeSent ? { codeSent: true as const } : {};
    return render(answerOf(result, 'LinkAccount', turn.locale), state, turn.locale, still);
  }

  const event = eventOf(turn, asking);
  if (!event)
    return render(
      { speech: dialogflowMessages[turn.locale].notAStep(), next: { kind: 'listen' } },
      state,
      turn.locale,
    );
  const result = await conversation.session.turn({ locale: turn.locale, event, state, identify });
  if (result.answer.linkAccount && phone && turn.callerId) {
    // The caller's number proposes a customer: a code goes to them, to be said back.
    const proposed = await customerByPhone(options.customers, turn.callerId);
    if (proposed) {
      if (!turn.state.codeSent) await options.linking.issueCode(proposed);
      const asked = await options.link({
        platform,
        platformUserId: turn.session,
        locale: turn.locale,
        code: undefined,
      });
      const said = dialogflowMessages[turn.locale].codeSentToCaller();
      const { card: _card, ...question } = answerOf(asked, 'LinkAccount', turn.locale);
      return render({ ...question, speech: said, reprompt: said }, result.state, turn.locale, {
        codeSent: true,
      });
    }
  }
  return render(
    result.answer,
    result.state,
    turn.locale,
    turn.state.codeSent ? { codeSent: true as const } : {},
  );
}

/** The session's event for a tag; a yes or no answers a confirmation being asked. */
function eventOf(turn: DialogflowTurn, asking: DialogflowState['asking']): SessionEvent | undefined {
  const builtin = Object.hasOwn(builtinTags, turn.tag)
    ? builtinTags[turn.tag as keyof typeof builtinTags]
    : undefined;
  if (asking?.confirm && (builtin === 'yes' || builtin === 'no'))
    return {
      kind: 'intent',
      intent: asking.intent as CustomerIntentName,
      slots: asking.slots,
      confirmation: builtin === 'yes' ? 'confirmed' : 'denied',
    };
  if (builtin) return { kind: builtin };
  if (!(customerIntentNames as readonly string[]).includes(turn.tag)) return undefined;
  const earlier = asking?.intent === turn.tag ? asking.slots : {};
  return {
    kind: 'intent',
    intent: turn.tag as CustomerIntentName,
    slots: { ...earlier, ...turn.slots },
    confirmation: 'none',
  };
}

async function customerByPhone(customers: CustomerDirectory, number: string): Promise<string | undefined> {
  const digits = number.replace(/[^\d+]/g, '');
  if (digits.length < 6) return undefined;
  const { customers: found } = await customers.search({ query: digits, limit: 5, offset: 0 });
  const exact = found.filter((c) => c.phone?.replace(/[^\d+]/g, '') === digits);
  // A number shared by several customers proposes nobody.
  return exact.length === 1 ? exact[0]?.id : undefined;
}

/** The answer as CX's webhook response: text and SSML messages, the form, the session's state. */
function render(
  answer: SessionAnswer,
  conversation: object,
  locale: Locale,
  verifying: Pick<DialogflowState, 'codeSent'> = {},
): WebhookResponse {
  const speech = answer.linkAccount ? dialogflowMessages[locale].linkAccount() : answer.speech;
  const next = answer.next;
  const asking: DialogflowState['asking'] =
    next.kind === 'elicit' && answer.intent
      ? { intent: answer.intent, slots: definedSlots(next.slots) }
      : next.kind === 'confirm' && answer.intent
        ? { intent: answer.intent, slots: definedSlots(next.slots), confirm: true }
        : undefined;
  const state: DialogflowState = { conversation, ...(asking ? { asking } : {}), ...verifying };
  const text = answer.linkAccount ? plain(speech) : (answer.card?.text ?? plain(speech));
  return {
    fulfillmentResponse: {
      messages: speech ? [{ text: { text: [text] } }, { outputAudioText: { ssml: speech } }] : [],
    },
    sessionInfo: {
      parameters: {
        [STATE_PARAMETER]: state,
        [END_PARAMETER]: next.kind === 'end' ? true : null,
        [ASKING_PARAMETER]: next.kind === 'elicit' && answer.intent ? `${answer.intent}.${next.slot}` : null,
        ...(next.kind === 'elicit' ? { [next.slot]: null } : {}),
      } as never,
    },
    ...(next.kind === 'elicit'
      ? {
          pageInfo: {
            formInfo: {
              parameterInfo: [{ displayName: next.slot, required: true, state: 'INVALID' as never }],
            },
          },
        }
      : {}),
  };
}

function definedSlots(slots: Partial<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(slots).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}

/** The SSML's words as plain text, for a chat window. */
function plain(ssml: string): string {
  return ssml
    .replace(/<[^>]+>/g, '')
    .replace(/&apos;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .trim();
}
