import { sql, type Kysely, type Selectable } from 'kysely';
import { SurveyAnswerInput, type SurveyAnswer, type SurveyAnswers } from '../surveys.ts';
import { parseInput } from '../validation.ts';
import { notFound } from '../errors.ts';
import { translating } from './database-errors.ts';
import type { Database, SurveyAnswersTable } from './schema.ts';

export function createPostgresSurveyAnswers(db: Kysely<Database>, newId: () => string): SurveyAnswers {
  /** Checks the answers and that their contacts exist, then stores them in one insert: all or none. */
  async function insert(inputs: readonly SurveyAnswerInput[], what: (index: number) => string) {
    const answers = inputs.map((input, index) => parseInput(SurveyAnswerInput, input, what(index)));
    if (answers.length === 0) return [];
    // Compared as UUIDs by the database: an id may come in capitals.
    const asked = answers.map((a) => a.interactionId);
    const unknown = await sql<{ id: string }>`select a.id from unnest(${asked}::uuid[]) as a(id)
      where not exists (select 1 from interactions i where i.id = a.id) limit 1`.execute(db);
    if (unknown.rows[0]) throw notFound('interaction', unknown.rows[0].id);
    const ids = answers.map(() => newId());
    const [one] = answers;
    const conflict =
      answers.length === 1 && one
        ? `interaction ${one.interactionId} already has an answer to its ${one.metric.toUpperCase()} question`
        : 'one of these interactions already has an answer to that question';
    // One array per column: any number of answers in one statement of six parameters.
    const stored = await translating(
      answers.length === 1 ? 'survey answer' : 'survey answers',
      () =>
        sql<Selectable<SurveyAnswersTable>>`insert into survey_answers
        (id, interaction_id, metric, score, comment, answered_at)
        select * from unnest(${ids}::uuid[], ${asked}::uuid[], ${answers.map((a) => a.metric)}::text[],
          ${answers.map((a) => a.score)}::int[], ${answers.map((a) => a.comment)}::text[],
          ${answers.map((a) => a.answeredAt)}::timestamptz[])
        returning *`.execute(db),
      { survey_answers_interaction_id_metric_key: conflict },
    );
    const byId = new Map(stored.rows.map((row) => [row.id, row]));
    return ids.map((id) => toAnswer(byId.get(id)!));
  }

  return {
    record: async (input) => (await insert([input], () => 'survey answer'))[0]!,
    // One statement: all are stored, or none.
    recordAll: (inputs) => insert(inputs, (index) => `survey answer [${index}]`),
    async forInteraction(interactionId) {
      const rows = await db
        .selectFrom('survey_answers')
        .selectAll()
        .where('interaction_id', '=', interactionId)
        .orderBy('answered_at')
        .execute();
      return rows.map(toAnswer);
    },
  };
}

function toAnswer(row: Selectable<SurveyAnswersTable>): SurveyAnswer {
  return {
    id: row.id,
    interactionId: row.interaction_id,
    metric: row.metric as SurveyAnswer['metric'],
    score: row.score,
    comment: row.comment,
    answeredAt: row.answered_at,
  };
}
