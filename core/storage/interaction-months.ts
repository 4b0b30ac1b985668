import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.ts';

/**
 * The monthly partitions of the interaction log: a write makes sure the months of its contacts
 * exist before its transaction begins (creating one takes a short lock on the whole log, which
 * a writing transaction must not hold). Months seen are remembered; the database's function is
 * safe to call from several instances at once (they queue on an advisory lock).
 */
export function createInteractionMonths(db: Kysely<Database>) {
  const known = new Set<string>();
  const monthOf = (at: Date) => `${at.getUTCFullYear()}-${at.getUTCMonth()}`;
  return {
    async ensure(dates: Date[]): Promise<void> {
      const missing = new Map<string, Date>();
      for (const at of dates) {
        const month = monthOf(at);
        if (!known.has(month) && !missing.has(month)) missing.set(month, at);
      }
      if (missing.size === 0) return;
      await db.transaction().execute(async (trx) => {
        await sql`select pg_advisory_xact_lock(hashtext('interaction months'))`.execute(trx);
        await sql`select ensure_interaction_month(m) from unnest(${[...missing.values()]}::timestamptz[]) as m`.execute(
          trx,
        );
      });
      for (const month of missing.keys()) known.add(month);
    },
  };
}
