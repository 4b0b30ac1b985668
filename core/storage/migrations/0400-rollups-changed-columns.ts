import { sql, type Kysely } from 'kysely';
import { rollupTriggerFunction } from '../census-rollup-sql.ts';

// The rollups' trigger takes an update to each rollup only when it changes a column that rollup
// reads, leaves out what an update's old and new rows cancel, and deletes the rows its upserts
// left at zero by their keys (a later import renumbers whole journeys); a day's reach that already
// holds the customers added is not written again.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw(rollupTriggerFunction()).execute(db);
}
