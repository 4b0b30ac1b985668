// The census of a year of contacts: its wall time beside one plain `group by channel` over the
// same table, and (embedded only) what a census running inside the app does to /alexa's
// latency, beside /alexa without one in the same run, then what an import of as many contacts
// into the same log (the real CLI) does on top of it.
//
//   node bin/run-ts.mjs bench/census.ts [--rows 1000000] [--postgres URL]
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { DateTime } from 'luxon';
import { REFERENCE_ZONE } from '../core/clock.ts';
import { createPostgresStores } from '../core/index.ts';
import { createPostgresCensusSource } from '../core/storage/postgres-census.ts';
import { figureLine } from './figures.ts';
import { random, writeContacts } from './contact-files.ts';
import { freshTarget, login, openTarget, seedTarget, startAlexaBenchServer } from './support.ts';
import { fixedRate, ms, percentile } from './load.ts';
import { BENCH_METRICS_TOKEN, turnLogWaitsFrom } from './turn-log-delays.ts';

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const MANAGER = { username: 'bench-manager', password: 'bench-manager-password' };
const WARM_UP_SECONDS = 5;

type CensusAnswer =
  | { status: 'ready'; computedAt: string; result: { totals: { contacts: number } } }
  | { status: 'computing'; startedAt: string }
  | { status: 'failed'; error: string };

export async function censusFigures(options: {
  kind: 'embedded' | 'postgres';
  serverUrl?: string;
  rows?: number;
  /** /alexa load while a census runs (embedded only). */
  rate?: number;
  seconds?: number;
}): Promise<string[]> {
  const rows = options.rows ?? 1_000_000;
  const rate = options.rate ?? 200;
  const seconds = options.seconds ?? 20;
  const target = await freshTarget(options.kind, options.serverUrl);
  const label = `census [${target.label}]`;
  const lines: string[] = [];
  try {
    const seedStart = performance.now();
    await seedTarget(target, { customers: 3000, interactions: rows });
    const seedSeconds = (performance.now() - seedStart) / 1000;

    const today = DateTime.now().setZone(REFERENCE_ZONE).startOf('day');
    const filter = {
      from: today.minus({ years: 1 }).toISODate() as string,
      to: today.minus({ days: 1 }).toISODate() as string,
      withinDays: 7,
    };

    const storage = await openTarget(target);
    let censusSeconds: number;
    let customerIds: string[] = [];
    try {
      const baseStart = performance.now();
      const byChannel = await sql<{ channel: string; n: number }>`
        select channel, count(*)::int as n from interactions group by channel`.execute(storage.db);
      const baselineMs = performance.now() - baseStart;
      const tableRows = byChannel.rows.reduce((sum, r) => sum + r.n, 0);

      const source = createPostgresCensusSource(storage.db);
      const censusStart = performance.now();
      const census = await source.compute(filter);
      censusSeconds = (performance.now() - censusStart) / 1000;

      // One day (yesterday), best of three: what a page asks for most.
      const day = { from: filter.to, to: filter.to, withinDays: 7 };
      const dayMs: number[] = [];
      for (let i = 0; i < 3; i++) {
        const t = performance.now();
        await source.compute(day);
        dayMs.push(performance.now() - t);
      }
      const bestDay = Math.min(...dayMs);
      lines.push(
        figureLine({
          figure: `census of one day, ${int(rows)} contacts of the demo`,
          database: target.label,
          value: bestDay,
          unit: 'ms',
          target: 100,
          better: 'lower',
        }),
        `${label} census of one day (${day.from}), best of 3: ${ms(bestDay)} (target < 100 ms: ${bestDay < 100 ? 'met' : 'MISSED'})`,
      );
      lines.push(
        `${label} ${int(tableRows)} interactions of 3,000 customers (seeded in ${seedSeconds.toFixed(1)} s), ` +
          `${filter.from} – ${filter.to}, within 7 days: ${censusSeconds.toFixed(1)} s, ${int(tableRows / censusSeconds)} rows/s; ` +
          `${int(census.totals.contacts)} contacts counted`,
        `  baseline, one plain select channel, count(*) from interactions group by channel, same table: ` +
          `${ms(baselineMs)}; the census takes ×${((censusSeconds * 1000) / baselineMs).toFixed(1)}`,
      );
      // The app's census is asked for over HTTP, as a pilot manager.
      if (options.kind === 'embedded') {
        await createPostgresStores(storage.db).staff.addUser({
          ...MANAGER,
          displayName: 'Bench pilot manager',
          role: 'pilot_manager',
        });
        customerIds = (await storage.db.selectFrom('customers').select('id').execute()).map((c) => c.id);
      }
    } finally {
      await storage.close();
    }
    if (options.kind === 'embedded') {
      try {
        lines.push(...(await alexaUnderCensus({ target, filter, rate, seconds, rows, customerIds })));
      } catch (error) {
        // Said in the results rather than thrown, so that the figures above are not lost.
        lines.push(`/alexa [embedded] while a census runs: FAILED, ${String(error)}`);
      }
    }
    return lines;
  } finally {
    await target.cleanup();
  }
}

/**
 * /alexa at `rate` for `seconds` with no census; again while censuses run back to back in the app;
 * and again while, beside the censuses, the CLI imports a CSV of `rows` more contacts into the same
 * log.
 */
async function alexaUnderCensus(options: {
  target: Awaited<ReturnType<typeof freshTarget>>;
  filter: { from: string; to: string; withinDays: number };
  rate: number;
  seconds: number;
  rows: number;
  customerIds: string[];
}): Promise<string[]> {
  const { rate, seconds } = options;
  const env = {
    ...process.env,
    DATABASE_URL: '',
    LOG_LEVEL: 'warn',
    METRICS_TOKEN: BENCH_METRICS_TOKEN,
    ...options.target.env,
  };
  // Written before the app starts, so that writing it does not share the windows.
  const dir = mkdtempSync(join(tmpdir(), 'channel-pilot-bench-census-'));
  const file = join(dir, 'contacts.csv');
  await writeContacts(file, options.rows, options.customerIds, random(7));
  const server = await startAlexaBenchServer(env, 400);
  let importer: ChildProcess | undefined;
  /** Stops the unmeasured traffic between windows (steadyTraffic below), when it runs. */
  let stopTraffic: (() => Promise<void>) | undefined;
  try {
    const cookie = await login(server.baseUrl, MANAGER.username, MANAGER.password);
    const query = new URLSearchParams({
      from: options.filter.from,
      to: options.filter.to,
      withinDays: String(options.filter.withinDays),
    });
    const ask = async (refresh: boolean): Promise<CensusAnswer> => {
      // Computing again is a POST with the filter; reading the answer a GET.
      const url = refresh ? `${server.baseUrl}/api/census/refresh` : `${server.baseUrl}/api/census?${query}`;
      const init: RequestInit = refresh
        ? {
            method: 'POST',
            headers: { cookie, 'content-type': 'application/json' },
            body: JSON.stringify(options.filter),
          }
        : { headers: { cookie } };
      // A kept-alive socket the server closes as it is reused fails the fetch: asking again is harmless.
      for (let attempt = 1; ; attempt++) {
        try {
          const res = await fetch(url, { ...init, signal: AbortSignal.timeout(300_000) });
          if (res.status !== 200) throw new Error(`${url}: ${res.status} ${await res.text()}`);
          return (await res.json()) as CensusAnswer;
        } catch (error) {
          if (!(error instanceof TypeError) || attempt === 3) throw error;
        }
      }
    };
    /** Asks the app for a census computed afresh (it answers once it has it), timed by the client. */
    const oneCensus = async (): Promise<{ startedAt: number; finishedAt: number }> => {
      const startedAt = Date.now();
      const answer = await ask(true);
      if (answer.status !== 'ready') throw new Error(`census did not finish: ${JSON.stringify(answer)}`);
      return { startedAt, finishedAt: Date.now() };
    };
    const total = Math.round(rate * seconds);
    // Warm up at the same rate (JIT, the database's caches), unmeasured, so that the first measured window is not the cold one.
    const warm = await server.sign(Math.round(rate * WARM_UP_SECONDS));
    await fixedRate({ rate, seconds: WARM_UP_SECONDS, request: (i) => server.post('/alexa', warm[i]!) });

    /**
     * Unmeasured traffic at the same rate until the returned function is called: between windows
     * (while the next one's requests are signed, while the import gets under way) the app keeps
     * answering, as a service under this load does. A window that opened on an app idle for the
     * 40-odd seconds an import takes to start storing had 34 of its 40 slowest answers in its
     * first second. It replays one second of requests, signed again within Alexa's 150 s.
     */
    const steadyTraffic = () => {
      let running = true;
      const sent = (async () => {
        let pool = await server.sign(rate);
        let signedAt = Date.now();
        while (running) {
          if (Date.now() - signedAt > 100_000) [pool, signedAt] = [await server.sign(rate), Date.now()];
          await fixedRate({ rate, seconds: 1, request: (i) => server.post('/alexa', pool[i]!) });
        }
      })();
      return async () => {
        running = false;
        await sent;
      };
    };

    stopTraffic = steadyTraffic();
    const quiet = await server.sign(total);
    await stopTraffic();
    stopTraffic = undefined;
    const quietLoad = loadavg()[0] as number;
    const quietWaits = await turnLogWaitsFrom(server.baseUrl);
    const alone = await fixedRate({ rate, seconds, request: (i) => server.post('/alexa', quiet[i]!) });
    const aloneDelays = await quietWaits();

    /**
     * A window of /alexa while censuses run back to back (each ends, the next starts at the next
     * poll); the steady traffic runs until then.
     */
    const whileCensusesRun = async () => {
      stopTraffic ??= steadyTraffic();
      const signed = await server.sign(total);
      const runs: { startedAt: number; finishedAt: number }[] = [];
      let loading = true;
      const keeper = (async () => {
        do runs.push(await oneCensus());
        while (loading);
      })();
      keeper.catch(() => {}); // awaited below, after the window
      await new Promise((r) => setTimeout(r, 500)); // the census is under way, past its first chunks
      await stopTraffic();
      stopTraffic = undefined;
      const windowStart = Date.now();
      const load = loadavg()[0] as number;
      const waits = await turnLogWaitsFrom(server.baseUrl);
      const measured = await fixedRate({ rate, seconds, request: (i) => server.post('/alexa', signed[i]!) });
      const windowEnd = Date.now();
      const delays = await waits();
      loading = false;
      await keeper;
      const covered = runs.reduce(
        (sum, r) => sum + Math.max(0, Math.min(r.finishedAt, windowEnd) - Math.max(r.startedAt, windowStart)),
        0,
      );
      return {
        measured,
        load,
        delays,
        censuses:
          `${runs.length} run(s) of ${runs.map((r) => ((r.finishedAt - r.startedAt) / 1000).toFixed(1)).join(', ')} s, ` +
          `covering ${((covered / (windowEnd - windowStart)) * 100).toFixed(0)}% of the window`,
      };
    };
    const during = await whileCensusesRun();

    // The CLI imports into the app's database (it connects to the server the app started). Into a
    // log that holds contacts it stages the file, then stores it a few hundred customers at a time;
    // the window opens once the first of those is stored, and the import is stopped after the
    // window: how far it got is said.
    stopTraffic = steadyTraffic();
    const importStart = performance.now();
    const cli = spawn(
      process.execPath,
      ['bin/channel-pilot.mjs', 'import', 'interactions', file, '--source', 'bench_live'],
      // In a session of its own, as an operator's shell is (see startAlexaBenchServer).
      { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    importer = cli;
    let importOutput = '';
    cli.stdout.on('data', (chunk: Buffer) => (importOutput += chunk.toString()));
    cli.stderr.on('data', (chunk: Buffer) => (importOutput += chunk.toString()));
    const importRun = async () => {
      const res = await fetch(`${server.baseUrl}/api/imports?limit=5`, { headers: { cookie } });
      const runs = (await res.json()) as { source: string; summary: { imported: number } | null }[];
      return runs.find((r) => r.source === 'bench_live');
    };
    for (;;) {
      if (cli.exitCode !== null) throw new Error(`the import ended before the window:\n${importOutput}`);
      if (((await importRun())?.summary?.imported ?? 0) > 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const underWay = (performance.now() - importStart) / 1000;
    const importing = await whileCensusesRun();
    const after = await importRun();
    const importSeconds = (performance.now() - importStart) / 1000;
    const imported = after?.summary?.imported ?? 0;
    const stillRunning = cli.exitCode === null;
    if (!stillRunning && (cli.exitCode !== 0 || !importOutput.includes(`${options.rows} imported`)))
      throw new Error(`the import beside /alexa failed:\n${importOutput}`);

    const [a50, a99, c50, c99, i50, i99] = [alone, during.measured, importing.measured].flatMap((m) => [
      percentile(m.latencies, 50),
      percentile(m.latencies, 99),
    ]) as [number, number, number, number, number, number];
    const at = `at ${rate} req/s for ${seconds} s, ${server.users.length} linked users, intent mix`;
    // Other work on the machine shows in tail latencies: say how busy it was.
    const load = (l: number) => `load average ${l.toFixed(1)} on ${cpus().length} CPUs`;
    const met = (p99: number) => (p99 < 50 ? 'met' : 'MISSED');
    return [
      figureLine({
        figure: `POST /alexa at ${rate} req/s while censuses run, p99`,
        database: 'embedded',
        value: c99,
        unit: 'ms',
        target: 50,
        better: 'lower',
      }),
      figureLine({
        figure: `POST /alexa at ${rate} req/s while an import of ${int(options.rows)} contacts and censuses run, p99`,
        database: 'embedded',
        value: i99,
        unit: 'ms',
        target: 50,
        better: 'lower',
      }),
      `/alexa [embedded] while a census runs in the same app process and database, ${at}: ` +
        `p50 ${ms(c50)}, p99 ${ms(c99)}, errors ${during.measured.errors}/${total} (target p99 < 50 ms: ${met(c99)}; ${load(during.load)})`,
      `  the same without a census, same server: p50 ${ms(a50)}, p99 ${ms(a99)}, errors ${alone.errors}/${total} (${load(quietLoad)}); ` +
        `ratio p50 ×${(c50 / a50).toFixed(1)}, p99 ×${(c99 / a99).toFixed(1)}`,
      `  the turn log without a census: ${aloneDelays}; with censuses: ${during.delays}`,
      `  census under load (POST /api/census/refresh, by the app's timestamps): ${during.censuses}`,
      `/alexa [embedded] while the CLI imports ${int(options.rows)} more contacts into the same log and censuses run, ${at}: ` +
        `p50 ${ms(i50)}, p99 ${ms(i99)}, errors ${importing.measured.errors}/${total} (target p99 < 50 ms: ${met(i99)}; ${load(importing.load)})`,
      `  the import: its first customers stored after ${underWay.toFixed(1)} s, then the window; ` +
        `${int(imported)} of ${int(options.rows)} contacts stored after ${importSeconds.toFixed(1)} s` +
        `${stillRunning ? ' (the import was then stopped)' : ', every one'}; censuses ${importing.censuses}`,
      `  the turn log beside the import: ${importing.delays}`,
    ];
  } finally {
    await stopTraffic?.();
    if (importer?.exitCode === null) importer.kill();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const { values } = parseArgs({
    options: { rows: { type: 'string', default: '1000000' }, postgres: { type: 'string' } },
  });
  const lines = await censusFigures({
    kind: values.postgres ? 'postgres' : 'embedded',
    rows: Number(values.rows),
    ...(values.postgres ? { serverUrl: values.postgres } : {}),
  });
  for (const line of lines) console.log(line);
}
