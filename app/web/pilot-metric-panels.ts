import type {
  ArmComparison,
  Capacity,
  Estimate,
  ObjectiveMetric,
  Pilot,
  PilotMetrics,
  PilotReportData,
} from '../../core/index.ts';
import { bars, channelColour, legend, stackedBars, type BarRow } from './charts.ts';
import {
  channelName,
  dataTable,
  figuresTable,
  formatCount,
  formatDuration,
  formatNumber,
  formatPercent,
  formatPValue,
  html,
  humanize,
  type Html,
} from './html.ts';

// The pilot report's figures: capacity, rates with their intervals, satisfaction, adoption by
// segment, the comparison with control, the cohort and the relevance of the pilot's reasons.

// What each objective metric is called and how its values read.
export const metricInfo: Record<
  ObjectiveMetric,
  { label: string; kind: 'share' | 'change' | 'nps' | 'score' }
> = {
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

export function capacityPanel(capacity: Capacity, metrics: PilotMetrics): Html {
  const enough = capacity.availableHoursPerWeek >= capacity.demandHoursPerWeek;
  return html`<section class="panel" aria-labelledby="cap-h">
    <h2 id="cap-h">Capacity</h2>
    ${
      capacity.staffed
        ? html`${bars({
            id: 'capacity',
            title: 'Advisor hours a week: available vs demand',
            desc: `${formatNumber(capacity.availableHoursPerWeek)} hours available, ${formatNumber(capacity.demandHoursPerWeek)} hours of demand: ${enough ? 'enough' : 'not enough'}.`,
            rows: [
              {
                label: 'Available',
                value: capacity.availableHoursPerWeek,
                colour: '#0b5cad',
                valueLabel: `${formatNumber(capacity.availableHoursPerWeek)} h`,
              },
              {
                label: 'Demand',
                value: capacity.demandHoursPerWeek,
                colour: enough ? '#1c7a47' : '#b3261e',
                valueLabel: `${formatNumber(capacity.demandHoursPerWeek)} h`,
              },
            ],
            format: (v) => `${formatNumber(v, 0)} h`,
          })}`
        : html`<p>Self-service channel: it needs no advisor hours.</p>`
    }
    <dl class="definition">
      <dt>Demand basis</dt>
      <dd>
        ${formatNumber(capacity.contactsPerCustomerWeek, 3)} contacts per customer a week
        (${
          capacity.basis === 'observed'
            ? 'observed in the pilot'
            : `forecast from the census${capacity.assumedTakeUp === null ? '' : `, assuming ${formatPercent(capacity.assumedTakeUp, 0)} of the served contacts move to the channel`}`
        }),
        ${formatDuration(capacity.hoursPerContact * 3600)} each
      </dd>
      <dt>Largest cohort served</dt>
      <dd>
        ${capacity.largestCohort === null ? 'Unlimited' : `${formatCount(capacity.largestCohort)} customers`}
        (pilot arm today: ${formatCount(metrics.cohort.pilot)})
      </dd>
      ${
        capacity.bookedShareNext14Days !== null
          ? html`<dt>Booked, next 14 days</dt>
              <dd>${formatPercent(capacity.bookedShareNext14Days, 0)} of the bookable time</dd>`
          : ''
      }
    </dl>
    ${
      capacity.warnings.length
        ? html`<div class="banner error" role="note">
            <p><strong>Warnings</strong></p>
            <ul>
              ${capacity.warnings.map((w) => html`<li>${w}</li>`)}
            </ul>
          </div>`
        : ''
    }
  </section>`;
}

/** `58.0% (53.7–62.2%)`; `−0.19 (−0.33 to −0.05)` when a bound is negative. */
function ciText(e: Estimate, format: (v: number) => string): string {
  if (e.value === null) return `no data (n = ${formatCount(e.n)})`;
  if (e.low === null || e.high === null) return format(e.value);
  const unit = (text: string) => text.match(/[^\d.,]*$/)?.[0] ?? '';
  const low = format(e.low);
  const high = format(e.high);
  const compact = e.low >= 0 && unit(low) === unit(high);
  return `${format(e.value)} (${compact ? `${low.slice(0, low.length - unit(low).length)}–${high}` : `${low} to ${high}`})`;
}

function estimateRow(
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

/** Numbers with a real minus sign. */
function signedless(v: number, digits: number): string {
  return `${v < 0 ? '−' : ''}${formatNumber(Math.abs(v), digits)}`;
}

export function metricPanels(data: PilotReportData, pilot: Pilot): Html {
  const m = data.metrics;
  const colour = channelColour(pilot.channel);
  const target = (metric: ObjectiveMetric) => {
    const o = pilot.objectives.find((x) => x.metric === metric);
    return o ? { value: o.threshold, label: `objective ${objectiveText(metric, o)}` } : null;
  };
  const pct = (v: number) => formatPercent(v, 0);
  const pct1 = (v: number) => formatPercent(v, 1);
  const rates: [string, ObjectiveMetric, Estimate | null][] = [
    ['Adoption', 'adoption', m.adoption],
    ['Containment', 'containment', m.containment],
    ['Switching', 'switching', m.switching],
    ['First-contact resolution', 'firstContactResolution', m.firstContactResolution],
    ['Task completion', 'taskCompletion', m.taskCompletion],
    ['Hand-offs with context', 'handoffContextRate', m.handoffs.contextRate],
    ['No-show', 'noShow', m.noShow],
  ];
  const present = rates.filter((r): r is [string, ObjectiveMetric, Estimate] => r[2] !== null);
  const rateRows = present.map(([label, key, e]) => estimateRow(label, e, colour, pct1, target(key)));
  return html`<section class="panel" aria-labelledby="metrics-h">
      <h2 id="metrics-h">Metrics with 95% confidence intervals</h2>
      <p class="note">
        ${formatCount(m.contacts)} contacts on ${channelName(m.channel)} by the pilot arm; follow-ups are
        contacts for the same reason within ${m.withinDays} days. Whiskers show the 95% interval; dashed
        orange marks are objectives.
      </p>
      ${bars({
        id: 'rates',
        title: 'Rates of the pilot channel',
        desc: present.map(([label, , e]) => `${label} ${ciText(e, pct1)}`).join('; '),
        rows: rateRows,
        format: pct,
        domain: [0, 1],
      })}
      ${figuresTable(
        dataTable({
          caption: 'Rates with their 95% confidence intervals',
          head: ['Metric', 'Value', 'Low', 'High', 'n', 'Objective'],
          rows: present.map(([label, key, e]) => {
            const o = pilot.objectives.find((x) => x.metric === key);
            return [
              label,
              fmt(e.value, pct1),
              fmt(e.low, pct1),
              fmt(e.high, pct1),
              formatCount(e.n),
              o ? objectiveText(key, o) : '–',
            ];
          }),
        }),
      )}
      <div class="grid">
        <div>
          <h3>Satisfaction</h3>
          ${bars({
            id: 'nps',
            title: 'Net Promoter Score',
            desc: `NPS ${ciText(m.nps, (v) => formatNumber(v, 1))}, ${m.nps.n} answers.`,
            rows: [estimateRow('NPS', m.nps, colour, (v) => formatNumber(v, 1), target('nps'))],
            format: (v) => signedless(v, 0),
            domain: [-100, 100],
          })}
          ${stackedBars({
            id: 'nps-mix',
            title: 'Promoters, passives and detractors',
            desc: `${m.nps.promoters} promoters, ${m.nps.passives} passives, ${m.nps.detractors} detractors.`,
            categories: [{ key: 'nps', label: 'NPS answers' }],
            series: [
              { key: 'promoters', label: 'Promoters (9–10)', colour: '#1c7a47' },
              { key: 'passives', label: 'Passives (7–8)', colour: '#595959' },
              { key: 'detractors', label: 'Detractors (0–6)', colour: '#b3261e' },
            ],
            value: (_c, s) =>
              s === 'promoters' ? m.nps.promoters : s === 'passives' ? m.nps.passives : m.nps.detractors,
            mode: 'share',
            unit: 'answers',
          })}
          ${bars({
            id: 'csat-ces',
            title: 'CSAT (1–5) and CES (1–7, lower is easier)',
            desc: `CSAT ${ciText(m.csat, (v) => formatNumber(v, 2))}; CES ${ciText(m.ces, (v) => formatNumber(v, 2))}.`,
            rows: [
              estimateRow('CSAT (1–5)', m.csat, colour, (v) => formatNumber(v, 2), target('csat')),
              estimateRow('CES (1–7)', m.ces, colour, (v) => formatNumber(v, 2), target('ces')),
            ],
            format: (v) => formatNumber(v, 0),
            domain: [0, 7],
          })}
        </div>
        <div>
          <h3>Adoption by segment</h3>
          ${bars({
            id: 'adoption-segments',
            title: 'Adoption by customer segment',
            desc: m.adoptionBySegment.map((s) => `${humanize(s.segment)} ${ciText(s.rate, pct1)}`).join('; '),
            rows: m.adoptionBySegment.map((s) =>
              estimateRow(humanize(s.segment), s.rate, colour, pct1, target('adoption')),
            ),
            format: pct,
          })}
          ${dataTable({
            caption: 'Adopters among the enrolled customers of each segment',
            head: ['Segment', 'Enrolled', 'Adopters', 'Adoption'],
            rows: m.adoptionBySegment.map((s) => [
              humanize(s.segment),
              formatCount(s.enrolled),
              formatCount(s.adopters),
              ciText(s.rate, pct1),
            ]),
          })}
        </div>
      </div>
    </section>
    ${versusControlPanel(m, colour)}
    <div class="grid">${cohortPanel(m)} ${journeyPanel(m)}</div>
    ${relevancePanel(data, colour)}`;
}

/** A percentage as configured (0–100, up to two decimals): `12.5%`. */
export function plainPercent(percent: number): string {
  return `${Number(percent.toFixed(2))}%`;
}

function fmt(v: number | null, format: (v: number) => string): string {
  return v === null ? '–' : format(v);
}

function versusControlPanel(m: PilotMetrics, colour: string): Html {
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

function cohortPanel(m: PilotMetrics): Html {
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

function journeyPanel(m: PilotMetrics): Html {
  const h = m.handoffs;
  return html`<section class="panel" aria-labelledby="journey-h">
    <h2 id="journey-h">Hand-offs and switching</h2>
    <dl class="definition">
      <dt>Hand-offs</dt>
      <dd>
        ${formatCount(h.total)}, of which ${formatCount(h.withContext)} carried the context
        (${ciText(h.contextRate, (v) => formatPercent(v))})
      </dd>
      <dt>Continued elsewhere</dt>
      <dd>${formatCount(h.continuedElsewhere)} contacts went on to a later step on another channel</dd>
      <dt>Handle time</dt>
      <dd>
        average ${formatDuration(m.handleTime.averageSeconds)}, median
        ${formatDuration(m.handleTime.medianSeconds)} (n = ${formatCount(m.handleTime.n)})
      </dd>
    </dl>
    <h3>Where switching contacts went</h3>
    ${
      m.switchedTo.length
        ? dataTable({
            caption: `Next contact on another channel for the same reason within ${m.withinDays} days`,
            head: ['Channel', 'Contacts'],
            rows: [...m.switchedTo]
              .sort((a, b) => b.contacts - a.contacts)
              .map((s) => [channelName(s.channel), formatCount(s.contacts)]),
          })
        : html`<p class="note">No contact switched channel.</p>`
    }
  </section>`;
}

function relevancePanel(data: PilotReportData, colour: string): Html {
  const r = data.relevance;
  return html`<section class="panel" aria-labelledby="rel-h">
    <h2 id="rel-h">Relevance: the reasons customers contact us for</h2>
    <p>
      The reasons the pilot serves account for <strong>${formatPercent(r.share)}</strong> of the
      ${formatCount(r.allContacts)} contacts of the cohort's segments in the 12 weeks before the pilot
      (${formatCount(r.servedContacts)} contacts).
    </p>
    ${legend([
      { label: 'Served by the pilot', colour },
      { label: 'Not served', colour: '#767676' },
    ])}
    ${bars({
      id: 'relevance',
      title: 'Top contact reasons, served or not by the pilot',
      desc: r.topReasons
        .map((t) => `${humanize(t.reason)} ${formatCount(t.contacts)}${t.served ? ' (served)' : ''}`)
        .join(', '),
      rows: r.topReasons.map((t) => ({
        label: `${humanize(t.reason)}${t.served ? ' ✓' : ''}`,
        value: t.contacts,
        colour: t.served ? colour : '#767676',
        valueLabel: `${formatCount(t.contacts)} · ${t.served ? 'served' : 'not served'}`,
      })),
      format: formatCount,
    })}
  </section>`;
}
