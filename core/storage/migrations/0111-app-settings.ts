import { sql, type Kysely } from 'kysely';

// Facts one process leaves for the others on the same database: the address the server is
// reached at, so that links made from the command line point where the server listens.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table app_settings (
      name text primary key,
      value text not null,
      updated_at timestamptz not null default now()
    );
  `.execute(db);
}
