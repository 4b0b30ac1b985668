import { sql, type Kysely } from 'kysely';
import type pg from 'pg';
import type { Database } from './schema.ts';

/** Held while months' partitions are made, and by a load from its start, so that a month it makes is seen. */
export const MONTHS_LOCK = "hashtext('interaction months')";

/**
 * The monthly partitions of the interaction log: a write makes sure the months of its contacts
 * exist before its transaction begins (creating one takes a short lock on the whole log, which
 * a writing transaction must not hold). Months seen are remembered; the database's function is
 * safe to call from several instances at once (they queue on an advisory lock).
 */
export function createInteractionMonths(db: Kysely<Database>) {
  const known = new Set<number>();
  return {
    async ensure(dates: Date[]): Promise<void> {
      const missing = new Map<number, Date>();
      for (const at of dates) {
        const month = monthKey(at);
        if (!known.has(month) && !missing.has(month)) missing.set(month, at);
      }
      if (missing.size === 0) return;
      await db.transaction().execute(async (trx) => {
        await sql.raw(`select pg_advisory_xact_lock(${MONTHS_LOCK})`).execute(trx);
        await sql`select ensure_interaction_month(m) from unnest(${[...missing.values()]}::timestamptz[]) as m`.execute(
          trx,
        );
      });
      for (const month of missing.keys()) known.add(month);
    },
  };
}

/** Where a bulk load writes its contacts, until they are attached to the log. */
const LOAD_MONTHS = 'interaction_load_months';
/** The load's contacts of months the log has a partition for already. */
const LOAD_REST = 'interaction_load_rest';

/**
 * Where a bulk load of an empty log writes its contacts, all of them through one table of its
 * own so that one statement writes them as they are placed: each month that has no partition yet
 * gets a plain table without indexes, attached to the log once filled (PostgreSQL then builds the
 * month's indexes in one sort each and checks its references in one query, several times faster
 * than adding every contact to each index one by one); the contacts of months that have one
 * already (the months around today, made ahead) wait in a table of the load's own and go through
 * the log as the months are attached. Inside the load's transaction: attaching takes no lock
 * that stops readers of the log.
 */
export async function bulkMonthTables(session: pg.Client, months: readonly Date[]) {
  const { rows } = await session.query<{ name: string; first: Date; next: Date; exists: boolean }>(
    `select distinct interaction_month(m) as name, to_regclass(interaction_month(m)) is not null as exists,
       date_trunc('month', m at time zone 'UTC') at time zone 'UTC' as first,
       (date_trunc('month', m at time zone 'UTC') + interval '1 month') at time zone 'UTC' as next
     from unnest($1::timestamptz[]) as m`,
    [months],
  );
  // Each new month's table (escaped) and the bounds of the instants it holds, as a partition's in SQL.
  const fresh = rows
    .filter((month) => !month.exists)
    .map((month) => ({
      table: session.escapeIdentifier(month.name),
      bounds: `from (${session.escapeLiteral(month.first.toISOString())}) to (${session.escapeLiteral(month.next.toISOString())})`,
    }));
  await session.query(
    `create table ${LOAD_MONTHS} (like interactions including defaults including constraints) partition by range (started_at)`,
  );
  for (const month of fresh)
    await session.query(`create table ${month.table} partition of ${LOAD_MONTHS} for values ${month.bounds}`);
  await session.query(`create table ${LOAD_REST} partition of ${LOAD_MONTHS} default`);
  return {
    /** The table the load writes its contacts to. */
    table: LOAD_MONTHS,
    /** Makes the filled months partitions of the log, and writes the other contacts through it. */
    async attach(columns: readonly string[]) {
      await session.query(
        `insert into interactions (${columns.join(', ')}) select ${columns.join(', ')} from ${LOAD_REST}`,
      );
      for (const month of fresh)
        await session.query(`alter table ${LOAD_MONTHS} detach partition ${month.table}`);
      await session.query(`drop table ${LOAD_MONTHS}`);
      for (const month of fresh)
        await session.query(
          `alter table interactions attach partition ${month.table} for values ${month.bounds}`,
        );
    },
  };
}

/** A UTC month as a number: year × 12 + month. */
const monthKey = (at: Date) => at.getUTCFullYear() * 12 + at.getUTCMonth();
