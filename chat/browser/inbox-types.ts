// What the chat inbox reads from the app's API and its socket.

export interface Conversation {
  id: string;
  customerId: string | null;
  identity: string;
  locale: string;
  touchpoint: string;
  status: 'bot' | 'waiting' | 'assigned' | 'closed';
  advisorId: string | null;
  createdAt: string;
  queuedAt: string | null;
  assignedAt: string | null;
  position: number | null;
}
export interface Message {
  seq: number;
  author: 'visitor' | 'bot' | 'advisor' | 'system';
  body: string;
  createdAt: string;
}
export interface CannedReply {
  id: string;
  title: string;
  body: string;
}
export interface Colleague {
  advisorId: string;
  name: string;
  available: boolean;
  /** Taking chats, but their console has gone silent: nothing is assigned to them. */
  away: boolean;
  open: number;
}
export type InboxFrame =
  | { type: 'ready'; advisorId: string }
  | { type: 'message'; conversationId: string; message: Message }
  | { type: 'typing'; conversationId: string; who: string }
  | { type: 'read'; conversationId: string; who: string; seq: number }
  | { type: 'status'; conversationId: string; advisorId: string | null }
  | { type: 'error'; code: string; message: string };

export const INBOX_STYLES = `
#console-chatinbox .chat-log { list-style: none; margin: 0; padding: .5rem; max-height: 26rem; overflow-y: auto;
  border: 1px solid var(--line); border-radius: .5rem; background: #fff; }
#console-chatinbox .chat-log li { margin: .35rem 0; padding: .4rem .6rem; border-radius: .5rem; max-width: 85%;
  white-space: pre-wrap; overflow-wrap: anywhere; background: #eef1f5; }
#console-chatinbox .chat-log li.advisor { margin-left: auto; background: #dbe8fb; }
#console-chatinbox .chat-log li.bot { background: #f4efe3; }
#console-chatinbox .chat-log li.system { max-width: 100%; background: transparent; font-style: italic; text-align: center; }
#console-chatinbox .who { display: block; font-size: .75rem; font-weight: 600; }
#console-chatinbox .read-mark { display: block; font-size: .75rem; text-align: right; }
#console-chatinbox textarea { width: 100%; min-height: 4rem; }
`;
