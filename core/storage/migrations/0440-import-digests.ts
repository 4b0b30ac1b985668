import { sql, type Kysely } from 'kysely';

// Each import keeps the SHA-256 of the file it read whole, so that the same file under another
// name (a copy the browser saved as "negozi-novembre (1).csv") is recognised before it is
// imported a second time under a source of its own.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table import_runs add column digest text`.execute(db);
  await sql`create index import_runs_digest on import_runs (digest) where status = 'done'`.execute(db);
}
