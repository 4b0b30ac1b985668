import { z } from 'zod';
import { Instant, Uuid } from './vocabulary.ts';

/** The scales: NPS 0–10, CSAT 1–5, CES 1–7. */
export const surveyScales = { nps: [0, 10], csat: [1, 5], ces: [1, 7] } as const;
export type SurveyMetric = keyof typeof surveyScales;

const scoreOnItsScale = (answer: { metric: SurveyMetric; score: number }, ctx: z.RefinementCtx) => {
  const [min, max] = surveyScales[answer.metric];
  if (answer.score < min || answer.score > max) {
    ctx.addIssue({ code: 'custom', path: ['score'], message: `${answer.metric} is scored ${min} to ${max}` });
  }
};

const answerFields = {
  metric: z.enum(['nps', 'csat', 'ces']),
  score: z.number().int({ error: 'must be a whole number' }),
  comment: z.string().trim().max(2000).nullable().default(null),
  answeredAt: Instant.default(() => new Date()),
};

/** An answer as a channel collects it, about a contact it already knows. */
export const SurveyAnswerBody = z.object(answerFields).superRefine(scoreOnItsScale);

export const SurveyAnswerInput = z
  .object({ interactionId: Uuid, ...answerFields })
  .superRefine(scoreOnItsScale);
export type SurveyAnswerInput = z.input<typeof SurveyAnswerInput>;
export type SurveyAnswer = z.infer<typeof SurveyAnswerInput> & { id: string };

/** Port: answers to satisfaction questions, each tied to the contact it is about. */
export interface SurveyAnswers {
  record(input: SurveyAnswerInput): Promise<SurveyAnswer>;
  /** Several answers given together (one questionnaire): all are stored, or none. */
  recordAll(inputs: readonly SurveyAnswerInput[]): Promise<SurveyAnswer[]>;
  forInteraction(interactionId: string): Promise<SurveyAnswer[]>;
}

/** Net Promoter Score: the share of promoters (9–10) minus the share of detractors (0–6), ×100. */
export function netPromoterScore(scores: readonly number[]): number | null {
  if (scores.length === 0) return null;
  const promoters = scores.filter((s) => s >= 9).length;
  const detractors = scores.filter((s) => s <= 6).length;
  return (100 * (promoters - detractors)) / scores.length;
}
