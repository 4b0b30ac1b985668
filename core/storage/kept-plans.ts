import type pg from 'pg';
import type { CompiledQuery, Kysely } from 'kysely';
import type { Database } from './schema.ts';

// The reads every request makes (a staff session, a customer's context) are prepared once on
// each connection of the pool, by name: the server keeps their plan instead of planning them on
// every call. Planning is most of such a read's cost: 0.1 ms for a lookup by key that runs in
// 0.03 ms, and 0.8–1 ms for a customer's latest contacts over the log's fourteen months against
// 0.1 ms to run it.

/** Statements kept: their names by their text (the queries given to `executeKept`, each shape once). */
const kept = new Map<string, string>();
let named = 0;
/**
 * No more than this many shapes are kept: past it a query runs as any other. The reads that ask
 * for it have a few shapes each, so this is only a bound on a mistake (a shape per value).
 */
const KEPT_MAX = 200;

/**
 * Runs a query whose plan each connection keeps (see above). For reads whose best plan does not
 * depend on the values they are given: the server plans each of the first five calls for their
 * values, then keeps a generic plan only when it costs no more than those.
 */
export async function executeKept<R>(
  db: Kysely<Database>,
  /** A query builder, or a raw query (compiled against `db`). */
  query: { compile(db: Kysely<Database>): CompiledQuery<R> },
): Promise<R[]> {
  const compiled = query.compile(db);
  if (!kept.has(compiled.sql) && kept.size < KEPT_MAX) kept.set(compiled.sql, `kept_${++named}`);
  return (await db.executeQuery(compiled)).rows;
}

/** What the server answers a kept statement whose rows changed shape since it was prepared. */
const RESULT_TYPE_CHANGED = '0A000';

/** Makes a pool connection run the kept statements as prepared ones (the pool's 'connect' event). */
export function keepPlansOn(client: pg.PoolClient): void {
  const query = client.query.bind(client) as (...args: unknown[]) => Promise<pg.QueryResult>;
  client.query = ((text: unknown, ...rest: unknown[]) => {
    const name = typeof text === 'string' ? kept.get(text) : undefined;
    if (name === undefined) return query(text, ...rest);
    const values = rest[0];
    return query({ name, text, values }).catch((error: { code?: string }) => {
      // A column added to a table the statement reads with `*` (a newer instance's migration, in a
      // rolling upgrade) changes its rows: the server refuses the kept plan on every connection that
      // prepared it. The statement is kept again under a new name, which every connection prepares
      // anew; the old one stays unused.
      if (error.code !== RESULT_TYPE_CHANGED) throw error;
      if (kept.get(text as string) === name) kept.set(text as string, `kept_${++named}`);
      return query({ name: kept.get(text as string), text, values });
    });
  }) as typeof client.query;
}
