import type { ArmComparison, PilotMetrics, PilotReportData, ScorecardEvidence } from '../../core/evidence.ts';
import { bars, type BarRow } from './charts/bars.ts';
import { legend } from './charts/svg.ts';
import {
  formatCount,
  formatNumber,
  formatPercent,
  formatPValue,
  humanize,
  type ChannelNames,
} from './format.ts';
import { html, type Html } from './html.ts';
import { dataTable } from './tables.ts';
import { ciText, estimateRow, fixedText, verdictBadge } from './pilot-metric-format.ts';

// The pilot arm against the control group, and whether the random split into them held.

type Row = {
  label: string;
  comparison: ArmComparison;
  format: (v: number) => string;
  signed: (v: number) => string;
  /** The scorecard's judgement of this comparison (the significant criterion or a guardrail). */
  judged: ScorecardEvidence | undefined;
  role: string;
};

export function versusControlPanel(data: PilotReportData, colour: string, names: ChannelNames): Html {
  const m = data.metrics;
  const vc = m.versusControl;
  const num = (v: number) => formatNumber(v, 2);
  const signed = (v: number) => `${v > 0 ? '+' : v < 0 ? '−' : ''}${formatNumber(Math.abs(v), 2)}`;
  const points = (v: number) => `${v > 0 ? '+' : v < 0 ? '−' : ''}${formatNumber(Math.abs(v), 1)}`;
  const significant = data.scorecard.criteria.find((c) => c.criterion === 'significant')?.evidence ?? [];
  const find = (list: readonly ScorecardEvidence[], metric: string) => list.find((e) => e.metric === metric);
  const rows: Row[] = [
    {
      label: 'Existing-channel contacts per customer',
      comparison: vc.existingContactsPerCustomer,
      format: num,
      signed,
      judged: find(significant, 'existingContactsChange'),
      role: 'significant',
    },
    {
      label: 'Call-centre contacts per customer',
      comparison: vc.callCentreContactsPerCustomer,
      format: num,
      signed,
      judged: find(significant, 'callCentreContactsChange'),
      role: 'significant; guardrail',
    },
    {
      label: 'Complaints per customer',
      comparison: vc.complaintsPerCustomer,
      format: (v) => formatNumber(v, 3),
      signed: (v) => `${v > 0 ? '+' : v < 0 ? '−' : ''}${formatNumber(Math.abs(v), 3)}`,
      judged: find(data.scorecard.guardrails, 'complaintsChange'),
      role: 'guardrail',
    },
    {
      label: 'NPS (answers both arms could give)',
      comparison: vc.nps,
      format: (v) => formatNumber(v, 1),
      signed: points,
      judged: find(significant, 'npsVsControl'),
      role: 'significant',
    },
  ];
  const mde = vc.minimumDetectableEffect;
  const cuped = vc.existingContactsPerCustomer.varianceReduction;
  const armRows = (label: string, c: ArmComparison): BarRow[] => [
    estimateRow(`${label}: pilot`, c.pilot, colour, num),
    estimateRow(`${label}: control`, c.control, '#595959', num),
  ];
  const caption = `Means per drawn customer over the period, adjusted for each customer's contacts in the ${cuped.preWeeks} weeks before the start (CUPED). Intervals are always valid (95%, however often the report is read); the fixed-horizon interval and p-value are valid for one planned look only.`;
  return html`<section class="panel" aria-labelledby="vc-h">
    <h2 id="vc-h">Pilot vs control</h2>
    ${legend([
      { label: 'Pilot arm', colour },
      { label: 'Control group', colour: '#595959' },
    ])}
    ${bars({
      id: 'versus-control',
      title: 'Contacts per customer, pilot arm vs control group',
      desc: rows
        .slice(0, 2)
        .map(
          (r) =>
            `${r.label}: pilot ${ciText(r.comparison.pilot, num)}, control ${ciText(r.comparison.control, num)}`,
        )
        .join('; '),
      rows: [
        ...armRows('Existing channels', vc.existingContactsPerCustomer),
        ...armRows('Call centre', vc.callCentreContactsPerCustomer),
      ],
      format: (v) => formatNumber(v, 1),
    })}
    <p class="note table-caption" aria-hidden="true">${caption}</p>
    <div class="table-wrap">
      <table data-table="versus-control">
        <caption class="sr-only">
          ${caption}
        </caption>
        <thead>
          <tr>
            <th scope="col">Measure</th>
            <th scope="col">n</th>
            <th scope="col">Pilot</th>
            <th scope="col">Control</th>
            <th scope="col">Difference (always valid)</th>
            <th scope="col">Fixed-horizon 95%</th>
            <th scope="col">Relative (Fieller)</th>
            <th scope="col">p: fixed · always valid</th>
            <th scope="col">Significant (always valid)?</th>
            <th scope="col">Verdict</th>
          </tr>
        </thead>
        <tbody>
          ${rows.map(
            (r) =>
              html`<tr data-measure="${r.label}">
                <th scope="row" class="text">${r.label}<br /><span class="note">${r.role}</span></th>
                <td>${formatCount(r.comparison.difference.n)}</td>
                <td>${ciText(r.comparison.pilot, r.format)}</td>
                <td>${ciText(r.comparison.control, r.format)}</td>
                <td>${ciText(r.comparison.difference, r.signed)}</td>
                <td>${fixedText(r.comparison.difference, r.signed)}</td>
                <td>${relativeText(r.comparison.relative)}</td>
                <td>${formatPValue(r.comparison.pValue)} · ${formatPValue(r.comparison.sequentialPValue)}</td>
                <td>
                  ${r.comparison.significant ? html`<span class="badge pass">Yes</span>` : html`<span class="badge unknown">No</span>`}
                </td>
                <td>${r.judged ? verdictBadge(r.judged.verdict) : '–'}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
    <ul class="why">
      ${rows
        .filter((r) => r.judged)
        .map((r) => html`<li><strong>${r.label}</strong> (${r.role}): ${r.judged!.why}</li>`)}
    </ul>
    <p class="note" data-cuped>
      Variance reduction: each customer's existing-channel contacts in the ${cuped.preWeeks} weeks before the
      start adjust their figure (CUPED, θ = ${formatNumber(cuped.theta, 3)}, pooled across the arms), which
      cut the variance of the difference by ${formatPercent(cuped.varianceCut, 0)}; without it the difference
      would read ${ciText(cuped.unadjusted, signed)}.
    </p>
    <p class="note" data-nps-answers>
      NPS against control counts only answers both arms could give: those about contacts on
      ${vc.npsChannels.map(names).join(', ')}. The pilot channel's own surveys (such as a closing question
      only the pilot arm hears) are left out. It is tested at the unit of randomisation, the customer: each
      answering customer counts once, with their own NPS (the mean of their answers), and n counts customers
      who answered (${formatCount(vc.nps.answers.pilot)} answers in the pilot arm,
      ${formatCount(vc.nps.answers.control)} in control).
    </p>
    <p class="note">
      Minimum detectable effect:
      ${
        mde.absolute === null
          ? 'not computable yet (too few customers in an arm).'
          : html`with these arms, a difference in existing-channel contacts per customer smaller than
            ${formatNumber(mde.absolute, 2)}${mde.relative === null ? '' : ` (${formatPercent(mde.relative)} of the control mean)`}
            would likely go unseen (two-sided α 0.05, power 0.8, each arm's own variance, at one planned
            look).`
      }
    </p>
  </section>`;
}

const signedShare = (v: number) => `${v > 0 ? '+' : v < 0 ? '−' : ''}${formatPercent(Math.abs(v))}`;

/** The relative change with its interval, or why it has none. */
function relativeText(relative: ArmComparison['relative']): string {
  if (!relative) return '–';
  if (relative.value !== null && (relative.low === null || relative.high === null)) {
    return `${signedShare(relative.value)} (no interval: control's mean may still be 0)`;
  }
  return ciText(relative, signedShare);
}

export function cohortPanel(m: PilotMetrics): Html {
  const sr = m.sampleRatio;
  return html`<section class="panel" aria-labelledby="cohort-h">
    <h2 id="cohort-h">Cohort and sample ratio</h2>
    <dl class="definition">
      <dt>Pilot arm</dt>
      <dd>${formatCount(m.cohort.pilot)} customers (${formatCount(m.cohort.explicit)} named explicitly)</dd>
      <dt>Control group</dt>
      <dd>${formatCount(m.cohort.control)} customers</dd>
      <dt>Invited</dt>
      <dd>${formatCount(m.cohort.invited)}</dd>
    </dl>
    <h3>Sample-ratio check</h3>
    ${
      sr
        ? html`<p data-sample-ratio="${sr.mismatch ? 'mismatch' : 'ok'}">
              ${
                sr.mismatch
                  ? html`<span class="badge fail">✗ Mismatch</span> The random split does not match the
                      configured percentages: check how customers are enrolled before trusting the comparison
                      with control.`
                  : html`<span class="badge pass">✓ No mismatch</span> The random split matches the configured
                      percentages.`
              }
            </p>
            <dl class="definition">
              <dt>Expected pilot share</dt>
              <dd>${formatPercent(sr.expectedPilotShare)}</dd>
              <dt>Drawn</dt>
              <dd>
                ${formatCount(sr.pilot)} pilot · ${formatCount(sr.control)} control
                (${formatPercent(sr.pilot + sr.control > 0 ? sr.pilot / (sr.pilot + sr.control) : null)}
                pilot)
              </dd>
              <dt>χ² (1 df)</dt>
              <dd>
                ${formatNumber(sr.chiSquare, 2)}, p ${formatPValue(sr.pValue)} (mismatch when p &lt; 0.001)
              </dd>
            </dl>
            ${dataTable({
              caption: 'The same check within each segment',
              head: ['Segment', 'Pilot', 'Control', 'p', 'Split'],
              rows: sr.bySegment.map((s) => [
                humanize(s.segment),
                formatCount(s.pilot),
                formatCount(s.control),
                formatPValue(s.pValue),
                s.mismatch
                  ? html`<span class="badge fail">Mismatch</span>`
                  : html`<span class="badge pass">OK</span>`,
              ]),
              attributes: (i) => html` data-segment="${sr.bySegment[i]!.segment}"`,
            })}`
        : html`<p class="note">No random split to check (no control group or no draw).</p>`
    }
  </section>`;
}
