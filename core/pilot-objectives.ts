import type { z } from 'zod';

/** The figures an objective can be held against (keys of the pilot's metrics). */
export const objectiveMetrics = [
  'adoption',
  'containment',
  'switching',
  'firstContactResolution',
  'taskCompletion',
  'handoffContextRate',
  'noShow',
  'nps',
  'csat',
  'ces',
  'existingContactsChange',
  'callCentreContactsChange',
  'npsVsControl',
] as const;
export type ObjectiveMetric = (typeof objectiveMetrics)[number];

/**
 * The scale each metric's value lies on, which an objective's threshold must lie on too: rates as
 * shares of 1, changes against control as shares (pilot / control − 1, so never below −1; more
 * than doubling is no objective), NPS in points and its difference with control in points, CSAT
 * and CES as mean scores.
 */
export const objectiveScales: Record<ObjectiveMetric, { min: number; max: number; says: string }> = {
  adoption: share(),
  containment: share(),
  switching: share(),
  firstContactResolution: share(),
  taskCompletion: share(),
  handoffContextRate: share(),
  noShow: share(),
  nps: { min: -100, max: 100, says: 'is NPS in points, from −100 to 100' },
  csat: { min: 1, max: 5, says: 'is a CSAT score, from 1 to 5' },
  ces: { min: 1, max: 7, says: 'is a CES score, from 1 to 7' },
  existingContactsChange: change(),
  callCentreContactsChange: change(),
  npsVsControl: { min: -200, max: 200, says: 'is a difference of NPS points, from −200 to 200' },
};

function share() {
  return { min: 0, max: 1, says: 'is a share, from 0 to 1 (0.5 for 50%)' };
}

function change() {
  return { min: -1, max: 1, says: 'is a change as a share, from −1 to 1 (−0.05 for a 5% drop)' };
}

interface ObjectiveLike {
  metric: ObjectiveMetric;
  comparison: 'at_least' | 'at_most';
  threshold: number;
}

const words = { at_least: 'at least', at_most: 'at most' } as const;

/**
 * Names each objective whose threshold lies outside its metric's scale, and each second objective
 * on one metric: the scorecard judges a metric by one objective, and two that contradict each
 * other (at least 0.5 and at most 0.2) could never both be met.
 */
export function checkObjectives(objectives: readonly ObjectiveLike[], ctx: z.RefinementCtx): void {
  const first = new Map<ObjectiveMetric, number>();
  objectives.forEach((objective, i) => {
    const scale = objectiveScales[objective.metric];
    if (scale && (objective.threshold < scale.min || objective.threshold > scale.max)) {
      ctx.addIssue({
        code: 'custom',
        path: [i, 'threshold'],
        message: `${scale.says}, not ${objective.threshold}`,
      });
    }
    const earlier = first.get(objective.metric);
    if (earlier === undefined) {
      first.set(objective.metric, i);
      return;
    }
    const other = objectives[earlier] as ObjectiveLike;
    const [low, high] = other.comparison === 'at_least' ? [other, objective] : [objective, other];
    const contradicts =
      low.comparison === 'at_least' && high.comparison === 'at_most' && low.threshold >= high.threshold;
    ctx.addIssue({
      code: 'custom',
      path: [i, 'metric'],
      message: contradicts
        ? `contradicts objectives.${earlier} (${words[other.comparison]} ${other.threshold}): no figure can be at least ${low.threshold} and at most ${high.threshold}`
        : `${objective.metric} has an objective already (objectives.${earlier}): a metric is judged by one objective`,
    });
  });
}
