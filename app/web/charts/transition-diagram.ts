import { formatCount, formatCounted, type ChannelNames } from '../format.ts';
import { escapeHtml, html, raw, type Html } from '../html.ts';
import { channelColour } from './channel-colours.ts';
import { svgNumber, svgOpen, type ChartText } from './svg.ts';

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

export function transitionDiagram(
  chart: ChartText & { flows: readonly Flow[]; unit: string; names: ChannelNames },
): Html {
  const flowNodeName = (code: string | null) => (code === null ? NO_NEXT_LABEL : chart.names(code));
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
      `M0,${svgNumber(ly)} C500,${svgNumber(ly)} 500,${svgNumber(ry)} 1000,${svgNumber(ry)} ` +
      `L1000,${svgNumber(ry + h)} C500,${svgNumber(ry + h)} 500,${svgNumber(ly + h)} 0,${svgNumber(ly + h)} Z`;
    const share = l.value > 0 ? f.value / l.value : 0;
    bands.push(
      `<path d="${d}" fill="${channelColour(f.from)}" fill-opacity="0.35" data-from="${escapeHtml(f.from)}" data-to="${escapeHtml(f.to ?? 'none')}" data-value="${f.value}">` +
        `<title>${escapeHtml(`${flowNodeName(f.from)} → ${flowNodeName(f.to)}: ${formatCounted(f.value, chart.unit)} (${(share * 100).toFixed(1)}% of ${flowNodeName(f.from)})`)}</title></path>`,
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
        `<rect ${side === 'left' ? 'x="0"' : `x="100%" transform="translate(${-nodeW} 0)"`} y="${svgNumber(node.y)}" width="${nodeW}" height="${svgNumber(Math.max(1, node.h))}" fill="${channelColour(key)}"><title>${escapeHtml(`${flowNodeName(key)}: ${formatCounted(node.value, chart.unit)}`)}</title></rect>`,
      );
      // Labels of thin nodes are pushed down so that they never overlap.
      const y = Math.max(node.y + node.h / 2 + 4, lastY + 15);
      lastY = y;
      labels.push(
        `<text ${shift(nodeW + 5)} y="${svgNumber(y)}" font-size="12" fill="#1a1d21" text-anchor="${side === 'left' ? 'start' : 'end'}" stroke="#fff" stroke-width="3" paint-order="stroke">${escapeHtml(flowNodeName(key))} <tspan fill="#4d5560">${formatCount(node.value)}</tspan></text>`,
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
