import { sql, type Kysely } from 'kysely';
import { rollupTriggerFunction } from '../census-rollup-sql.ts';

// The rollups' trigger adds nothing in a transaction that defers them (a bulk load of an empty
// log, which adds its rows to the rollups in one pass before it commits).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw(rollupTriggerFunction()).execute(db);
}
