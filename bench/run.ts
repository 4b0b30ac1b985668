// `npm run bench`: every figure of the foundation, on the embedded database and on PostgreSQL
// (the server named by BENCH_POSTGRES_URL, or a throwaway one started on loopback).
//   BENCH_INTERACTIONS (default 1,000,000) sizes the seed, import and census benchmarks;
//   BENCH_SCALE=10m measures the seed, the rollups and the census at scale at 10,000,000 contacts of 1,000,000 customers;
//   BENCH_ONLY=seed,rollups,census-scale,context,booking,video,join,import,alexa,dialogflow,pilot-report,census,paraphrases,bills,chat runs only those;
//   BENCH_KINDS=embedded (or postgres) measures on that database only;
//   BENCH_BILL_CUSTOMERS (default 100,000) sizes the billing run;
//   BENCH_CHATS (default 500), BENCH_CHAT_ROUNDS (5) and BENCH_CHAT_SPREAD_MS (5000) size the chat's
//   (two instances on one PostgreSQL server: measured on the postgres kind only).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contextLatency } from './context-latency.ts';
import { bookingFigures } from './booking.ts';
import { videoFigures } from './video.ts';
import { alexaFigures } from './alexa.ts';
import { dialogflowFigures } from './dialogflow.ts';
import { importFigures } from './import.ts';
import { censusFigures } from './census.ts';
import { joinFigures } from './join.ts';
import { paraphraseFigures } from './paraphrases.ts';
import { pilotReportFigures } from './pilot-report.ts';
import { chatFigures } from './chat.ts';
import { freshTarget } from './support.ts';
import { figureLine, figureTable, parseFigureLine, type Figure } from './figures.ts';
import { censusGrowth } from './census-timings.ts';

const scale = process.env.BENCH_SCALE;
if (scale !== undefined && scale !== '10m') throw new Error(`BENCH_SCALE is 10m or unset, not ${scale}`);
const interactions = scale ? 10_000_000 : Number(process.env.BENCH_INTERACTIONS ?? 1_000_000);
const customers = scale ? 1_000_000 : 3000;
const only = process.env.BENCH_ONLY?.split(',');
const wanted = (name: string) => !only || only.includes(name);
const kinds = (['embedded', 'postgres'] as const).filter(
  (kind) => !process.env.BENCH_KINDS || process.env.BENCH_KINDS.split(',').includes(kind),
);
const lines: string[] = [];
const figures: Figure[] = [];
const say = (line: string) => {
  const figure = parseFigureLine(line);
  if (figure) return void figures.push(figure);
  console.log(line);
  lines.push(line);
};

let serverUrl = process.env.BENCH_POSTGRES_URL;
let stopServer = () => {};
if (!serverUrl) {
  const dir = mkdtempSync(join(tmpdir(), 'channel-pilot-bench-pg-'));
  serverUrl = execFileSync('infra/postgres/test-server.sh', ['start', dir, '55439'], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .pop() as string;
  stopServer = () => {
    execFileSync('infra/postgres/test-server.sh', ['stop', dir]);
    rmSync(dir, { recursive: true, force: true }); // a throwaway server's data: up to a GB after the 1M-row benchmarks
  };
}

try {
  say(`channel-pilot bench, ${new Date().toISOString()}, node ${process.version}`);
  // The seed, the rollups and the census at scale run as their own process on a fresh database of
  // each kind. At 10m the census at scale also runs at a tenth of the size first, so that the run
  // prints how much the census grew with ten times the contacts.
  const sizes = (name: string): [number, number][] =>
    scale && name === 'census-scale'
      ? [
          [interactions / 10, customers / 10],
          [interactions, customers],
        ]
      : [[interactions, customers]];
  for (const [name, script, size] of [
    ['seed', 'bench/seed.ts', '--interactions'],
    ['rollups', 'bench/rollups.ts', '--contacts'],
    ['census-scale', 'bench/census-scale.ts', '--contacts'],
  ] as const) {
    for (const kind of wanted(name) ? kinds : []) {
      const measuredBefore = figures.length;
      for (const [contacts, ofCustomers] of sizes(name)) {
        const target = await freshTarget(kind, serverUrl);
        try {
          const args = [script, size, String(contacts), '--customers', String(ofCustomers)];
          const run = spawnSync(process.execPath, ['bin/run-ts.mjs', ...args], {
            env: { ...process.env, DATABASE_URL: '', ...target.env },
            encoding: 'utf8',
          });
          if (run.status !== 0) throw new Error(`${name} bench failed:\n${run.stdout}${run.stderr}`);
          for (const line of run.stdout.trim().split('\n')) say(line);
        } finally {
          await target.cleanup();
        }
      }
      if (sizes(name).length === 2) {
        const grown = censusGrowth(figures.slice(measuredBefore), kind);
        if (!grown) throw new Error(`census-scale printed no census of a year at two sizes on ${kind}`);
        say(figureLine(grown));
      }
    }
  }
  for (const kind of wanted('context') ? kinds : []) {
    for (const line of await contextLatency({
      kind,
      serverUrl,
      rate: 50,
      seconds: 20,
      interactions: 60_000,
    })) {
      say(line);
    }
  }
  for (const kind of wanted('booking') ? kinds : []) {
    for (const line of await bookingFigures({ kind, serverUrl })) say(line);
  }
  for (const kind of wanted('video') ? kinds : []) {
    for (const line of await videoFigures({ kind, serverUrl })) say(line);
  }
  if (wanted('join')) for (const line of await joinFigures({ runs: 9 })) say(line);
  for (const kind of wanted('import') ? kinds : []) {
    for (const line of await importFigures({ kind, serverUrl, rows: interactions })) say(line);
  }
  for (const kind of wanted('alexa') ? kinds : []) {
    for (const line of await alexaFigures({ kind, serverUrl, rates: [100, 200], seconds: 20 })) say(line);
  }
  for (const kind of wanted('dialogflow') ? kinds : []) {
    for (const line of await dialogflowFigures({ kind, serverUrl, rates: [100, 200], seconds: 20 }))
      say(line);
  }
  for (const kind of wanted('pilot-report') ? kinds : []) {
    for (const line of await pilotReportFigures({ kind, serverUrl, customers: 100_000, interactions }))
      say(line);
  }
  if (wanted('paraphrases')) for (const line of await paraphraseFigures()) say(line);
  for (const kind of wanted('census') ? kinds : []) {
    for (const line of await censusFigures({ kind, serverUrl, rows: interactions })) say(line);
  }
  if (wanted('bills')) {
    // Its own process, so that the peak memory it reports is the billing run's alone.
    const billCustomers = process.env.BENCH_BILL_CUSTOMERS ?? '100000';
    const run = spawnSync(
      process.execPath,
      ['bin/run-ts.mjs', 'bench/bills.ts', '--customers', billCustomers],
      {
        encoding: 'utf8',
      },
    );
    if (run.status !== 0) throw new Error(`bills bench failed:\n${run.stdout}${run.stderr}`);
    for (const line of run.stdout.trim().split('\n')) say(line);
  }
  if (wanted('chat')) {
    if (kinds.includes('postgres'))
      for (const line of await chatFigures({
        serverUrl,
        chats: Number(process.env.BENCH_CHATS ?? 500),
        rounds: Number(process.env.BENCH_CHAT_ROUNDS ?? 5),
        spreadMs: Number(process.env.BENCH_CHAT_SPREAD_MS ?? 5000),
      }))
        say(line);
    else say('chat: not measured, it runs on the postgres kind only (BENCH_KINDS leaves it out)');
  }
} finally {
  stopServer();
}
say('');
for (const line of figureTable(figures)) say(line);
mkdirSync('bench/results', { recursive: true });
writeFileSync(`bench/results/latest${only ? `-${only.join('-')}` : ''}.txt`, `${lines.join('\n')}\n`);
