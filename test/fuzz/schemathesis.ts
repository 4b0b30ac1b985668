// Fuzzes the whole API as nobody, an advisor, a pilot manager and an admin with schemathesis
// (from PyPI: `pip install schemathesis`), against `npm start` on a scratch database of the
// PostgreSQL server at DATABASE_URL, seeded with a small demo dataset. Two checks: no answer is a
// server error, and every answer matches what /api/openapi.json says. Any finding fails the run.
//   DATABASE_URL=postgres://… node bin/run-ts.mjs test/fuzz/schemathesis.ts
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createScratchDatabase } from '../support/database.ts';
import { freePort, login, printedCredentials, startApp } from '../support/app-process.ts';

const EXAMPLES = process.env.FUZZ_MAX_EXAMPLES ?? '10';
const server = process.env.DATABASE_URL;
if (!server) {
  console.error('DATABASE_URL must name a PostgreSQL server: the fuzzed app gets a scratch database on it');
  process.exit(2);
}

function schemathesis(args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn('st', args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NO_COLOR: '1' },
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', (error) =>
      resolve({
        code: 127,
        output: `${output}\n${error.message} (is schemathesis installed? pip install schemathesis)`,
      }),
    );
    child.on('exit', (code) => resolve({ code, output }));
  });
}

const scratch = await createScratchDatabase(server, 'channel_pilot_fuzz');
const app = await startApp({
  DATABASE_URL: scratch.url,
  SEED_CUSTOMERS: '300',
  SEED_INTERACTIONS: '6000',
  // /alexa and /metrics are served, so they are fuzzed too (Alexa's signature check stays on).
  ALEXA_SKILL_ID: 'amzn1.ask.skill.00000000-0000-4000-8000-00000000f022',
  METRICS_TOKEN: 'fuzzing-metrics-token-0123456789',
  LIVEKIT_LOCAL_PORT: String(await freePort()),
});
const logins = printedCredentials(app.output());
const roles: [string, string | null][] = [
  ['nobody', null],
  ['advisor', 'advisor'],
  ['pilot_manager', 'manager'],
  ['admin', 'admin'],
];
const results: { role: string; code: number | null; summary: string }[] = [];
// Every request schemathesis made, per role, to check which operations it really reached.
const reports = mkdtempSync(join(tmpdir(), 'channel-pilot-fuzz-'));

/**
 * The bill's personal links (`/b/{token}…`) take a signed token, so random input only reaches
 * their refusals: each operation must still be tried, and answer below 500 every time.
 */
const billLinkOperations = [
  'GET /b/{token}',
  'GET /b/{token}/bill.pdf',
  'POST /b/{token}/pay',
  'GET /b/{token}/book',
  'POST /b/{token}/book',
  'POST /b/{token}/linking-code',
  'POST /b/{token}/paperless',
];

function billLinkCoverage(harFile: string): { line: string; ok: boolean } {
  const har = JSON.parse(readFileSync(harFile, 'utf8')) as {
    log: { entries: { request: { method: string; url: string }; response: { status: number } }[] };
  };
  const tried = billLinkOperations.map((name) => {
    const [method, template] = name.split(' ') as [string, string];
    const path = new RegExp(`^${template.replace('.', '\\.').replace('{token}', '[^/]+')}$`);
    const statuses = har.log.entries
      .filter((e) => e.request.method === method && path.test(new URL(e.request.url).pathname))
      .map((e) => e.response.status);
    return { name, statuses };
  });
  const ok = tried.every((t) => t.statuses.length > 0 && t.statuses.every((s) => s < 500));
  const line = tried
    .map((t) => {
      const counts = new Map<number, number>();
      for (const s of t.statuses) counts.set(s, (counts.get(s) ?? 0) + 1);
      const shown = [...counts].map(([s, n]) => `${s}×${n}`).join(' ') || 'never tried';
      return `${t.name} ${shown}`;
    })
    .join('; ');
  return { line, ok };
}
try {
  for (const [role, username] of roles) {
    const cookie = username ? await login(app.baseUrl, username, logins[username] as string) : null;
    const started = Date.now();
    const { code, output } = await schemathesis([
      'run',
      `${app.baseUrl}/api/openapi.json`,
      '--url',
      app.baseUrl,
      '--checks',
      'not_a_server_error,response_schema_conformance',
      '--max-examples',
      EXAMPLES,
      // One worker: with two, hypothesis (Python 3.11) now and then fails inside itself, parsing
      // source from two threads at once ("AST constructor recursion depth mismatch"), which
      // schemathesis reports as an error of whatever operation it was generating for.
      '--workers',
      '1',
      '--no-color',
      // Nothing is kept between runs: each run is as CI sees it.
      '--generation-database',
      'none',
      '--report',
      'har',
      '--report-har-path',
      join(reports, `${role}.har`),
      ...(cookie
        ? // Logging out would end the session the rest of the run uses.
          [
            '-H',
            `Cookie: ${cookie}`,
            '--exclude-path',
            '/api/auth/logout',
            '--exclude-path',
            '/manage/logout',
          ]
        : []),
    ]);
    const cases = /Test cases:\s*\n\s*(.+)/.exec(output)?.[1]?.trim() ?? 'no summary';
    const seconds = ((Date.now() - started) / 1000).toFixed(0);
    console.log(`schemathesis as ${role}: ${cases} (${seconds} s, exit ${code})`);
    // The findings, cut short: a finding's reproduction can hold an address of kilobytes.
    if (code !== 0) {
      // Failures (answers that break a check), errors (requests that got no answer) and the summary.
      const first = ['FAILURES', 'ERRORS', 'WARNINGS', 'SUMMARY']
        .map((h) => output.indexOf(h))
        .filter((i) => i >= 0);
      const findings = output.slice(first.length > 0 ? Math.min(...first) : -3000);
      console.log(findings.replace(/[^\s]{300,}/g, (long) => `${long.slice(0, 300)}…`).slice(0, 6000));
    }
    const coverage = billLinkCoverage(join(reports, `${role}.har`));
    console.log(`schemathesis as ${role}, the bill's links: ${coverage.line}`);
    results.push({ role, code: coverage.ok ? code : (code ?? 1) || 1, summary: cases });
  }
} finally {
  await app.stop();
  await scratch.drop();
  rmSync(reports, { recursive: true, force: true });
}
const failed = results.filter((r) => r.code !== 0);
console.log(`schemathesis: ${results.length - failed.length} passed, ${failed.length} failed`);
process.exit(failed.length === 0 ? 0 : 1);
