import { sql, type Kysely, type Selectable } from 'kysely';
import type { AnalysisKind, AnalysisRun, AnalysisRunStore } from '../analyses.ts';
import type { AnalysisRunsTable } from './pilot-schema.ts';
import type { Database } from './schema.ts';

function toRun(row: Selectable<AnalysisRunsTable>): AnalysisRun {
  return {
    id: row.id,
    kind: row.kind as AnalysisKind,
    question: row.question,
    status: row.status as AnalysisRun['status'],
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    result: row.result,
    error: row.error,
  };
}

export function createPostgresAnalysisRuns(db: Kysely<Database>, newId: () => string): AnalysisRunStore {
  /** The question's runs, read in `q` (the pool or a transaction). */
  const runsOf = (q: Kysely<Database>, kind: AnalysisKind, question: string) =>
    q.selectFrom('analysis_runs').where('kind', '=', kind).where('question', '=', question);
  const ofQuestion = (kind: AnalysisKind, question: string) =>
    runsOf(db, kind, question).selectAll().orderBy('started_at', 'desc').limit(1);
  return {
    async latest(kind, question) {
      const newest = await ofQuestion(kind, question).executeTakeFirst();
      if (!newest || newest.status === 'done')
        return newest ? { newest: toRun(newest), done: toRun(newest) } : {};
      const done = await ofQuestion(kind, question).where('status', '=', 'done').executeTakeFirst();
      return { newest: toRun(newest), ...(done ? { done: toRun(done) } : {}) };
    },
    async start(kind, question, at, staleBefore, answeredSince) {
      return db.transaction().execute(async (trx) => {
        // Starts of one question take turns: a run cannot start and finish between this one's reads.
        await sql`select pg_advisory_xact_lock(hashtext(${`analysis:${kind}:${question}`}))`.execute(trx);
        await trx
          .updateTable('analysis_runs')
          .set({
            status: 'failed',
            finished_at: at,
            error: 'abandoned: its instance stopped before finishing',
          })
          .where('kind', '=', kind)
          .where('question', '=', question)
          .where('status', '=', 'running')
          .where('started_at', '<', staleBefore)
          .execute();
        // A run going is locked, so that it cannot finish unseen between this and the next read: a
        // finish under way is waited for, and its answer is then read as done.
        const going = await runsOf(trx, kind, question)
          .select('id')
          .where('status', '=', 'running')
          .forUpdate()
          .executeTakeFirst();
        if (going) return null;
        const answered =
          answeredSince &&
          (await runsOf(trx, kind, question)
            .select('id')
            .where('status', '=', 'done')
            .where('finished_at', '>=', answeredSince)
            .executeTakeFirst());
        if (answered) return null;
        // One run of a question at a time, whichever instance asks (the partial unique index too).
        const row = await trx
          .insertInto('analysis_runs')
          .values({ id: newId(), kind, question, status: 'running', started_at: at })
          .onConflict((oc) => oc.columns(['kind', 'question']).where('status', '=', 'running').doNothing())
          .returning('id')
          .executeTakeFirst();
        return row?.id ?? null;
      });
    },
    async finish(id, result, at) {
      await db
        .updateTable('analysis_runs')
        .set({ status: 'done', finished_at: at, result: JSON.stringify(result) })
        .where('id', '=', id)
        .execute();
    },
    async fail(id, error, at) {
      await db
        .updateTable('analysis_runs')
        .set({ status: 'failed', finished_at: at, error: error.slice(0, 2000) })
        .where('id', '=', id)
        .execute();
    },
    async prune(before) {
      const result = await db.deleteFrom('analysis_runs').where('started_at', '<', before).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
