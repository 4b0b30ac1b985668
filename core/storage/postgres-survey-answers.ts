import type { Kysely, Selectable } from 'kysely';
import { SurveyAnswerInput, type SurveyAnswer, type SurveyAnswers } from '../surveys.ts';
import { parseInput } from '../validation.ts';
import { notFound } from '../errors.ts';
import { translating } from './database-errors.ts';
import type { Database, SurveyAnswersTable } from './schema.ts';

export function createPostgresSurveyAnswers(db: Kysely<Database>, newId: () => string): SurveyAnswers {
  async function insert(executor: Kysely<Database>, input: SurveyAnswerInput): Promise<SurveyAnswer> {
    const answer = parseInput(SurveyAnswerInput, input, 'survey answer');
    const interaction = await executor
      .selectFrom('interactions')
      .select('id')
      .where('id', '=', answer.interactionId)
      .executeTakeFirst();
    if (!interaction) throw notFound('interaction', answer.interactionId);
    const row = await translating(`a ${answer.metric} answer for this interaction`, () =>
      executor
        .insertInto('survey_answers')
        .values({
          id: newId(),
          interaction_id: answer.interactionId,
          metric: answer.metric,
          score: answer.score,
          comment: answer.comment,
          answered_at: answer.answeredAt,
        })
        .returningAll()
        .executeTakeFirstOrThrow(),
    );
    return toAnswer(row);
  }

  return {
    record: (input) => insert(db, input),
    recordAll: (inputs) =>
      db.transaction().execute(async (trx) => {
        const stored: SurveyAnswer[] = [];
        for (const input of inputs) stored.push(await insert(trx, input));
        return stored;
      }),
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
