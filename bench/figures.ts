// The figures the issues name, most with a target. A bench prints each as a `#figure {…}` line
// beside its own words; `npm run bench` gathers them (from its own benches and from the scripts it
// runs as processes) and ends with one table: each figure, its target, and measured ÷ target.

export interface Figure {
  /** What was measured, with its size: `census over a year, 1,000,000 contacts`. */
  figure: string;
  /** The database it was measured on (`embedded`, `postgres`), when it matters. */
  database?: string;
  value: number;
  unit: 'ms' | 's' | 'rows/s' | 'MB' | '×';
  /** None when the issue names the figure without a target (it is shown, not judged). */
  target?: number;
  /** Whether the target is a ceiling (latencies, memory) or a floor (rates). */
  better: 'lower' | 'higher';
}

const PREFIX = '#figure ';

/** The line a bench prints for a figure. */
export function figureLine(figure: Figure): string {
  return `${PREFIX}${JSON.stringify(figure)}`;
}

/** The figure a line carries, or null for any other line. */
export function parseFigureLine(line: string): Figure | null {
  return line.startsWith(PREFIX) ? (JSON.parse(line.slice(PREFIX.length)) as Figure) : null;
}

const met = (f: Figure & { target: number }) =>
  f.better === 'lower' ? f.value < f.target : f.value >= f.target;

const amount = (value: number, unit: Figure['unit']) => {
  const digits = unit === '×' || (unit === 'ms' && value < 10) || unit === 's' ? 1 : 0;
  return `${value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })} ${unit}`;
};

/** The table `npm run bench` ends with, one row per figure, in the order measured. */
export function figureTable(figures: readonly Figure[]): string[] {
  const rows = figures.map((f) => [
    f.database ? `${f.figure} [${f.database}]` : f.figure,
    amount(f.value, f.unit),
    ...(f.target === undefined
      ? ['—', '—', '']
      : [
          `${f.better === 'lower' ? '<' : '≥'} ${amount(f.target, f.unit)}`,
          (f.value / f.target).toFixed(2),
          met({ ...f, target: f.target }) ? 'met' : 'MISSED',
        ]),
  ]);
  const header = ['figure', 'measured', 'target', 'measured ÷ target', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)];
}
