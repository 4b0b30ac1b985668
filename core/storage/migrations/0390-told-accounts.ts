import { sql, type Kysely } from 'kysely';

// The database tells every instance when any supply account is added, changed or removed
// (whoever does it: the app, an import, the seed, SQL), and each forgets the accounts it kept for
// conversations. Accounts change seldom and often many at once (an import): one notice for the
// statement, every answer ("null"), rather than one per row. The pilots' and enrolments' notices
// (migration 0380) are the same but for their topic, and now come from the same function.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create function told_every_answer() returns trigger language plpgsql as $$
    begin
      perform pg_notify('channel_pilot_broadcast', json_build_object('topic', tg_argv[0], 'payload', 'null')::text);
      return null;
    end $$;

    create trigger accounts_told after insert or update or delete or truncate on accounts
      for each statement execute function told_every_answer('customer accounts');

    drop trigger pilots_told on pilots;
    create trigger pilots_told after insert or update or delete or truncate on pilots
      for each statement execute function told_every_answer('channel access');
    drop trigger pilot_enrolments_told on pilot_enrolments;
    create trigger pilot_enrolments_told
      after insert or delete or truncate or update of pilot_id, customer_id, arm on pilot_enrolments
      for each statement execute function told_every_answer('channel access');
    drop function told_channel_access();
  `.execute(db);
}
