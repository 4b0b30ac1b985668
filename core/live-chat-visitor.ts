import type { CallbackQueue, CallbackRequest } from './callbacks.ts';
import type { Clock } from './clock.ts';
import { GENERAL_REASON } from './conversation/conversation.ts';
import { reachableMedia, type Customer, type CustomerDirectory } from './customers.ts';
import { ChannelPilotError } from './errors.ts';
import type { Interaction, InteractionLog } from './interactions.ts';
import { heardSince, type ChatConversation, type LiveChatStore } from './live-chat.ts';
import { estimateWaitMinutes, WAIT_LOOKBACK_DAYS } from './live-chat-wait.ts';
import type { Outbox } from './notifications.ts';
import type { SurveyAnswer, SurveyAnswers } from './surveys.ts';

/** How many recent handled chats the wait estimate averages. */
const WAIT_SAMPLE = 50;
/** The outcome of a chat that carried on in another channel (`offline_callback`, `offline_email`). */
const OFFLINE_OUTCOME = 'offline_';

/**
 * A chat handed on to a callback or to e-mail is not over for the customer: their matter goes on
 * elsewhere, so "how satisfied are you with this chat?" is not asked (it would rate a promise).
 */
const handedOn = (conversation: ChatConversation) =>
  conversation.outcome?.startsWith(OFFLINE_OUTCOME) ?? false;

/** What a message to the customer says, rendered by the channel in the customer's language. */
export interface RenderedEmail {
  subject: string;
  body: string;
  html: string;
}

/**
 * The live chat's rules on the customer's side: the wait they are told, what happens when they
 * ask for a person outside hours (a callback, or carrying on by e-mail), the CSAT answer at the
 * end, and the transcript by e-mail. Whatever goes to an address goes only to the address on file
 * of the customer the visitor was identified as, and only with their consent to be contacted by
 * e-mail: an address a visitor types is never written to.
 */
export function createLiveChatVisitorDesk(options: {
  chats: LiveChatStore;
  interactions: InteractionLog;
  customers: CustomerDirectory;
  callbacks: CallbackQueue;
  surveys: SurveyAnswers;
  outbox: Outbox;
  clock: Clock;
  channel: string;
  advisorLimit: number;
  /** Advisors whose consoles have been silent this long do not count in the wait estimate. */
  awayAfterMs: number;
}) {
  const { chats, interactions, customers, clock, channel } = options;

  /** The identified customer's address on file they agreed to be e-mailed at, or why there is none. */
  async function emailOnFile(conversation: ChatConversation): Promise<{ customer: Customer; email: string }> {
    if (!conversation.customerId)
      throw new ChannelPilotError(
        'forbidden',
        'we only write to the address a customer gave us: open the chat from your customer area or your personal link',
      );
    const customer = await customers.get(conversation.customerId);
    const consents = customer ? await customers.consents(customer.id) : [];
    if (!customer?.email || !reachableMedia(customer, consents).includes('email'))
      throw new ChannelPilotError(
        'conflict',
        'we have no e-mail address you agreed to be written to; you can add one in your customer area',
      );
    return { customer, email: customer.email };
  }

  /** The chat ends handed off to another channel (`callback`, `email`): the bot's contact says so. */
  async function endWith(conversation: ChatConversation, offline: string, facts: Record<string, unknown>) {
    const at = clock.now();
    await chats.close(conversation.id, `${OFFLINE_OUTCOME}${offline}`, at);
    await interactions.amend(conversation.botContactId, {
      outcome: 'handed_off',
      details: { closedAt: at.toISOString(), offline, ...facts },
    });
  }

  return {
    emailOnFile,
    endWith,

    /** The visitor's place in the queue and the minutes they can expect (null: nobody can say). */
    async waitFor(conversationId: string): Promise<{ position: number; minutes: number | null } | null> {
      const position = await chats.position(conversationId);
      if (position === undefined) return null;
      const now = clock.now();
      const since = new Date(now.getTime() - WAIT_LOOKBACK_DAYS * 86_400_000);
      const facts = await chats.waitFacts(since, WAIT_SAMPLE, heardSince(now, options.awayAfterMs));
      return { position, minutes: estimateWaitMinutes(position, facts, options.advisorLimit) };
    },

    /** Outside hours: the call centre calls the identified customer back at the number on file. */
    async callback(
      conversation: ChatConversation,
      summary: string,
    ): Promise<{ request: CallbackRequest; phoneEnd: string }> {
      if (!conversation.customerId)
        throw new ChannelPilotError('forbidden', 'a callback needs to know who you are');
      const customer = await customers.get(conversation.customerId);
      if (!customer?.phone)
        throw new ChannelPilotError('conflict', 'we have no telephone number to call you back on');
      const request = await options.callbacks.request(
        {
          customerId: customer.id,
          interactionId: conversation.botContactId,
          channel,
          reason: GENERAL_REASON,
          summary,
          context: { conversationId: conversation.id },
        },
        clock.now(),
      );
      return { request, phoneEnd: customer.phone.slice(-4) };
    },

    /**
     * Outside hours: the conversation carries on by e-mail, as a contact of the customer care
     * inbox in the same journey, and the customer gets what was said so far at their address.
     */
    async continueByEmail(
      conversation: ChatConversation,
      summary: string,
      rendered: RenderedEmail,
    ): Promise<{ contact: Interaction; email: string }> {
      const { customer, email } = await emailOnFile(conversation);
      const contact = await interactions.record({
        customerId: customer.id,
        channel: 'email',
        touchpoint: 'inbox',
        direction: 'inbound',
        reason: GENERAL_REASON,
        startedAt: clock.now(),
        outcome: 'continued',
        handoffFromId: conversation.botContactId,
        details: { conversationId: conversation.id, fromChat: true, summary },
      });
      await this.sendTranscript(conversation, rendered, `chat-continue:${conversation.id}`, email);
      return { contact, email };
    },

    /** The customer's CSAT answer about the chat, once, tied to the contact it is about. */
    async answerCsat(conversation: ChatConversation, score: number): Promise<SurveyAnswer> {
      if (conversation.status !== 'closed')
        throw new ChannelPilotError('conflict', 'the question is asked when the chat has closed');
      if (handedOn(conversation))
        throw new ChannelPilotError(
          'conflict',
          'this chat carries on by callback or e-mail: there is no chat to rate yet',
        );
      const interactionId = conversation.humanContactId ?? conversation.botContactId;
      if (await this.rated(conversation))
        throw new ChannelPilotError('conflict', 'this chat has been rated already; thank you');
      return options.surveys.record({ interactionId, metric: 'csat', score, answeredAt: clock.now() });
    },

    /** Whether the closed chat's CSAT question is still to be asked: not answered, not handed on. */
    async surveyDue(conversation: ChatConversation): Promise<boolean> {
      return conversation.status === 'closed' && !handedOn(conversation) && !(await this.rated(conversation));
    },

    /** Whether the chat's CSAT question has been answered. */
    async rated(conversation: ChatConversation): Promise<boolean> {
      const given = await options.surveys.forInteraction(
        conversation.humanContactId ?? conversation.botContactId,
      );
      return given.some((answer) => answer.metric === 'csat');
    },

    /** Queues the transcript to the customer's address on file; the same key is sent once. */
    async sendTranscript(
      conversation: ChatConversation,
      rendered: RenderedEmail,
      dedupeKey: string,
      to?: string,
    ): Promise<{ recipient: string; queued: boolean }> {
      const recipient = to ?? (await emailOnFile(conversation)).email;
      const queued = await options.outbox.enqueue([
        {
          dedupeKey,
          customerId: conversation.customerId!,
          appointmentId: null,
          kind: 'chat_transcript',
          medium: 'email',
          recipient,
          subject: rendered.subject,
          body: rendered.body,
          html: rendered.html,
          attachments: [],
          sendAfter: clock.now(),
        },
      ]);
      return { recipient, queued: queued > 0 };
    },
  };
}
export type LiveChatVisitorDesk = ReturnType<typeof createLiveChatVisitorDesk>;
