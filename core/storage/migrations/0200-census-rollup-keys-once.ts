import { sql, type Kysely } from 'kysely';
import { rollupTriggerFunction } from '../census-rollup-sql.ts';

// The rollups' trigger computes each written row's day, hour and customer hash once, and adds
// rows up by their keys before spreading them over the four levels: same rollups, a fraction of
// the work per contact.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw(rollupTriggerFunction()).execute(db);
}
