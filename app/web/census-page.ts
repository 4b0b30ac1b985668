import { DateTime } from 'luxon';
import {
  LAST_STEP_BUCKET,
  type AnalysisAnswer,
  type Census,
  type CensusFilter,
  type CensusTable,
  type FieldIssue,
  type StaffUser,
} from '../../core/index.ts';
import {
  bars,
  channelColour,
  heatmap,
  lineChart,
  niceCeiling,
  NO_NEXT_LABEL,
  stackedBars,
  transitionDiagram,
  weekdayName,
} from './charts.ts';
import {
  channelName,
  dataTable,
  downloadLink,
  figuresTable,
  formatCount,
  formatDay,
  formatDuration,
  formatMoment,
  formatNumber,
  formatPercent,
  html,
  humanize,
  page,
  type Html,
} from './html.ts';

export interface CensusPageInput {
  filter: CensusFilter;
  answer: AnalysisAnswer<Census>;
  segments: readonly string[];
  reasons: readonly string[];
  csvHref: (table: CensusTable) => string;
  user?: StaffUser | undefined;
  /** Where "compute again" goes (the same filter with `refresh=1`). */
  refreshHref?: string;
}

/** The form's fields as typed, so that a bad filter comes back as the manager left it. */
export type FilterValues = Partial<Record<'from' | 'to' | 'segment' | 'reason' | 'withinDays', string>>;

export function renderCensusPage(input: CensusPageInput): string {
  const { answer, filter } = input;
  let status: Html = html``;
  let census: Census | null = null;
  let refreshSeconds: number | undefined;
  if (answer.status === 'ready') {
    census = answer.result;
    status = html`<p class="note">
      Computed ${formatMoment(answer.computedAt)}.
      ${input.refreshHref ? html`<a href="${input.refreshHref}">Compute again</a>` : ''}
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
      ${input.refreshHref ? html`<p><a href="${input.refreshHref}">Try again</a></p>` : ''}
    </div>`;
  }
  const body = html`<h1>Census of the channels</h1>
    <p class="note">${describeFilter(filter)}</p>
    ${filterForm(filterValues(filter), input.segments, input.reasons, [])} ${status}
    ${census ? censusSections(census, input.csvHref) : ''}`;
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
  user?: StaffUser | undefined;
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

function filterValues(filter: CensusFilter): FilterValues {
  return {
    from: filter.from,
    to: filter.to,
    segment: filter.segment ?? '',
    reason: filter.reason ?? '',
    withinDays: String(filter.withinDays),
  };
}

function describeFilter(filter: CensusFilter): string {
  return [
    `${formatDay(filter.from)} – ${formatDay(filter.to)}`,
    filter.segment ? `segment ${humanize(filter.segment).toLowerCase()}` : 'all segments',
    filter.reason ? `reason ${humanize(filter.reason).toLowerCase()}` : 'all reasons',
    `next contact within ${filter.withinDays} days`,
  ].join(' · ');
}

function filterForm(
  values: FilterValues,
  segments: readonly string[],
  reasons: readonly string[],
  issues: readonly FieldIssue[],
): Html {
  const invalid = (field: string) =>
    issues.some((i) => i.path === field) ? html` aria-invalid="true"` : html``;
  const options = (all: string, list: readonly string[], selected: string | undefined) => {
    const known = selected && !list.includes(selected) ? [...list, selected] : list;
    return html`<option value="">${all}</option>
      ${known.map(
        (v) => html`<option value="${v}" ${v === selected ? html` selected` : ''}>${humanize(v)}</option>`,
      )}`;
  };
  return html`<section class="panel" aria-label="Filter">
    <form class="filters" method="get" action="/manage/census">
      <label
        >From <input type="date" name="from" value="${values.from ?? ''}" required${invalid('from')}
      /></label>
      <label>To <input type="date" name="to" value="${values.to ?? ''}" required${invalid('to')} /></label>
      <label
        >Segment
        <select name="segment" ${invalid('segment')}>
          ${options('All segments', segments, values.segment)}
        </select></label
      >
      <label
        >Contact reason
        <select name="reason" ${invalid('reason')}>
          ${options('All reasons', reasons, values.reason)}
        </select></label
      >
      <label
        >Next contact within (days)
        <input
          type="number"
          name="withinDays"
          min="1"
          max="90"
          step="1"
          value="${values.withinDays ?? '7'}"
          inputmode="numeric"
          ${invalid('withinDays')}
      /></label>
      <button class="primary" type="submit">Show</button>
    </form>
  </section>`;
}

function censusSections(census: Census, csvHref: (table: CensusTable) => string): Html {
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
  const series = channelOrder.map((c) => ({ key: c, label: channelName(c), colour: channelColour(c) }));
  return html`${totalsPanel(census)} ${channelsPanel(channels, csvHref)}
  ${heatmapPanel(census, channelOrder, csvHref)} ${reasonsPanel(census, series, csvHref)}
  ${weeklyPanel(census, series, csvHref)} ${transitionsPanel(census, csvHref)}
  ${stepsPanel(census, series, csvHref)}`;
}

function totalsPanel(census: Census): Html {
  const { contacts, customers, anonymousContacts } = census.totals;
  const known = contacts - anonymousContacts;
  return html`<section class="panel" aria-labelledby="totals-h">
    <h2 id="totals-h">Totals</h2>
    <dl class="totals">
      <div>
        <dt>Contacts</dt>
        <dd data-figure="contacts">${formatCount(contacts)}</dd>
      </div>
      <div>
        <dt>Unique customers</dt>
        <dd data-figure="customers">${formatCount(customers)}</dd>
      </div>
      <div>
        <dt>Contacts per customer</dt>
        <dd data-figure="contactsPerCustomer">${customers > 0 ? formatNumber(known / customers, 2) : '–'}</dd>
      </div>
      <div>
        <dt>Anonymous contacts</dt>
        <dd data-figure="anonymous">${formatCount(anonymousContacts)}</dd>
      </div>
    </dl>
    <p class="note">
      Contacts per customer counts the contacts of known customers only. Anonymous contacts (an unidentified
      call, a walk-in) are ${formatPercent(contacts > 0 ? anonymousContacts / contacts : null)} of all
      contacts.
    </p>
  </section>`;
}

function channelsPanel(channels: Census['channels'], csvHref: (table: CensusTable) => string): Html {
  const rows = (value: (c: Census['channels'][number]) => number | null, label?: (v: number) => string) =>
    channels.map((c) => {
      const v = value(c);
      return {
        label: channelName(c.channel),
        value: v,
        colour: channelColour(c.channel),
        ...(v !== null && label ? { valueLabel: label(v) } : {}),
      };
    });
  return html`<section class="panel" aria-labelledby="channels-h">
    <h2 id="channels-h">How much: contacts by channel</h2>
    <div class="grid">
      <div>
        <h3>Contacts</h3>
        ${bars({
          id: 'bars-contacts',
          title: 'Contacts by channel',
          desc: channels.map((c) => `${channelName(c.channel)} ${formatCount(c.contacts)}`).join(', '),
          rows: rows((c) => c.contacts),
          format: formatCount,
        })}
      </div>
      <div>
        <h3>Unique customers</h3>
        ${bars({
          id: 'bars-customers',
          title: 'Unique customers by channel',
          desc: channels.map((c) => `${channelName(c.channel)} ${formatCount(c.customers)}`).join(', '),
          rows: rows((c) => c.customers),
          format: formatCount,
        })}
      </div>
      <div>
        <h3>Average handle time</h3>
        ${bars({
          id: 'bars-aht',
          title: 'Average handle time by channel (minutes:seconds)',
          desc: channels
            .map((c) => `${channelName(c.channel)} ${formatDuration(c.averageHandleSeconds)}`)
            .join(', '),
          rows: rows((c) => c.averageHandleSeconds, formatDuration),
          format: (v) => `${formatNumber(v / 60, 0)} min`,
          tickStep:
            60 * niceCeiling(Math.max(1, ...channels.map((c) => (c.averageHandleSeconds ?? 0) / 60)) / 4),
        })}
      </div>
    </div>
    ${figuresTable(
      dataTable({
        caption: 'Contacts, customers and handle time by channel',
        head: [
          'Channel',
          'Contacts',
          'Customers',
          'Contacts per customer',
          'Timed contacts',
          'Average handle time',
        ],
        rows: channels.map((c) => [
          channelName(c.channel),
          formatCount(c.contacts),
          formatCount(c.customers),
          c.customers > 0 ? formatNumber(c.contacts / c.customers, 2) : '–',
          formatCount(c.timedContacts),
          formatDuration(c.averageHandleSeconds),
        ]),
      }),
    )}
    ${downloadLink(csvHref('channels'), 'contacts by channel')}
  </section>`;
}

function heatmapPanel(census: Census, channelOrder: string[], csvHref: (table: CensusTable) => string): Html {
  const all = new Map<string, number>();
  for (const c of census.heatmap)
    all.set(`${c.weekday}:${c.hour}`, (all.get(`${c.weekday}:${c.hour}`) ?? 0) + c.contacts);
  const allCells = [...all.entries()].map(([key, value]) => {
    const [weekday, hour] = key.split(':').map(Number) as [number, number];
    return { weekday, hour, value };
  });
  const withCells = channelOrder.filter((c) => census.heatmap.some((h) => h.channel === c));
  const figure = (key: string, label: string, cells: { weekday: number; hour: number; value: number }[]) => {
    const busiest = [...cells].sort(
      (a, b) => b.value - a.value || a.weekday - b.weekday || a.hour - b.hour,
    )[0];
    return html`<figure id="heatmap-${key}">
      <figcaption>${label}</figcaption>
      ${heatmap({
        id: `heat-${key}`,
        title: `${label}: contacts by weekday and hour`,
        desc: busiest
          ? `Busiest hour: ${weekdayName(busiest.weekday)} ${String(busiest.hour).padStart(2, '0')}:00 with ${formatCount(busiest.value)} contacts.`
          : 'No contacts.',
        cells,
        unit: 'contacts',
      })}
      ${figuresTable(
        dataTable({
          caption: `${label}: contacts by weekday (rows) and hour (columns)`,
          head: ['Weekday', ...Array.from({ length: 24 }, (_, h) => String(h).padStart(2, '0'))],
          rows: [1, 2, 3, 4, 5, 6, 7].map((d) => [
            weekdayName(d),
            ...Array.from({ length: 24 }, (_, h) =>
              formatCount(cells.find((c) => c.weekday === d && c.hour === h)?.value ?? 0),
            ),
          ]),
        }),
      )}
    </figure>`;
  };
  return html`<section class="panel" aria-labelledby="when-h">
    <h2 id="when-h">When: weekday × hour</h2>
    <p class="note">Hours in Europe/Rome. Each map has its own colour scale; hover a cell for its count.</p>
    <ul class="jump" aria-label="Jump to a channel">
      <li><a href="#heatmap-all">All channels</a></li>
      ${withCells.map((c) => html`<li><a href="#heatmap-${c}">${channelName(c)}</a></li>`)}
    </ul>
    <div class="multiples">
      ${figure('all', 'All channels', allCells)}
      ${withCells.map((c) =>
        figure(
          c,
          channelName(c),
          census.heatmap
            .filter((h) => h.channel === c)
            .map((h) => ({ weekday: h.weekday, hour: h.hour, value: h.contacts })),
        ),
      )}
    </div>
    ${downloadLink(csvHref('heatmap'), 'contacts by weekday and hour')}
  </section>`;
}

type Series = { key: string; label: string; colour: string }[];

function reasonsPanel(census: Census, series: Series, csvHref: (table: CensusTable) => string): Html {
  const byReason = new Map<string, number>();
  const cell = new Map<string, number>();
  for (const r of census.reasons) {
    byReason.set(r.reason, (byReason.get(r.reason) ?? 0) + r.contacts);
    cell.set(`${r.reason}|${r.channel}`, (cell.get(`${r.reason}|${r.channel}`) ?? 0) + r.contacts);
  }
  const reasons = [...byReason.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const used = series.filter((s) => census.reasons.some((r) => r.channel === s.key));
  const value = (reason: string, channel: string) => cell.get(`${reason}|${channel}`) ?? 0;
  return html`<section class="panel" aria-labelledby="why-h">
    <h2 id="why-h">Why: contact reasons by channel</h2>
    ${stackedBars({
      id: 'reasons',
      title: 'Contacts by reason, split by channel',
      desc: reasons.map(([r, n]) => `${humanize(r)} ${formatCount(n)}`).join(', '),
      categories: reasons.map(([r]) => ({ key: r, label: humanize(r) })),
      series: used,
      value,
      mode: 'count',
      unit: 'contacts',
    })}
    ${figuresTable(
      dataTable({
        caption: 'Contacts by reason (rows) and channel (columns)',
        head: ['Reason', ...used.map((s) => s.label), 'Total'],
        rows: reasons.map(([r, total]) => [
          humanize(r),
          ...used.map((s) => formatCount(value(r, s.key))),
          formatCount(total),
        ]),
      }),
    )}
    ${downloadLink(csvHref('reasons'), 'contacts by reason and channel')}
  </section>`;
}

function weeklyPanel(census: Census, series: Series, csvHref: (table: CensusTable) => string): Html {
  const { from, to } = census.filter;
  const weeks: string[] = [];
  const last = DateTime.fromISO(to, { zone: 'UTC' });
  for (let w = DateTime.fromISO(from, { zone: 'UTC' }).startOf('week'); w <= last; w = w.plus({ weeks: 1 })) {
    weeks.push(w.toISODate() as string);
  }
  for (const row of census.weekly) if (!weeks.includes(row.week)) weeks.push(row.week);
  weeks.sort();
  const partial = new Set(
    weeks.filter((w) => {
      const start = DateTime.fromISO(w, { zone: 'UTC' });
      const end = start.plus({ days: 6 });
      return (start.toISODate() as string) < from || (end.toISODate() as string) > to;
    }),
  );
  const count = new Map<string, number>();
  for (const r of census.weekly)
    count.set(`${r.week}|${r.channel}`, (count.get(`${r.week}|${r.channel}`) ?? 0) + r.contacts);
  const used = series.filter((s) => census.weekly.some((r) => r.channel === s.key));
  const label = (w: string) =>
    `${DateTime.fromISO(w, { zone: 'UTC' }).setLocale('en-GB').toFormat('d LLL')}${partial.has(w) ? '*' : ''}`;
  return html`<section class="panel" aria-labelledby="trend-h">
    <h2 id="trend-h">Weekly trend</h2>
    ${lineChart({
      id: 'weekly',
      title: 'Contacts per week by channel',
      desc: `Weeks starting on Monday, from ${formatDay(weeks[0] ?? from)} to ${formatDay(weeks[weeks.length - 1] ?? to)}.`,
      x: weeks.map((w) => ({ key: w, label: label(w) })),
      series: used.map((s) => ({ ...s, values: weeks.map((w) => count.get(`${w}|${s.key}`) ?? 0) })),
      unit: 'contacts',
    })}
    ${partial.size ? html`<p class="note">* the filter covers only part of this week.</p>` : ''}
    ${figuresTable(
      dataTable({
        caption: 'Contacts per week (rows: week starting Monday) and channel (columns)',
        head: ['Week', ...used.map((s) => s.label)],
        rows: weeks.map((w) => [label(w), ...used.map((s) => formatCount(count.get(`${w}|${s.key}`) ?? 0))]),
      }),
    )}
    ${downloadLink(csvHref('weekly'), 'contacts per week')}
  </section>`;
}

function transitionsPanel(census: Census, csvHref: (table: CensusTable) => string): Html {
  const flows = census.transitions.map((t) => ({ from: t.from, to: t.to, value: t.contacts }));
  const rowTotal = new Map<string, number>();
  const colTotal = new Map<string | null, number>();
  const cell = new Map<string, number>();
  for (const t of census.transitions) {
    rowTotal.set(t.from, (rowTotal.get(t.from) ?? 0) + t.contacts);
    colTotal.set(t.to, (colTotal.get(t.to) ?? 0) + t.contacts);
    cell.set(`${t.from}|${t.to ?? ''}`, (cell.get(`${t.from}|${t.to ?? ''}`) ?? 0) + t.contacts);
  }
  const rows = [...rowTotal.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  const columns = [...colTotal.entries()]
    .sort(
      (a, b) =>
        Number(a[0] === null) - Number(b[0] === null) ||
        b[1] - a[1] ||
        String(a[0]).localeCompare(String(b[0])),
    )
    .map(([to]) => to);
  const total = [...rowTotal.values()].reduce((a, b) => a + b, 0);
  const stayed = rows.reduce((sum, [from]) => sum + (cell.get(`${from}|${from}`) ?? 0), 0);
  const none = colTotal.get(null) ?? 0;
  return html`<section class="panel" aria-labelledby="journeys-h">
    <h2 id="journeys-h">Journeys: where customers go next</h2>
    <p class="note">
      For each contact of a known customer: the channel of the same customer's next contact for the same
      reason within ${census.filter.withinDays} days. ${formatPercent(total > 0 ? none / total : null)} had no
      next contact; ${formatPercent(total > 0 ? stayed / total : null)} came back on the same channel.
    </p>
    ${transitionDiagram({
      id: 'transitions',
      title: 'Next contact by channel',
      desc: rows
        .map(([from, n]) => {
          const top = columns
            .filter((to) => to !== null && to !== from)
            .sort((a, b) => (cell.get(`${from}|${b}`) ?? 0) - (cell.get(`${from}|${a}`) ?? 0))[0];
          const share = top ? (cell.get(`${from}|${top}`) ?? 0) / n : 0;
          return `${channelName(from)}: ${formatPercent((cell.get(`${from}|`) ?? 0) / n)} no next contact${top ? `, ${formatPercent(share)} next on ${channelName(top)}` : ''}`;
        })
        .join('; '),
      flows,
      unit: 'contacts',
    })}
    <h3>Transition matrix</h3>
    <p class="note table-caption" aria-hidden="true">
      Contacts (rows: channel of the contact; columns: channel of the next contact) with the share of the row
    </p>
    <div class="table-wrap">
      <table data-table="transitions">
        <caption class="sr-only">
          Contacts (rows: channel of the contact; columns: channel of the next contact) with the share of the
          row
        </caption>
        <thead>
          <tr>
            <th scope="col">From \\ next</th>
            ${columns.map((to) => html`<th scope="col">${to === null ? NO_NEXT_LABEL : channelName(to)}</th>`)}
            <th scope="col">Total</th>
          </tr>
        </thead>
        <tbody>
          ${rows.map(
            ([from, n]) =>
              html`<tr data-from="${from}">
                <th scope="row" class="text">${channelName(from)}</th>
                ${columns.map((to) => {
                  const v = cell.get(`${from}|${to ?? ''}`) ?? 0;
                  return html`<td data-to="${to ?? 'none'}">
                    ${formatCount(v)}<br /><span class="note share"
                      >${formatPercent(n > 0 ? v / n : null)}</span
                    >
                  </td>`;
                })}
                <td>${formatCount(n)}</td>
              </tr>`,
          )}
        </tbody>
      </table>
    </div>
    ${downloadLink(csvHref('transitions'), 'the transition matrix')}
  </section>`;
}

function stepsPanel(census: Census, series: Series, csvHref: (table: CensusTable) => string): Html {
  const steps = [...new Set(census.steps.map((s) => s.step))].sort((a, b) => a - b);
  const cell = new Map<string, number>();
  for (const s of census.steps)
    cell.set(`${s.step}|${s.channel}`, (cell.get(`${s.step}|${s.channel}`) ?? 0) + s.contacts);
  const used = series.filter((s) => census.steps.some((r) => r.channel === s.key));
  const stepLabel = (step: number) =>
    step >= LAST_STEP_BUCKET ? `Step ${LAST_STEP_BUCKET}+` : `Step ${step}`;
  const value = (step: string, channel: string) => cell.get(`${step}|${channel}`) ?? 0;
  const stepTotal = (step: number) => used.reduce((sum, s) => sum + value(String(step), s.key), 0);
  return html`<section class="panel" aria-labelledby="steps-h">
    <h2 id="steps-h">Role in the journey: channel shares per step</h2>
    <p class="note">Step 1 is where a journey starts; later steps are the contacts that followed it.</p>
    ${stackedBars({
      id: 'steps',
      title: 'Share of each channel at each journey step',
      desc: steps
        .map((step) => {
          const top = [...used].sort((a, b) => value(String(step), b.key) - value(String(step), a.key))[0];
          const total = stepTotal(step);
          return `${stepLabel(step)}: ${top ? `${top.label} ${formatPercent(total > 0 ? value(String(step), top.key) / total : null)}` : 'none'}`;
        })
        .join('; '),
      categories: steps.map((s) => ({ key: String(s), label: stepLabel(s) })),
      series: used,
      value,
      mode: 'share',
      unit: 'contacts',
    })}
    ${figuresTable(
      dataTable({
        caption: 'Share of the contacts at each step (rows) by channel (columns)',
        head: ['Step', ...used.map((s) => s.label), 'Contacts'],
        rows: steps.map((step) => {
          const total = stepTotal(step);
          return [
            stepLabel(step),
            ...used.map((s) => formatPercent(total > 0 ? value(String(step), s.key) / total : null)),
            formatCount(total),
          ];
        }),
      }),
    )}
    ${downloadLink(csvHref('steps'), 'contacts by journey step')}
  </section>`;
}
