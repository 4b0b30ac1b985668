import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type Json<T> = ColumnType<T, string | undefined, string>;

export interface ChatConversationsTable {
  id: string;
  customer_id: string | null;
  identity: string;
  visitor_key_hash: string;
  locale: string;
  touchpoint: string;
  status: string;
  bot_state: Json<Record<string, unknown>>;
  advisor_id: string | null;
  bot_contact_id: string;
  human_contact_id: string | null;
  last_seq: ColumnType<number, number | undefined, number>;
  created_at: Timestamp;
  queued_at: Timestamp | null;
  assigned_at: Timestamp | null;
  closed_at: Timestamp | null;
  outcome: string | null;
}

export interface ChatMessagesTable {
  conversation_id: string;
  seq: number;
  author: string;
  author_id: string | null;
  body: string;
  quick_replies: Json<{ label: string; value: string }[]>;
  created_at: Timestamp;
}

export interface ChatParticipantsTable {
  conversation_id: string;
  participant: string;
  last_read_seq: number;
  updated_at: Timestamp;
}

export interface ChatAgentsTable {
  staff_user_id: string;
  available: boolean;
  updated_at: Timestamp;
  /** When the advisor's console was last heard from (a heartbeat of their socket, or a change). */
  heard_at: Timestamp;
}

export interface LiveChatTables {
  chat_conversations: ChatConversationsTable;
  chat_messages: ChatMessagesTable;
  chat_participants: ChatParticipantsTable;
  chat_agents: ChatAgentsTable;
}
