import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.ts';

/** A setting one process leaves for the others on this database; undefined when none was left. */
export async function readSetting(db: Kysely<Database>, name: string): Promise<string | undefined> {
  const row = await db.selectFrom('app_settings').select('value').where('name', '=', name).executeTakeFirst();
  return row?.value;
}

/** Leaves a setting for the other processes on this database, replacing the one before. */
export async function writeSetting(db: Kysely<Database>, name: string, value: string): Promise<void> {
  await db
    .insertInto('app_settings')
    .values({ name, value })
    .onConflict((oc) => oc.column('name').doUpdateSet({ value, updated_at: sql`now()` }))
    .execute();
}
