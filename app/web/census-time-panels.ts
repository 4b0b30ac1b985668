import { DateTime } from 'luxon';
import type { Census, CensusTable } from '../../core/evidence.ts';
import { heatmap, weekdayName } from './charts/heatmap.ts';
import { lineChart } from './charts/line-chart.ts';
import type { SeriesStyle } from './charts/svg.ts';
import { formatCount, formatCounted, formatDay, type ChannelNames } from './format.ts';
import { html, type Html } from './html.ts';
import { dataTable, downloadLink, figuresTable } from './tables.ts';

// When: contacts by weekday and hour, and week by week.

export function heatmapPanel(
  census: Census,
  channelOrder: string[],
  csvHref: (table: CensusTable) => string,
  names: ChannelNames,
): Html {
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
          ? `Busiest hour: ${weekdayName(busiest.weekday)} ${String(busiest.hour).padStart(2, '0')}:00 with ${formatCounted(busiest.value, 'contacts')}.`
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
      ${withCells.map((c) => html`<li><a href="#heatmap-${c}">${names(c)}</a></li>`)}
    </ul>
    <div class="multiples">
      ${figure('all', 'All channels', allCells)}
      ${withCells.map((c) =>
        figure(
          c,
          names(c),
          census.heatmap
            .filter((h) => h.channel === c)
            .map((h) => ({ weekday: h.weekday, hour: h.hour, value: h.contacts })),
        ),
      )}
    </div>
    ${downloadLink(csvHref('heatmap'), 'contacts by weekday and hour')}
  </section>`;
}

export function weeklyPanel(
  census: Census,
  series: readonly SeriesStyle[],
  csvHref: (table: CensusTable) => string,
): Html {
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
