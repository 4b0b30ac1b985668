import type { ScorecardEvidence, TimeToVerdict } from '../../core/evidence.ts';
import { formatCount } from './format.ts';
import { html, type Html } from './html.ts';
import { formatMetric, verdictBadge } from './pilot-metric-format.ts';

// A piece of the scorecard's evidence as the report shows it.

export function timeText(t: TimeToVerdict): string {
  return t.weeks === null ? `cannot say: ${t.note}.` : `${t.note}.`;
}

/** One piece of evidence: verdict and figure, its n and intervals, the rule and why. */
export function evidenceItem(e: ScorecardEvidence): Html {
  const format = (v: number) => formatMetric(e.metric, v);
  const est = e.estimate;
  const figures =
    est && est.value !== null
      ? html`<br /><span class="note"
            >n = ${formatCount(est.n)} ${e.unit ?? ''} · always-valid interval
            ${est.low === null || est.high === null ? '–' : `${format(est.low)} to ${format(est.high)}`} ·
            fixed-horizon ${est.fixed ? `${format(est.fixed.low)} to ${format(est.fixed.high)}` : '–'}</span
          >`
      : '';
  return html`<li data-evidence="${e.metric}" data-verdict="${e.verdict}">
    ${verdictBadge(e.verdict)} ${e.label} ${figures}
    <br /><span class="why">${e.why}</span>
    ${e.timeToVerdict ? html`<br /><span class="note">${timeText(e.timeToVerdict)}</span>` : ''}
  </li>`;
}
