import { setImmediate as nextTurn } from 'node:timers/promises';
import { performance } from 'node:perf_hooks';

/** How a walk sizes its chunks: the size adapts so that each query takes about `targetChunkMs`. */
export interface AdaptiveChunkOptions {
  /** How long each query should take; the chunk size adapts to it. Default 20 ms. */
  targetChunkMs?: number;
  /** Units (customers, for a walk over customers) in the first chunk (default 10), before adapting. */
  initialChunk?: number;
  /** Bounds of the adapted chunk size (defaults 1 and 20000; the lower one is at least 1). */
  minChunk?: number;
  maxChunk?: number;
}

/** What one chunk of a walk did: its size and the wall time of its slowest timed query, in ms. */
export interface ChunkReport {
  size: number;
  elapsedMs: number;
}

export interface WalkOptions extends AdaptiveChunkOptions {
  /** Checked before every chunk: once aborted, the walk throws its reason. */
  signal?: AbortSignal;
  /** Called after each chunk that covered something (benchmarks, tests). */
  onChunk?: (chunk: ChunkReport) => void;
}

/** Runs a query and keeps its wall time: the chunk's time is that of its slowest timed query. */
export type TimeQuery = <T>(query: () => Promise<T>) => Promise<T>;

/**
 * One step of a walk, given the chunk size to cover: `units` it covered (0 ends the walk without
 * a report), `done` when nothing is left after it.
 */
export type ChunkStep = (size: number, time: TimeQuery) => Promise<{ units: number; done: boolean }>;

/** A chunk grows at most this much at once, so that one unusually quick chunk does not make the next one huge. */
const MAX_GROWTH = 4;

/**
 * Walks something large in chunks of adaptive size, so that each query stays short, memory stays
 * bounded and the event loop turns between chunks. Guarantees:
 * - every step starts on a later turn of the event loop, after `signal` has been checked;
 * - the size handed to a step stays within [minChunk, maxChunk] and grows at most fourfold from
 *   one step to the next; otherwise it is the size that would take `targetChunkMs`, from the
 *   average of the recent cost per unit (so one query slowed by something else does not shrink
 *   the next chunk to nothing);
 * - `onChunk` hears of every step that covered something, before the walk ends or goes on.
 */
export async function walkInChunks(options: WalkOptions, step: ChunkStep): Promise<void> {
  const sizer = createChunkSizer(options);
  for (;;) {
    await nextTurn();
    options.signal?.throwIfAborted();
    const timer = createQueryTimer();
    const { units, done } = await step(sizer.size, timer.time);
    if (units === 0) return;
    options.onChunk?.({ size: units, elapsedMs: timer.slowest() });
    if (done) return;
    sizer.measured(units, timer.slowest());
  }
}

function createChunkSizer(options: AdaptiveChunkOptions) {
  const targetMs = options.targetChunkMs ?? 20;
  const min = Math.max(1, options.minChunk ?? 1);
  const max = Math.max(min, options.maxChunk ?? 20_000);
  let size = clamp(options.initialChunk ?? 10, min, max);
  let msPerUnit: number | undefined;
  return {
    get size() {
      return size;
    },
    measured(units: number, elapsedMs: number) {
      const sample = Math.max(elapsedMs, 0.1) / Math.max(units, 1);
      msPerUnit = msPerUnit === undefined ? sample : (msPerUnit + sample) / 2;
      size = clamp(Math.round(Math.min(size * MAX_GROWTH, targetMs / msPerUnit)), min, max);
    },
  };
}

function createQueryTimer() {
  let slowest = 0;
  const time: TimeQuery = async (query) => {
    const started = performance.now();
    try {
      return await query();
    } finally {
      slowest = Math.max(slowest, performance.now() - started);
    }
  };
  return { time, slowest: () => slowest };
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
