import type { Clock } from './clock.ts';

export const analysisKinds = ['census', 'pilot_metrics'] as const;
export type AnalysisKind = (typeof analysisKinds)[number];

export interface AnalysisRun {
  id: string;
  kind: AnalysisKind;
  /** The canonical form of what was asked. */
  question: string;
  status: 'running' | 'done' | 'failed';
  startedAt: Date;
  finishedAt: Date | null;
  result: unknown;
  error: string | null;
}

/** Port: analyses computed in the background and kept, so that any instance can serve their answers. */
export interface AnalysisRunStore {
  /** The newest run of the question, and the newest finished one when that is an older run. */
  latest(kind: AnalysisKind, question: string): Promise<{ newest?: AnalysisRun; done?: AnalysisRun }>;
  /**
   * Claims the question for a new run, unless a run of it is already going (on any instance), or
   * one finished at or after `answeredSince` (when given): then returns null. A run still going
   * that started before `staleBefore` is taken for dead (its instance stopped) and marked failed
   * first. A run finishing meanwhile is either still going or finished here, never neither.
   */
  start(
    kind: AnalysisKind,
    question: string,
    at: Date,
    staleBefore: Date,
    answeredSince?: Date,
  ): Promise<string | null>;
  finish(id: string, result: unknown, at: Date): Promise<void>;
  fail(id: string, error: string, at: Date): Promise<void>;
  /** Forgets runs started before `before`; returns how many. */
  prune(before: Date): Promise<number>;
}

export type AnalysisAnswer<T> =
  | { status: 'ready'; result: T; computedAt: Date }
  | {
      status: 'computing';
      startedAt: Date;
      /** The last finished answer, shown while a fresh one is computed. */
      previous: { result: T; computedAt: Date } | null;
    }
  | { status: 'failed'; error: string; failedAt: Date };

export interface AnalysesOptions {
  runs: AnalysisRunStore;
  clock: Clock;
  /** An answer younger than this is served as it is (default 15 minutes). */
  freshForMs?: number;
  /** A run still marked running after this long is taken for dead (its instance stopped) and started again. */
  runTimeoutMs?: number;
  /** Runs are kept this long (default 7 days). */
  keepForMs?: number;
  onError: (error: unknown, kind: AnalysisKind, question: string) => void;
}

/**
 * Serves analyses that take seconds (a census of a million contacts, a pilot's metrics) without
 * making anyone wait on the request path: a request gets the stored answer when it is fresh;
 * otherwise it starts one computation in the background and is told to come back.
 */
export function createAnalyses(options: AnalysesOptions) {
  const { runs, clock } = options;
  const freshForMs = options.freshForMs ?? 15 * 60_000;
  const runTimeoutMs = options.runTimeoutMs ?? 30 * 60_000;
  const keepForMs = options.keepForMs ?? 7 * 86_400_000;
  const inFlight = new Map<string, Promise<unknown>>();
  // One analysis at a time per instance: each reads in short chunks, and several side by side
  // would still crowd out the requests between them on the embedded database.
  let queue: Promise<unknown> = Promise.resolve();

  /** `mustAnswer`: someone waits for the result, so compute it even when another instance has the run. */
  function run<T>(
    kind: AnalysisKind,
    question: string,
    compute: () => Promise<T>,
    mustAnswer: boolean,
    /** Skip the run when an answer finished at or after this moment (asked meanwhile elsewhere). */
    unlessAnsweredSince?: Date,
  ): Promise<T | undefined> {
    const key = `${kind}:${question}`;
    const current = inFlight.get(key);
    if (current) return current as Promise<T | undefined>;
    const started = queue
      .catch(() => {})
      .then(async () => {
        const at = clock.now();
        const id = await runs.start(
          kind,
          question,
          at,
          new Date(at.getTime() - runTimeoutMs),
          unlessAnsweredSince,
        );
        // Another instance is on it and will store it, or answered meanwhile (or a run queued
        // before this one did): compute here only for someone waiting.
        if (id === null) return mustAnswer ? compute() : undefined;
        try {
          const result = await compute();
          await runs.finish(id, result, clock.now());
          return result;
        } catch (error) {
          await runs.fail(id, error instanceof Error ? error.message : String(error), clock.now());
          throw error;
        }
      })
      .finally(() => inFlight.delete(key));
    queue = started;
    inFlight.set(key, started);
    return started;
  }

  return {
    /** Computes now and keeps the answer (the CLI, a scheduled refresh). */
    async compute<T>(kind: AnalysisKind, question: string, compute: () => Promise<T>): Promise<T> {
      return (await run(kind, question, compute, true)) as T;
    },

    /**
     * For analyses that take milliseconds (the census, read from rollups): the stored answer when
     * it is younger than `freshForMs`, otherwise computed now and stored, so that what follows
     * from it (its CSV tables) is served from the same answer.
     */
    async answerNow<T>(
      kind: AnalysisKind,
      question: string,
      compute: () => Promise<T>,
      ask: { refresh?: boolean; freshForMs: number },
    ): Promise<AnalysisAnswer<T>> {
      if (!ask.refresh) {
        const { done } = await runs.latest(kind, question);
        if (done?.finishedAt && clock.now().getTime() - done.finishedAt.getTime() < ask.freshForMs) {
          return { status: 'ready', result: done.result as T, computedAt: done.finishedAt };
        }
      }
      const result = (await run(kind, question, compute, true)) as T;
      return { status: 'ready', result, computedAt: clock.now() };
    },

    /** The stored answer when fresh; otherwise starts (at most once) a computation and says so. */
    async answer<T>(
      kind: AnalysisKind,
      question: string,
      compute: () => Promise<T>,
      ask: { refresh?: boolean } = {},
    ): Promise<AnalysisAnswer<T>> {
      const now = clock.now();
      const { newest, done } = await runs.latest(kind, question);
      const previous = done?.finishedAt ? { result: done.result as T, computedAt: done.finishedAt } : null;
      if (!ask.refresh && previous && now.getTime() - previous.computedAt.getTime() < freshForMs) {
        return { status: 'ready', ...previous };
      }
      const failedLately =
        newest?.status === 'failed' &&
        newest.finishedAt &&
        now.getTime() - newest.finishedAt.getTime() < freshForMs;
      if (!ask.refresh && failedLately) {
        return { status: 'failed', error: newest.error ?? 'failed', failedAt: newest.finishedAt as Date };
      }
      const runningElsewhere =
        newest?.status === 'running' && now.getTime() - newest.startedAt.getTime() < runTimeoutMs;
      if (runningElsewhere && !inFlight.has(`${kind}:${question}`)) {
        return { status: 'computing', startedAt: newest.startedAt, previous };
      }
      if (!inFlight.has(`${kind}:${question}`)) {
        await runs.prune(new Date(now.getTime() - keepForMs));
        run(kind, question, compute, false, ask.refresh ? undefined : now).catch((error: unknown) =>
          options.onError(error, kind, question),
        );
      }
      return {
        status: 'computing',
        startedAt: newest?.status === 'running' ? newest.startedAt : now,
        previous,
      };
    },
  };
}
