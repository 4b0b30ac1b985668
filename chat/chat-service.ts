import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { ChannelPilotError, type Broadcast, type Clock, type Locale, type StaffUser } from '../core/index.ts';
import {
  type ChatCloseOutcome,
  type ChatConversation,
  type ChatIdentity,
  type ChatMessage,
  type LiveChatDesk,
  type LiveChatStore,
  type QuickReply,
} from '../core/services.ts';
import { QUICK_REPLY_VALUE, type ChatBot, type VisitorInput } from './chat-bot.ts';
import { OFFLINE_VALUE, type ChatCustomerSide } from './chat-customer.ts';
import { chatTexts } from './chat-texts.ts';

/** The one topic every instance hears the chat's events on. */
export const CHAT_TOPIC = 'live-chat';

/** Something that happened in a conversation; listeners read what changed from the store. */
export interface ChatEvent {
  conversationId: string;
  /** `queue`: the queue moved; every waiting visitor's place and estimate changed. */
  kind: 'message' | 'status' | 'typing' | 'read' | 'queue';
  /** The advisor the conversation is with, if any (their inbox hears it). */
  advisorId?: string | null;
  /** Who is typing or has read (`visitor`, `advisor`). */
  who?: 'visitor' | 'advisor';
  seq?: number;
}

export interface ChatLimits {
  /** Characters in one message. */
  messageChars: number;
  /** Messages one visitor may send in a minute. */
  messagesPerMinute: number;
  /** How long a waiting visitor may be connected nowhere before their chat leaves the queue. */
  queueGoneMs: number;
}

const hashKey = (key: string) => createHash('sha256').update(key).digest('base64url');

/**
 * The live chat's operations, for the sockets and the advisors' routes alike: every change is
 * stored first, then announced to every instance.
 */
export function createChatService(options: {
  chats: LiveChatStore;
  desk: LiveChatDesk;
  bot: ChatBot;
  broadcast: Broadcast;
  clock: Clock;
  limits: ChatLimits;
  customer: ChatCustomerSide;
  /** Waiting chats whose visitor no instance has seen connected since a moment. */
  unseenWaiting: (since: Date) => Promise<string[]>;
}) {
  const { chats, desk, bot, broadcast, clock, limits, customer } = options;

  const announce = (event: ChatEvent) => broadcast.publish(CHAT_TOPIC, JSON.stringify(event));

  async function post(
    conversation: ChatConversation,
    message: Pick<ChatMessage, 'author' | 'body'> & Partial<Pick<ChatMessage, 'authorId' | 'quickReplies'>>,
  ): Promise<ChatMessage> {
    const stored = await chats.post(
      conversation.id,
      {
        author: message.author,
        authorId: message.authorId ?? null,
        body: message.body,
        quickReplies: message.quickReplies ?? [],
      },
      clock.now(),
    );
    await announce({
      conversationId: conversation.id,
      kind: 'message',
      advisorId: conversation.advisorId,
      seq: stored.seq,
    });
    return stored;
  }

  const system = (conversation: ChatConversation, body: string, quickReplies: QuickReply[] = []) =>
    post(conversation, { author: 'system', body, quickReplies });
  const queueMoved = () => announce({ conversationId: '', kind: 'queue' });

  /** Hands waiting chats to free advisors and tells each visitor who joined. */
  async function assign(names: (advisorId: string) => Promise<string>): Promise<ChatConversation[]> {
    const assigned = await desk.assignWaiting();
    for (const conversation of assigned) await joined(conversation, names);
    if (assigned.length > 0) await queueMoved();
    return assigned;
  }

  async function joined(conversation: ChatConversation, names: (advisorId: string) => Promise<string>) {
    const name = await names(conversation.advisorId!);
    await system(conversation, chatTexts[conversation.locale].joined({ name }));
    await announce({ conversationId: conversation.id, kind: 'status', advisorId: conversation.advisorId });
  }

  function checkText(text: unknown): string {
    if (typeof text !== 'string' || text.trim() === '')
      throw new ChannelPilotError('invalid_input', 'text must be a message of at least one character');
    // Characters as people count them: an emoji is one, not the two UTF-16 units it takes.
    const characters = [...text].length;
    if (characters > limits.messageChars)
      throw new ChannelPilotError(
        'invalid_input',
        `text is ${characters} characters long; a message may have at most ${limits.messageChars}`,
      );
    return text.trim();
  }

  /** What a pressed button reads as in the transcript: the label it was offered with. */
  async function labelOf(value: string, conversation: ChatConversation): Promise<string> {
    const recent = await chats.messages(conversation.id, Math.max(0, conversation.lastSeq - 5), 5);
    const offered = recent.flatMap((m) => m.quickReplies).findLast((q) => q.value === value);
    return offered?.label ?? (value === 'person' ? chatTexts[conversation.locale].menu.person : value);
  }

  async function found(conversationId: string): Promise<ChatConversation> {
    const conversation = await chats.conversation(conversationId);
    if (!conversation) throw new ChannelPilotError('not_found', `no chat ${conversationId}`);
    return conversation;
  }

  async function live(conversationId: string): Promise<ChatConversation> {
    const conversation = await found(conversationId);
    if (conversation.status === 'closed') throw new ChannelPilotError('conflict', 'this chat is closed');
    return conversation;
  }

  return {
    announce,
    checkText,
    system,

    /** A new conversation and the secret key the visitor's browser keeps to come back to it. */
    async start(input: {
      customerId: string | null;
      identity: ChatIdentity;
      locale: Locale;
      touchpoint: string;
      continuing?: string | null;
    }): Promise<{ conversation: ChatConversation; key: string }> {
      const key = randomBytes(24).toString('base64url');
      const conversation = await desk.start({ ...input, visitorKeyHash: hashKey(key) });
      const opened = await bot.open(conversation);
      await chats.saveBotState(conversation.id, { ...opened.state });
      for (const reply of opened.replies) await post(conversation, { author: 'bot', ...reply });
      return { conversation, key };
    },

    /** The conversation a visitor's key opens, or `forbidden`. */
    async resume(conversationId: string, key: string): Promise<ChatConversation> {
      const conversation = await chats.conversation(conversationId);
      const given = Buffer.from(hashKey(key));
      const expected = Buffer.from(conversation?.visitorKeyHash ?? '');
      if (!conversation || given.length !== expected.length || !timingSafeEqual(given, expected))
        throw new ChannelPilotError('forbidden', 'this chat cannot be opened with this key');
      return conversation;
    },

    /**
     * A visitor's line or button: stored, then answered by the bot while it has the conversation;
     * "a person" puts it in the queue. Refused (and not stored) beyond the limits.
     */
    async visitorSays(
      conversationId: string,
      input: VisitorInput,
      names: (advisorId: string) => Promise<string>,
    ): Promise<void> {
      let conversation = await live(conversationId);
      const minuteAgo = new Date(clock.now().getTime() - 60_000);
      if ((await chats.countSince(conversation.id, 'visitor', minuteAgo)) >= limits.messagesPerMinute)
        throw new ChannelPilotError(
          'rate_limited',
          `at most ${limits.messagesPerMinute} messages a minute; please wait a moment before writing again`,
        );
      const body = 'text' in input ? checkText(input.text) : input.quick;
      const offline = 'quick' in input && OFFLINE_VALUE.test(input.quick);
      if ('quick' in input && !offline && !QUICK_REPLY_VALUE.test(input.quick))
        throw new ChannelPilotError('invalid_input', 'quick is not a value any button offers');
      await post(conversation, {
        author: 'visitor',
        body: 'quick' in input ? await labelOf(input.quick, conversation) : body,
      });
      if (conversation.status !== 'bot') {
        if ('quick' in input && input.quick === 'person' && conversation.status === 'waiting')
          await system(conversation, chatTexts[conversation.locale].alreadyWithPerson());
        return;
      }
      if (offline) {
        await customer.offline(conversation, input.quick, system);
        await announce({ conversationId: conversation.id, kind: 'status' });
        return;
      }
      const turn = await bot.answer(conversation, input);
      await chats.saveBotState(conversation.id, { ...turn.state });
      for (const reply of turn.replies) await post(conversation, { author: 'bot', ...reply });
      if (!turn.handOff || (await customer.closedAtHandOff(conversation, system))) return;
      conversation = await desk.handOff(conversation);
      const wait = await customer.waitFor(conversation.id);
      const position = wait?.position ?? 1;
      await system(
        conversation,
        `${chatTexts[conversation.locale].queued({ position })} ${customer.estimateText(conversation, wait?.minutes ?? null)}`,
      );
      await announce({ conversationId: conversation.id, kind: 'status' });
      await assign(names);
    },

    /** An advisor's reply in a chat assigned to them. */
    async advisorSays(conversationId: string, advisor: StaffUser, text: unknown): Promise<ChatMessage> {
      const conversation = await live(conversationId);
      if (conversation.advisorId !== advisor.id)
        throw new ChannelPilotError('forbidden', 'this chat is not assigned to you');
      return post(conversation, { author: 'advisor', authorId: advisor.id, body: checkText(text) });
    },

    async claim(conversationId: string, advisor: StaffUser): Promise<ChatConversation> {
      const conversation = await desk.claim(conversationId, advisor.id);
      await joined(conversation, async () => advisor.displayName);
      await queueMoved();
      return conversation;
    },

    assign,

    /**
     * Closes as left while waiting (`abandonedWhileWaiting`) every queued chat whose visitor has
     * been connected to no instance for `queueGoneMs`: closing the page is how people leave a
     * queue. Safe on every instance at once: a chat is closed once, and never once assigned.
     */
    async leaveUnseen(): Promise<number> {
      const since = new Date(clock.now().getTime() - limits.queueGoneMs);
      let left = 0;
      // One chat that cannot be closed leaves the others to close, and the queue told it moved.
      let failure: unknown;
      for (const id of await options.unseenWaiting(since)) {
        try {
          const conversation = await chats.conversation(id);
          if (conversation?.status !== 'waiting') continue;
          await desk.close(conversation, { visitor: true });
          left++;
          await announce({ conversationId: id, kind: 'status' });
        } catch (error) {
          if (!(error instanceof ChannelPilotError && error.code === 'conflict')) failure ??= error;
        }
      }
      if (left > 0) await queueMoved();
      if (failure !== undefined) throw failure;
      return left;
    },

    async close(
      conversationId: string,
      by: { advisor: StaffUser; outcome: ChatCloseOutcome } | { visitor: true },
    ): Promise<ChatConversation> {
      const conversation = await live(conversationId);
      if ('advisor' in by && conversation.advisorId !== by.advisor.id)
        throw new ChannelPilotError('forbidden', 'this chat is not assigned to you');
      const t = chatTexts[conversation.locale];
      await system(conversation, 'advisor' in by ? t.closedByAdvisor() : t.closedByVisitor());
      const closed = await desk.close(
        conversation,
        'advisor' in by ? { advisorOutcome: by.outcome } : { visitor: true },
      );
      await announce({ conversationId, kind: 'status', advisorId: conversation.advisorId });
      if (conversation.status === 'waiting') await queueMoved();
      return closed;
    },

    /** The visitor's CSAT answer (1–5) once their chat has closed. */
    async csat(conversationId: string, score: number) {
      return customer.visitorDesk.answerCsat(await found(conversationId), score);
    },

    /** The transcript to the identified customer's address on file. */
    async transcript(conversationId: string) {
      return customer.transcript(await found(conversationId));
    },

    async read(conversationId: string, who: 'visitor' | 'advisor', participant: string, seq: number) {
      await chats.markRead(conversationId, participant, seq, clock.now());
      await announce({ conversationId, kind: 'read', who, seq });
    },
  };
}
export type ChatService = ReturnType<typeof createChatService>;
