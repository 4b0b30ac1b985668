import { formatCount } from '../format.ts';
import { escapeHtml, html, raw, type Html } from '../html.ts';
import {
  axis,
  isNumber,
  legend,
  niceCeiling,
  svgNumber,
  svgOpen,
  ticks,
  type ChartText,
  type SeriesStyle,
} from './svg.ts';

// A small multi-line chart: one line per series over the same x labels. Lines live in a nested,
// stretched SVG (strokes that do not scale); the text stays outside it at its own size.

export function lineChart(
  chart: ChartText & {
    x: readonly { key: string; label: string }[];
    series: readonly (SeriesStyle & { values: readonly (number | null)[] })[];
    unit: string;
    /** How values read on the axis and in the tooltips (counts by default). */
    format?: (v: number) => string;
  },
): Html {
  const format = chart.format ?? formatCount;
  const top = 16;
  const plotH = 200;
  const height = top + plotH + 26;
  const values = chart.series.flatMap((s) => s.values.filter(isNumber));
  // From 0 up, or from a round step below the lowest value when some are negative (NPS).
  const lowest = Math.min(0, ...values);
  const highest = Math.max(0, ...values);
  let { max, step } = axis(highest);
  let min = 0;
  if (lowest < 0) {
    step = niceCeiling((highest - lowest) / 5);
    min = Math.floor(lowest / step - 1e-9) * step;
    max = Math.max(min + step, Math.ceil(highest / step - 1e-9) * step);
  }
  const count = chart.x.length;
  // Inner units: 0–1000 across, with a margin so that the end points are not cut.
  const xAt = (i: number) => (count <= 1 ? 500 : 50 + (i / (count - 1)) * 900);
  const yAt = (v: number) => plotH - ((v - min) / (max - min)) * plotH;
  const parts: string[] = [];
  for (const t of ticks(min, max, step)) {
    const y = top + yAt(t);
    parts.push(
      `<line x1="0" x2="100%" y1="${svgNumber(y)}" y2="${svgNumber(y)}" stroke="${t === 0 ? '#8a929c' : '#dde1e6'}"/>`,
    );
  }
  const every = Math.max(1, Math.ceil(count / 6));
  chart.x.forEach((x, i) => {
    if (i % every !== 0) return;
    parts.push(
      `<line x1="${svgNumber(xAt(i) / 10)}%" x2="${svgNumber(xAt(i) / 10)}%" y1="${top + plotH}" y2="${top + plotH + 4}" stroke="#8a929c"/>` +
        `<text x="${svgNumber(xAt(i) / 10)}%" y="${top + plotH + 18}" text-anchor="middle" font-size="12" fill="#4d5560">${escapeHtml(x.label)}</text>`,
    );
  });
  const inner: string[] = [];
  for (const s of chart.series) {
    const segments: string[][] = [[]];
    s.values.forEach((v, i) => {
      if (isNumber(v))
        (segments[segments.length - 1] as string[]).push(`${svgNumber(xAt(i))},${svgNumber(yAt(v))}`);
      else segments.push([]);
    });
    inner.push(`<g data-series="${escapeHtml(s.key)}">`);
    for (const points of segments) {
      if (points.length > 1)
        inner.push(
          `<polyline points="${points.join(' ')}" fill="none" stroke="${s.colour}" stroke-width="2.5" stroke-linejoin="round" vector-effect="non-scaling-stroke"/>`,
        );
    }
    s.values.forEach((v, i) => {
      if (!isNumber(v)) return;
      // A zero-length line with round caps: a dot that stays round when the plot stretches.
      inner.push(
        `<line x1="${svgNumber(xAt(i))}" y1="${svgNumber(yAt(v))}" x2="${svgNumber(xAt(i))}" y2="${svgNumber(yAt(v))}" stroke="${s.colour}" stroke-width="7" stroke-linecap="round" vector-effect="non-scaling-stroke"><title>${escapeHtml(`${s.label}, ${chart.x[i]?.label ?? ''}: ${format(v)} ${chart.unit}`)}</title></line>`,
      );
    });
    inner.push('</g>');
  }
  parts.push(
    `<svg x="0" y="${top}" width="100%" height="${plotH}" viewBox="0 0 1000 ${plotH}" preserveAspectRatio="none" overflow="visible">${inner.join('')}</svg>`,
  );
  // Axis labels last, on a white halo, so that no line hides them.
  for (const t of ticks(min, max, step)) {
    parts.push(
      `<text x="2" y="${svgNumber(top + yAt(t) - 4)}" font-size="12" fill="#4d5560" stroke="#fff" stroke-width="3" paint-order="stroke">${escapeHtml(format(t))}</text>`,
    );
  }
  return html`<div class="chart">
    ${legend(chart.series.map((s) => ({ label: s.label, colour: s.colour })))}
    ${svgOpen(chart, `width="100%" height="${height}" style="min-width:280px"`)}${raw(parts.join(''))}</svg>
  </div>`;
}
