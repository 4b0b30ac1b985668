import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPostgresStores, type StorageHandle } from '../../core/index.ts';
import { openTestDatabase } from '../support/database.ts';

const cliPath = new URL('../../bin/channel-pilot.mjs', import.meta.url).pathname;

// An import run by the CLI in a process of its own, on the test's database, ended by a signal
// while it reads the file: its run in the history must not stay "running".
describe('an import whose process is killed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'channel-pilot-interrupted-'));
  const file = join(dir, 'sms-2026.csv');
  let storage: StorageHandle;

  beforeAll(async () => {
    storage = await openTestDatabase();
    // 150,000 outbound SMS notices of unknown recipients, four minutes apart through 2026.
    const lines = ['external_id,customer_id,channel,touchpoint,direction,reason,started_at,ended_at,outcome'];
    const start = Date.parse('2026-01-01T07:00:00Z');
    for (let i = 0; i < 150_000; i++) {
      lines.push(
        `sms-${i},,sms,notification,outbound,${['payment', 'outage', 'bill_explanation'][i % 3]},` +
          `${new Date(start + i * 240_000).toISOString()},,resolved`,
      );
    }
    writeFileSync(file, `${lines.join('\n')}\n`);
  }, 120_000);

  afterAll(async () => {
    await storage?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Starts the import, waits until its run is recorded as running with rows read, then sends `signal`. */
  async function importKilledBy(signal: NodeJS.Signals, source: string) {
    const history = createPostgresStores(storage.db).importRuns;
    const env = {
      ...process.env,
      DATABASE_URL: storage.url,
      DATA_DIR: join(dir, 'data'),
      LOG_LEVEL: 'warn',
    };
    const child = spawn(process.execPath, [cliPath, 'import', 'interactions', file, '--source', source], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const ended = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      child.once('close', (code, endSignal) => resolve({ code, signal: endSignal })),
    );
    let exited = false;
    void ended.then(() => (exited = true));

    const deadline = Date.now() + 60_000;
    let running;
    while (!exited && Date.now() < deadline) {
      running = (await history.list(10)).find(
        (run) => run.source === source && run.status === 'running' && (run.summary?.read ?? 0) > 0,
      );
      if (running) break;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(running, `the import was never seen running: ${output}`).toBeDefined();
    // Read while it runs, the history leaves a live import running.
    expect((await history.get(running!.id))?.status).toBe('running');
    child.kill(signal);
    const end = await ended;
    expect(end.signal ?? `exit ${end.code}`, output).toBe(signal);
    return running!.id;
  }

  async function historyOf(id: string) {
    // The server notices the ended process's connection at once, but may take a moment to drop its lock.
    const history = createPostgresStores(storage.db).importRuns;
    const deadline = Date.now() + 10_000;
    for (;;) {
      const run = await history.get(id);
      if (run?.status !== 'running' || Date.now() > deadline) return run;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('is shown interrupted in the history once its process is killed with SIGKILL, keeping its last progress', async () => {
    const id = await importKilledBy('SIGKILL', 'sms_gateway');
    const run = await historyOf(id);
    expect(run).toMatchObject({
      status: 'interrupted',
      finishedAt: null,
      error: 'the import stopped before it finished (its process ended: killed, or a crash)',
    });
    expect(run?.summary?.read).toBeGreaterThan(0);
    // The stored row behind it, as every other reader of the database sees it.
    const row = await storage.db
      .selectFrom('import_runs')
      .select(['status', 'file_name'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'interrupted', file_name: 'sms-2026.csv' });
  }, 180_000);

  it('is shown interrupted once its process is ended with SIGTERM, and a later import of the file finishes as done beside it', async () => {
    const id = await importKilledBy('SIGTERM', 'sms_gateway_2');
    expect((await historyOf(id))?.status).toBe('interrupted');

    const small = join(dir, 'sms-dicembre.csv');
    writeFileSync(
      small,
      'external_id,customer_id,channel,touchpoint,direction,reason,started_at,ended_at,outcome\n' +
        'dic-1,,sms,notification,outbound,payment,2026-12-01T08:00:00Z,,resolved\n',
    );
    const later = await new Promise<number | null>((resolve) =>
      spawn(process.execPath, [cliPath, 'import', 'interactions', small, '--source', 'sms_dicembre'], {
        env: { ...process.env, DATABASE_URL: storage.url, DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'warn' },
        stdio: 'ignore',
      }).once('close', resolve),
    );
    expect(later).toBe(0);
    const runs = await createPostgresStores(storage.db).importRuns.list(10);
    expect(runs.map((r) => [r.source, r.status])).toEqual([
      ['sms_dicembre', 'done'],
      ['sms_gateway_2', 'interrupted'],
      ['sms_gateway', 'interrupted'],
    ]);
  }, 180_000);
});
