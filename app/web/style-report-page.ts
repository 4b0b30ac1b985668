import type { StyleArmReport } from '../../core/services.ts';
import type { Estimate, Pilot, StyleArmScorecard } from '../../core/evidence.ts';
import type { Viewer } from '../http/staff-auth.ts';
import {
  formatCount,
  formatDay,
  formatMoment,
  formatNumber,
  formatPValue,
  humanize,
  type ChannelNames,
} from './format.ts';
import { html, type Html } from './html.ts';
import { page } from './page.ts';
import { criterionCard, recommendationPanel, statusBadge } from './pilot-pages.ts';
import { ciText, formatMetric } from './pilot-metric-format.ts';
import { dataTable } from './tables.ts';

// A style pilot's page: each arm's figures with their intervals, each arm against control, and
// each arm's scorecard on the five criteria.

export interface StyleReportPageInput {
  pilot: Pilot;
  withinDays: number;
  /** Null when the figures are withheld from this viewer (`withheld` says why). */
  report: StyleArmReport[] | null;
  scorecards: StyleArmScorecard[];
  withheld?: string;
  user?: Viewer | undefined;
  generatedAt: Date;
  names: ChannelNames;
}

const share = (e: Estimate) => ciText(e, (v) => formatMetric('onTimeRate', v));
const decimal =
  (digits: number, unit = '') =>
  (e: Estimate) =>
    ciText(e, (v) => `${formatNumber(v, digits)}${unit}`);
const euros = (e: Estimate) => ciText(e, (v) => `€${formatNumber(v / 100, 2)}`);

export function renderStyleReportPage(input: StyleReportPageInput): string {
  const { pilot, report } = input;
  const base = `/manage/pilots/${encodeURIComponent(pilot.code)}`;
  const body = html`<h1>${pilot.name}: bill styles</h1>
    <p class="note">
      ${pilot.code} · ${input.names(pilot.channel)} · ${statusBadge(pilot.status)} ·
      ${formatDay(pilot.startsOn)} – ${formatDay(pilot.endsOn)} · contacts and answers counted within
      ${input.withinDays} days of each bill · computed ${formatMoment(input.generatedAt)}
    </p>
    <p class="no-print actions">
      <a href="${base}">Back to the pilot (definition, ratings, audit trail)</a>
    </p>
    ${
      input.withheld
        ? html`<div class="banner info" role="status">
            <p><strong>Figures withheld:</strong> ${input.withheld}.</p>
          </div>`
        : ''
    }
    ${report ? armsPanel(report) : ''} ${report ? versusControlPanel(report) : ''}
    ${input.scorecards.map((s) => scorecardSection(s))}`;
  return page({ title: `${pilot.name}: bill styles`, nav: 'pilots', user: input.user, body });
}

function armsPanel(report: readonly StyleArmReport[]): Html {
  return html`<section class="panel" aria-labelledby="arms-h">
    <h2 id="arms-h">Arms</h2>
    <p class="note">
      Each bill counts once; customers once however many supplies they have. Paid on time is judged only for
      bills whose due date (end of day, Rome) has passed: those not yet due are counted apart. Intervals are
      always-valid 95% intervals; NPS is each answering customer's own NPS, averaged.
    </p>
    ${dataTable({
      caption: 'Each arm of the style pilot',
      quietCaption: true,
      head: [
        'Arm',
        'Bills',
        'Not yet due',
        'Customers',
        'Delivered',
        'Link opened',
        'Paid on time',
        'Days to pay',
        'Call-centre contacts per bill',
        'Bill contacts per bill',
        'Went paperless',
        'Cost per bill',
        'NPS (answers)',
      ],
      rows: report.map((r) => [
        html`${r.arm === 'control' ? 'Control' : r.arm}<br /><span class="note">${humanize(r.style)}</span>`,
        formatCount(r.bills),
        formatCount(r.notYetDue),
        formatCount(r.customers),
        share(r.deliveredRate),
        share(r.openedRate),
        share(r.onTimeRate),
        decimal(1)(r.daysToPay),
        decimal(2)(r.callCentreContactsPerBill),
        decimal(2)(r.contactsPerBill),
        share(r.digitalSwitchRate),
        euros(r.costPerBill),
        html`${decimal(0)(r.nps)} (${formatCount(r.nps.answers)})`,
      ]),
      attributes: (i) => html` data-arm="${report[i]!.arm}"`,
    })}
  </section>`;
}

function versusControlPanel(report: readonly StyleArmReport[]): Html {
  const arms = report.filter((r) => r.vsControl);
  const points = (e: Estimate) => ciText(e, (v) => formatMetric('onTimeVsControl', v));
  return html`<section class="panel" aria-labelledby="vs-h">
    <h2 id="vs-h">Against control</h2>
    <p class="note">
      Differences arm − control (Welch). The on-time p-values are also adjusted for comparing
      ${formatCount(arms.length)} arm${arms.length === 1 ? '' : 's'} at once (Holm).
    </p>
    ${dataTable({
      caption: 'Each arm against control',
      quietCaption: true,
      head: [
        'Arm',
        'Paid on time',
        'p',
        'p (Holm)',
        'Days to pay',
        'Call-centre contacts per bill',
        'Bill contacts per bill',
        'Went paperless',
        'Cost per bill',
        'NPS',
      ],
      rows: arms.map((r) => {
        const v = r.vsControl!;
        return [
          r.arm,
          points(v.onTimeRate.difference),
          formatPValue(v.onTimeRate.pValue),
          formatPValue(v.onTimeHolmPValue),
          decimal(1, ' days')(v.daysToPay.difference),
          decimal(2)(v.callCentreContactsPerBill.difference),
          decimal(2)(v.contactsPerBill.difference),
          points(v.digitalSwitchRate.difference),
          euros(v.costPerBill.difference),
          decimal(0)(v.nps.difference),
        ];
      }),
      attributes: (i) => html` data-arm="${arms[i]!.arm}"`,
    })}
  </section>`;
}

function scorecardSection({ arm, style, scorecard }: StyleArmScorecard): Html {
  return html`<section class="panel" aria-labelledby="score-h-${arm}" data-scorecard="${arm}">
    <h2 id="score-h-${arm}">Scorecard: ${arm} (${humanize(style)}) against control</h2>
    ${recommendationPanel(scorecard, `-${arm}`, `Recommendation for ${arm}`)}
    <div class="cards">${scorecard.criteria.map((c) => criterionCard(c, `-${arm}`))}</div>
  </section>`;
}
