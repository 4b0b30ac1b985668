import type { Census, CensusTable } from '../../core/evidence.ts';
import { stackedBars } from './charts/bars.ts';
import type { SeriesStyle } from './charts/svg.ts';
import { formatCount, humanize } from './format.ts';
import { html, type Html } from './html.ts';
import { dataTable, downloadLink, figuresTable } from './tables.ts';

// Why: contact reasons by channel.

export function reasonsPanel(
  census: Census,
  series: readonly SeriesStyle[],
  csvHref: (table: CensusTable) => string,
): Html {
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
