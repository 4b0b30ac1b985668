import { sql, type Kysely } from 'kysely';

// The database tells every instance when any supply account is added, changed or removed
// (whoever does it: the app, an import, the seed, SQL), and each forgets the accounts it kept for
// conversations. Accounts change seldom and often many at once (an import): one notice for the
// statement, every answer ("null"), rather than one per row.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create function told_every_answer() returns trigger language plpgsql as $$
    begin
      perform pg_notify('channel_pilot_broadcast', json_build_object('topic', tg_argv[0], 'payload', 'null')::text);
      return null;
    end $$;

    create trigger accounts_told after insert or update or delete or truncate on accounts
      for each statement execute function told_every_answer('customer accounts');
  `.execute(db);
}
