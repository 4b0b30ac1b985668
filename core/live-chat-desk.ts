import { randomUUID } from 'node:crypto';
import type { Clock } from './clock.ts';
import { GENERAL_REASON } from './conversation/conversation.ts';
import type { InteractionLog } from './interactions.ts';
import {
  heardSince,
  type ChatCloseOutcome,
  type ChatConversation,
  type ChatIdentity,
  type LiveChatStore,
} from './live-chat.ts';
import type { Locale } from './vocabulary.ts';

/**
 * The live chat's rules around the store: every conversation is a contact in the customer's
 * journey (its bot part from the start; its human part, handed off from it, from the moment the
 * visitor asks for a person), and each step is written on those contacts so that census and pilot
 * metrics see containment, queue wait, abandonment while waiting and handle time.
 */
export function createLiveChatDesk(options: {
  chats: LiveChatStore;
  interactions: InteractionLog;
  clock: Clock;
  /** The registry's channel the contacts are logged on (`live_chat`). */
  channel: string;
  /** Chats one advisor may have open at once. */
  advisorLimit: number;
  /** An advisor whose console has not been heard from for this long is away: given no chats. */
  awayAfterMs: number;
  newId?: () => string;
}) {
  const { chats, interactions, clock, channel, advisorLimit } = options;
  const newId = options.newId ?? randomUUID;
  const ms = (from: Date | null, to: Date) => (from ? to.getTime() - from.getTime() : null);

  async function assigned(conversation: ChatConversation): Promise<ChatConversation> {
    if (conversation.humanContactId && conversation.assignedAt)
      await interactions.amend(conversation.humanContactId, {
        details: {
          advisorStaffId: conversation.advisorId,
          assignedAt: conversation.assignedAt.toISOString(),
          queueWaitMs: ms(conversation.queuedAt, conversation.assignedAt),
        },
      });
    return conversation;
  }

  return {
    advisorLimit,

    async start(input: {
      customerId: string | null;
      identity: ChatIdentity;
      visitorKeyHash: string;
      locale: Locale;
      touchpoint: string;
      /** The contact whose journey the chat continues (the opening of the page it started on). */
      continuing?: string | null;
    }): Promise<ChatConversation> {
      const { continuing, ...start } = input;
      const at = clock.now();
      const id = newId();
      const contact = await interactions.record({
        customerId: input.customerId,
        channel,
        touchpoint: input.touchpoint,
        direction: 'inbound',
        reason: GENERAL_REASON,
        startedAt: at,
        outcome: 'continued',
        handoffFromId: input.customerId ? (continuing ?? null) : null,
        details: { conversationId: id, part: 'bot', identity: input.identity, locale: input.locale },
      });
      return chats.start({ ...start, id, botContactId: contact.id, at });
    },

    /** The visitor asked for a person: the conversation waits in the queue. */
    async handOff(conversation: ChatConversation): Promise<ChatConversation> {
      const at = clock.now();
      const human = await interactions.record({
        customerId: conversation.customerId,
        channel,
        touchpoint: conversation.touchpoint,
        direction: 'inbound',
        reason: GENERAL_REASON,
        startedAt: at,
        outcome: 'continued',
        // The log joins hand-offs within one customer's journey; an anonymous chat's parts are
        // tied by the conversation instead.
        handoffFromId: conversation.customerId ? conversation.botContactId : null,
        details: {
          conversationId: conversation.id,
          part: 'advisor',
          botContactId: conversation.botContactId,
          queuedAt: at.toISOString(),
        },
      });
      const queued = await chats.queue(conversation.id, human.id, at);
      await interactions.amend(conversation.botContactId, { outcome: 'handed_off' });
      return queued;
    },

    async claim(conversationId: string, advisorId: string): Promise<ChatConversation> {
      return assigned(await chats.claim(conversationId, advisorId, advisorLimit, clock.now()));
    },

    /** Gives the waiting chats to the least loaded available advisors; returns what it assigned. */
    async assignWaiting(): Promise<ChatConversation[]> {
      const now = clock.now();
      const done = await chats.assignWaiting(advisorLimit, now, heardSince(now, options.awayAfterMs));
      for (const conversation of done) await assigned(conversation);
      return done;
    },

    /**
     * Ends a conversation. Closed in the bot's hands it was contained; left while waiting, it was
     * abandoned in the queue; closed by an advisor, it has the outcome they gave.
     */
    async close(
      conversation: ChatConversation,
      by: { advisorOutcome: ChatCloseOutcome } | { visitor: true },
    ): Promise<ChatConversation> {
      const at = clock.now();
      // Only from the status read: what is recorded below depends on it (a chat assigned
      // meanwhile was not left in the queue).
      const closed = await chats.close(
        conversation.id,
        'advisorOutcome' in by ? by.advisorOutcome : `left_${conversation.status}`,
        at,
        conversation.status,
      );
      if (conversation.status === 'bot') {
        await interactions.amend(conversation.botContactId, {
          outcome: 'resolved',
          details: { closedAt: at.toISOString(), contained: true },
        });
      } else if (conversation.humanContactId) {
        const waiting = conversation.status === 'waiting';
        await interactions.amend(conversation.humanContactId, {
          outcome: 'advisorOutcome' in by ? by.advisorOutcome : waiting ? 'abandoned' : 'resolved',
          details: {
            closedAt: at.toISOString(),
            ...(waiting
              ? { abandonedWhileWaiting: true, queueWaitMs: ms(conversation.queuedAt, at) }
              : { handleMs: ms(conversation.assignedAt, at) }),
          },
        });
      }
      return closed;
    },
  };
}
export type LiveChatDesk = ReturnType<typeof createLiveChatDesk>;
