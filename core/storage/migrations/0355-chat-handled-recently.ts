import { sql, type Kysely } from 'kysely';

// The wait estimate reads the handle times of the chats advisors closed lately.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create index chat_conversations_handled on chat_conversations (closed_at desc)
      where status = 'closed' and assigned_at is not null;
  `.execute(db);
}
