import { sql, type Kysely } from 'kysely';

// The live chat: conversations (each a contact in the customer's journey, its bot part and its
// human part), their messages in order, the participants' read state, and advisors' chat
// availability. Every instance reads and writes here; nothing that matters lives in memory.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table chat_conversations (
      id uuid primary key,
      customer_id uuid references customers (id),
      identity text not null check (identity in ('anonymous', 'token', 'link')),
      visitor_key_hash text not null,
      locale text not null,
      touchpoint text not null,
      status text not null check (status in ('bot', 'waiting', 'assigned', 'closed')),
      bot_state jsonb not null default '{}',
      advisor_id uuid references staff_users (id),
      bot_contact_id uuid not null,
      human_contact_id uuid,
      last_seq integer not null default 0,
      created_at timestamptz not null,
      queued_at timestamptz,
      assigned_at timestamptz,
      closed_at timestamptz,
      outcome text
    );
    create index chat_conversations_waiting on chat_conversations (queued_at) where status = 'waiting';
    create index chat_conversations_assigned on chat_conversations (advisor_id) where status = 'assigned';

    create table chat_messages (
      conversation_id uuid not null references chat_conversations (id),
      seq integer not null,
      author text not null check (author in ('visitor', 'bot', 'advisor', 'system')),
      author_id uuid,
      body text not null,
      quick_replies jsonb not null default '[]',
      created_at timestamptz not null,
      primary key (conversation_id, seq)
    );
    create index chat_messages_by_author_time on chat_messages (conversation_id, author, created_at);

    create table chat_participants (
      conversation_id uuid not null references chat_conversations (id),
      participant text not null,
      last_read_seq integer not null default 0,
      updated_at timestamptz not null,
      primary key (conversation_id, participant)
    );

    create table chat_agents (
      staff_user_id uuid primary key references staff_users (id),
      available boolean not null,
      updated_at timestamptz not null
    );
  `.execute(db);
}
