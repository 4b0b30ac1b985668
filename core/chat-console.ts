import { z } from 'zod';
import type { ChatConversation } from './live-chat.ts';
import { Locale } from './vocabulary.ts';

/** A ready answer an advisor inserts and edits before sending, in the chat's language. */
export interface CannedReply {
  id: string;
  locale: Locale;
  /** What the advisor picks it by. */
  title: string;
  body: string;
  /** Its place in the advisors' list (smaller first). */
  position: number;
  updatedAt: Date;
}

export const CannedReplyInput = z.object({
  locale: Locale,
  title: z.string().trim().min(1).max(80),
  body: z.string().trim().min(1).max(2000),
  position: z.number().int().min(0).max(10_000).default(100),
});
export type CannedReplyInput = z.input<typeof CannedReplyInput>;

/** An advisor who takes chats and how many they have open. */
export interface ChatAgent {
  advisorId: string;
  /** Taking chats now: they said so, and their console has been heard from lately. */
  available: boolean;
  /** They said they take chats, but their console has gone silent: nothing is assigned to them. */
  away: boolean;
  open: number;
}

/**
 * Port: what the advisors' console keeps beside the conversations: hand-overs between advisors,
 * when a visitor was last connected, who takes chats, and the canned replies.
 */
export interface ChatConsoleStore {
  /**
   * Assigned to `fromAdvisorId` → assigned to `toAdvisorId`, when the latter has fewer than `limit`
   * chats open; `conflict` otherwise (the chat is not theirs any more, or the other is full).
   */
  transfer(
    conversationId: string,
    fromAdvisorId: string,
    toAdvisorId: string,
    limit: number,
    at: Date,
  ): Promise<ChatConversation>;
  /** A visitor's socket is open on some instance now. */
  visitorSeen(conversationIds: string[], at: Date): Promise<void>;
  /** When a visitor's socket was last known open; undefined when never. */
  visitorLastSeen(conversationId: string): Promise<Date | undefined>;
  /**
   * The chats waiting in the queue whose visitor no instance has seen connected since `since`
   * (never seen: since they were queued), oldest queued first.
   */
  waitingUnseenSince(since: Date): Promise<string[]>;
  /** Every advisor who ever took chats, with their open chats; away when not heard from since `heardSince`. */
  agents(heardSince: Date): Promise<ChatAgent[]>;
  cannedReplies(locale?: Locale): Promise<CannedReply[]>;
  addCannedReply(input: CannedReplyInput, at: Date): Promise<CannedReply>;
  /** `not_found` for an unknown id. */
  updateCannedReply(id: string, input: CannedReplyInput, at: Date): Promise<CannedReply>;
  /** `not_found` for an unknown id. */
  removeCannedReply(id: string): Promise<void>;
}
