import type { ColumnType } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface ChatPresenceTable {
  conversation_id: string;
  seen_at: Timestamp;
}

export interface ChatCannedRepliesTable {
  id: string;
  locale: string;
  title: string;
  body: string;
  position: number;
  updated_at: Timestamp;
}

export interface ChatConsoleTables {
  chat_presence: ChatPresenceTable;
  chat_canned_replies: ChatCannedRepliesTable;
}
