import { sql, type Kysely } from 'kysely';

// An e-mail may carry an HTML part beside its text (a bill's responsive e-mail).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table outbox add column html text`.execute(db);
}
