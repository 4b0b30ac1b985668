import { LAST_STEP_BUCKET, type Census, type CensusTable } from '../../core/evidence.ts';
import { stackedBars } from './charts/bars.ts';
import type { SeriesStyle } from './charts/svg.ts';
import { NO_NEXT_LABEL, transitionDiagram } from './charts/transition-diagram.ts';
import { formatCount, formatPercent, type ChannelNames } from './format.ts';
import { html, type Html } from './html.ts';
import { dataTable, downloadLink, figuresTable } from './tables.ts';

// The channels' roles in journeys: where customers go next, and which channel serves each step.

export function transitionsPanel(
  census: Census,
  csvHref: (table: CensusTable) => string,
  names: ChannelNames,
): Html {
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
          return `${names(from)}: ${formatPercent((cell.get(`${from}|`) ?? 0) / n)} no next contact${share > 0 ? `, ${formatPercent(share)} next on ${names(top!)}` : ''}`;
        })
        .join('; '),
      flows,
      names,
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
            ${columns.map((to) => html`<th scope="col">${to === null ? NO_NEXT_LABEL : names(to)}</th>`)}
            <th scope="col">Total</th>
          </tr>
        </thead>
        <tbody>
          ${rows.map(
            ([from, n]) =>
              html`<tr data-from="${from}">
                <th scope="row" class="text">${names(from)}</th>
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

export function stepsPanel(
  census: Census,
  series: readonly SeriesStyle[],
  csvHref: (table: CensusTable) => string,
): Html {
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
