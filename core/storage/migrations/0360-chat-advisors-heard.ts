import { sql, type Kysely } from 'kysely';

// An advisor taking chats counts as available only while their console is heard from (its
// socket's heartbeats): when it was last heard. Until then, as of their last change.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table chat_agents add column heard_at timestamptz;
    update chat_agents set heard_at = updated_at;
    alter table chat_agents alter column heard_at set not null;
  `.execute(db);
}
