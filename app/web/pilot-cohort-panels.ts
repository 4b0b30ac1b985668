import type { ArmComparison, PilotMetrics } from '../../core/index.ts';
import { bars, type BarRow } from './charts/bars.ts';
import { legend } from './charts/svg.ts';
import { formatCount, formatNumber, formatPercent, formatPValue } from './format.ts';
import { html, type Html } from './html.ts';
import { ciText, estimateRow } from './pilot-metric-format.ts';

// The pilot arm against the control group, and whether the random split into them held.

export function versusControlPanel(m: PilotMetrics, colour: string): Html {
  const vc = m.versusControl;
  const num = (v: number) => formatNumber(v, 2);
  const signed = (v: number) => `${v > 0 ? '+' : v < 0 ? '−' : ''}${formatNumber(Math.abs(v), 2)}`;
  const comparisons: [string, ArmComparison, (v: number) => string, (v: number) => string][] = [
    ['Existing-channel contacts per customer', vc.existingContactsPerCustomer, num, signed],
    ['Call-centre contacts per customer', vc.callCentreContactsPerCustomer, num, signed],
    [
      'NPS (answers on any channel)',
      vc.nps,
      (v) => formatNumber(v, 1),
      (v) => `${v > 0 ? '+' : v < 0 ? '−' : ''}${formatNumber(Math.abs(v), 1)}`,
    ],
  ];
  const mde = vc.minimumDetectableEffect;
  const armRows = (label: string, c: ArmComparison): BarRow[] => [
    estimateRow(`${label}: pilot`, c.pilot, colour, num),
    estimateRow(`${label}: control`, c.control, '#595959', num),
  ];
  return html`<section class="panel" aria-labelledby="vc-h">
    <h2 id="vc-h">Pilot vs control</h2>
    ${legend([
      { label: 'Pilot arm', colour },
      { label: 'Control group', colour: '#595959' },
    ])}
    ${bars({
      id: 'versus-control',
      title: 'Contacts per customer, pilot arm vs control group',
      desc: comparisons
        .slice(0, 2)
        .map(
          ([label, c]) =>
            `${label}: pilot ${ciText(c.pilot, num)}, control ${ciText(c.control, num)}, p ${formatPValue(c.pValue)}`,
        )
        .join('; '),
      rows: [
        ...armRows('Existing channels', vc.existingContactsPerCustomer),
        ...armRows('Call centre', vc.callCentreContactsPerCustomer),
      ],
      format: (v) => formatNumber(v, 1),
    })}
    <p class="note table-caption" aria-hidden="true">
      Means per customer over the period, 95% intervals in brackets; Welch's t-test, significant when p &lt;
      0.05
    </p>
    <div class="table-wrap">
      <table data-table="versus-control">
        <caption class="sr-only">
          Means per customer over the period, 95% intervals in brackets; Welch's t-test, significant when p
          &lt; 0.05
        </caption>
        <thead>
          <tr>
            <th scope="col">Measure</th>
            <th scope="col">Pilot</th>
            <th scope="col">Control</th>
            <th scope="col">Difference</th>
            <th scope="col">Relative</th>
            <th scope="col">p-value</th>
            <th scope="col">Significant?</th>
          </tr>
        </thead>
        <tbody>
          ${comparisons.map(
            ([label, c, format, signedFormat]) =>
              html`<tr>
                <th scope="row" class="text">${label}</th>
                <td>${ciText(c.pilot, format)}</td>
                <td>${ciText(c.control, format)}</td>
                <td>${ciText(c.difference, signedFormat)}</td>
                <td>
                  ${c.relativeChange === null ? '–' : `${c.relativeChange > 0 ? '+' : c.relativeChange < 0 ? '−' : ''}${formatPercent(Math.abs(c.relativeChange))}`}
                </td>
                <td>${formatPValue(c.pValue)}</td>
                <td>
                  ${c.significant ? html`<span class="badge pass">Yes</span>` : html`<span class="badge unknown">No</span>`}
                </td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
    <p class="note">
      Minimum detectable effect:
      ${
        mde.absolute === null
          ? 'not computable yet (too few customers in an arm).'
          : html`with these arms, a difference in existing-channel contacts per customer smaller than
            ${formatNumber(mde.absolute, 2)}${mde.relative === null ? '' : ` (${formatPercent(mde.relative)} of the control mean)`}
            would likely go unseen (two-sided α 0.05, power 0.8).`
      }
    </p>
  </section>`;
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
            </dl>`
        : html`<p class="note">No random split to check (no control group or no draw).</p>`
    }
  </section>`;
}
