import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPostgresStores, createSignedLinks, openDatabase, sharedSecret } from '../../core/index.ts';

const cliPath = new URL('../../bin/channel-pilot.mjs', import.meta.url).pathname;

describe('channel-pilot video try', () => {
  const dir = mkdtempSync(join(tmpdir(), 'channel-pilot-video-try-'));
  // Always the embedded database here, even when the suite runs with DATABASE_URL set.
  const env = {
    ...process.env,
    DATABASE_URL: '',
    DATA_DIR: join(dir, 'data'),
    LOG_LEVEL: 'warn',
    PUBLIC_URL: 'https://pilot.example.it',
  };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const cli = (args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [cliPath, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.once('close', (code) => resolve({ code, stdout, stderr }));
    });

  it('books a consultation starting soon with the demo advisor and prints the join link and the console', async () => {
    expect((await cli(['seed', '--customers', '40', '--interactions', '200'])).code).toBe(0);
    const before = Date.now();
    const run = await cli(['video', 'try', '--in', '3']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const id = /Trial consultation ([0-9a-f-]{36})/.exec(run.stdout)?.[1];
    const token = /customer: https:\/\/pilot\.example\.it\/join\/(\S+)/.exec(run.stdout)?.[1];
    expect(run.stdout).toContain('advisor: https://pilot.example.it/console');

    const storage = await openDatabase({ kind: 'embedded', dataDir: env.DATA_DIR });
    try {
      const stores = createPostgresStores(storage.db);
      const appointment = await stores.appointments.appointment(id ?? '');
      expect(appointment?.status).toBe('booked');
      const startsIn = (appointment?.startsAt.getTime() ?? 0) - before;
      expect(startsIn).toBeGreaterThanOrEqual(3 * 60_000 - 1000);
      expect(startsIn).toBeLessThan(3 * 60_000 + 30_000);
      const advisor = await stores.advisors.advisor(appointment?.advisorId ?? '');
      expect(advisor?.staffUserId).not.toBeNull();
      // The printed link is a genuine join link for that appointment, signed with the app's key.
      const links = createSignedLinks({ secret: await sharedSecret(storage.db, 'customer-links') });
      expect(links.verify(token ?? '', 'join', new Date()).subject).toBe(id);
    } finally {
      await storage.close();
    }
  }, 180_000);

  it('replaces the trial when run again, instead of failing on the overlap', async () => {
    const first = await cli(['video', 'try', '--in', '4']);
    expect(first.code).toBe(0);
    const again = await cli(['video', 'try', '--in', '4']);
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    const firstId = /Trial consultation ([0-9a-f-]{36})/.exec(first.stdout)?.[1] ?? '';
    const secondId = /Trial consultation ([0-9a-f-]{36})/.exec(again.stdout)?.[1] ?? '';
    expect(again.stdout).toContain(`Replaced the earlier trial ${firstId}`);
    const storage = await openDatabase({ kind: 'embedded', dataDir: env.DATA_DIR });
    try {
      const stores = createPostgresStores(storage.db);
      expect((await stores.appointments.appointment(firstId))?.status).toBe('cancelled');
      expect((await stores.appointments.appointment(secondId))?.status).toBe('booked');
    } finally {
      await storage.close();
    }
  }, 180_000);

  it('refuses a start too far ahead, saying what is allowed', async () => {
    const run = await cli(['video', 'try', '--in', '500']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toContain('must be a whole number of minutes from 0 to 120');
  }, 60_000);
});
