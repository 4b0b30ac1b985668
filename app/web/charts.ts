import { channelName, escapeHtml, formatCount, html, raw, type Html } from './html.ts';

// Pure SVG builders: the same input always gives the same markup. Every chart carries a <title>
// and a <desc>; the pages put the figures beside it in a table for screen readers.

/** Each channel keeps its colour on every chart; all reach 4.5:1 against white (white text on them too). */
const channelColours: Record<string, string> = {
  call_centre: '#0b5cad',
  email: '#9c5700',
  sms: '#6f3a9c',
  web: '#1c7a47',
  shop: '#b3261e',
  paper_mail: '#595959',
  voice_assistant: '#a2336f',
  video: '#00747a',
};
const fallbackColours = ['#3d4f9f', '#7a5200', '#2f6b5a', '#8e3b46', '#4a5a2a', '#5b3f7a'];
/** "No next contact" in the transition diagram. */
export const NONE_COLOUR = '#767676';

export function channelColour(code: string | null): string {
  if (code === null) return NONE_COLOUR;
  const known = channelColours[code];
  if (known) return known;
  let hash = 0;
  for (const c of code) hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
  return fallbackColours[hash % fallbackColours.length] as string;
}

export interface ChartText {
  /** Unique on the page: labels the chart's title and description. */
  id: string;
  title: string;
  desc: string;
}

function svgOpen(chart: ChartText, attributes: string): Html {
  return raw(
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="${escapeHtml(chart.id)}-t ${escapeHtml(chart.id)}-d" ${attributes}>` +
      `<title id="${escapeHtml(chart.id)}-t">${escapeHtml(chart.title)}</title>` +
      `<desc id="${escapeHtml(chart.id)}-d">${escapeHtml(chart.desc)}</desc>`,
  );
}

/** Rounds to keep the markup short and stable. */
function n(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/** 1, 2, 2.5, 5 × 10^k: a round axis maximum at or above `value`. */
export function niceCeiling(value: number): number {
  if (!(value > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 2.5, 5, 10]) if (step * power >= value - 1e-12) return step * power;
  return 10 * power;
}

/** An axis from 0 to a multiple of a round step, in at most five steps. */
function axis(value: number, fixedStep?: number): { max: number; step: number } {
  const step = fixedStep ?? niceCeiling(value / 5);
  return { max: Math.round(Math.max(1, Math.ceil(value / step - 1e-9)) * step * 1e9) / 1e9, step };
}

function ticks(min: number, max: number, step: number): number[] {
  const out: number[] = [];
  for (let t = Math.ceil(min / step) * step; t <= max + 1e-9; t += step) out.push(Math.round(t * 1e9) / 1e9);
  return out;
}

/** A legend in HTML, so that it wraps on a narrow screen. */
export function legend(items: { label: string; colour: string }[]): Html {
  return html`<ul class="legend" aria-hidden="true">
    ${items.map((i) => html`<li><span class="swatch" style="background:${i.colour}"></span>${i.label}</li>`)}
  </ul>`;
}

// ---------------------------------------------------------------------------------------------
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
  const x = (hour: number) => `${n(labelShare + hour * cellShare)}%`;

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
        `<rect x="${x(hour)}" y="${y}" width="${n(cellShare)}%" height="${cellH}" fill="${fill}" data-weekday="${weekday}" data-hour="${hour}" data-value="${value}">` +
          `<title>${weekdayName(weekday)} ${hourRange(hour)}: ${formatCount(value)} ${escapeHtml(chart.unit)}</title></rect>`,
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

// ---------------------------------------------------------------------------------------------
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
  const pct = (v: number) => n(((Math.min(max, Math.max(min, v)) - min) / (max - min || 1)) * 100) + '%';
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
        `<rect x="${pct(x0)}" y="${y + 22}" width="${n(Math.max(0, width))}%" height="16" fill="${colour}"><title>${escapeHtml(`${row.label}: ${valueText}`)}</title></rect>`,
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

function isNumber(v: number | null | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

// ---------------------------------------------------------------------------------------------
// Stacked bars: one bar per category, split by series (shares of the bar, or counts on one scale).

export function stackedBars(
  chart: ChartText & {
    categories: readonly { key: string; label: string }[];
    series: readonly { key: string; label: string; colour: string }[];
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
        `<rect x="${n(x)}%" y="${y + 20}" width="${n(width)}%" height="20" fill="${s.colour}" stroke="#fff" stroke-width="1" data-series="${escapeHtml(s.key)}" data-value="${value}"><title>${escapeHtml(label)}</title></rect>`,
      );
      if (chart.mode === 'share' && width >= 9) {
        parts.push(
          `<text x="${n(x + width / 2)}%" y="${y + 35}" text-anchor="middle" font-size="12" font-weight="600" fill="#fff" aria-hidden="true">${Math.round(share * 100)}%</text>`,
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

// ---------------------------------------------------------------------------------------------
// A small multi-line chart: one line per series over the same x labels. Lines live in a nested,
// stretched SVG (strokes that do not scale); the text stays outside it at its own size.

export function lineChart(
  chart: ChartText & {
    x: readonly { key: string; label: string }[];
    series: readonly { key: string; label: string; colour: string; values: readonly (number | null)[] }[];
    unit: string;
  },
): Html {
  const top = 16;
  const plotH = 200;
  const height = top + plotH + 26;
  const { max, step } = axis(Math.max(0, ...chart.series.flatMap((s) => s.values.filter(isNumber))));
  const count = chart.x.length;
  // Inner units: 0–1000 across, with a margin so that the end points are not cut.
  const xAt = (i: number) => (count <= 1 ? 500 : 50 + (i / (count - 1)) * 900);
  const yAt = (v: number) => plotH - (v / max) * plotH;
  const parts: string[] = [];
  for (const t of ticks(0, max, step)) {
    const y = top + yAt(t);
    parts.push(
      `<line x1="0" x2="100%" y1="${n(y)}" y2="${n(y)}" stroke="${t === 0 ? '#8a929c' : '#dde1e6'}"/>`,
    );
  }
  const every = Math.max(1, Math.ceil(count / 6));
  chart.x.forEach((x, i) => {
    if (i % every !== 0) return;
    parts.push(
      `<line x1="${n(xAt(i) / 10)}%" x2="${n(xAt(i) / 10)}%" y1="${top + plotH}" y2="${top + plotH + 4}" stroke="#8a929c"/>` +
        `<text x="${n(xAt(i) / 10)}%" y="${top + plotH + 18}" text-anchor="middle" font-size="12" fill="#4d5560">${escapeHtml(x.label)}</text>`,
    );
  });
  const inner: string[] = [];
  for (const s of chart.series) {
    const segments: string[][] = [[]];
    s.values.forEach((v, i) => {
      if (isNumber(v)) (segments[segments.length - 1] as string[]).push(`${n(xAt(i))},${n(yAt(v))}`);
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
        `<line x1="${n(xAt(i))}" y1="${n(yAt(v))}" x2="${n(xAt(i))}" y2="${n(yAt(v))}" stroke="${s.colour}" stroke-width="7" stroke-linecap="round" vector-effect="non-scaling-stroke"><title>${escapeHtml(`${s.label}, ${chart.x[i]?.label ?? ''}: ${formatCount(v)} ${chart.unit}`)}</title></line>`,
      );
    });
    inner.push('</g>');
  }
  parts.push(
    `<svg x="0" y="${top}" width="100%" height="${plotH}" viewBox="0 0 1000 ${plotH}" preserveAspectRatio="none" overflow="visible">${inner.join('')}</svg>`,
  );
  // Axis labels last, on a white halo, so that no line hides them.
  for (const t of ticks(0, max, step)) {
    parts.push(
      `<text x="2" y="${n(top + yAt(t) - 4)}" font-size="12" fill="#4d5560" stroke="#fff" stroke-width="3" paint-order="stroke">${formatCount(t)}</text>`,
    );
  }
  return html`<div class="chart">
    ${legend(chart.series.map((s) => ({ label: s.label, colour: s.colour })))}
    ${svgOpen(chart, `width="100%" height="${height}" style="min-width:280px"`)}${raw(parts.join(''))}</svg>
  </div>`;
}

// ---------------------------------------------------------------------------------------------
// Transition diagram: a two-column Sankey, from-channel on the left, next channel (or none) on the
// right. Bands are drawn in a stretched SVG whose height is in pixels, so that their thickness
// stays proportional to the contacts; nodes and labels are placed in pixels from either edge.

export interface Flow {
  from: string;
  to: string | null;
  value: number;
}

/** The right-hand node of contacts with no next contact. */
export const NO_NEXT_LABEL = 'No next contact';

function flowNodeName(code: string | null): string {
  return code === null ? NO_NEXT_LABEL : channelName(code);
}

export function transitionDiagram(chart: ChartText & { flows: readonly Flow[]; unit: string }): Html {
  const flows = chart.flows.filter((f) => f.value > 0);
  const nodeW = 12;
  const gap = 12;
  const top = 26;
  const total = flows.reduce((sum, f) => sum + f.value, 0);
  const sumBy = (key: (f: Flow) => string | null) => {
    const map = new Map<string | null, number>();
    for (const f of flows) map.set(key(f), (map.get(key(f)) ?? 0) + f.value);
    // Largest first; "none" last on the right; ties by code, so that the order is stable.
    return [...map.entries()].sort(
      (a, b) =>
        Number(a[0] === null) - Number(b[0] === null) ||
        b[1] - a[1] ||
        String(a[0]).localeCompare(String(b[0])),
    );
  };
  const leftNodes = sumBy((f) => f.from);
  const rightNodes = sumBy((f) => f.to);
  const plotH = Math.max(240, 30 * Math.max(leftNodes.length, rightNodes.length) + 100);
  const scaleFor = (count: number) => (total > 0 ? (plotH - gap * Math.max(0, count - 1)) / total : 0);
  const k = Math.min(scaleFor(leftNodes.length), scaleFor(rightNodes.length));
  const place = (nodes: [string | null, number][]) => {
    const out = new Map<string | null, { y: number; h: number; value: number }>();
    let y = top;
    for (const [key, value] of nodes) {
      out.set(key, { y, h: value * k, value });
      y += value * k + gap;
    }
    return out;
  };
  const leftAt = place(leftNodes);
  const rightAt = place(rightNodes);
  const leftOffset = new Map<string | null, number>();
  const rightOffset = new Map<string | null, number>();
  const rank = (nodes: [string | null, number][], key: string | null) => nodes.findIndex(([k]) => k === key);
  const ordered = [...flows].sort(
    (a, b) =>
      rank(leftNodes, a.from) - rank(leftNodes, b.from) || rank(rightNodes, a.to) - rank(rightNodes, b.to),
  );
  const bands: string[] = [];
  for (const f of ordered) {
    const l = leftAt.get(f.from) as { y: number; h: number; value: number };
    const r = rightAt.get(f.to) as { y: number; h: number; value: number };
    const h = f.value * k;
    const ly = l.y + (leftOffset.get(f.from) ?? 0);
    const ry = r.y + (rightOffset.get(f.to) ?? 0);
    leftOffset.set(f.from, (leftOffset.get(f.from) ?? 0) + h);
    rightOffset.set(f.to, (rightOffset.get(f.to) ?? 0) + h);
    const d =
      `M0,${n(ly)} C500,${n(ly)} 500,${n(ry)} 1000,${n(ry)} ` +
      `L1000,${n(ry + h)} C500,${n(ry + h)} 500,${n(ly + h)} 0,${n(ly + h)} Z`;
    const share = l.value > 0 ? f.value / l.value : 0;
    bands.push(
      `<path d="${d}" fill="${channelColour(f.from)}" fill-opacity="0.35" data-from="${escapeHtml(f.from)}" data-to="${escapeHtml(f.to ?? 'none')}" data-value="${f.value}">` +
        `<title>${escapeHtml(`${flowNodeName(f.from)} → ${flowNodeName(f.to)}: ${formatCount(f.value)} ${chart.unit} (${(share * 100).toFixed(1)}% of ${flowNodeName(f.from)})`)}</title></path>`,
    );
  }
  const parts: string[] = [
    `<text x="0" y="14" font-size="12" font-weight="600" fill="#4d5560">Contact on</text>`,
    `<text x="100%" y="14" text-anchor="end" font-size="12" font-weight="600" fill="#4d5560">Next contact, same reason</text>`,
  ];
  const labels: string[] = [];
  let lowest = top + plotH;
  const nodesOn = (
    nodes: Map<string | null, { y: number; h: number; value: number }>,
    side: 'left' | 'right',
  ) => {
    let lastY = -Infinity;
    // Right-side marks are placed from the right edge: x at 100%, shifted back in pixels.
    const shift = (px: number) =>
      side === 'left' ? `x="${px}"` : `x="100%" transform="translate(${-px} 0)"`;
    for (const [key, node] of nodes) {
      parts.push(
        `<rect ${side === 'left' ? 'x="0"' : `x="100%" transform="translate(${-nodeW} 0)"`} y="${n(node.y)}" width="${nodeW}" height="${n(Math.max(1, node.h))}" fill="${channelColour(key)}"><title>${escapeHtml(`${flowNodeName(key)}: ${formatCount(node.value)} ${chart.unit}`)}</title></rect>`,
      );
      // Labels of thin nodes are pushed down so that they never overlap.
      const y = Math.max(node.y + node.h / 2 + 4, lastY + 15);
      lastY = y;
      labels.push(
        `<text ${shift(nodeW + 5)} y="${n(y)}" font-size="12" fill="#1a1d21" text-anchor="${side === 'left' ? 'start' : 'end'}" stroke="#fff" stroke-width="3" paint-order="stroke">${escapeHtml(flowNodeName(key))} <tspan fill="#4d5560">${formatCount(node.value)}</tspan></text>`,
      );
    }
    lowest = Math.max(lowest, lastY);
  };
  nodesOn(leftAt, 'left');
  nodesOn(rightAt, 'right');
  const height = Math.ceil(lowest + 8);
  return html`<div class="chart">
    ${svgOpen(chart, `width="100%" height="${height}" style="min-width:300px"`)}<svg x="0" y="0" width="100%" height="${height}" viewBox="0 0 1000 ${height}" preserveAspectRatio="none">${raw(bands.join(''))}</svg>${raw(parts.join(''))}${raw(labels.join(''))}</svg>
  </div>`;
}
