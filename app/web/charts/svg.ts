import { escapeHtml, html, raw, type Html } from '../html.ts';

// What the charts share. The charts are pure SVG builders: the same input always gives the same
// markup. Every chart carries a <title> and a <desc>; the pages put the figures beside it in a
// table for screen readers.

export interface ChartText {
  /** Unique on the page: labels the chart's title and description. */
  id: string;
  title: string;
  desc: string;
}

/** One series of a chart (a channel, say) as its legend shows it. */
export interface SeriesStyle {
  key: string;
  label: string;
  colour: string;
}

/** Opens a chart's <svg> with its title and description. */
export function svgOpen(chart: ChartText, attributes: string): Html {
  return raw(
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-labelledby="${escapeHtml(chart.id)}-t ${escapeHtml(chart.id)}-d" ${attributes}>` +
      `<title id="${escapeHtml(chart.id)}-t">${escapeHtml(chart.title)}</title>` +
      `<desc id="${escapeHtml(chart.id)}-d">${escapeHtml(chart.desc)}</desc>`,
  );
}

/** Rounds to keep the markup short and stable. */
export function svgNumber(value: number): string {
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
export function axis(value: number, fixedStep?: number): { max: number; step: number } {
  const step = fixedStep ?? niceCeiling(value / 5);
  return { max: Math.round(Math.max(1, Math.ceil(value / step - 1e-9)) * step * 1e9) / 1e9, step };
}

/** The tick values from `min` to `max`, `step` apart. */
export function ticks(min: number, max: number, step: number): number[] {
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

/** A finite number: not null, undefined or NaN. */
export function isNumber(v: number | null | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}
