import { Faker, base, en, generateMersenne53Randomizer, it } from '@faker-js/faker';

/** Relative weights compiled once, so that drawing from them is a binary search. */
export interface Table<T> {
  items: readonly T[];
  cumulative: readonly number[];
  total: number;
}

/** A seeded generator: the same seed and stream always give the same sequence. */
export interface DemoRandom {
  /** Italian names and words first, English where Italian has none. */
  italian: Faker;
  english: Faker;
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max]. */
  int(min: number, max: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  draw<T>(table: Table<T>): T;
  /** Standard normal. */
  normal(): number;
  logNormal(median: number, sigma: number): number;
  uuid(): string;
}

/**
 * Each phase draws from its own stream, so that asking for more interactions, say, leaves the
 * customers and bills exactly as they were.
 */
export function createDemoRandom(seed: number, stream: number): DemoRandom {
  const randomizer = generateMersenne53Randomizer();
  const italian = new Faker({ locale: [it, en, base], randomizer });
  const english = new Faker({ locale: [en, base], randomizer });
  italian.seed([seed, stream]);
  const next = () => randomizer.next();
  // Box–Muller; 1 - u keeps the logarithm finite.
  const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  return {
    italian,
    english,
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (probability) => next() < probability,
    pick<T>(items: readonly T[]): T {
      return items[Math.floor(next() * items.length)] as T;
    },
    draw: (table) => drawFrom(table, next()),
    normal,
    logNormal: (median, sigma) => median * Math.exp(sigma * normal()),
    uuid() {
      // faker's string.uuid() drawn the same way (a hex digit per draw, the variant digit last),
      // without its per-digit calls: a seed's ids and every draw after them stay as they were.
      let digits = '';
      for (let i = 0; i < 30; i++) digits += HEX[Math.floor(next() * 16)];
      const variant = HEX[Math.floor(next() * 4 + 8)];
      return `${digits.slice(0, 8)}-${digits.slice(8, 12)}-4${digits.slice(12, 15)}-${variant}${digits.slice(15, 18)}-${digits.slice(18)}`;
    },
  };
}

const HEX = '0123456789abcdef';

export function table<T>(entries: Iterable<readonly [T, number]>): Table<T> {
  const items: T[] = [];
  const cumulative: number[] = [];
  let total = 0;
  for (const [item, weight] of entries) {
    if (weight <= 0) continue;
    total += weight;
    items.push(item);
    cumulative.push(total);
  }
  return { items, cumulative, total };
}

export function tableOf<K extends string>(weights: Partial<Record<K, number>>): Table<K> {
  return table(Object.entries(weights) as [K, number][]);
}

export function drawFrom<T>(t: Table<T>, uniform: number): T {
  return t.items[searchCumulative(t.cumulative, uniform * t.total, t.items.length)] as T;
}

/** The first index whose cumulative weight exceeds `target`, among the first `length`. */
export function searchCumulative(cumulative: ArrayLike<number>, target: number, length: number): number {
  let lo = 0;
  let hi = length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((cumulative[mid] as number) > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
