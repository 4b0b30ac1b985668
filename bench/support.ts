import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createScratchDatabase } from '../test/support/database.ts';
import { openDatabase, type StorageHandle } from '../core/index.ts';

export { login, printedCredentials, startApp } from '../test/support/app-process.ts';

export interface Target {
  label: 'embedded' | 'postgres';
  env: Record<string, string>;
  cleanup: () => Promise<void>;
}

/** A fresh embedded data folder, or a fresh database on the server at `serverUrl`. */
export async function freshTarget(kind: 'embedded' | 'postgres', serverUrl?: string): Promise<Target> {
  if (kind === 'embedded') {
    const dir = mkdtempSync(join(tmpdir(), 'channel-pilot-bench-'));
    return {
      label: 'embedded',
      env: { DATA_DIR: dir },
      cleanup: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  if (!serverUrl) throw new Error('no PostgreSQL server URL');
  const scratch = await createScratchDatabase(serverUrl, 'channel_pilot_bench');
  return { label: 'postgres', env: { DATABASE_URL: scratch.url }, cleanup: scratch.drop };
}

/** Opens a target's database in this process. */
export function openTarget(target: Target): Promise<StorageHandle> {
  return openDatabase(
    target.env.DATABASE_URL
      ? { kind: 'postgres', url: target.env.DATABASE_URL, poolSize: 10 }
      : { kind: 'embedded', dataDir: target.env.DATA_DIR as string },
  );
}

/**
 * Sends requests at a fixed rate (open loop: each is scheduled on the clock, not after the
 * previous one answers, so a slow server cannot hide its queue) and returns each latency,
 * measured from its scheduled time.
 */
export async function fixedRate(options: {
  rate: number;
  seconds: number;
  request: (i: number) => Promise<Response>;
}): Promise<{ latencies: number[]; errors: number }> {
  const total = Math.round(options.rate * options.seconds);
  const interval = 1000 / options.rate;
  const start = performance.now();
  const latencies: number[] = [];
  let errors = 0;
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const scheduled = start + i * interval;
    const wait = scheduled - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inFlight.push(
      options.request(i).then(
        async (res) => {
          await res.arrayBuffer();
          if (res.status !== 200) errors++;
          latencies.push(performance.now() - scheduled);
        },
        () => {
          errors++;
        },
      ),
    );
  }
  await Promise.all(inFlight);
  return { latencies, errors };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

export const ms = (n: number) => `${n.toFixed(1)} ms`;
