import { sql, type Kysely, type Selectable } from 'kysely';
import type pg from 'pg';
import type { ImportRun, ImportRuns } from '../import-runs.ts';
import type { ImportKind, ImportSummary } from '../import-summary.ts';
import { notFound } from '../errors.ts';
import { translating } from './database-errors.ts';
import { openSession } from './own-session.ts';
import type { Database, ImportRunsTable } from './schema.ts';

// The first key of the advisory locks that are runs' leases; the second is the hash of the run's id.
const LEASES = 0x1e05;

/** What a run whose lease nobody holds says: its process ended without finishing it. */
export const INTERRUPTED = 'the import stopped before it finished (its process ended: killed, or a crash)';

/**
 * The history of imports. With `url`, each run holds a lease while it runs: a session-level
 * advisory lock on a session of its own, which the database releases when the process ends however
 * it ends (kill -9, a crash, a machine gone), on any instance. Reading the history marks `running`
 * runs whose lease nobody holds as `interrupted`.
 */
export function createPostgresImportRuns(db: Kysely<Database>, url?: string): ImportRuns {
  const leases = new Map<string, pg.Client>();
  const release = async (id: string) => {
    const session = leases.get(id);
    leases.delete(id);
    await session?.end().catch(() => {});
  };
  const markInterrupted = () =>
    sql`update import_runs set status = 'interrupted', error = ${INTERRUPTED}
      where status = 'running' and leased and not exists (
        select from pg_locks where locktype = 'advisory' and granted and objsubid = 2
          and database = (select oid from pg_database where datname = current_database())
          and classid = ${LEASES}::oid and objid = hashtext(import_runs.id::text)::oid)`.execute(db);
  return {
    async start(run) {
      // Leased before it is recorded: a run read as running always has its lease held. A lease
      // held already (the same id running: its record then refuses this one) is not waited for.
      if (url) {
        const session = await openSession(url);
        leases.set(run.id, session);
        try {
          const { rows } = await session.query<{ taken: boolean }>(
            'select pg_try_advisory_lock($1, hashtext($2::uuid::text)) as taken',
            [LEASES, run.id],
          );
          if (!rows[0]?.taken) await release(run.id);
        } catch (error) {
          await release(run.id);
          throw error;
        }
      }
      try {
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
                leased: leases.has(run.id),
              })
              .returningAll()
              .executeTakeFirstOrThrow(),
          {
            import_runs_pkey: `an import with the id ${run.id} is already recorded: give each import an id of its own`,
          },
        );
        return toRun(row);
      } catch (error) {
        await release(run.id);
        throw error;
      }
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
      // The run's lease goes whatever the update does: a session left open would hold it for good.
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
        .executeTakeFirst()
        .finally(() => release(id));
      if (result.numUpdatedRows === 0n) throw notFound('import', id);
    },
    async get(id) {
      await markInterrupted();
      const row = await db.selectFrom('import_runs').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toRun(row);
    },
    async copiedElsewhere(kind, digest, source) {
      const done = await db
        .selectFrom('import_runs')
        .selectAll()
        .where('digest', '=', digest)
        .where('status', '=', 'done')
        .where('kind', '=', kind)
        .orderBy('started_at', 'desc')
        .execute();
      if (done.some((row) => row.source === source)) return undefined;
      const row = done[0];
      return row && toRun(row);
    },
    async list(limit) {
      await markInterrupted();
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
