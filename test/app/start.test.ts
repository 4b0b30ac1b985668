import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import http from 'node:http';
import { login, printedCredentials, startApp } from '../support/app-process.ts';

const dataDir = mkdtempSync(join(tmpdir(), 'channel-pilot-start-'));
// Always the embedded database here, even when the suite runs with DATABASE_URL set.
const env = {
  DATABASE_URL: '',
  DATA_DIR: dataDir,
  SEED_CUSTOMERS: '120',
  SEED_INTERACTIONS: '1500',
  METRICS_TOKEN: '',
};
const metricsToken = 'prometheus-scrape-7f3a9c21d4e8';

/** The addresses the start banner lists, each as the test reaches it (PUBLIC_URL is localhost). */
function bannerAddresses(output: string, baseUrl: string): string[] {
  return [...output.matchAll(/^ {2}[^:\n]+: +http:\/\/localhost:\d+(\/\S*)/gm)].map(
    (m) => `${baseUrl}${m[1]}`,
  );
}

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
const run = promisify(execFile);

describe('channel-pilot start', () => {
  it('creates and seeds the embedded database on first start, prints logins once, and keeps the data across restarts', async () => {
    const first = await startApp(env, 120_000);
    let customers = 0;
    try {
      expect(first.output()).toMatch(/is running on the embedded database/);
      // Every address the banner lists is served; metrics, off without their token, say how to turn them on.
      const listed = bannerAddresses(first.output(), first.baseUrl);
      expect(listed).toContain(`${first.baseUrl}/outbox`);
      for (const address of listed) {
        const answer = await fetch(address, { redirect: 'manual' });
        // A staff page sends a stranger to its login or asks them to log in; nothing listed is missing.
        expect([200, 303, 401], `${address} answered ${answer.status}`).toContain(answer.status);
      }
      expect(listed).not.toContain(`${first.baseUrl}/metrics`);
      expect((await fetch(`${first.baseUrl}/metrics`)).status).toBe(404);
      expect(first.output()).toMatch(/^ {2}Metrics: +not served: set METRICS_TOKEN to serve \/metrics/m);
      const credentials = printedCredentials(first.output());
      expect(Object.keys(credentials).sort()).toEqual(['admin', 'advisor', 'manager']);
      const ready = await fetch(`${first.baseUrl}/readyz`);
      expect(ready.status).toBe(200);
      const cookie = await login(first.baseUrl, 'advisor', credentials.advisor as string);
      const list = (await (
        await fetch(`${first.baseUrl}/api/customers?limit=1`, { headers: { cookie } })
      ).json()) as {
        total: number;
        items: { id: string }[];
      };
      customers = list.total;
      expect(customers).toBe(120);
      const context = await fetch(`${first.baseUrl}/api/customers/${list.items[0]?.id}/context`, {
        headers: { cookie },
      });
      expect(context.status).toBe(200);
    } finally {
      expect(await first.stop()).toBe(0);
    }
    expect(existsSync(join(dataDir, 'channel-pilot.pid'))).toBe(false);

    const second = await startApp({ ...env, METRICS_TOKEN: metricsToken }, 120_000);
    try {
      expect(bannerAddresses(second.output(), second.baseUrl)).toContain(`${second.baseUrl}/metrics`);
      const metrics = await fetch(`${second.baseUrl}/metrics`, {
        headers: { authorization: `Bearer ${metricsToken}` },
      });
      expect(metrics.status).toBe(200);
      expect(await metrics.text()).toMatch(/channel_pilot_database_up 1/);
      expect(printedCredentials(second.output())).toEqual({});
      const cookie = await login(
        second.baseUrl,
        'advisor',
        printedCredentials(first.output()).advisor as string,
      );
      const list = (await (
        await fetch(`${second.baseUrl}/api/customers?limit=50`, { headers: { cookie } })
      ).json()) as { total: number; items: { id: string }[] };
      expect(list.total).toBe(customers);

      // A second process on the same data folder (a CLI command beside the server) uses the
      // server's database, and leaves it running when it is done.
      const beside = await run(process.execPath, ['bin/channel-pilot.mjs', 'migrate'], {
        env: { ...process.env, ...env },
      });
      expect(beside.stderr).toBe('');
      expect(beside.stdout).toMatch(/schema up to date/);
      expect((await fetch(`${second.baseUrl}/readyz`)).status).toBe(200);

      // Requests already in flight when the stop signal arrives still get their answer: sent on
      // connections the server has accepted (one kept-alive connection each, opened first), since
      // a connection still waiting to be accepted is reset when the server stops listening.
      const agent = new http.Agent({ keepAlive: true, maxSockets: list.items.length });
      const get = (path: string) =>
        new Promise<number>((resolve, reject) => {
          http
            .get(`${second.baseUrl}${path}`, { agent, headers: { cookie } }, (res) => {
              res.resume();
              res.on('end', () => resolve(res.statusCode ?? 0));
            })
            .on('error', reject);
        });
      await Promise.all(list.items.map(() => get('/healthz')));
      const inFlight = list.items.map((c) => get(`/api/customers/${c.id}/context`));
      await Promise.race(inFlight);
      const stopped = second.stop();
      expect(await Promise.all(inFlight)).toEqual(list.items.map(() => 200));
      expect(await stopped).toBe(0);
      agent.destroy();
    } finally {
      expect(await second.stop()).toBe(0);
    }
  }, 300_000);

  it('refuses to start with bad configuration, listing every bad key', () => {
    const result = spawnSync(process.execPath, ['bin/channel-pilot.mjs', 'start'], {
      env: { ...process.env, PORT: 'x', DATABASE_URL: 'mysql://nope', LOG_LEVEL: 'chatty' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/invalid configuration/);
    for (const key of ['PORT', 'DATABASE_URL', 'LOG_LEVEL']) expect(result.stderr).toContain(`${key}=`);
  });
});
