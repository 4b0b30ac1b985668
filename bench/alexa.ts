// /alexa under load with request verification on: p50/p99 at a fixed rate, beside a bare Express
// route answering a fixed JSON body in the same server and the same run.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  alexaRequestEnvelope,
  signBody,
  testCertificateChain,
  testCertUrl,
} from '../test/support/alexa-requests.ts';
import { fixedRate, freshTarget, ms, percentile } from './support.ts';

// What customers ask, roughly as often as they ask it.
const mix = [
  'WhatDoIOweIntent',
  'WhatDoIOweIntent',
  'WhyHigherIntent',
  'LastPaymentIntent',
  'BillDetailIntent',
  'NextAppointmentIntent',
  'AMAZON.HelpIntent',
  'launch',
];

export async function alexaFigures(options: {
  kind: 'embedded' | 'postgres';
  serverUrl?: string;
  /** Each rate is measured in turn on the same server: the target's, and lower ones to show what it sustains. */
  rates: number[];
  seconds: number;
}): Promise<string[]> {
  const target = await freshTarget(options.kind, options.serverUrl);
  const dir = mkdtempSync(join(tmpdir(), 'channel-pilot-bench-alexa-'));
  const env = { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'warn', ...target.env };
  const seeded = spawnSync(
    process.execPath,
    ['bin/channel-pilot.mjs', 'seed', '--customers', '500', '--interactions', '20000'],
    { env, encoding: 'utf8' },
  );
  if (seeded.status !== 0) throw new Error(`seed failed:\n${seeded.stdout}${seeded.stderr}`);
  const { chain, signingKeys } = testCertificateChain();
  writeFileSync(join(dir, 'chain.pem'), chain);
  const server = spawn(process.execPath, ['bin/run-ts.mjs', 'bench/alexa-server.ts'], {
    env: { ...env, BENCH_CHAIN_FILE: join(dir, 'chain.pem'), BENCH_LINKED: '400' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  try {
    const ready = await new Promise<{ port: number; users: string[] }>((resolve, reject) => {
      let out = '';
      server.stdout?.on('data', (chunk) => {
        out += chunk;
        const line = out.split('\n').find((l) => l.startsWith('{'));
        if (line) resolve(JSON.parse(line) as { port: number; users: string[] });
      });
      server.once('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
    });
    const base = `http://127.0.0.1:${ready.port}`;
    const total = Math.round(Math.max(...options.rates) * options.seconds);
    // Signed up front: signing is Alexa's work, not the skill's. Timestamps stay well within Alexa's 150 s.
    const requests = Array.from({ length: total + 50 }, (_, i) => {
      const [userId = '', locale = 'it-IT'] = (ready.users[i % ready.users.length] ?? '').split(' ');
      const intent = mix[i % mix.length] as string;
      const body = JSON.stringify(
        alexaRequestEnvelope({
          request: intent === 'launch' ? { type: 'LaunchRequest' } : { type: 'IntentRequest', intent },
          locale,
          userId,
        }),
      );
      return { body, signature: signBody(body, signingKeys.privateKey) };
    });
    const post = (path: string, i: number) => {
      const { body, signature } = requests[i] as { body: string; signature: string };
      return fetch(`${base}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          signaturecertchainurl: testCertUrl,
          'signature-256': signature,
        },
        body,
      });
    };
    for (let i = 0; i < 50; i++) await (await post('/alexa', total + i)).arrayBuffer();
    const lines: string[] = [];
    for (const rate of options.rates) {
      const baseline = await fixedRate({
        rate,
        seconds: options.seconds,
        request: (i) => post('/bench/fixed', i),
      });
      const alexa = await fixedRate({ rate, seconds: options.seconds, request: (i) => post('/alexa', i) });
      const [p50, p99, b50, b99] = [
        percentile(alexa.latencies, 50),
        percentile(alexa.latencies, 99),
        percentile(baseline.latencies, 50),
        percentile(baseline.latencies, 99),
      ] as [number, number, number, number];
      const sent = Math.round(rate * options.seconds);
      lines.push(
        `/alexa [${target.label}, verification on, ${ready.users.length} linked users, intent mix] at ${rate} req/s for ${options.seconds} s: ` +
          `p50 ${ms(p50)}, p99 ${ms(p99)}, errors ${alexa.errors}/${sent}`,
        `  bare Express route, fixed JSON, same server and rate: p50 ${ms(b50)}, p99 ${ms(b99)}; ratio p50 ×${(p50 / b50).toFixed(1)}, p99 ×${(p99 / b99).toFixed(1)}`,
      );
    }
    return lines;
  } finally {
    server.kill('SIGTERM');
    await new Promise((resolve) => server.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
    await target.cleanup();
  }
}
