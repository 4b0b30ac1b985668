// How long `channel-pilot seed` takes for a large demo: the default 3,000 customers and
// 1,000,000 contacts, on the embedded database in a temporary folder (or on the PostgreSQL
// server named by DATABASE_URL, in whatever database it points at: use an empty one).
//
//   node bin/run-ts.mjs bench/seed.ts [--interactions 1000000] [--customers 3000]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createPostgresStores, openDatabase } from '../core/index.ts';
import { createPostgresBulkLoader, type BulkLoader } from '../core/storage/postgres-bulk-loader.ts';
import { createPostgresInteractionLoader } from '../core/storage/postgres-interaction-loader.ts';
import { seedDemoData } from '../app/seed/demo-data.ts';
import { figureLine } from './figures.ts';

const { values } = parseArgs({
  options: {
    interactions: { type: 'string', default: '1000000' },
    customers: { type: 'string', default: '3000' },
  },
});
const interactions = Number(values.interactions);
const customers = Number(values.customers);

const url = process.env.DATABASE_URL;
const dataDir = url ? null : mkdtempSync(join(tmpdir(), 'channel-pilot-seed-bench-'));
const handle = await openDatabase(
  dataDir ? { kind: 'embedded', dataDir } : { kind: 'postgres', url: url as string },
);
const phases = new Map<string, { start: number; end: number }>();
// The bills phase is the bills' and payments' generation and their writes: the writes are timed apart.
const loader = createPostgresBulkLoader(handle);
const writing = { customers: 0, bills: 0, payments: 0, analyze: 0 };
function timed<K extends keyof BulkLoader>(method: K): BulkLoader[K] {
  return (async (rows?: never) => {
    const start = performance.now();
    try {
      return await (loader[method] as (rows?: never) => Promise<number | void>)(rows);
    } finally {
      writing[method] += performance.now() - start;
    }
  }) as BulkLoader[K];
}
const started = performance.now();
try {
  const summary = await seedDemoData({
    stores: createPostgresStores(handle.db),
    bulk: {
      customers: timed('customers'),
      bills: timed('bills'),
      payments: timed('payments'),
      analyze: timed('analyze'),
    },
    contacts: createPostgresInteractionLoader({ url: handle.url, db: handle.db }),
    customers,
    interactions,
    now: new Date(),
    onProgress(phase) {
      const at = performance.now();
      const seen = phases.get(phase);
      if (seen) seen.end = at;
      else phases.set(phase, { start: at, end: at });
    },
  });
  const seconds = (performance.now() - started) / 1000;
  if (summary.skipped)
    throw new Error('the database already holds customers: point DATABASE_URL at an empty one');
  console.log(
    figureLine({
      figure: `seed, ${summary.interactions.toLocaleString('en-US')} contacts (target: 1,000,000 in 30 s)`,
      database: handle.kind,
      value: Math.round(summary.interactions / seconds),
      unit: 'rows/s',
      target: Math.round(1_000_000 / 30),
      better: 'higher',
    }),
  );
  console.log(
    `seed: ${summary.interactions} interactions in ${seconds.toFixed(1)} s (${Math.round(summary.interactions / seconds)} rows/s)`,
  );
  console.log(
    `  on ${handle.kind}: ${summary.customers} customers, ${summary.accounts} accounts, ${summary.bills} bills, ` +
      `${summary.payments} payments, ${summary.advisors} advisors`,
  );
  for (const [phase, { start, end }] of phases) {
    const rows =
      phase === 'interactions'
        ? ` (${Math.round(summary.interactions / ((end - start) / 1000))} rows/s)`
        : '';
    console.log(`  ${phase.padEnd(12)} ${((end - start) / 1000).toFixed(1).padStart(7)} s${rows}`);
  }
  const written = (ms: number, rows: number) =>
    `${(ms / 1000).toFixed(1)} s (${Math.round(rows / (ms / 1000))} rows/s)`;
  console.log(
    `  written by the bulk loader: customers ${written(writing.customers, summary.customers)}, ` +
      `bills ${written(writing.bills, summary.bills)}, payments ${written(writing.payments, summary.payments)}; ` +
      `their statistics ${(writing.analyze / 1000).toFixed(1)} s`,
  );
} finally {
  await handle.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}
