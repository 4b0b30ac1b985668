import type { AnalysisAnswer } from './analyses.ts';
import type { Census } from './census.ts';
import { ChannelPilotError } from './errors.ts';
import type { PilotReportData } from './scorecard.ts';

/**
 * The fewest customers a figure shown to pilot managers may be about: below it, a cohort, an
 * arm or a segment could be one person (a one-customer pilot would show that customer's
 * contacts). Admins see everything.
 */
export const DEFAULT_MINIMUM_GROUP = 20;

// An empty group describes nobody. (A pilot's named customers are checked when they are named,
// so an empty pilot arm tells nothing about them either.)
const small = (customers: number, minimum: number) => customers > 0 && customers < minimum;
const tooFew = (customers: number, minimum: number) => customers < minimum;

function withheld(what: string, minimum: number): ChannelPilotError {
  return new ChannelPilotError(
    'forbidden',
    `${what} fewer than ${minimum} customers: its figures would describe individuals, so pilot managers do not see them`,
    { hint: 'widen the group, or ask an admin' },
  );
}

/**
 * A pilot report as a pilot manager may read it: refused when it measured an arm of fewer than
 * `minimum` customers (but some), otherwise without the segments that are small. A report that
 * measured nothing yet (a draft) holds census figures and forecasts only, and is shown whole.
 */
export function pilotReportForManagers(report: PilotReportData, minimum: number): PilotReportData {
  const { cohort } = report.metrics;
  if (report.metrics.period === null) return report;
  if (small(cohort.pilot, minimum)) throw withheld("this pilot's pilot arm has", minimum);
  if (small(cohort.control, minimum)) throw withheld("this pilot's control group has", minimum);
  const adoptionBySegment = report.metrics.adoptionBySegment.filter((s) => !tooFew(s.enrolled, minimum));
  const { sampleRatio } = report.metrics;
  return {
    ...report,
    metrics: {
      ...report.metrics,
      adoptionBySegment,
      sampleRatio: sampleRatio && {
        ...sampleRatio,
        bySegment: sampleRatio.bySegment.filter(
          (s) => !small(s.pilot, minimum) && !small(s.control, minimum),
        ),
      },
    },
  };
}

/** A census as a pilot manager may read it: refused when it is about fewer than `minimum` customers. */
export function censusForManagers(census: Census, minimum: number): Census {
  if (small(census.totals.customers, minimum)) throw withheld('this census counts', minimum);
  return census;
}

/** Cohort sizes as a pilot manager may read them: a group smaller than `minimum` is not counted out. */
export function cohortSizeForManagers<T extends Record<string, number>>(
  sizes: T,
  minimum: number,
): { [K in keyof T]: number | null } {
  return Object.fromEntries(
    Object.entries(sizes).map(([key, n]) => [key, tooFew(n, minimum) ? null : n]),
  ) as { [K in keyof T]: number | null };
}

/** Applies `view` to every result an analysis answer holds (the previous one while computing). */
export function mapAnswer<T>(answer: AnalysisAnswer<T>, view: (result: T) => T): AnalysisAnswer<T> {
  if (answer.status === 'ready') return { ...answer, result: view(answer.result) };
  if (answer.status === 'computing' && answer.previous) {
    return { ...answer, previous: { ...answer.previous, result: view(answer.previous.result) } };
  }
  return answer;
}
