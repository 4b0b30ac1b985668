import { sql, type Kysely } from 'kysely';

// A chat opened on one of the kit's customer pages knows its visitor by that page's link.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table chat_conversations drop constraint chat_conversations_identity_check;
    alter table chat_conversations add constraint chat_conversations_identity_check
      check (identity in ('anonymous', 'token', 'link', 'page'));
  `.execute(db);
}
