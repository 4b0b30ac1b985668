import type { Estimate } from './pilot-metrics.ts';
import type { JudgingRule, TimeToVerdict, Verdict } from './scorecard.ts';
import { sequentialZ } from './sequential.ts';

// Why a figure came out pass / concern / fail, and how long a concern would take to settle.

/** A pilot is not extended by more than this: beyond it, the report says it cannot tell. */
const HORIZON_WEEKS = 104;

const meets = (v: number, comparison: JudgingRule['comparison'], threshold: number) =>
  comparison === 'at_least' ? v >= threshold : v <= threshold;

/**
 * Pass when the whole always-valid interval meets the pass threshold; fail when the whole interval
 * misses the fail threshold; a concern in between. A figure without an interval is judged on its
 * value.
 */
export function verdictOf(estimate: Estimate, rule: Omit<JudgingRule, 'source'>): Verdict {
  if (estimate.value === null) return 'unknown';
  const bounds = [estimate.low ?? estimate.value, estimate.high ?? estimate.value];
  if (bounds.every((b) => meets(b, rule.comparison, rule.pass))) return 'pass';
  if (bounds.every((b) => !meets(b, rule.comparison, rule.fail))) return 'fail';
  return 'concern';
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
): string {
  const n = estimate.n.toLocaleString('en-US');
  if (estimate.value === null) return `Not measured yet (n = ${n} ${unit}).`;
  const interval =
    estimate.low !== null && estimate.high !== null
      ? `its always-valid interval ${format(estimate.low)} to ${format(estimate.high)} (n = ${n} ${unit})`
      : `its value ${format(estimate.value)} (n = ${n} ${unit}; no interval)`;
  const side = rule.comparison === 'at_least' ? 'at or above' : 'at or below';
  const other = rule.comparison === 'at_least' ? 'below' : 'above';
  switch (verdict) {
    case 'pass':
      return `Passes: ${interval} lies wholly ${side} ${format(rule.pass)}.`;
    case 'fail':
      return `Fails: ${interval} lies wholly ${other} ${format(rule.fail)}.`;
    default: {
      const between =
        !meets(estimate.value, rule.comparison, rule.pass) &&
        meets(estimate.value, rule.comparison, rule.fail);
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
): TimeToVerdict {
  const { value, low, high, n } = estimate;
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
