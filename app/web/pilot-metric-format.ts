import type { Estimate, ObjectiveMetric, Verdict } from '../../core/evidence.ts';
import { html, type Html } from './html.ts';
import type { BarRow } from './charts/bars.ts';
import { formatCount, formatNumber, formatPercent } from './format.ts';

// How the pilot report writes its figures: metrics, objectives and estimates with their intervals.

/** The figures a style pilot's scorecard judges (core/style-scorecard.ts). */
type StyleMetric =
  | 'deliveredRate'
  | 'openedRate'
  | 'onTimeRate'
  | 'onTimeVsControl'
  | 'contactsPerBillChange'
  | 'callCentreContactsPerBillChange';

// What each objective metric is called and how its values read.
export const metricInfo: Record<
  ObjectiveMetric | 'complaintsChange' | StyleMetric,
  { label: string; kind: 'share' | 'change' | 'points' | 'nps' | 'score' }
> = {
  complaintsChange: { label: 'Complaints vs control', kind: 'change' },
  adoption: { label: 'Adoption', kind: 'share' },
  containment: { label: 'Containment', kind: 'share' },
  switching: { label: 'Switching to another channel', kind: 'share' },
  firstContactResolution: { label: 'First-contact resolution', kind: 'share' },
  taskCompletion: { label: 'Task completion', kind: 'share' },
  handoffContextRate: { label: 'Hand-offs with context', kind: 'share' },
  noShow: { label: 'No-show', kind: 'share' },
  nps: { label: 'NPS', kind: 'nps' },
  csat: { label: 'CSAT (1–5)', kind: 'score' },
  ces: { label: 'CES (1–7, lower is easier)', kind: 'score' },
  existingContactsChange: { label: 'Existing-channel contacts vs control', kind: 'change' },
  callCentreContactsChange: { label: 'Call-centre contacts vs control', kind: 'change' },
  npsVsControl: { label: 'NPS vs control (points)', kind: 'nps' },
  deliveredRate: { label: 'Delivered', kind: 'share' },
  openedRate: { label: 'Link opened', kind: 'share' },
  onTimeRate: { label: 'Paid on time', kind: 'share' },
  onTimeVsControl: { label: 'Paid on time vs control', kind: 'points' },
  contactsPerBillChange: { label: 'Bill contacts per bill vs control', kind: 'change' },
  callCentreContactsPerBillChange: { label: 'Call-centre contacts per bill vs control', kind: 'change' },
};

export function formatMetric(metric: string, value: number | null): string {
  const info = metricInfo[metric as ObjectiveMetric];
  if (value === null) return '–';
  if (!info) return formatNumber(value, Math.abs(value) >= 100 ? 0 : 2);
  switch (info.kind) {
    case 'share':
      return formatPercent(value);
    case 'change':
      return `${value > 0 ? '+' : value < 0 ? '−' : ''}${formatPercent(Math.abs(value))}`;
    case 'points':
      return `${value > 0 ? '+' : value < 0 ? '−' : ''}${formatNumber(Math.abs(value) * 100, 1)} pts`;
    case 'nps':
      return `${value > 0 ? '+' : value < 0 ? '−' : ''}${formatNumber(Math.abs(value), 1)}`;
    case 'score':
      return formatNumber(value, 2);
  }
}

export function objectiveText(
  metric: string,
  objective: { comparison: 'at_least' | 'at_most'; threshold: number },
): string {
  return `${objective.comparison === 'at_least' ? '≥' : '≤'} ${formatMetric(metric, objective.threshold)}`;
}

/** A percentage as configured (0–100, up to two decimals): `12.5%`. */
export function plainPercent(percent: number): string {
  return `${Number(percent.toFixed(2))}%`;
}

/** `58.0% (53.7–62.2%)`; `−0.19 (−0.33 to −0.05)` when a bound is negative. */
export function ciText(e: Estimate, format: (v: number) => string): string {
  if (e.value === null) return `no data (n = ${formatCount(e.n)})`;
  if (e.low === null || e.high === null) return format(e.value);
  const unit = (text: string) => text.match(/[^\d.,]*$/)?.[0] ?? '';
  const low = format(e.low);
  const high = format(e.high);
  const compact = e.low >= 0 && unit(low) === unit(high);
  return `${format(e.value)} (${compact ? `${low.slice(0, low.length - unit(low).length)}–${high}` : `${low} to ${high}`})`;
}

/** The fixed-horizon interval alone: `(53.7–62.2%)`, `–` without one. */
export function fixedText(e: Estimate, format: (v: number) => string): string {
  if (!e.fixed) return '–';
  return ciText({ value: e.value, low: e.fixed.low, high: e.fixed.high, n: e.n }, format).replace(
    /^[^(]*/,
    '',
  );
}

const verdictText: Record<Verdict, { icon: string; label: string }> = {
  pass: { icon: '✓', label: 'Pass' },
  concern: { icon: '!', label: 'Concern' },
  fail: { icon: '✗', label: 'Fail' },
  unknown: { icon: '?', label: 'Unknown' },
};

export function verdictBadge(verdict: Verdict): Html {
  const v = verdictText[verdict];
  return html`<span class="badge ${verdict}"><span aria-hidden="true">${v.icon}</span> ${v.label}</span>`;
}

export function estimateRow(
  label: string,
  e: Estimate,
  colour: string,
  format: (v: number) => string,
  target?: BarRow['target'],
): BarRow {
  return {
    label,
    value: e.value,
    low: e.low,
    high: e.high,
    colour,
    valueLabel: ciText(e, format),
    target: target ?? null,
  };
}
