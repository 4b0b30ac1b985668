import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createPostgresStores, type StorageHandle, type Stores } from '../../core/index.ts';
import { createAnalyses } from '../../core/evidence.ts';
import { openTestDatabase } from '../support/database.ts';
import { systemClock } from '../../core/clock.ts';

let storage: StorageHandle;
let stores: Stores;
let now = new Date('2026-06-01T10:00:00Z');
const clock = { now: () => now };
const errors: unknown[] = [];

beforeAll(async () => {
  storage = await openTestDatabase();
  stores = createPostgresStores(storage.db, { clock });
});

afterAll(async () => {
  await storage?.close();
});

const analyses = () =>
  createAnalyses({ runs: stores.analysisRuns, clock, freshForMs: 60_000, onError: (e) => errors.push(e) });

/** A computation the test finishes when it wants. */
function gate<T>() {
  let open!: (value: T) => void;
  let fail!: (error: Error) => void;
  const done = new Promise<T>((resolve, reject) => {
    open = resolve;
    fail = reject;
  });
  let calls = 0;
  return {
    compute: () => {
      calls++;
      return done;
    },
    open,
    fail,
    calls: () => calls,
  };
}

/** Waits until no run of the question is left running in the store (the background work has landed). */
async function settled() {
  await vi.waitFor(async () => {
    const running = await storage.db
      .selectFrom('analysis_runs')
      .select('id')
      .where('status', '=', 'running')
      .where('question', '!=', 'q3')
      .execute();
    expect(running).toEqual([]);
  });
}

/** The statuses of the question's runs in the store. */
const statuses = (question: string) =>
  storage.db.selectFrom('analysis_runs').select('status').where('question', '=', question).execute();

describe('background analyses', () => {
  it('computes once however many ask, then serves the stored answer while it is fresh', async () => {
    const service = analyses();
    const work = gate<{ contacts: number }>();
    const first = await service.answer('census', 'q1', work.compute);
    const second = await service.answer('census', 'q1', work.compute);
    await vi.waitFor(() => expect(work.calls()).toBe(1));
    expect(first).toMatchObject({ status: 'computing', previous: null });
    expect(second.status).toBe('computing');
    expect(work.calls()).toBe(1);
    work.open({ contacts: 42 });
    await settled();
    expect(await service.answer('census', 'q1', work.compute)).toMatchObject({
      status: 'ready',
      result: { contacts: 42 },
    });
    // Another instance (a new service on the same store) reads the same answer.
    expect(await analyses().answer('census', 'q1', work.compute)).toMatchObject({
      status: 'ready',
      result: { contacts: 42 },
    });
    expect(work.calls()).toBe(1);
  });

  it('recomputes when the answer is stale or a refresh is asked, showing the previous answer meanwhile', async () => {
    const service = analyses();
    now = new Date(now.getTime() + 120_000);
    const work = gate<{ contacts: number }>();
    const stale = await service.answer('census', 'q1', work.compute);
    expect(stale).toMatchObject({ status: 'computing', previous: { result: { contacts: 42 } } });
    await vi.waitFor(() => expect(work.calls()).toBe(1));
    work.open({ contacts: 43 });
    await settled();
    expect(await service.answer('census', 'q1', work.compute)).toMatchObject({
      status: 'ready',
      result: { contacts: 43 },
    });
    const again = gate<{ contacts: number }>();
    expect((await service.answer('census', 'q1', again.compute, { refresh: true })).status).toBe('computing');
    await vi.waitFor(() => expect(again.calls()).toBe(1));
    expect(again.calls()).toBe(1);
    again.open({ contacts: 44 });
    await settled();
  });

  it('reports a failed computation, logs it, and tries again on refresh', async () => {
    const service = analyses();
    const work = gate<number>();
    await service.answer('pilot_metrics', 'q2', work.compute);
    await vi.waitFor(() => expect(work.calls()).toBe(1));
    work.fail(new Error('the database went away'));
    await settled();
    expect(await service.answer('pilot_metrics', 'q2', work.compute)).toMatchObject({
      status: 'failed',
      error: 'the database went away',
    });
    expect(errors).toHaveLength(1);
    const retry = gate<number>();
    expect((await service.answer('pilot_metrics', 'q2', retry.compute, { refresh: true })).status).toBe(
      'computing',
    );
    await vi.waitFor(() => expect(retry.calls()).toBe(1));
    retry.open(7);
    await settled();
    expect(await service.answer('pilot_metrics', 'q2', retry.compute)).toMatchObject({
      status: 'ready',
      result: 7,
    });
  });

  it('takes a run another instance left unfinished for dead after the timeout', async () => {
    const id = await stores.analysisRuns.start('census', 'q3', now, new Date(0));
    expect(id).toBeTruthy();
    const service = createAnalyses({
      runs: stores.analysisRuns,
      clock,
      runTimeoutMs: 60_000,
      onError: () => {},
    });
    const work = gate<number>();
    expect(await service.answer('census', 'q3', work.compute)).toMatchObject({ status: 'computing' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(work.calls()).toBe(0);
    now = new Date(now.getTime() + 61_000);
    await service.answer('census', 'q3', work.compute);
    await vi.waitFor(() => expect(work.calls()).toBe(1));
    work.open(1);
    await vi.waitFor(async () =>
      expect((await service.answer('census', 'q3', work.compute)).status).toBe('ready'),
    );
  });

  it('lets one instance run a question while another asking at the same time waits for its answer', async () => {
    const [a, b] = [analyses(), analyses()];
    const first = gate<number>();
    const second = gate<number>();
    await Promise.all([a.answer('census', 'q4', first.compute), b.answer('census', 'q4', second.compute)]);
    await vi.waitFor(() => expect(first.calls() + second.calls()).toBe(1));
    first.open(4);
    second.open(4);
    await vi.waitFor(async () =>
      expect((await b.answer('census', 'q4', second.compute)).status).toBe('ready'),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(first.calls() + second.calls()).toBe(1);
  });

  it('starts no second run of a question while its run is finishing: the answer is waited for and seen', async () => {
    const id = (await stores.analysisRuns.start('census', 'q7', now, new Date(0)))!;
    let updated!: () => void;
    const isUpdated = new Promise<void>((resolve) => (updated = resolve));
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    // The first run's instance stores its answer, and has not committed yet.
    const finishing = storage.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('analysis_runs')
        .set({ status: 'done', finished_at: now, result: JSON.stringify(7) })
        .where('id', '=', id)
        .execute();
      updated();
      await held;
    });
    await isUpdated;
    const second = stores.analysisRuns.start('census', 'q7', now, new Date(0), now);
    await new Promise((resolve) => setTimeout(resolve, 100));
    release();
    await finishing;
    expect(await second).toBeNull();
    expect(await statuses('q7')).toEqual([{ status: 'done' }]);
  });

  it('on the real clock, computes once for two instances asking together, and serves the stored answer after', async () => {
    const live = () =>
      createAnalyses({ runs: stores.analysisRuns, clock: systemClock, onError: (e) => errors.push(e) });
    const [a, b] = [live(), live()];
    const work = gate<number>();
    const asked = await Promise.all([
      a.answer('census', 'q8', work.compute),
      b.answer('census', 'q8', work.compute),
    ]);
    expect(asked.map((answer) => answer.status)).toEqual(['computing', 'computing']);
    await vi.waitFor(() => expect(work.calls()).toBe(1));
    work.open(8);
    await vi.waitFor(async () => expect((await b.answer('census', 'q8', work.compute)).status).toBe('ready'));
    const answer = await live().answer('census', 'q8', work.compute);
    expect(answer).toMatchObject({ status: 'ready', result: 8 });
    // Stamped by the real clock when the run finished: moments ago.
    const computedAt = (answer as { computedAt: Date }).computedAt.getTime();
    expect(Date.now() - computedAt).toBeGreaterThanOrEqual(0);
    expect(Date.now() - computedAt).toBeLessThan(60_000);
    expect(await statuses('q8')).toEqual([{ status: 'done' }]);
    expect(work.calls()).toBe(1);
  });

  it('runs one analysis at a time on an instance, the next when the first is done', async () => {
    const service = analyses();
    const first = gate<number>();
    const second = gate<number>();
    await service.answer('census', 'q5', first.compute);
    await service.answer('census', 'q6', second.compute);
    await vi.waitFor(() => expect(first.calls()).toBe(1));
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(second.calls()).toBe(0);
    first.open(5);
    await vi.waitFor(() => expect(second.calls()).toBe(1));
    second.open(6);
    await vi.waitFor(async () =>
      expect((await service.answer('census', 'q6', second.compute)).status).toBe('ready'),
    );
  });
});
