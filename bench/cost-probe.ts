// What a request costs the server process, in quantities that do not depend on how loaded the
// machine is: statements sent to the database (each one round trip on the pg driver), the
// process's CPU time, garbage collections; and the event loop's delay while it serves. Installed
// in the bench server's process (bench/alexa-server.ts with BENCH_COST=1) and read over HTTP.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { PerformanceObserver, monitorEventLoopDelay } from 'node:perf_hooks';
import type { RequestHandler } from 'express';
import pg from 'pg';

export interface CostReading {
  statements: number;
  /** Connections opened to the database (a pool's new sessions). */
  connections: number;
  /** The statements by their SQL text (first 160 characters), most frequent first. */
  byText: [string, number][];
  cpuUserMs: number;
  cpuSystemMs: number;
  gcCount: number;
  gcMs: number;
  /** Collections by kind (V8's: minor, major, incremental, weakcb), with their longest pause. */
  gcKinds: Record<string, { count: number; ms: number; maxMs: number }>;
  /** Event-loop delay since the reset, in ms (monitorEventLoopDelay at its finest resolution). */
  loopDelay: { p50: number; p99: number; max: number };
}

/**
 * Counts every query any pg client of this process sends (the pool's, LISTEN connections') and
 * answers `GET /bench/cost` with the counts since the last `?reset=1`. With `profileDir`, a CPU
 * profile of the process between two readings is written there (`1.cpuprofile`, `2.cpuprofile`, …).
 */
export function installCostProbe(profileDir?: string): RequestHandler {
  const byText = new Map<string, number>();
  let statements = 0;
  let connections = 0;
  const connect = pg.Client.prototype.connect;
  pg.Client.prototype.connect = function (this: pg.Client, ...args: unknown[]) {
    connections++;
    return (connect as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof connect;
  const query = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    statements++;
    const first = args[0] as string | { text?: string };
    const text = (typeof first === 'string' ? first : (first?.text ?? '?'))
      .replace(/\s+/g, ' ')
      .slice(0, 160);
    byText.set(text, (byText.get(text) ?? 0) + 1);
    return (query as (...a: unknown[]) => unknown).apply(this, args);
  } as typeof query;

  let gcCount = 0;
  let gcMs = 0;
  let gcKinds: CostReading['gcKinds'] = {};
  const kindNames: Record<number, string> = { 1: 'minor', 2: 'major', 4: 'incremental', 8: 'weakcb' };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gcCount++;
      gcMs += entry.duration;
      const { detail } = entry as { detail?: { kind?: number } };
      const kind = kindNames[detail?.kind ?? 0] ?? 'other';
      const seen = (gcKinds[kind] ??= { count: 0, ms: 0, maxMs: 0 });
      seen.count++;
      seen.ms += entry.duration;
      seen.maxMs = Math.max(seen.maxMs, entry.duration);
    }
  }).observe({ entryTypes: ['gc'] });
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();

  const profiler = profileDir ? new Session() : undefined;
  profiler?.connect();
  let profiles = 0;
  let profiling = false;

  let cpu = process.cpuUsage();
  const reset = async () => {
    if (profiler) {
      if (profiling) {
        const { profile } = await profiler.post('Profiler.stop');
        writeFileSync(join(profileDir as string, `${++profiles}.cpuprofile`), JSON.stringify(profile));
      } else {
        await profiler.post('Profiler.enable');
        await profiler.post('Profiler.setSamplingInterval', { interval: 200 });
      }
      await profiler.post('Profiler.start');
      profiling = true;
    }
    statements = 0;
    connections = 0;
    byText.clear();
    gcCount = 0;
    gcMs = 0;
    gcKinds = {};
    delay.reset();
    cpu = process.cpuUsage();
  };
  return async (req, res) => {
    const used = process.cpuUsage(cpu);
    const reading: CostReading = {
      statements,
      connections,
      byText: [...byText].sort((a, b) => b[1] - a[1]),
      cpuUserMs: used.user / 1000,
      cpuSystemMs: used.system / 1000,
      gcCount,
      gcMs,
      gcKinds,
      loopDelay: {
        p50: delay.percentile(50) / 1e6,
        p99: delay.percentile(99) / 1e6,
        max: delay.max / 1e6,
      },
    };
    if (req.query.reset) await reset();
    res.json(reading);
  };
}
