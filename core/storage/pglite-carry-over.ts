import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import {
  copyTables,
  inDependencyOrder,
  catalogQuery,
  type CatalogTable,
  type TableSource,
} from './data-transfer.ts';

/** Rows read from the earlier engine per COPY (each copy is held in memory once). */
const ROWS_PER_COPY = 50_000;

/** Where the earlier engine (PGlite, up to version 0.1) kept its data inside DATA_DIR. */
export function earlierEngineFolder(dataDir: string): string | null {
  const folder = join(dataDir, 'pglite');
  return existsSync(join(folder, 'PG_VERSION')) ? folder : null;
}

/**
 * Copies every row of a data folder written by the earlier engine (PGlite) into the database at
 * `url` (migrated, empty), in one transaction, then renames the old folder to
 * `pglite-carried-over` so it is not carried twice. Nothing is deleted: the old folder stays
 * until its owner removes it.
 */
export async function carryOverEarlierEngine(
  dataDir: string,
  url: string,
  onTable?: (table: string, rows: number) => void,
): Promise<void> {
  const folder = earlierEngineFolder(dataDir);
  if (!folder) return;
  // Loaded only when there is something to carry over.
  const [{ PGlite }, { btree_gist }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite/contrib/btree_gist'),
  ]);
  const db = await PGlite.create({ dataDir: folder, extensions: { btree_gist } });
  try {
    await copyTables(pgliteSource(db), url, onTable);
  } finally {
    await db.close();
  }
  renameSync(folder, join(dataDir, 'pglite-carried-over'));
}

function pgliteSource(db: PGlite): TableSource {
  const ident = (name: string) => `"${name.replaceAll('"', '""')}"`;
  return {
    async migrations() {
      return (await db.query<{ name: string }>('select name from kysely_migration order by name')).rows.map(
        (r) => r.name,
      );
    },
    async tables() {
      return inDependencyOrder((await db.query<CatalogTable>(catalogQuery)).rows);
    },
    async copyOut(table, columns, out) {
      const list = columns.map(ident).join(', ');
      // In slices by row position within one snapshot, so that no copy holds a whole large table.
      await db.exec('begin isolation level repeatable read');
      try {
        let rows = 0;
        for (let offset = 0; ; offset += ROWS_PER_COPY) {
          const [result] = await db
            .query(
              `copy (select ${list} from ${ident(table)} order by ctid offset ${offset} limit ${ROWS_PER_COPY}) to '/dev/blob'`,
            )
            .then((r) => [r]);
          const text = result?.blob ? await result.blob.text() : '';
          if (!text) break;
          const lines = text.split('\n').length - 1;
          rows += lines;
          await out(text);
          if (lines < ROWS_PER_COPY) break;
        }
        return rows;
      } finally {
        await db.exec('commit');
      }
    },
  };
}
