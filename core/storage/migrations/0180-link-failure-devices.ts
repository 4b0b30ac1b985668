import { sql, type Kysely } from 'kysely';

// Wrong linking codes are counted per device as well as per platform account: a new account
// on the same speaker buys no more guesses.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table account_link_failures add column device_id text;
    create index account_link_failures_by_device on account_link_failures (platform, device_id, failed_at)
      where device_id is not null;
    create index account_link_failures_by_time on account_link_failures (failed_at);
  `.execute(db);
}
