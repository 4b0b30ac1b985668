import { sql, type Kysely } from 'kysely';

// Failed logins, kept briefly, so that guessing a password is slowed on every instance alike.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table login_failures (
      username text not null,
      failed_at timestamptz not null
    );
    create index login_failures_recent on login_failures (username, failed_at);
  `.execute(db);
}
