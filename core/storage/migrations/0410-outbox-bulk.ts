import { sql, type Kysely } from 'kysely';

// Bulk messages (a billing run's bills, a pilot's invitations) are sent after every due message
// that is not: thousands of bills queued at once no longer hold up a code valid for minutes.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table outbox add column bulk boolean not null default false`.execute(db);
  await sql`drop index outbox_due`.execute(db);
  await sql`create index outbox_due on outbox (bulk, send_after) where status in ('pending', 'sending')`.execute(
    db,
  );
}
