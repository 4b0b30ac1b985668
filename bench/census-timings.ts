import { sql } from 'kysely';
import type { DateTime } from 'luxon';
import type { StorageHandle } from '../core/index.ts';
import type { CensusFilter } from '../core/evidence.ts';
import { createPostgresCensusSource } from '../core/storage/postgres-census.ts';
import { figureLine, type Figure } from './figures.ts';
import { ms } from './load.ts';

/**
 * The census of a year (transitions within 7 and 30 days) and of yesterday, best of three each,
 * beside one plain `group by channel` over the same log: the lines the rollup benches print.
 * `how` the log was filled names the figures apart (both benches measure a year of 1,000,000).
 */
export async function censusTimings(
  handle: StorageHandle,
  today: DateTime,
  size: string,
  how: string,
): Promise<string[]> {
  const census = createPostgresCensusSource(handle.db);
  const yesterday = today.minus({ days: 1 }).toISODate() as string;
  const year = { from: today.minus({ years: 1 }).toISODate() as string, to: yesterday };
  const filters: [string, CensusFilter, number][] = [
    [YEAR_WITHIN_7_DAYS, { ...year, withinDays: 7 }, 1000],
    ['a year, within 30 days', { ...year, withinDays: 30 }, 1000],
    ['one day', { from: yesterday, to: yesterday, withinDays: 7 }, 100],
  ];
  const lines: string[] = [];
  for (const [name, filter, target] of filters) {
    const times: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      await census.compute(filter);
      times.push(performance.now() - t);
    }
    const best = Math.min(...times);
    lines.push(
      figureLine({
        figure: `census of ${name}, ${size} (${how})`,
        database: handle.kind,
        value: best,
        unit: 'ms',
        target,
        better: 'lower',
      }),
      `  census of ${name}: best of 3 ${ms(best)} (runs ${times.map(ms).join(', ')}); target < ${target} ms: ${best < target ? 'met' : 'MISSED'}`,
    );
  }
  const t = performance.now();
  await sql`select channel, count(*) from interactions group by channel`.execute(handle.db);
  lines.push(`  baseline, one plain group by channel over the log: ${ms(performance.now() - t)}`);
  return lines;
}

const YEAR_WITHIN_7_DAYS = 'a year, within 7 days';

/**
 * The census of a year (transitions within 7 days) at the larger of two sizes measured on
 * `database` (the `figures` of those two runs only), divided by the smaller's: the issue's
 * "1M vs 10M contacts ≤ 1.5×". Null until both ran.
 */
export function censusGrowth(figures: readonly Figure[], database: string): Figure | null {
  const named = `census of ${YEAR_WITHIN_7_DAYS}, `;
  const year = figures.filter((f) => f.database === database && f.figure.startsWith(named));
  const [smaller, larger] = year.slice(-2);
  if (!smaller || !larger) return null;
  return {
    figure: `census of a year, ${larger.figure.slice(named.length)} ÷ ${smaller.figure.slice(named.length)}`,
    database,
    value: larger.value / smaller.value,
    unit: '×',
    target: 1.5,
    better: 'lower',
  };
}
