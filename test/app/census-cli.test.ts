import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { createPostgresStores, type StorageHandle } from '../../core/index.ts';
import { openTestDatabase } from '../support/database.ts';

const cliPath = new URL('../../bin/channel-pilot.mjs', import.meta.url).pathname;

// Sunday 25 October 2026: 8 calls of 10 min 18 s, 4 e-mails answered 25 h 48 min after they came,
// 2 letters answered after 3 days, 6 self-service visits of 2 min. Live channels report a handle
// time, channels answered later (e-mail, paper mail) a response time in hours or days.
describe('channel-pilot census', () => {
  const dir = mkdtempSync(join(tmpdir(), 'channel-pilot-census-cli-'));
  let storage: StorageHandle;

  beforeAll(async () => {
    storage = await openTestDatabase();
    const stores = createPostgresStores(storage.db);
    const customers = await Promise.all(
      ['Lucia', 'Giorgio', 'Elena', 'Paolo'].map((firstName, i) =>
        stores.customers.create({ firstName, lastName: `Ferri ${i}`, locale: 'it-IT', segment: 'family' }),
      ),
    );
    const at = (hour: number, minute = 0) =>
      DateTime.fromObject(
        { year: 2026, month: 10, day: 25, hour, minute },
        { zone: 'Europe/Rome' },
      ).toJSDate();
    const contact = (n: number, channel: string, touchpoint: string, startedAt: Date, seconds: number) => ({
      customerId: customers[n % customers.length]!.id,
      channel,
      touchpoint,
      direction: 'inbound' as const,
      reason: 'bill_explanation',
      startedAt,
      endedAt: new Date(startedAt.getTime() + seconds * 1000),
      outcome: 'resolved' as const,
      source: 'helpdesk',
      externalId: `T-${channel}-${n}`,
    });
    await stores.interactions.recordMany([
      ...Array.from({ length: 8 }, (_, n) => contact(n, 'call_centre', 'agent', at(9 + n), 618)),
      ...Array.from({ length: 4 }, (_, n) => contact(n, 'email', 'inbox', at(10 + n, 30), 25.8 * 3600)),
      ...Array.from({ length: 2 }, (_, n) => contact(n, 'paper_mail', 'letter', at(11 + n), 3 * 86_400)),
      ...Array.from({ length: 6 }, (_, n) => contact(n, 'web', 'self_service', at(14 + n), 120)),
    ]);
  }, 120_000);

  afterAll(async () => {
    await storage?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints a handle time in minutes for live channels and a response time in hours or days for e-mail and paper mail', async () => {
    const child = spawn(process.execPath, [cliPath, 'census', '--from', '2026-10-25', '--to', '2026-10-25'], {
      env: { ...process.env, DATABASE_URL: storage.url, DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const code = await new Promise((resolve) => child.once('close', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    const head = lines.findIndex((line) => line.startsWith('channel'));
    expect(lines[head]).toMatch(/^channel\s+contacts\s+share\s+customers\s+avg handle\s+avg response$/);
    const row = (channel: string) =>
      lines
        .slice(head + 2)
        .find((line) => line.startsWith(`${channel} `))
        ?.split(/\s{2,}/);
    expect(row('call_centre')).toEqual(['call_centre', '8', '40.0%', '4', '10.3 min']);
    expect(row('web')).toEqual(['web', '6', '30.0%', '4', '2.0 min']);
    expect(row('email')).toEqual(['email', '4', '20.0%', '4', '–', '25.8 h']);
    expect(row('paper_mail')).toEqual(['paper_mail', '2', '10.0%', '2', '–', '3.0 days']);
  }, 120_000);
});
