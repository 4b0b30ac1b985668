import type { Kysely, Selectable } from 'kysely';
import type { ImportRun, ImportRuns } from '../import-runs.ts';
import type { ImportKind, ImportSummary } from '../import-summary.ts';
import { notFound } from '../errors.ts';
import { translating } from './database-errors.ts';
import type { Database, ImportRunsTable } from './schema.ts';

export function createPostgresImportRuns(db: Kysely<Database>): ImportRuns {
  return {
    async start(run) {
      const row = await translating(
        'import',
        () =>
          db
            .insertInto('import_runs')
            .values({
              id: run.id,
              kind: run.kind,
              source: run.source,
              profile: run.profile,
              file_name: run.fileName,
              started_by: run.startedBy,
              started_at: run.startedAt,
              status: 'running',
              bytes_total: run.bytesTotal,
            })
            .returningAll()
            .executeTakeFirstOrThrow(),
        {
          import_runs_pkey: `an import with the id ${run.id} is already recorded: give each import an id of its own`,
        },
      );
      return toRun(row);
    },
    async progress(id, { bytesRead, summary }) {
      await db
        .updateTable('import_runs')
        .set({ bytes_read: bytesRead, summary: JSON.stringify(summary) })
        .where('id', '=', id)
        .where('status', '=', 'running')
        .execute();
    },
    async finish(id, end) {
      const result = await db
        .updateTable('import_runs')
        .set({
          status: end.error === undefined ? 'done' : 'failed',
          finished_at: end.at,
          bytes_read: end.bytesRead,
          summary: end.summary === null ? null : JSON.stringify(end.summary),
          error: end.error ?? null,
          digest: end.digest ?? null,
        })
        .where('id', '=', id)
        .executeTakeFirst();
      if (result.numUpdatedRows === 0n) throw notFound('import', id);
    },
    async get(id) {
      const row = await db.selectFrom('import_runs').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toRun(row);
    },
    async doneWithDigest(kind, digest) {
      const row = await db
        .selectFrom('import_runs')
        .selectAll()
        .where('digest', '=', digest)
        .where('status', '=', 'done')
        .where('kind', '=', kind)
        .orderBy('started_at', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row && toRun(row);
    },
    async list(limit) {
      const rows = await db
        .selectFrom('import_runs')
        .selectAll()
        .orderBy('started_at', 'desc')
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map(toRun);
    },
  };
}

function toRun(row: Selectable<ImportRunsTable>): ImportRun {
  return {
    id: row.id,
    kind: row.kind as ImportKind,
    source: row.source,
    profile: row.profile,
    fileName: row.file_name,
    startedBy: row.started_by,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    status: row.status as ImportRun['status'],
    bytesRead: row.bytes_read,
    bytesTotal: row.bytes_total,
    summary: row.summary === null ? null : withCountsOfNow(row.summary as ImportSummary),
    error: row.error,
    digest: row.digest,
  };
}

/** A summary kept before a count existed has none of it: zero, as the import did none of it. */
function withCountsOfNow(kept: Partial<ImportSummary>): ImportSummary {
  return {
    corrected: 0,
    differing: 0,
    differences: [],
    ...kept,
    localTimes: { gap: 0, repeated: 0, repeatedEnd: 0, ...kept.localTimes },
  } as ImportSummary;
}
