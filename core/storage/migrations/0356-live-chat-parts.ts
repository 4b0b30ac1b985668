import { sql, type Kysely } from 'kysely';

// The live chat's figures read its parts (the contacts naming a `part`) by start time.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create index interactions_live_chat_parts on interactions (started_at)
      where channel = 'live_chat' and details ? 'part';
  `.execute(db);
}
