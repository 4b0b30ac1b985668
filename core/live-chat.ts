import { z } from 'zod';
import type { WaitFacts } from './live-chat-wait.ts';
import type { Locale } from './vocabulary.ts';

export const chatAuthors = ['visitor', 'bot', 'advisor', 'system'] as const;
export type ChatAuthor = (typeof chatAuthors)[number];
export const chatStatuses = ['bot', 'waiting', 'assigned', 'closed'] as const;
export type ChatStatus = (typeof chatStatuses)[number];
/**
 * How the visitor was known when the conversation started: not at all, the organisation's signed
 * identity, an advisor's personal link, or the personal link of the kit's page they were on.
 */
export const chatIdentities = ['anonymous', 'token', 'link', 'page'] as const;
export type ChatIdentity = (typeof chatIdentities)[number];
/** How an advisor closes a chat; they become the outcome of its human part in the journey. */
export const ChatCloseOutcome = z.enum(['resolved', 'failed', 'handed_off']);
export type ChatCloseOutcome = z.infer<typeof ChatCloseOutcome>;

/** A button under a message: its label, and what is sent back when it is pressed. */
export interface QuickReply {
  label: string;
  value: string;
}

export interface ChatConversation {
  id: string;
  /** The customer the visitor was identified as; null for an anonymous visitor. */
  customerId: string | null;
  identity: ChatIdentity;
  /** A hash of the secret the visitor's browser keeps to come back to the conversation. */
  visitorKeyHash: string;
  locale: Locale;
  touchpoint: string;
  status: ChatStatus;
  /** What the bot keeps between turns (the conversation session's state and its pending question). */
  botState: Record<string, unknown>;
  /** The staff login of the advisor the chat is assigned to. */
  advisorId: string | null;
  /** The journey contact of the bot part (recorded when the chat starts). */
  botContactId: string;
  /** The journey contact of the human part (recorded at the hand-off). */
  humanContactId: string | null;
  lastSeq: number;
  createdAt: Date;
  queuedAt: Date | null;
  assignedAt: Date | null;
  closedAt: Date | null;
  outcome: string | null;
}

export interface ChatMessage {
  conversationId: string;
  /** 1, 2, 3… within the conversation: a client resumes after the last one it saw. */
  seq: number;
  author: ChatAuthor;
  /** The advisor's staff login for an advisor's message. */
  authorId: string | null;
  body: string;
  quickReplies: QuickReply[];
  createdAt: Date;
}

export interface ChatStart {
  id: string;
  customerId: string | null;
  identity: ChatIdentity;
  /** A hash of the secret the visitor's browser keeps to come back to the conversation. */
  visitorKeyHash: string;
  locale: Locale;
  touchpoint: string;
  botContactId: string;
  at: Date;
}

/** A waiting conversation with its place in the queue (1 = next). */
export interface QueuedChat {
  conversation: ChatConversation;
  position: number;
}

/** Port: the live chat's conversations, messages, read state and advisors' availability. */
export interface LiveChatStore {
  start(input: ChatStart): Promise<ChatConversation>;
  conversation(id: string): Promise<ChatConversation | undefined>;
  /** Appends a message with the next seq; fails with `conflict` once the conversation is closed. */
  post(
    conversationId: string,
    message: { author: ChatAuthor; authorId: string | null; body: string; quickReplies: QuickReply[] },
    at: Date,
  ): Promise<ChatMessage>;
  /** Messages after `afterSeq`, oldest first. */
  messages(conversationId: string, afterSeq: number, limit: number): Promise<ChatMessage[]>;
  /** How many messages this author wrote in the conversation since `since`. */
  countSince(conversationId: string, author: ChatAuthor, since: Date): Promise<number>;
  saveBotState(conversationId: string, state: Record<string, unknown>): Promise<void>;
  /** Bot → waiting; fails with `conflict` unless the bot has the conversation. */
  queue(conversationId: string, humanContactId: string, at: Date): Promise<ChatConversation>;
  /**
   * Waiting → assigned to this advisor, when they have fewer than `limit` chats open; `conflict`
   * when someone else has it or the advisor is full.
   */
  claim(conversationId: string, advisorId: string, limit: number, at: Date): Promise<ChatConversation>;
  /**
   * Gives waiting conversations, oldest first, to the least loaded available advisors (taking
   * chats, heard from since `heardSince`) under `limit`, until either runs out; safe when several
   * instances run it at once.
   */
  assignWaiting(limit: number, at: Date, heardSince: Date): Promise<ChatConversation[]>;
  /** The advisor takes chats or stops; either way their console is heard from at `at`. */
  setAvailable(advisorId: string, available: boolean, at: Date): Promise<void>;
  /** These advisors' consoles are connected now (their socket's heartbeat). */
  advisorsHeard(advisorIds: string[], at: Date): Promise<void>;
  /**
   * Closes a conversation not closed yet; with `from`, only while it still has that status
   * (`conflict` once it has moved on: a waiting chat assigned meanwhile is not left).
   */
  close(conversationId: string, outcome: string, at: Date, from?: ChatStatus): Promise<ChatConversation>;
  waiting(): Promise<QueuedChat[]>;
  position(conversationId: string): Promise<number | undefined>;
  assignedTo(advisorId: string): Promise<ChatConversation[]>;
  /** Records how far a participant (`visitor`, an advisor's id) has read. */
  markRead(conversationId: string, participant: string, seq: number, at: Date): Promise<void>;
  readState(conversationId: string): Promise<Record<string, number>>;
  /**
   * Advisors taking chats and heard from since `heardSince`, and the handle times of the last
   * `limit` chats closed since `since`.
   */
  waitFacts(since: Date, limit: number, heardSince: Date): Promise<WaitFacts>;
}

/**
 * The moment an advisor's console must have been heard from since to count as available: one
 * that went silent longer than `awayAfterMs` ago (closed, asleep, cut off) is away.
 */
export const heardSince = (now: Date, awayAfterMs: number) => new Date(now.getTime() - awayAfterMs);
