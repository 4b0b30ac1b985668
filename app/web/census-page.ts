import type { FieldIssue } from '../../core/index.ts';
import type { AnalysisAnswer, Census, CensusFilter, CensusTable } from '../../core/evidence.ts';
import { describeFilter, filterForm, filterValues, type FilterValues } from './census-filter.ts';
import { stepsPanel, transitionsPanel } from './census-journey-panels.ts';
import { reasonsPanel } from './census-reasons-panel.ts';
import { heatmapPanel, weeklyPanel } from './census-time-panels.ts';
import { channelsPanel, totalsPanel } from './census-volume-panels.ts';
import { channelColour } from './charts/channel-colours.ts';
import { formatMoment, type ChannelNames } from './format.ts';
import { html, type Html } from './html.ts';
import type { Viewer } from '../http/staff-auth.ts';
import { page, postButton } from './page.ts';

export interface CensusPageInput {
  filter: CensusFilter;
  answer: AnalysisAnswer<Census>;
  segments: readonly string[];
  reasons: readonly string[];
  csvHref: (table: CensusTable) => string;
  /** The channels' names, from the registry. */
  names: ChannelNames;
  user?: Viewer | undefined;
  /** Where the "compute again" form posts (the same filter). */
  refreshAction?: string;
}

export function renderCensusPage(input: CensusPageInput): string {
  const { answer, filter } = input;
  let status: Html = html``;
  let census: Census | null = null;
  let refreshSeconds: number | undefined;
  if (answer.status === 'ready') {
    census = answer.result;
    status = html`<p class="note">
      Computed ${formatMoment(answer.computedAt)}.
      ${input.refreshAction && input.user ? postButton(input.refreshAction, input.user.csrf, 'Compute again') : ''}
    </p>`;
  } else if (answer.status === 'computing') {
    refreshSeconds = 3;
    census = answer.previous?.result ?? null;
    status = html`<div class="banner info" role="status">
      <p>
        <strong>Computing…</strong> started at ${formatMoment(answer.startedAt)}. This page reloads every 3
        seconds.
      </p>
      ${
        answer.previous
          ? html`<p>Below: the previous result, computed ${formatMoment(answer.previous.computedAt)}.</p>`
          : ''
      }
    </div>`;
  } else {
    status = html`<div class="banner error" role="alert">
      <p><strong>The census failed</strong> at ${formatMoment(answer.failedAt)}: ${answer.error}</p>
      ${input.refreshAction && input.user ? postButton(input.refreshAction, input.user.csrf, 'Try again') : ''}
    </div>`;
  }
  const body = html`<h1>Census of the channels</h1>
    <p class="note">${describeFilter(filter)}</p>
    ${filterForm(filterValues(filter), input.segments, input.reasons, [])} ${status}
    ${census ? censusSections(census, input.csvHref, input.names) : ''}`;
  return page({
    title: 'Census',
    nav: 'census',
    user: input.user,
    body,
    ...(refreshSeconds ? { refreshSeconds } : {}),
  });
}

/** The census page with the filter as typed and what is wrong with it (served as 400). */
export function renderCensusFilterProblem(input: {
  values: FilterValues;
  issues: readonly FieldIssue[];
  segments: readonly string[];
  reasons: readonly string[];
  user?: Viewer | undefined;
}): string {
  return page({
    title: 'Census: check the filter',
    nav: 'census',
    user: input.user,
    body: html`<h1>Census of the channels</h1>
      <div class="banner error" role="alert">
        <p><strong>The filter needs a correction:</strong></p>
        <ul>
          ${input.issues.map((i) => html`<li><strong>${i.path}</strong> ${i.message}</li>`)}
        </ul>
      </div>
      ${filterForm(input.values, input.segments, input.reasons, input.issues)}`,
  });
}

function censusSections(census: Census, csvHref: (table: CensusTable) => string, names: ChannelNames): Html {
  const channels = [...census.channels].sort(
    (a, b) => b.contacts - a.contacts || a.channel.localeCompare(b.channel),
  );
  const channelOrder = [
    ...channels.map((c) => c.channel),
    ...[
      ...new Set(
        [...census.heatmap, ...census.reasons, ...census.weekly, ...census.steps].map((r) => r.channel),
      ),
    ]
      .filter((c) => !channels.some((x) => x.channel === c))
      .sort(),
  ];
  const series = channelOrder.map((c) => ({ key: c, label: names(c), colour: channelColour(c) }));
  return html`${totalsPanel(census)} ${channelsPanel(census, channels, csvHref, names)}
  ${heatmapPanel(census, channelOrder, csvHref, names)} ${reasonsPanel(census, series, csvHref)}
  ${weeklyPanel(census, series, csvHref)} ${transitionsPanel(census, csvHref, names)}
  ${stepsPanel(census, series, csvHref)}`;
}
