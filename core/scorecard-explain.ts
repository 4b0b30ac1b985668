import type { Estimate } from './pilot-metrics.ts';
import type { JudgingRule, TimeToVerdict, Verdict } from './scorecard.ts';
import { sequentialZ } from './sequential.ts';

// Why a figure came out pass / concern / fail, and how long a concern would take to settle.

/** A pilot is not extended by more than this: beyond it, the report says it cannot tell. */
const HORIZON_WEEKS = 104;

const meets = (v: number, comparison: JudgingRule['comparison'], threshold: number) =>
  comparison === 'at_least' ? v >= threshold : v <= threshold;

/** How a figure is read beside its estimate. */
export interface JudgingContext {
  /**
   * A figure known exactly, not estimated from a sample (a census of every contact, capacity's
   * shares): judged on its value, which has no interval.
   */
  exact?: boolean;
  /**
   * For a figure that only grows while the pilot runs (adoption: adopters stay adopters), while
   * the pilot still runs: its last day and the weeks left to it. Null or absent once it has ended.
   */
  growing?: { endsOn: string; weeksLeft: number } | null;
  /** Why a sampled figure has no interval, when it is not that its sample is too small. */
  noIntervalBecause?: string;
}

/** The verdict the interval alone gives. */
function verdictOfInterval(low: number, high: number, rule: Omit<JudgingRule, 'source'>): Verdict {
  if ([low, high].every((b) => meets(b, rule.comparison, rule.pass))) return 'pass';
  if ([low, high].every((b) => !meets(b, rule.comparison, rule.fail))) return 'fail';
  return 'concern';
}

/** The verdict a figure that can only grow cannot be given while it still grows. */
const withheldWhileGrowing = (rule: Omit<JudgingRule, 'source'>): Verdict =>
  rule.comparison === 'at_least' ? 'fail' : 'pass';

/**
 * Pass when the whole always-valid interval meets the pass threshold; fail when the whole interval
 * misses the fail threshold; a concern in between. Only evidence gives a verdict: a sampled figure
 * without an interval (one answer, one customer an arm, a ratio whose control mean may be 0) is a
 * concern, never a pass or a fail; an exact figure is judged on its value. A figure that can only
 * grow cannot fail while the pilot runs (nor pass an at-most rule): the end may still move it.
 */
export function verdictOf(
  estimate: Estimate,
  rule: Omit<JudgingRule, 'source'>,
  context: JudgingContext = {},
): Verdict {
  const { value, low, high } = estimate;
  if (value === null) return 'unknown';
  const interval =
    low !== null && high !== null ? { low, high } : context.exact ? { low: value, high: value } : null;
  if (!interval) return 'concern';
  const verdict = verdictOfInterval(interval.low, interval.high, rule);
  return context.growing && verdict === withheldWhileGrowing(rule) ? 'concern' : verdict;
}

const sourceText: Record<JudgingRule['source'], string> = {
  objective: "the pilot's objective",
  default: 'the default thresholds',
  guardrail: "the guardrail's limit",
  capacity: 'the capacity thresholds',
};

/** The rule in words: "pass at ≥ 50%, fail below 30% (the default thresholds)". */
export function ruleText(rule: JudgingRule, format: (v: number) => string): string {
  const [at, beyond] = rule.comparison === 'at_least' ? ['≥', 'below'] : ['≤', 'above'];
  return rule.pass === rule.fail
    ? `pass at ${at} ${format(rule.pass)}, fail ${beyond} it (${sourceText[rule.source]})`
    : `pass at ${at} ${format(rule.pass)}, fail ${beyond} ${format(rule.fail)} (${sourceText[rule.source]})`;
}

/** One or two sentences on why the figure got its verdict. */
export function explain(
  estimate: Estimate,
  rule: JudgingRule,
  verdict: Verdict,
  format: (v: number) => string,
  unit: string,
  context: JudgingContext = {},
): string {
  const n = estimate.n.toLocaleString('en-US');
  const { value, low, high } = estimate;
  if (value === null) return `Not measured yet (n = ${n} ${unit}).`;
  const sampled = low !== null && high !== null;
  if (!sampled && !context.exact) {
    const because = context.noIntervalBecause ?? `too few ${unit} to tell where the true figure lies`;
    return `A concern, not a verdict: its value ${format(value)} (n = ${n} ${unit}) has no interval yet, so it can neither pass nor fail: ${because}.`;
  }
  const [interval, lies] = sampled
    ? [`its always-valid interval ${format(low)} to ${format(high)} (n = ${n} ${unit})`, 'lies wholly']
    : [`its value ${format(value)} (n = ${n} ${unit})`, 'is'];
  const side = rule.comparison === 'at_least' ? 'at or above' : 'at or below';
  const other = rule.comparison === 'at_least' ? 'below' : 'above';
  switch (verdict) {
    case 'pass':
      return `Passes: ${interval} ${lies} ${side} ${format(rule.pass)}.`;
    case 'fail':
      return `Fails: ${interval} ${lies} ${other} ${format(rule.fail)}.`;
    default: {
      const withheld = sampled ? verdictOfInterval(low, high, rule) : 'concern';
      if (context.growing && withheld !== 'concern') {
        const [would, where] =
          withheld === 'fail'
            ? ['fail', `${other} ${format(rule.fail)}`]
            : ['pass', `${side} ${format(rule.pass)}`];
        return `A concern, not a verdict yet: ${interval} ${lies} ${where}, but the figure only grows while the pilot runs, so it can ${would} only once the pilot has ended (${context.growing.endsOn}).`;
      }
      const between = !meets(value, rule.comparison, rule.pass) && meets(value, rule.comparison, rule.fail);
      return between
        ? `A concern: ${interval} sits between the fail and pass thresholds.`
        : `A concern: ${interval} still reaches across ${rule.pass === rule.fail ? 'the threshold' : 'a threshold'}, so the sample cannot decide yet.`;
    }
  }
}

/**
 * How many more weeks, at the current value and rates, until the always-valid interval clears the
 * threshold the value lies beyond: the standard error is taken to shrink as 1/√time and, where
 * the sample grows with time (contacts, answers), n to grow in proportion.
 */
export function timeToVerdict(
  estimate: Estimate,
  rule: JudgingRule,
  weeksSoFar: number,
  sampleGrows: boolean,
  format: (v: number) => string,
  context: JudgingContext = {},
): TimeToVerdict {
  const { value, low, high, n } = estimate;
  const { growing } = context;
  if (growing && value !== null && low !== null && high !== null) {
    const withheld = verdictOfInterval(low, high, rule);
    if (withheld !== 'concern') {
      return {
        weeks: Math.max(1, Math.ceil(growing.weeksLeft)),
        note: `it can ${withheld} only once the pilot has ended (${growing.endsOn})${withheld === 'fail' ? `, unless it clears ${format(rule.pass)} before` : ''}`,
      };
    }
  }
  if (value === null || low === null || high === null || !(weeksSoFar > 0)) {
    return { weeks: null, note: 'not enough data yet to estimate how long' };
  }
  const threshold = meets(value, rule.comparison, rule.pass)
    ? rule.pass
    : !meets(value, rule.comparison, rule.fail)
      ? rule.fail
      : null;
  if (threshold === null) {
    return {
      weeks: null,
      note: `at its current value (${format(value)}) it lies between the thresholds and stays a concern however long it runs`,
    };
  }
  const distance = Math.abs(value - threshold);
  const standardError = (high - low) / 2 / sequentialZ(n);
  if (distance === 0 || !(standardError > 0)) {
    return { weeks: null, note: `its value sits on the threshold ${format(threshold)}` };
  }
  for (let more = 1; more <= HORIZON_WEEKS; more++) {
    const weeks = weeksSoFar + more;
    const grownN = sampleGrows ? (n * weeks) / weeksSoFar : n;
    if (sequentialZ(grownN) * standardError * Math.sqrt(weeksSoFar / weeks) <= distance) {
      return {
        weeks: more,
        note: `about ${more} more week${more === 1 ? '' : 's'} for the interval to clear ${format(threshold)}`,
      };
    }
  }
  return { weeks: null, note: `more than ${HORIZON_WEEKS} weeks at the current rates` };
}
