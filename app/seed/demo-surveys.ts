import type { Outcome } from '../../core/index.ts';
import { table, type DemoRandom } from './demo-random.ts';

// How customers answer the satisfaction questions: by where the contact happened and how it went.

type Mix = Record<'resolved' | 'handed_off' | 'other', readonly [number, number, number]>;

/** Weights of promoters (9–10), passives (7–8) and detractors (0–6). */
export const npsMix = {
  voice: { resolved: [60, 28, 12], handed_off: [35, 35, 30], other: [10, 25, 65] },
  video: { resolved: [65, 25, 10], handed_off: [40, 30, 30], other: [10, 25, 65] },
  existing: { resolved: [32, 36, 32], handed_off: [15, 35, 50], other: [8, 22, 70] },
} as const satisfies Record<string, Mix>;

const categories = ['promoter', 'passive', 'detractor'] as const;
// Detractors give a 5 or a 6 more often than a 0.
const detractorScores = table([0, 1, 2, 3, 4, 5, 6].map((s) => [s, s + 1] as const));
const csatScores = table<number>([
  [5, 50],
  [4, 35],
  [3, 10],
  [2, 4],
  [1, 1],
]);

/** An NPS answer (0–10) about a contact that ended with `outcome`. */
export function npsScore(random: DemoRandom, mix: Mix, outcome: Outcome): number {
  const weights =
    outcome === 'resolved' ? mix.resolved : outcome === 'handed_off' ? mix.handed_off : mix.other;
  const category = random.draw(table(categories.map((c, i) => [c, weights[i] as number] as const)));
  if (category === 'promoter') return random.int(9, 10);
  if (category === 'passive') return random.int(7, 8);
  return random.draw(detractorScores);
}

/** A CSAT answer (1–5) about a consultation that took place. */
export function csatScore(random: DemoRandom): number {
  return random.draw(csatScores);
}
