import type { Estimate, ObjectiveMetric, Pilot, PilotMetrics, PilotReportData } from '../../core/evidence.ts';
import { bars, stackedBars } from './charts/bars.ts';
import { channelColour } from './charts/channel-colours.ts';
import { legend } from './charts/svg.ts';
import {
  type ChannelNames,
  formatContactTime,
  formatCount,
  formatNumber,
  formatPercent,
  humanize,
} from './format.ts';
import { isAsynchronous } from '../../core/index.ts';
import { html, type Html } from './html.ts';
import { cohortPanel, versusControlPanel } from './pilot-cohort-panels.ts';
import { ciText, estimateRow, fixedText, objectiveText } from './pilot-metric-format.ts';
import { dataTable, figuresTable } from './tables.ts';

// The pilot report's figures: capacity, rates with their intervals, satisfaction, adoption by
// segment, the comparison with control, the cohort and the relevance of the pilot's reasons.

export function metricPanels(data: PilotReportData, pilot: Pilot, names: ChannelNames): Html {
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
      <h2 id="metrics-h">Metrics with always-valid 95% intervals</h2>
      <p class="note">
        ${formatCount(m.contacts)} contacts on ${names(m.channel)} by the pilot arm; follow-ups are contacts
        for the same reason within ${m.withinDays} days. Whiskers show the always-valid 95% interval (the
        fixed-horizon one is in the table); dashed orange marks are objectives.
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
          caption: 'Rates with their always-valid and fixed-horizon 95% intervals',
          head: ['Metric', 'Value', 'Low', 'High', 'Fixed-horizon', 'n', 'Objective'],
          rows: present.map(([label, key, e]) => {
            const o = pilot.objectives.find((x) => x.metric === key);
            return [
              label,
              fmt(e.value, pct1),
              fmt(e.low, pct1),
              fmt(e.high, pct1),
              fixedText(e, pct1),
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
    ${versusControlPanel(data, colour, names)}
    <div class="grid">${cohortPanel(m)} ${journeyPanel(m, names)}</div>
    ${relevancePanel(data, colour)}`;
}

/** Numbers with a real minus sign. */
function signedless(v: number, digits: number): string {
  return `${v < 0 ? '−' : ''}${formatNumber(Math.abs(v), digits)}`;
}

function fmt(v: number | null, format: (v: number) => string): string {
  return v === null ? '–' : format(v);
}

function journeyPanel(m: PilotMetrics, names: ChannelNames): Html {
  const h = m.handoffs;
  return html`<section class="panel" aria-labelledby="journey-h">
    <h2 id="journey-h">Hand-offs and switching</h2>
    <dl class="definition">
      <dt>Hand-offs</dt>
      <dd data-handoffs="${h.total}">
        ${formatCount(h.total)}, of which ${formatCount(h.withContext)} carried the context
        (${ciText(h.contextRate, (v) => formatPercent(v))})
      </dd>
      <dt>Continued elsewhere</dt>
      <dd>${formatCount(h.continuedElsewhere)} contacts went on to a later step on another channel</dd>
      <dt>${isAsynchronous(m.channel) ? 'Response time' : 'Handle time'}</dt>
      <dd>
        average ${formatContactTime(m.channel, m.handleTime.averageSeconds)}, median
        ${formatContactTime(m.channel, m.handleTime.medianSeconds)} (n = ${formatCount(m.handleTime.n)})
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
              .map((s) => [names(s.channel), formatCount(s.contacts)]),
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
