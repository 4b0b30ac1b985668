import { sql, type Kysely } from 'kysely';

// A staff login an admin disabled: kept (its name stays taken and its past actions named), but
// it neither logs in nor keeps a session.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table staff_users add column disabled_at timestamptz`.execute(db);
}
