// A pilot's report for a large cohort: the demo data with 100,000 customers, a pilot that started
// eight weeks ago with all of them in its cohort (80% pilot arm, 20% control), then the report
// computed in this process (metrics, capacity, scorecard) as the CLI and the page's job do.
//
//   node bin/run-ts.mjs bench/pilot-report.ts [--customers 100000] [--interactions 1000000] [--data-dir DIR]
//
// With --data-dir the seeded data folder is kept: an empty or missing folder is seeded and its
// pilot started, a folder seeded so before is reused as it is (only the report is computed).
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { DateTime } from 'luxon';
import { composeApp } from '../app/compose.ts';
import { loadConfig } from '../app/config.ts';
import { createLogger } from '../app/logger.ts';
import { REFERENCE_ZONE } from '../core/clock.ts';
import { figureLine } from './figures.ts';
import { demoIdGenerator, seedDemoData } from '../app/seed/demo-data.ts';
import { createPostgresStores, type StorageHandle } from '../core/index.ts';
import { createPostgresBulkLoader, createPostgresInteractionLoader } from '../core/imports.ts';
import { freshTarget, openTarget, type Target } from './support.ts';
import { ms } from './load.ts';

/** What a kept data folder holds once seeded and its pilot started. */
interface SeededFolder {
  customers: number;
  interactions: number;
  seedSeconds: number;
  enrolSeconds: number;
  enrolled: number;
}

const SEEDED_FILE = 'bench-pilot-report.json';

/** A kept data folder: its earlier seed when complete, nothing when empty; a partial one is refused. */
function keptTarget(dir: string): { target: Target; seeded: SeededFolder | null } {
  mkdirSync(dir, { recursive: true });
  const target: Target = { label: 'embedded', env: { DATA_DIR: dir }, cleanup: async () => {} };
  const file = join(dir, SEEDED_FILE);
  if (existsSync(file)) return { target, seeded: JSON.parse(readFileSync(file, 'utf8')) as SeededFolder };
  if (readdirSync(dir).length > 0)
    throw new Error(`${dir} is neither empty nor a folder this bench seeded: give an empty one`);
  return { target, seeded: null };
}

export async function pilotReportFigures(options: {
  kind: 'embedded' | 'postgres';
  serverUrl?: string;
  customers: number;
  interactions: number;
  /** A data folder to keep: seeded when empty, reused when seeded before (embedded only). */
  dataDir?: string;
}): Promise<string[]> {
  const kept = options.dataDir ? keptTarget(options.dataDir) : null;
  const target = kept ? kept.target : await freshTarget(options.kind, options.serverUrl);
  try {
    const storage = await openTarget(target);
    try {
      const seedSeconds = kept?.seeded ? kept.seeded.seedSeconds : await seed(storage, options);
      const config = loadConfig({ ...process.env, DATABASE_URL: '', LOG_LEVEL: 'warn', ...target.env });
      const { pilotDesk, pilotReports, stores } = await composeApp({
        storage,
        config,
        logger: createLogger({ level: 'silent' }),
      });
      let seeded = kept?.seeded;
      if (!seeded) {
        seeded = {
          customers: options.customers,
          interactions: options.interactions,
          seedSeconds,
          ...(await startPilot(pilotDesk, stores)),
        };
        if (options.dataDir) writeFileSync(join(options.dataDir, SEEDED_FILE), JSON.stringify(seeded));
      }
      const times: number[] = [];
      for (let i = 0; i < 3; i++) {
        const t = performance.now();
        await pilotReports.compute('bench_report');
        times.push(performance.now() - t);
      }
      const best = Math.min(...times);
      const size = `${seeded.enrolled.toLocaleString('en-US')} customers`;
      return [
        figureLine({
          figure: `pilot report, a cohort of ${size}`,
          database: target.label,
          value: best / 1000,
          unit: 's',
          target: 2,
          better: 'lower',
        }),
        `pilot report [${target.label}], a cohort of ${size} (of ${seeded.customers.toLocaleString('en-US')}, ` +
          `${seeded.interactions.toLocaleString('en-US')} contacts seeded in ${seeded.seedSeconds.toFixed(0)} s, ` +
          `enrolled in ${seeded.enrolSeconds.toFixed(1)} s${kept?.seeded ? ', a kept data folder' : ''}), ` +
          `started 8 weeks ago: best of 3 ${ms(best)} (runs ${times.map(ms).join(', ')}); target < 2 s: ${best < 2000 ? 'met' : 'MISSED'}`,
      ];
    } finally {
      await storage.close();
    }
  } finally {
    await target.cleanup();
  }
}

/**
 * The demo data as `channel-pilot seed` writes it, but for the bill style pilot it then runs (its
 * arms' bills sent one by one through the billing run: projected at more than an hour at 100,000
 * customers), which this report, on the voice assistant, does not read. Resolves with its seconds.
 */
async function seed(
  storage: StorageHandle,
  options: { customers: number; interactions: number },
): Promise<number> {
  const seedStart = performance.now();
  const newId = demoIdGenerator(42);
  await seedDemoData({
    stores: createPostgresStores(storage.db, { newId }),
    bulk: createPostgresBulkLoader(storage),
    contacts: createPostgresInteractionLoader({ url: storage.url, db: storage.db, newId }),
    customers: options.customers,
    interactions: options.interactions,
    now: new Date(),
  });
  return (performance.now() - seedStart) / 1000;
}

type App = Awaited<ReturnType<typeof composeApp>>;

/** The bench's pilot, started eight weeks ago with every customer in its cohort. */
async function startPilot(
  pilotDesk: App['pilotDesk'],
  stores: App['stores'],
): Promise<{ enrolled: number; enrolSeconds: number }> {
  const today = DateTime.now().setZone(REFERENCE_ZONE).startOf('day');
  const actor = { id: null, name: 'bench' };
  // The demo's own pilots of the channel end first: a channel runs one pilot at a time.
  for (const running of await stores.pilots.pilots())
    if (running.channel === 'voice_assistant' && running.status === 'running')
      await pilotDesk.transition(running.code, 'ended', actor);
  await pilotDesk.define(
    {
      code: 'bench_report',
      name: 'Bench: the voice assistant for everyone',
      channel: 'voice_assistant',
      touchpoints: ['alexa'],
      reasons: ['bill_explanation', 'payment'],
      objectives: [{ metric: 'containment', comparison: 'at_least', threshold: 0.5 }],
      startsOn: today.minus({ weeks: 8 }).toISODate(),
      endsOn: today.plus({ weeks: 4 }).toISODate(),
      cohort: { segments: [], customerIds: [], rolloutPercent: 80, controlPercent: 20 },
      openToEveryone: false,
      closingSurvey: true,
      withinDays: 7,
      advisorShare: 1,
    } as never,
    actor,
  );
  const enrolStart = performance.now();
  const { enrolled } = await pilotDesk.transition('bench_report', 'running', actor);
  return { enrolled, enrolSeconds: (performance.now() - enrolStart) / 1000 };
}

if (import.meta.url === pathToFileURL(resolve(process.argv[1] ?? '')).href) {
  const { values } = parseArgs({
    options: {
      customers: { type: 'string', default: '100000' },
      interactions: { type: 'string', default: '1000000' },
      'data-dir': { type: 'string' },
    },
  });
  for (const line of await pilotReportFigures({
    kind: 'embedded',
    customers: Number(values.customers),
    interactions: Number(values.interactions),
    ...(values['data-dir'] ? { dataDir: resolve(values['data-dir']) } : {}),
  }))
    console.log(line);
}
