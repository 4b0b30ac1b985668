import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, startApp } from '../support/app-process.ts';

// A link the CLI prints opens where the server is reached, even when the CLI runs without the
// server's PORT: the server leaves its address in the database and the CLI reads it.

const cliPath = new URL('../../bin/channel-pilot.mjs', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'channel-pilot-cli-links-'));
// Always the embedded database here, even when the suite runs with DATABASE_URL set.
const base = {
  DATABASE_URL: '',
  DATA_DIR: join(dir, 'data'),
  SEED_CUSTOMERS: '30',
  SEED_INTERACTIONS: '100',
};

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The CLI in an environment without PORT or PUBLIC_URL, as an operator's other terminal has. */
const cli = (args: string[]) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const env: Record<string, string | undefined> = { ...process.env, ...base, LOG_LEVEL: 'warn' };
    delete env.PORT;
    delete env.PUBLIC_URL;
    const child = spawn(process.execPath, [cliPath, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });

describe('links made from the CLI', () => {
  it('use the address and port the server was reached at, and open there', async () => {
    const port = await freePort();
    const server = await startApp({ ...base, PORT: String(port) }, 180_000);
    expect(await server.stop()).toBe(0);

    const run = await cli(['video', 'try', '--in', '5']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const link = /customer: (\S+)/.exec(run.stdout)?.[1] ?? '';
    expect(link.startsWith(`http://localhost:${port}/join/`)).toBe(true);
    expect(run.stdout).toContain(`advisor: http://localhost:${port}/console`);

    const again = await startApp({ ...base, PORT: String(port) }, 180_000);
    try {
      const page = await fetch(link.replace('localhost', '127.0.0.1'));
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('data-state="open"');
    } finally {
      await again.stop();
    }
  }, 600_000);
});
