// Where a request's time goes, in quantities a loaded machine does not change much: per request,
// the statements sent to the database, the app's CPU time, the embedded PostgreSQL server's CPU
// time and the app's garbage collections, over N requests sent one after another; then the app's
// event-loop delay while /alexa is sent at 200 requests/s and the context at 50 requests/s.
//   node bin/run-ts.mjs bench/request-cost.ts [--requests 400] [--customers 500] [--interactions 20000] [--statements]
// --statements also prints each route's statements by their SQL text.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { CostReading } from './cost-probe.ts';
import {
  freshTarget,
  login,
  printedCredentials,
  processCpuMs,
  seedTarget,
  settled,
  startAlexaBenchServer,
} from './support.ts';
import { fixedRate, ms, percentile, send, type Answer } from './load.ts';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '400' },
    customers: { type: 'string', default: '500' },
    interactions: { type: 'string', default: '20000' },
    statements: { type: 'boolean', default: false },
    /** Runs only the scenarios whose name contains one of these words (comma-separated). */
    only: { type: 'string' },
    /** Leaves out the fixed-rate runs. */
    'no-load': { type: 'boolean', default: false },
  },
});
const requests = Number(values.requests);

/**
 * CPU milliseconds (user + system) of the embedded PostgreSQL server's sessions of the app's
 * database, by process: the postmaster's children whose title names the database (autovacuum,
 * the checkpointer and the other background processes are left out).
 */
function backendCpuMs(dataDir: string): Map<number, number> {
  const postmaster = Number(readFileSync(join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
  const used = new Map<number, number>();
  const children = readFileSync(`/proc/${postmaster}/task/${postmaster}/children`, 'utf8')
    .trim()
    .split(/\s+/);
  for (const pid of children.filter(Boolean).map(Number)) {
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(' channel_pilot ')) continue;
      used.set(pid, processCpuMs(pid));
    } catch {
      // a session that ended meanwhile
    }
  }
  return used;
}

/** What the sessions used between two readings (a session that ended in between is not counted). */
function cpuBetween(before: Map<number, number>, after: Map<number, number>): number {
  let total = 0;
  for (const [pid, ms] of after) total += ms - (before.get(pid) ?? 0);
  return total;
}

const target = await freshTarget('embedded');
try {
  const seeded = await seedTarget(target, {
    customers: Number(values.customers),
    interactions: Number(values.interactions),
  });
  const server = await startAlexaBenchServer(
    { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'warn', BENCH_COST: '1', ...target.env },
    400,
  );
  try {
    await settled(server.pid);
    const cookie = await login(server.baseUrl, 'advisor', printedCredentials(seeded).advisor ?? '');
    const get = (path: string) => send(`${server.baseUrl}${path}`, { headers: { cookie } });
    const page = JSON.parse((await get('/api/customers?limit=200')).body) as { items: { id: string }[] };
    const ids = page.items.map((c) => c.id);
    // Alexa accepts a request for 150 s after it was signed: signed again before each run.
    let signed = await server.sign(requests * 8 + 50);
    const intentOf = (i: number) => {
      const request = (
        JSON.parse(signed[i]!.body) as { request: { type: string; intent?: { name: string } } }
      ).request;
      return request.intent?.name ?? request.type;
    };
    const cost = async () => JSON.parse((await get('/bench/cost?reset=1')).body) as CostReading;

    // Warm up: connections, caches, the JIT.
    for (let i = 0; i < 50; i++) await server.post('/alexa', signed[requests * 8 + i]!);
    for (const id of ids.slice(0, 20)) await get(`/api/customers/${id}/context`);

    const scenarios: [string, (i: number) => Promise<Answer>][] = [
      ['POST /bench/fixed (bare Express)', (i) => server.post('/bench/fixed', signed[i]!)],
      ['GET /healthz', () => get('/healthz')],
      ['GET /api/customers/:id/context', (i) => get(`/api/customers/${ids[i % ids.length]}/context`)],
      ['POST /alexa, intent mix', (i) => server.post('/alexa', signed[i]!)],
    ];
    // Each intent of the mix on its own: signed[j * 8 + k] is the mix's k-th intent.
    for (let k = 0; k < 8; k++) {
      scenarios.push([`POST /alexa, ${intentOf(k)} #${k}`, (i) => server.post('/alexa', signed[i * 8 + k]!)]);
    }
    console.log(
      `request cost, embedded, ${values.customers} customers, ${values.interactions} contacts, ${requests} sequential requests each, ${new Date().toISOString()}`,
    );
    console.log(
      'per request: statements | connections opened | app CPU ms | PostgreSQL CPU ms | GCs | wall ms (load-dependent)',
    );
    const picked = scenarios.filter(
      ([name]) => !values.only || values.only.split(',').some((word) => name.includes(word)),
    );
    for (const [name, request] of picked) {
      signed = await server.sign(requests * 8);
      await cost();
      const pgBefore = backendCpuMs(target.env.DATA_DIR as string);
      const started = performance.now();
      for (let i = 0; i < requests; i++) {
        const res = await request(i);
        if (res.status !== 200) throw new Error(`${name}: ${res.status}`);
      }
      const wall = performance.now() - started;
      // The turn log writes within 50 ms of a turn: its statements belong to the turns.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const reading = await cost();
      const pgMs = cpuBetween(pgBefore, backendCpuMs(target.env.DATA_DIR as string));
      const per = (n: number) => (n / requests).toFixed(2);
      console.log(
        `  ${name.padEnd(44)} ${per(reading.statements).padStart(6)} | ${per(reading.connections).padStart(5)} | ${per(reading.cpuUserMs + reading.cpuSystemMs).padStart(6)} | ${per(pgMs).padStart(6)} | ${per(reading.gcCount).padStart(5)} | ${per(wall).padStart(6)}`,
      );
      if (values.statements) {
        for (const [text, n] of reading.byText) console.log(`      ${per(n).padStart(6)}  ${text}`);
      }
    }

    // The event loop while the figures' loads run (under a loaded machine, its own delays are in it).
    for (const [name, rate, load] of [
      ['POST /alexa at 200 req/s', 200, (i: number) => server.post('/alexa', signed[i % (requests * 8)]!)],
      ['GET context at 50 req/s', 50, (i: number) => get(`/api/customers/${ids[i % ids.length]}/context`)],
    ] as const) {
      if (values['no-load']) break;
      signed = await server.sign(requests * 8);
      // As in `npm run bench`: the bare route first, at the same rate (no database use for 12 s).
      await fixedRate({ rate, seconds: 12, request: () => get('/healthz') });
      await cost();
      const run = await fixedRate({ rate, seconds: 10, request: load });
      const reading = await cost();
      console.log(
        `${name} for 10 s: event-loop delay p50 ${ms(reading.loopDelay.p50)}, p99 ${ms(reading.loopDelay.p99)}, max ${ms(reading.loopDelay.max)}; ` +
          `connections opened ${reading.connections}, app CPU ${((reading.cpuUserMs + reading.cpuSystemMs) / (rate * 10)).toFixed(2)} ms/request, GC ${Object.entries(
            reading.gcKinds,
          )
            .map(([kind, gc]) => `${gc.count} ${kind} (${ms(gc.ms)}, longest ${ms(gc.maxMs)})`)
            .join(', ')}; ` +
          `latency (load-dependent) p50 ${ms(percentile(run.latencies, 50))}, p99 ${ms(percentile(run.latencies, 99))}, errors ${run.errors}`,
      );
    }
  } finally {
    await server.stop();
  }
} finally {
  await target.cleanup();
}
