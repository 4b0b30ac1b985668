import { spawn } from 'node:child_process';
import { createPrivateKey } from 'node:crypto';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createScratchDatabase } from '../test/support/database.ts';
import {
  alexaRequestEnvelope,
  signBodyInPool,
  testCertificateChain,
  testCertUrl,
} from '../test/support/alexa-requests.ts';
import { openDatabase, type StorageHandle } from '../core/index.ts';
import { figureLine } from './figures.ts';
import { fixedRate, ms, percentile, send, type Answer } from './load.ts';

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
 * Runs the real `channel-pilot seed` on a target: the demo customers, bills and advisors, and
 * `interactions` contacts over the last year, written in bulk (the fastest way to fill a table).
 */
export async function seedTarget(
  target: Target,
  options: { customers: number; interactions: number },
): Promise<string> {
  const child = spawn(
    process.execPath,
    [
      'bin/channel-pilot.mjs',
      'seed',
      '--customers',
      String(options.customers),
      '--interactions',
      String(options.interactions),
    ],
    {
      env: { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'warn', ...target.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout.on('data', (chunk) => (out += chunk));
  child.stderr.on('data', (chunk) => (out += chunk));
  const [code] = (await once(child, 'close')) as [number | null];
  if (code !== 0) throw new Error(`seed failed:\n${out}`);
  return out;
}

/** CPU milliseconds (user and system) a process has used so far (Linux; throws once it is gone). */
export function processCpuMs(pid: number): number {
  const fields = (readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1] ?? '').split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10; // USER_HZ is 100
}

/** CPU milliseconds a process and every process it started have used so far (Linux). */
function treeCpuMs(pid: number): number {
  try {
    let total = processCpuMs(pid);
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const children = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      for (const child of children ? children.split(' ') : []) total += treeCpuMs(Number(child));
    }
    return total;
  } catch {
    return 0; // gone meanwhile
  }
}

/**
 * Waits until the app's process and the ones it started (its PostgreSQL server, LiveKit, the
 * browser bundler) use under 5% of one core for two 2-second windows in a row: its start-up work
 * (bundling, the first guardrail check computing the pilots' reports, autovacuum after a seed)
 * is done, and what is measured next is the route, not that work. Other processes on the machine
 * do not count. Resolves with the seconds waited (at most `timeoutMs`).
 */
export async function settled(pid: number, timeoutMs = 180_000): Promise<number> {
  const started = performance.now();
  let quiet = 0;
  while (quiet < 2 && performance.now() - started < timeoutMs) {
    const before = treeCpuMs(pid);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    quiet = treeCpuMs(pid) - before < 100 ? quiet + 1 : 0;
  }
  return (performance.now() - started) / 1000;
}

// What customers ask the skill, roughly as often as they ask it.
const alexaMix = [
  'WhatDoIOweIntent',
  'WhatDoIOweIntent',
  'WhyHigherIntent',
  'LastPaymentIntent',
  'BillDetailIntent',
  'NextAppointmentIntent',
  'AMAZON.HelpIntent',
  'launch',
];

export interface AlexaBenchServer {
  baseUrl: string;
  /** The server's process. */
  pid: number;
  /** `userId locale` of each linked Alexa user. */
  users: string[];
  /** `session locale` of each CX session linked to a customer. */
  sessions: string[];
  /**
   * Signs `count` requests of the intent mix now (signing is Alexa's work, not the skill's;
   * timestamps stay valid for Alexa's 150 s, so sign shortly before sending). On Node's thread
   * pool: this process goes on sending meanwhile.
   */
  sign(count: number): Promise<{ body: string; signature: string }[]>;
  post(path: string, request: { body: string; signature: string }): Promise<Answer>;
  stop(): Promise<void>;
}

/**
 * Starts bench/alexa-server.ts (the app as `npm start` composes it, trusting a test certificate
 * chain) on a seeded target in its own process, on loopback, with `linked` Alexa users linked.
 */
export async function startAlexaBenchServer(
  env: NodeJS.ProcessEnv,
  linked: number,
): Promise<AlexaBenchServer> {
  const dir = mkdtempSync(join(tmpdir(), 'channel-pilot-bench-alexa-'));
  const { chain, signingKeys } = testCertificateChain();
  const privateKey = createPrivateKey(signingKeys.privateKey);
  writeFileSync(join(dir, 'chain.pem'), chain);
  // In a session of its own, as a service is: Linux (with autogroup, as here) shares the CPU
  // between sessions first, and in the bench's session the app shared one session's share with
  // the load generator and the CLI. Its stdin is a pipe from this process: it stops when the pipe
  // closes, so that a bench that dies does not leave it running.
  const server = spawn(process.execPath, ['bin/run-ts.mjs', 'bench/alexa-server.ts'], {
    env: { ...env, BENCH_CHAIN_FILE: join(dir, 'chain.pem'), BENCH_LINKED: String(linked) },
    stdio: ['pipe', 'pipe', 'inherit'],
    detached: true,
  });
  const exited = new Promise((resolve) => server.once('exit', resolve));
  const stop = async () => {
    if (server.exitCode === null && server.signalCode === null) server.kill('SIGTERM');
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    const ready = await new Promise<{ port: number; users: string[]; sessions: string[] }>(
      (resolve, reject) => {
        let out = '';
        let started = false;
        server.stdout?.on('data', (chunk: Buffer) => {
          // After its address, what the server prints is its log (warnings, a failed analysis): pass it on.
          if (started) return void process.stderr.write(chunk);
          out += chunk;
          const line = out.split('\n').find((l) => l.startsWith('{'));
          if (!line) return;
          started = true;
          resolve(JSON.parse(line) as { port: number; users: string[]; sessions: string[] });
        });
        server.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
      },
    );
    const baseUrl = `http://127.0.0.1:${ready.port}`;
    return {
      baseUrl,
      pid: server.pid as number,
      users: ready.users,
      sessions: ready.sessions,
      sign: (count) =>
        Promise.all(
          Array.from({ length: count }, (_, i) => {
            const [userId = '', locale = 'it-IT'] = (ready.users[i % ready.users.length] ?? '').split(' ');
            const intent = alexaMix[i % alexaMix.length] as string;
            const body = JSON.stringify(
              alexaRequestEnvelope({
                request: intent === 'launch' ? { type: 'LaunchRequest' } : { type: 'IntentRequest', intent },
                locale,
                userId,
              }),
            );
            return signBodyInPool(body, privateKey).then((signature) => ({ body, signature }));
          }),
        ),
      post: (path, { body, signature }) =>
        send(`${baseUrl}${path}`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json; charset=utf-8',
            signaturecertchainurl: testCertUrl,
            'signature-256': signature,
          },
          body,
        }),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The two figures of a webhook at 200 requests/s: its p99, and its p50 against the bare route's
 * in the same run (the targets the voice issues set for `/alexa`).
 */
function webhookFigures(
  route: string,
  database: string,
  measured: { latencies: number[] },
  baseline: { latencies: number[] },
): string[] {
  return [
    figureLine({
      figure: `POST ${route} at 200 req/s, p99`,
      database,
      value: percentile(measured.latencies, 99),
      unit: 'ms',
      target: 50,
      better: 'lower',
    }),
    figureLine({
      figure: `POST ${route} at 200 req/s, p50 ÷ a bare route's p50`,
      database,
      value: percentile(measured.latencies, 50) / percentile(baseline.latencies, 50),
      unit: '×',
      target: 2,
      better: 'lower',
    }),
  ];
}

/**
 * A route's latencies beside a bare route's, measured in the same run at the same rate: the
 * figure's line, then the baseline's with the ratios.
 */
function besideBaseline(
  figure: string,
  measured: { latencies: number[]; errors: number },
  baseline: { latencies: number[] },
  oneRead: { latencies: number[] },
  sent: number,
): string[] {
  const [p50, p99, b50, b99, r50, r99] = [measured, baseline, oneRead].flatMap((run) => [
    percentile(run.latencies, 50),
    percentile(run.latencies, 99),
  ]) as [number, number, number, number, number, number];
  return [
    `${figure}: p50 ${ms(p50)}, p99 ${ms(p99)}, errors ${measured.errors}/${sent}`,
    `  bare Express route, fixed JSON, same server and rate: p50 ${ms(b50)}, p99 ${ms(b99)}; ratio p50 ×${(p50 / b50).toFixed(1)}, p99 ×${(p99 / b99).toFixed(1)}`,
    `  the same route after one \`select 1\` on the app's pool: p50 ${ms(r50)}, p99 ${ms(r99)}; its p50 ×${(r50 / b50).toFixed(1)} the bare route's`,
  ];
}

/** Where and how long a webhook benchmark runs. */
export interface WebhookBench {
  kind: 'embedded' | 'postgres';
  serverUrl?: string | undefined;
  /** Each rate is measured in turn on the same server: the target's, and lower ones to show what it sustains. */
  rates: number[];
  seconds: number;
}

/**
 * A webhook of the app measured at each rate beside the bare route on a fresh database seeded
 * with 500 customers and 20,000 contacts, the app started with `env` and its start-up work done:
 * the webhook's two figures at 200 requests/s, and each rate's latencies beside the bare route's.
 * `requests` makes, for the server and the path, the request sent `i`-th; 50 are sent first to warm up.
 */
export async function webhookBesideBaseline(
  options: WebhookBench & {
    route: string;
    env: NodeJS.ProcessEnv;
    requests: (
      server: AlexaBenchServer,
      total: number,
    ) => Promise<(path: string) => (i: number) => Promise<Answer>>;
    /** What the figure says of the run beside the route, the database and the rate. */
    describe: (server: AlexaBenchServer) => string;
  },
): Promise<string[]> {
  const target = await freshTarget(options.kind, options.serverUrl);
  try {
    await seedTarget(target, { customers: 500, interactions: 20_000 });
    const server = await startAlexaBenchServer(
      { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'warn', ...options.env, ...target.env },
      400,
    );
    try {
      const waited = await settled(server.pid);
      const total = Math.round(Math.max(...options.rates) * options.seconds);
      const post = await options.requests(server, total);
      for (let i = 0; i < 50; i++) await post(options.route)(total + i);
      const lines: string[] = [];
      for (const rate of options.rates) {
        const baseline = await fixedRate({ rate, seconds: options.seconds, request: post('/bench/fixed') });
        const measured = await fixedRate({ rate, seconds: options.seconds, request: post(options.route) });
        // What one round trip to the database adds, whatever the answer: the least a route that reads costs.
        const oneRead = await fixedRate({ rate, seconds: options.seconds, request: post('/bench/one-read') });
        if (rate === 200) lines.push(...webhookFigures(options.route, target.label, measured, baseline));
        lines.push(
          ...besideBaseline(
            `${options.route} [${target.label}, ${options.describe(server)}, start-up work done after ${waited.toFixed(0)} s] at ${rate} req/s for ${options.seconds} s`,
            measured,
            baseline,
            oneRead,
            Math.round(rate * options.seconds),
          ),
        );
      }
      return lines;
    } finally {
      await server.stop();
    }
  } finally {
    await target.cleanup();
  }
}
