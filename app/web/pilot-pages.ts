import { BILL_STYLE_CHANNEL } from '../../core/services.ts';
import {
  type AnalysisAnswer,
  type CriterionAssessment,
  type Pilot,
  type PilotChange,
  type PilotReportData,
  type Scorecard,
} from '../../core/evidence.ts';
import { channelColour } from './charts/channel-colours.ts';
import {
  formatCount,
  formatDay,
  formatMoment,
  formatPercent,
  humanize,
  type ChannelNames,
} from './format.ts';
import { html, type Html } from './html.ts';
import type { Viewer } from '../http/staff-auth.ts';
import { page, postButton } from './page.ts';
import { capacityPanel } from './pilot-capacity-panel.ts';
import { metricInfo, objectiveText, plainPercent, verdictBadge } from './pilot-metric-format.ts';
import { metricPanels } from './pilot-metric-panels.ts';
import { evidenceItem, timeText } from './pilot-evidence.ts';
import { managePanel } from './pilot-manage-panel.ts';
import { decisionMapPanel, guardrailsPanel, weeklyPanel } from './pilot-decision-panels.ts';
import { dataTable } from './tables.ts';

export function renderPilotList(
  pilots: readonly Pilot[],
  options: { names: ChannelNames; user?: Viewer | undefined; canDefine?: boolean },
): string {
  const sorted = [...pilots].sort(
    (a, b) => b.startsOn.localeCompare(a.startsOn) || a.code.localeCompare(b.code),
  );
  const body = html`<h1>Pilots</h1>
    ${options.canDefine ? html`<p class="actions"><a class="button" href="/manage/pilots/new">Define a pilot</a></p>` : ''}
    <section class="panel">
      ${
        sorted.length === 0
          ? html`<p>No pilots are defined yet.</p>`
          : dataTable({
              caption: 'Pilots, newest first',
              quietCaption: true,
              textual: true,
              head: ['Pilot', 'Channel', 'Status', 'Period', 'Cohort', 'Segments'],
              rows: sorted.map((p) => [
                html`<a href="/manage/pilots/${p.code}">${p.name}</a><br /><span class="note"
                    >${p.code}</span
                  >`,
                options.names(p.channel),
                statusBadge(p.status),
                `${formatDay(p.startsOn)} – ${formatDay(p.endsOn)}`,
                `${plainPercent(p.cohort.rolloutPercent)} pilot · ${plainPercent(p.cohort.controlPercent)} control`,
                p.cohort.segments.length ? p.cohort.segments.map(humanize).join(', ') : 'All',
              ]),
            })
      }
    </section>`;
  return page({ title: 'Pilots', nav: 'pilots', user: options.user, body });
}

export interface PilotReportInput {
  pilot: Pilot;
  answer: AnalysisAnswer<PilotReportData>;
  /** The standalone export's address (a link on the live page). */
  exportHref: string;
  /** A self-contained document for the export: no scripts, no links into the app. */
  standalone: boolean;
  /** The channels' names, from the registry. */
  names: ChannelNames;
  user?: Viewer | undefined;
  /** When the page is made (stated in the export). */
  generatedAt?: Date;
  /** Where the "compute again" form posts (live page only). */
  refreshAction?: string;
  /** The audit trail, for someone who may manage the pilot (live page only): shows the manage panel. */
  changes?: readonly PilotChange[];
  /** Why the figures are not shown to this viewer (the pilot and its management still are). */
  withheld?: string;
}

export function renderPilotReport(input: PilotReportInput): string {
  const { pilot, answer, standalone, names } = input;
  let status: Html = html``;
  let data: PilotReportData | null = null;
  let computedAt: Date | null = null;
  let refreshSeconds: number | undefined;
  if (input.withheld) {
    status = html`<div class="banner info" role="status">
      <p><strong>Figures withheld:</strong> ${input.withheld}.</p>
    </div>`;
  } else if (answer.status === 'ready') {
    data = answer.result;
    computedAt = answer.computedAt;
  } else if (answer.status === 'computing') {
    data = answer.previous?.result ?? null;
    computedAt = answer.previous?.computedAt ?? null;
    if (!standalone) {
      refreshSeconds = 3;
      status = html`<div class="banner info" role="status">
        <p>
          <strong>Computing…</strong> started at ${formatMoment(answer.startedAt)}. This page reloads every 3
          seconds.
        </p>
        ${answer.previous ? html`<p>Below: the previous figures.</p>` : ''}
      </div>`;
    }
  } else {
    status = html`<div class="banner error" role="alert">
      <p><strong>The pilot's figures failed</strong> at ${formatMoment(answer.failedAt)}: ${answer.error}</p>
      ${input.refreshAction && input.user && !standalone ? postButton(input.refreshAction, input.user.csrf, 'Try again') : ''}
    </div>`;
  }
  const actions = standalone
    ? html``
    : html`<p class="no-print actions">
        ${data ? html`<a class="button" href="${input.exportHref}" download>Download this report (HTML)</a>` : ''}
        ${
          input.refreshAction && input.user && answer.status !== 'computing' && !input.withheld
            ? postButton(input.refreshAction, input.user.csrf, 'Compute the figures again')
            : ''
        }
      </p>`;
  const body = html`<h1>${pilot.name}</h1>
    <p class="note">
      ${pilot.code} · ${names(pilot.channel)} · ${statusBadge(pilot.status)} · ${formatDay(pilot.startsOn)} –
      ${formatDay(pilot.endsOn)} ${data ? periodText(data.metrics.period) : ''}
      ${computedAt ? html` · computed ${formatMoment(computedAt)}` : ''}
    </p>
    ${
      pilot.channel === BILL_STYLE_CHANNEL && !standalone
        ? html`<div class="banner info" data-style-report>
            <p>
              A bill style pilot: its customers are drawn into its style arms, not into the pilot arm these
              figures count. Its arms' payments, contacts, cost and NPS against control, and each arm's
              scorecard, are on
              <a href="/manage/pilots/${encodeURIComponent(pilot.code)}/styles">its style report</a>.
            </p>
          </div>`
        : ''
    }
    ${status} ${actions} ${data ? recommendationPanel(data.scorecard) : ''}
    ${data ? decisionMapPanel(data) : ''} ${data ? scorecardPanel(data) : ''}
    ${data ? guardrailsPanel(data) : ''}
    <div class="grid">
      ${definitionPanel(pilot, names)} ${data ? capacityPanel(data.capacity, data.metrics) : ''}
    </div>
    ${data ? weeklyPanel(data, channelColour(pilot.channel)) : ''}
    ${data ? metricPanels(data, pilot, names) : ''}
    ${input.changes && input.user && !standalone ? managePanel(pilot, data, input.changes, input.user.csrf) : ''}`;
  const generatedAt = input.generatedAt ?? new Date();
  return page({
    title: `${pilot.name}: pilot report`,
    body,
    standalone,
    ...(standalone
      ? {
          footer: html`<footer class="generated">
            Generated by channel-pilot on ${formatMoment(generatedAt)} (Europe/Rome). This file stands alone;
            the live report is in channel-pilot under Pilots, ${pilot.code}.
          </footer>`,
        }
      : { nav: 'pilots' as const, user: input.user }),
    ...(refreshSeconds ? { refreshSeconds } : {}),
  });
}

// ---------------------------------------------------------------------------------------------

function periodText(period: PilotReportData['metrics']['period']): Html {
  return period
    ? html` · figures for ${formatDay(period.from)} – ${formatDay(period.to)}`
    : html` · nothing measured yet: census figures and forecasts only`;
}

export function statusBadge(status: Pilot['status']): Html {
  return html`<span class="badge ${status}">${humanize(status)}</span>`;
}

const recommendationText = {
  go: { label: 'Go', says: 'Keep the channel and roll it out.' },
  extend: { label: 'Extend', says: 'Keep piloting: the evidence is not conclusive yet.' },
  stop: { label: 'Stop', says: 'Stop the pilot: the evidence is against the channel.' },
  not_started: {
    label: 'Not started',
    says: 'Nothing is measured before the first day: below, the forecast from the census.',
  },
} as const;

/** The go / extend / stop panel; `id` tells several apart on one page (a style pilot's arms). */
export function recommendationPanel(scorecard: Scorecard, id = '', heading = 'Recommendation'): Html {
  const { recommendation, reasons } = scorecard;
  const text = recommendationText[recommendation];
  return html`<section class="panel" aria-labelledby="rec-h${id}" data-recommendation="${recommendation}">
    <h2 id="rec-h${id}">${heading}</h2>
    <div class="recommendation">
      <div class="verdict badge ${recommendation}">${text.label}</div>
      <div>
        <p><strong>${text.says}</strong></p>
        ${
          recommendation === 'extend'
            ? html`<p data-extend-weeks="${scorecard.extendWeeks ?? ''}">
                ${
                  scorecard.extendWeeks === null
                    ? 'How much longer: at the current rates, not every open criterion can reach a verdict (see below).'
                    : html`How much longer: about
                        <strong
                          >${scorecard.extendWeeks} more week${scorecard.extendWeeks === 1 ? '' : 's'}</strong
                        >
                        at the current rates.`
                }
              </p>`
            : ''
        }
        <ul>
          ${reasons.map((r) => html`<li>${r}</li>`)}
        </ul>
      </div>
    </div>
  </section>`;
}

function scorecardPanel(data: PilotReportData): Html {
  return html`<section class="panel" aria-labelledby="score-h">
    <h2 id="score-h">Scorecard</h2>
    <div class="cards">${data.scorecard.criteria.map((c) => criterionCard(c))}</div>
  </section>`;
}

export function criterionCard(c: CriterionAssessment, id = ''): Html {
  return html`<article
    class="card ${c.verdict}"
    data-criterion="${c.criterion}"
    aria-labelledby="crit-${c.criterion}${id}"
  >
    <h3 id="crit-${c.criterion}${id}">${humanize(c.criterion)} ${verdictBadge(c.verdict)}</h3>
    <p class="question">${c.question}</p>
    ${
      c.evidence.length
        ? html`<ul class="evidence">
            ${c.evidence.map((e) => evidenceItem(e))}
          </ul>`
        : html`<p class="note">No evidence yet.</p>`
    }
    ${c.timeToVerdict ? html`<p class="note" data-time-to-verdict>Time to a verdict: ${timeText(c.timeToVerdict)}</p>` : ''}
    ${
      c.rating
        ? html`<p>
            Manager's rating:
            <span class="stars" role="img" aria-label="${c.rating.rating} of 5 stars"
              >${'★'.repeat(c.rating.rating)}${'☆'.repeat(Math.max(0, 5 - c.rating.rating))}</span
            >
            ${c.rating.note ? html`<br />“${c.rating.note}”` : ''}
            <br /><span class="note">rated ${formatMoment(c.rating.ratedAt)}</span>
          </p>`
        : html`<p class="note">Not rated by a manager yet.</p>`
    }
  </article>`;
}

function definitionPanel(pilot: Pilot, names: ChannelNames): Html {
  const cohort = pilot.cohort;
  return html`<section class="panel" aria-labelledby="def-h">
    <h2 id="def-h">Definition</h2>
    <dl class="definition">
      <dt>Channel</dt>
      <dd>${names(pilot.channel)} (${pilot.channel})</dd>
      <dt>Touchpoints</dt>
      <dd>${pilot.touchpoints.map(humanize).join(', ')}</dd>
      <dt>Contact reasons</dt>
      <dd>${pilot.reasons.map(humanize).join(', ')}</dd>
      <dt>Dates</dt>
      <dd>${formatDay(pilot.startsOn)} – ${formatDay(pilot.endsOn)}</dd>
      <dt>Status</dt>
      <dd>${statusBadge(pilot.status)}</dd>
      <dt>Cohort</dt>
      <dd>
        ${cohort.segments.length ? `Segments: ${cohort.segments.map(humanize).join(', ')}` : 'All segments'}.
        ${plainPercent(cohort.rolloutPercent)} drawn into the pilot, ${plainPercent(cohort.controlPercent)}
        into
        control${
          cohort.customerIds.length
            ? html`, plus ${formatCount(cohort.customerIds.length)} customers named explicitly`
            : ''
        }.
        ${pilot.openToEveryone ? 'Open to every customer outside the control group.' : 'Only the pilot arm may use it.'}
      </dd>
      <dt>Objectives</dt>
      <dd>
        ${
          pilot.objectives.length
            ? html`<ul>
                ${pilot.objectives.map(
                  (o) => html`<li>${metricInfo[o.metric].label} ${objectiveText(o.metric, o)}</li>`,
                )}
              </ul>`
            : 'None set'
        }
      </dd>
      <dt>Follow-ups</dt>
      <dd>Same reason within ${pilot.withinDays} days</dd>
      <dt>Closing survey</dt>
      <dd>${pilot.closingSurvey ? 'One NPS question at the end' : 'No'}</dd>
      <dt>Advisor hours</dt>
      <dd>${formatPercent(pilot.advisorShare, 0)} of the advisors' working hours</dd>
    </dl>
  </section>`;
}
