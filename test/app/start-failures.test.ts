import { afterAll, describe, expect, inject, it } from 'vitest';
import pg from 'pg';
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  freePort,
  printedCredentials,
  runCli,
  startApp,
  startExpectingRefusal,
} from '../support/app-process.ts';
import { createScratchDatabase } from '../support/database.ts';

// What `channel-pilot start` does when it cannot serve: one sentence naming the setting to change,
// exit status 1, and nothing it started (the embedded PostgreSQL, the local livekit-server) left
// running without it.

const cli = new URL('../../bin/channel-pilot.mjs', import.meta.url).pathname;
const root = mkdtempSync(join(tmpdir(), 'channel-pilot-start-failures-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let folders = 0;
const dataDir = () => join(root, `data-${++folders}`);
// Always the embedded database here, even when the suite runs with DATABASE_URL set.
const base = { DATABASE_URL: '', SEED_DEMO_DATA: 'false' };

function listen(port: number): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

/** Whether nothing listens on the port any more (the livekit-server the start ran is gone). */
async function portFree(port: number): Promise<boolean> {
  try {
    const server = await listen(port);
    await new Promise((resolve) => server.close(resolve));
    return true;
  } catch {
    return false;
  }
}

/** The processes whose command line names `dir` (an embedded PostgreSQL server started on it). */
function processesNaming(dir: string): string[] {
  return readdirSync('/proc')
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((pid) => {
      try {
        const line = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
        return line.includes(dir) ? [`${pid}: ${line}`] : [];
      } catch {
        return [];
      }
    });
}

/** The embedded server of a folder still runs: PostgreSQL removes its pid file when it stops. */
const serverLeftIn = (dir: string) => existsSync(join(dir, 'postgres', 'postmaster.pid'));

describe('a start that cannot serve', () => {
  it('names PORT and its value when the port is in use, and stops the database and livekit-server it started', async () => {
    const port = await freePort();
    const taken = await listen(port);
    const livekit = await freePort();
    const dir = dataDir();
    try {
      const { code, output } = await startExpectingRefusal({
        ...base,
        DATA_DIR: dir,
        PORT: String(port),
        LIVEKIT_LOCAL_PORT: String(livekit),
      });
      expect(code, output).toBe(1);
      expect(output).toContain(`error: PORT=${port}: port ${port} is already in use on 127.0.0.1`);
      expect(output).not.toMatch(/^\s+at /m);
      expect(serverLeftIn(dir)).toBe(false);
      expect(existsSync(join(dir, 'channel-pilot.pid'))).toBe(false);
      expect(await portFree(livekit)).toBe(true);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  }, 180_000);

  it('finds the port in use before it opens the database or seeds a fresh data folder, and leaves no process behind', async () => {
    const port = await freePort();
    const taken = await listen(port);
    const livekit = await freePort();
    const dir = dataDir();
    try {
      const began = Date.now();
      const { code, output } = await startExpectingRefusal({
        ...base,
        SEED_DEMO_DATA: 'true',
        DATA_DIR: dir,
        PORT: String(port),
        LIVEKIT_LOCAL_PORT: String(livekit),
      });
      const took = Date.now() - began;
      expect(code, output).toBe(1);
      expect(output).toContain(`error: PORT=${port}: port ${port} is already in use on 127.0.0.1`);
      // Nothing was made in the data folder: no database, so no customers and no seed.
      expect(existsSync(join(dir, 'postgres')), output).toBe(false);
      expect(output).not.toMatch(/customers|done$/m);
      // The demo seed alone takes longer than this on these machines.
      expect(took).toBeLessThan(30_000);
      expect(processesNaming(dir)).toEqual([]);
      expect(await portFree(livekit)).toBe(true);
      // The listener that held the port was never disturbed.
      expect(taken.listening).toBe(true);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  }, 180_000);

  it('names HOST and its value when it is not an address of this machine, leaving nothing running', async () => {
    const livekit = await freePort();
    const dir = dataDir();
    const { code, output } = await startExpectingRefusal({
      ...base,
      DATA_DIR: dir,
      HOST: '999.1.1.1',
      PORT: String(await freePort()),
      LIVEKIT_LOCAL_PORT: String(livekit),
    });
    expect(code, output).toBe(1);
    expect(output).toContain('error: HOST="999.1.1.1": not an address of this machine');
    expect(output).not.toMatch(/^\s+at /m);
    expect(serverLeftIn(dir)).toBe(false);
    expect(await portFree(livekit)).toBe(true);
  }, 180_000);

  it('refuses a second server on a data folder a running one holds, at once, and leaves the first serving', async () => {
    const dir = dataDir();
    const first = await startApp({ ...base, DATA_DIR: dir, LIVEKIT_LOCAL_PORT: String(await freePort()) });
    try {
      const second = await startExpectingRefusal({
        ...base,
        DATA_DIR: dir,
        PORT: String(await freePort()),
        LIVEKIT_LOCAL_PORT: String(await freePort()),
      });
      expect(second.code, second.output).toBe(1);
      expect(second.output).toContain(
        `error: another channel-pilot server (process ${first.process.pid}) runs the embedded database in ${dir}`,
      );
      expect(second.output).toMatch(/^hint: Give this one a DATA_DIR of its own/m);
      expect((await fetch(`${first.baseUrl}/readyz`)).status).toBe(200);
    } finally {
      expect(await first.stop()).toBe(0);
    }
    expect(serverLeftIn(dir)).toBe(false);
  }, 180_000);

  it('stops what it has started when a stop signal comes before it is ready (during the first seed)', async () => {
    const dir = dataDir();
    const livekit = await freePort();
    const child = spawn(process.execPath, [cli, 'start'], {
      env: {
        ...process.env,
        ...base,
        SEED_DEMO_DATA: 'true',
        LOG_LEVEL: 'warn',
        HOST: '127.0.0.1',
        DATA_DIR: dir,
        PORT: String(await freePort()),
        LIVEKIT_LOCAL_PORT: String(livekit),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
    // The demo dataset says each part done (customers first); the rest takes seconds more.
    while (!/^ {2}\S.* done$/m.test(output) && child.exitCode === null)
      await new Promise((resolve) => setTimeout(resolve, 50));
    child.kill('SIGTERM');
    expect(await exited, output).toBe(0);
    expect(output).not.toContain('is running');
    expect(serverLeftIn(dir)).toBe(false);
    expect(await portFree(livekit)).toBe(true);
  }, 180_000);

  it('prints PostgreSQL’s own words when the embedded database cannot start', async () => {
    const dir = dataDir();
    const env = { ...base, DATA_DIR: dir };
    expect((await runCli(['migrate'], env)).code).toBe(0);
    appendFileSync(join(dir, 'postgres', 'postgresql.conf'), 'shared_buffers = lots\n');
    const { code, stderr } = await runCli(['migrate'], env);
    expect(code).toBe(1);
    expect(stderr).toContain(`error: the embedded database in ${join(dir, 'postgres')} did not start`);
    expect(stderr).toMatch(/^cause: PostgreSQL exited with status 1$/m);
    expect(stderr).toMatch(/^ {2}.*invalid value for parameter "shared_buffers": "lots"$/m);
    expect(serverLeftIn(dir)).toBe(false);
  }, 180_000);
});

describe('instances started together on an empty PostgreSQL database', () => {
  it('seed the demo data once: one makes it and prints the logins, the other waits and serves it', async () => {
    const scratch = await createScratchDatabase(inject('databaseServerUrl'), 'channel_pilot_first_start');
    const env = {
      DATABASE_URL: scratch.url,
      SEED_CUSTOMERS: '40',
      SEED_INTERACTIONS: '400',
      // An existing LiveKit: no local livekit-server per instance.
      LIVEKIT_URL: 'ws://127.0.0.1:9',
      LIVEKIT_API_KEY: 'first-start',
      LIVEKIT_API_SECRET: 'first-start-secret-0123456789abcdef',
    };
    const starting = [startApp(env, 300_000), startApp(env, 300_000)];
    const apps = await Promise.allSettled(starting);
    try {
      for (const app of apps)
        expect(app.status, String((app as PromiseRejectedResult).reason)).toBe('fulfilled');
      const [a, b] = apps.map((app) => (app as PromiseFulfilledResult<Awaited<(typeof starting)[0]>>).value);
      const logins = [a!, b!].map((app) => Object.keys(printedCredentials(app.output())).length);
      expect(logins.sort()).toEqual([0, 3]);
      const client = new pg.Client({ connectionString: scratch.url });
      await client.connect();
      try {
        const { rows } = await client.query<{ n: number }>('select count(*)::int as n from customers');
        expect(rows[0]?.n).toBe(40);
      } finally {
        await client.end();
      }
      for (const app of [a!, b!]) expect((await fetch(`${app.baseUrl}/readyz`)).status).toBe(200);
    } finally {
      for (const app of apps) if (app.status === 'fulfilled') await app.value.stop();
      await scratch.drop();
    }
  }, 600_000);
});
