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

// Horizontal bars, drawn in percentages of the width so that their text keeps its size.

export interface BarRow {
  label: string;
  value: number | null;
  /** 95% confidence interval, drawn as a whisker. */
  low?: number | null;
  high?: number | null;
  colour?: string;
  /** The text beside the label; defaults to the formatted value. */
  valueLabel?: string;
  /** An objective's threshold, drawn as a dashed mark. */
  target?: { value: number; label: string } | null;
}

export function bars(
  chart: ChartText & {
    rows: readonly BarRow[];
    format: (value: number) => string;
    /** Axis range; by default 0 to a round number above the largest value or bound. */
    domain?: [number, number];
    /** Distance between axis ticks (minutes in seconds, say); by default a round quarter of the range. */
    tickStep?: number;
  },
): Html {
  const rowH = 46;
  const top = 6;
  const axisH = 22;
  const height = top + chart.rows.length * rowH + axisH;
  const extremes = chart.rows.flatMap((r) => [r.value, r.low, r.high, r.target?.value]).filter(isNumber);
  const lowest = Math.min(0, ...extremes);
  const highest = Math.max(0, ...extremes);
  const step = chart.domain
    ? (chart.tickStep ?? niceCeiling((chart.domain[1] - chart.domain[0]) / 4))
    : axis(Math.max(highest, -lowest), chart.tickStep).step;
  const [min, max] = chart.domain ?? [
    lowest < 0 ? -axis(-lowest, step).max : 0,
    highest > 0 || lowest === 0 ? axis(highest, step).max : 0,
  ];
  const pct = (v: number) =>
    svgNumber(((Math.min(max, Math.max(min, v)) - min) / (max - min || 1)) * 100) + '%';
  const parts: string[] = [];
  const plotBottom = top + chart.rows.length * rowH;
  for (const t of ticks(min, max, step)) {
    parts.push(
      `<line x1="${pct(t)}" x2="${pct(t)}" y1="${top}" y2="${plotBottom}" stroke="${t === 0 ? '#8a929c' : '#dde1e6'}" stroke-width="1"/>`,
    );
    const anchor = Math.abs(t - min) < 1e-9 ? 'start' : Math.abs(t - max) < 1e-9 ? 'end' : 'middle';
    parts.push(
      `<text x="${pct(t)}" y="${plotBottom + 16}" text-anchor="${anchor}" font-size="12" fill="#4d5560">${escapeHtml(chart.format(t))}</text>`,
    );
  }
  const valueTexts = chart.rows.map(
    (row) => row.valueLabel ?? (row.value === null ? 'no data' : chart.format(row.value)),
  );
  // Short texts: the value flush right, easy to compare. Long ones would meet on a phone: the
  // value follows the label instead.
  const inline = chart.rows.some((row, i) => row.label.length + (valueTexts[i] as string).length > 32);
  chart.rows.forEach((row, i) => {
    const y = top + i * rowH;
    const colour = row.colour ?? '#0b5cad';
    const valueText = valueTexts[i] as string;
    parts.push(
      `<g data-label="${escapeHtml(row.label)}">` +
        (inline
          ? `<text x="0" y="${y + 15}" font-size="14" fill="#1a1d21">${escapeHtml(row.label)} <tspan font-weight="600">${escapeHtml(valueText)}</tspan></text>`
          : `<text x="0" y="${y + 15}" font-size="14" fill="#1a1d21">${escapeHtml(row.label)}</text>` +
            `<text x="100%" y="${y + 15}" text-anchor="end" font-size="14" font-weight="600" fill="#1a1d21">${escapeHtml(valueText)}</text>`),
    );
    if (row.value !== null) {
      const from = Math.min(0, row.value);
      const to = Math.max(0, row.value);
      const x0 = Math.max(min, Math.min(max, from));
      const width = ((Math.min(max, to) - x0) / (max - min || 1)) * 100;
      parts.push(
        `<rect x="${pct(x0)}" y="${y + 22}" width="${svgNumber(Math.max(0, width))}%" height="16" fill="${colour}"><title>${escapeHtml(`${row.label}: ${valueText}`)}</title></rect>`,
      );
    }
    if (isNumber(row.low) && isNumber(row.high)) {
      const cy = y + 30;
      // Near-black reaches 3:1 against every channel colour and against white.
      const line = (x1: string, x2: string, y1: number, y2: number) =>
        `<line x1="${x1}" x2="${x2}" y1="${y1}" y2="${y2}" stroke="#1a1d21" stroke-width="2"/>`;
      const low = pct(row.low as number);
      const high = pct(row.high as number);
      parts.push(
        `<g class="ci">${line(low, high, cy, cy)}${line(low, low, cy - 7, cy + 7)}${line(high, high, cy - 7, cy + 7)}</g>`,
      );
    }
    if (row.target) {
      parts.push(
        `<line x1="${pct(row.target.value)}" x2="${pct(row.target.value)}" y1="${y + 18}" y2="${y + 42}" stroke="#b35c00" stroke-width="3" stroke-dasharray="4 2"><title>${escapeHtml(row.target.label)}</title></line>`,
      );
    }
    parts.push('</g>');
  });
  return html`<div class="chart">
    ${svgOpen(chart, `width="100%" height="${height}" style="min-width:260px"`)}${raw(parts.join(''))}</svg>
  </div>`;
}

// Stacked bars: one bar per category, split by series (shares of the bar, or counts on one scale).

export function stackedBars(
  chart: ChartText & {
    categories: readonly { key: string; label: string }[];
    series: readonly SeriesStyle[];
    value: (category: string, series: string) => number;
    /** `share`: every bar is 100%; `count`: bars on one scale. */
    mode: 'share' | 'count';
    unit: string;
  },
): Html {
  const rowH = 46;
  const height = chart.categories.length * rowH + 4;
  const totals = chart.categories.map((c) =>
    chart.series.reduce((sum, s) => sum + chart.value(c.key, s.key), 0),
  );
  const scale = chart.mode === 'share' ? 0 : Math.max(0, ...totals);
  const parts: string[] = [];
  chart.categories.forEach((category, i) => {
    const y = 4 + i * rowH;
    const total = totals[i] as number;
    parts.push(
      `<g data-category="${escapeHtml(category.key)}">` +
        `<text x="0" y="${y + 14}" font-size="14" fill="#1a1d21">${escapeHtml(category.label)}</text>` +
        `<text x="100%" y="${y + 14}" text-anchor="end" font-size="13" fill="#4d5560">${formatCount(total)} ${escapeHtml(chart.unit)}</text>`,
    );
    const base = chart.mode === 'share' ? total : scale;
    let x = 0;
    for (const s of chart.series) {
      const value = chart.value(category.key, s.key);
      if (value <= 0 || base <= 0) continue;
      const width = (value / base) * 100;
      const share = total > 0 ? value / total : 0;
      const label = `${s.label}: ${formatCount(value)} ${chart.unit} (${(share * 100).toFixed(1)}%)`;
      parts.push(
        `<rect x="${svgNumber(x)}%" y="${y + 20}" width="${svgNumber(width)}%" height="20" fill="${s.colour}" stroke="#fff" stroke-width="1" data-series="${escapeHtml(s.key)}" data-value="${value}"><title>${escapeHtml(label)}</title></rect>`,
      );
      if (chart.mode === 'share' && width >= 9) {
        parts.push(
          `<text x="${svgNumber(x + width / 2)}%" y="${y + 35}" text-anchor="middle" font-size="12" font-weight="600" fill="#fff" aria-hidden="true">${Math.round(share * 100)}%</text>`,
        );
      }
      x += width;
    }
    parts.push('</g>');
  });
  return html`<div class="chart">
    ${legend(chart.series.map((s) => ({ label: s.label, colour: s.colour })))}
    ${svgOpen(chart, `width="100%" height="${height}" style="min-width:260px"`)}${raw(parts.join(''))}</svg>
  </div>`;
}
