// A pilot's report for a large cohort: the demo data with 100,000 customers, a pilot that started
// eight weeks ago with all of them in its cohort (80% pilot arm, 20% control), then the report
// computed in this process (metrics, capacity, scorecard) as the CLI and the page's job do.
//
//   node bin/run-ts.mjs bench/pilot-report.ts [--customers 100000] [--interactions 1000000]
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { DateTime } from 'luxon';
import { composeApp } from '../app/compose.ts';
import { loadConfig } from '../app/config.ts';
import { createLogger } from '../app/logger.ts';
import { REFERENCE_ZONE } from '../core/clock.ts';
import { figureLine } from './figures.ts';
import { demoIdGenerator, seedDemoData } from '../app/seed/demo-data.ts';
import { createPostgresStores } from '../core/index.ts';
import { createPostgresBulkLoader, createPostgresInteractionLoader } from '../core/imports.ts';
import { freshTarget, ms, openTarget } from './support.ts';

export async function pilotReportFigures(options: {
  kind: 'embedded' | 'postgres';
  serverUrl?: string;
  customers: number;
  interactions: number;
}): Promise<string[]> {
  const target = await freshTarget(options.kind, options.serverUrl);
  try {
    const storage = await openTarget(target);
    try {
      // The demo data as `channel-pilot seed` writes it, but for the bill style pilot it then runs
      // (its arms' bills sent one by one through the billing run: projected at more than an hour
      // at 100,000 customers), which this report, on the voice assistant, does not read.
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
      const seedSeconds = (performance.now() - seedStart) / 1000;
      const config = loadConfig({ ...process.env, DATABASE_URL: '', LOG_LEVEL: 'warn', ...target.env });
      const { pilotDesk, pilotReports, stores } = await composeApp({
        storage,
        config,
        logger: createLogger({ level: 'silent' }),
      });
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
      const enrolSeconds = (performance.now() - enrolStart) / 1000;
      const times: number[] = [];
      for (let i = 0; i < 3; i++) {
        const t = performance.now();
        await pilotReports.compute('bench_report');
        times.push(performance.now() - t);
      }
      const best = Math.min(...times);
      const size = `${enrolled.toLocaleString('en-US')} customers`;
      return [
        figureLine({
          figure: `pilot report, a cohort of ${size}`,
          database: target.label,
          value: best / 1000,
          unit: 's',
          target: 2,
          better: 'lower',
        }),
        `pilot report [${target.label}], a cohort of ${size} (of ${options.customers.toLocaleString('en-US')}, ` +
          `${options.interactions.toLocaleString('en-US')} contacts seeded in ${seedSeconds.toFixed(0)} s, enrolled in ${enrolSeconds.toFixed(1)} s), ` +
          `started 8 weeks ago: best of 3 ${ms(best)} (runs ${times.map(ms).join(', ')}); target < 2 s: ${best < 2000 ? 'met' : 'MISSED'}`,
      ];
    } finally {
      await storage.close();
    }
  } finally {
    await target.cleanup();
  }
}

if (import.meta.url === pathToFileURL(resolve(process.argv[1] ?? '')).href) {
  const { values } = parseArgs({
    options: {
      customers: { type: 'string', default: '100000' },
      interactions: { type: 'string', default: '1000000' },
    },
  });
  for (const line of await pilotReportFigures({
    kind: 'embedded',
    customers: Number(values.customers),
    interactions: Number(values.interactions),
  }))
    console.log(line);
}
