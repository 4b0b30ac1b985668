import { formatCount, formatCounted } from '../format.ts';
import { escapeHtml, html, raw, type Html } from '../html.ts';
import { svgNumber, svgOpen, type ChartText } from './svg.ts';

// Heatmap: weekday × hour.

const weekdayNames = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
/** Sequential, light to dark (ColorBrewer YlGnBu); empty cells are grey. */
const heatScale = ['#ffffcc', '#c7e9b4', '#7fcdbb', '#41b6c4', '#1d91c0', '#225ea8', '#0c2c84'];
const EMPTY_CELL = '#eef0f3';

export function weekdayName(weekday: number): string {
  return weekdayNames[weekday - 1] ?? String(weekday);
}

function hourRange(hour: number): string {
  return `${String(hour).padStart(2, '0')}:00–${String((hour + 1) % 24).padStart(2, '0')}:00`;
}

/** The colour step of a value: 0 is empty, then seven equal steps up to the maximum. */
export function heatStep(value: number, max: number): number {
  if (value <= 0 || max <= 0) return -1;
  return Math.min(heatScale.length - 1, Math.ceil((value / max) * heatScale.length) - 1);
}

export function heatmap(
  chart: ChartText & {
    cells: readonly { weekday: number; hour: number; value: number }[];
    /** What a cell counts, plural ("contacts"). */
    unit: string;
  },
): Html {
  // x in percentages of the width (the weekday labels take the first 10%), y in pixels: the grid
  // stretches to the space it has while its text keeps its size, on a phone as on a laptop.
  const labelShare = 10;
  const cellShare = (100 - labelShare) / 24;
  const cellH = 19;
  const top = 20;
  const height = top + cellH * 7 + 2;
  const values = new Map<string, number>();
  for (const c of chart.cells)
    values.set(`${c.weekday}:${c.hour}`, (values.get(`${c.weekday}:${c.hour}`) ?? 0) + c.value);
  const max = Math.max(0, ...values.values());
  const x = (hour: number) => `${svgNumber(labelShare + hour * cellShare)}%`;

  const parts: string[] = [];
  for (let hour = 0; hour < 24; hour += 3) {
    parts.push(
      `<text x="${x(hour)}" y="${top - 6}" font-size="12" fill="#4d5560">${String(hour).padStart(2, '0')}</text>`,
    );
  }
  // Cells in one group that draws the white gaps between them.
  const cells: string[] = [];
  for (let weekday = 1; weekday <= 7; weekday++) {
    const y = top + (weekday - 1) * cellH;
    parts.push(
      `<text x="0" y="${y + cellH / 2 + 4}" font-size="12" fill="#4d5560">${weekdayName(weekday).slice(0, 3)}</text>`,
    );
    for (let hour = 0; hour < 24; hour++) {
      const value = values.get(`${weekday}:${hour}`) ?? 0;
      const step = heatStep(value, max);
      const fill = step < 0 ? EMPTY_CELL : heatScale[step];
      cells.push(
        `<rect x="${x(hour)}" y="${y}" width="${svgNumber(cellShare)}%" height="${cellH}" fill="${fill}" data-weekday="${weekday}" data-hour="${hour}" data-value="${value}">` +
          `<title>${weekdayName(weekday)} ${hourRange(hour)}: ${escapeHtml(formatCounted(value, chart.unit))}</title></rect>`,
      );
    }
  }
  parts.push(`<g stroke="#fff" stroke-width="1">${cells.join('')}</g>`);
  // The legend: one swatch per step with the counts it holds.
  const steps = [{ label: '0', colour: EMPTY_CELL }];
  heatScale.forEach((colour, i) => {
    const from = Math.floor((max * i) / heatScale.length) + 1;
    const to = Math.floor((max * (i + 1)) / heatScale.length);
    if (from <= to)
      steps.push({
        label: from === to ? formatCount(from) : `${formatCount(from)}–${formatCount(to)}`,
        colour,
      });
  });
  return html`<div class="chart">
    ${svgOpen(chart, `width="100%" height="${height}" style="min-width:300px"`)}${raw(parts.join(''))}</svg>
    <ul class="legend heat" aria-hidden="true">
      <li class="caption">${chart.unit} per hour:</li>
      ${steps.map((s) => html`<li><span class="swatch" style="background:${s.colour}"></span>${s.label}</li>`)}
    </ul>
  </div>`;
}
