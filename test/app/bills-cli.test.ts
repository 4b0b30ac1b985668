import { parse } from 'csv-parse/sync';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../core/index.ts';

const cliPath = new URL('../../bin/channel-pilot.mjs', import.meta.url).pathname;

describe('channel-pilot bills', () => {
  const dir = mkdtempSync(join(tmpdir(), 'channel-pilot-bills-'));
  // Always the embedded database here, even when the suite runs with DATABASE_URL set.
  const env = {
    ...process.env,
    DATABASE_URL: '',
    DATA_DIR: join(dir, 'data'),
    LOG_LEVEL: 'warn',
    PUBLIC_URL: 'https://bollette.example.it',
  };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const cli = (args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const child = spawn(process.execPath, [cliPath, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
      const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.once('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stdout, stderr });
      });
    });

  it('sends the bills of an issue day once, each in a style on a medium, with the paper ones in a print batch', async () => {
    expect((await cli(['seed', '--customers', '40', '--interactions', '200'])).code).toBe(0);
    const storage = await openDatabase({ kind: 'embedded', dataDir: env.DATA_DIR });
    let issuedOn = '';
    let issued = 0;
    let demoSent = 0;
    try {
      const latest = await sql<{ issued_on: string; bills: string }>`
        select issued_on::text, count(*) as bills from bills b where not cancelled
          and not exists (select 1 from bill_communications c where c.bill_id = b.id)
        group by issued_on order by count(*) desc, issued_on desc limit 1`.execute(storage.db);
      // The demo's style pilot sent its customers' bills of the last weeks already.
      demoSent = Number(
        (await sql<{ n: string }>`select count(*) as n from bill_communications`.execute(storage.db)).rows[0]
          ?.n,
      );
      issuedOn = latest.rows[0]?.issued_on ?? '';
      issued = Number(latest.rows[0]?.bills ?? 0);
      // Seeded up to now on the real clock: what the demo's history sent is no longer waiting to go out.
      const waiting = await sql<{ n: number }>`
        select count(*)::int as n from outbox where status in ('pending', 'sending') and send_after <= now()`.execute(
        storage.db,
      );
      expect(waiting.rows[0]?.n).toBe(0);
    } finally {
      await storage.close();
    }
    expect(issued).toBeGreaterThan(0);

    const printDir = join(dir, 'print');
    const run = await cli(['bills', 'send', '--issued-on', issuedOn, '--print-dir', printDir]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const counted = [...run.stdout.matchAll(/^(\d+)\t(passive|active|reactive) by (email|sms|post)$/gm)];
    expect(counted.reduce((n, m) => n + Number(m[1]), 0)).toBe(issued);
    const onPaper = counted.filter((m) => m[3] === 'post').reduce((n, m) => n + Number(m[1]), 0);
    if (onPaper > 0) {
      const manifest = readFileSync(join(printDir, 'manifest.csv'), 'utf8').trim().split('\n');
      expect(manifest).toHaveLength(onPaper + 1);
    } else {
      expect(existsSync(join(printDir, 'manifest.csv'))).toBe(false);
    }

    const again = await cli(['bills', 'send', '--issued-on', issuedOn, '--print-dir', printDir]);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain(`no bill issued on ${issuedOn} is left to send`);

    const check = await openDatabase({ kind: 'embedded', dataDir: env.DATA_DIR });
    try {
      const sent = await sql<{ n: string }>`select count(*) as n from bill_communications`.execute(check.db);
      expect(Number(sent.rows[0]?.n)).toBe(demoSent + issued);
    } finally {
      await check.close();
    }
  }, 300_000);

  it('refuses a print folder under a file before sending anything: exit 1, the folder and why, no stack trace', async () => {
    const storage = await openDatabase({ kind: 'embedded', dataDir: env.DATA_DIR });
    let issuedOn = '';
    const counts = async () =>
      (
        await sql<{ communications: number; outbound: number }>`
          select (select count(*)::int from bill_communications) as communications,
            (select count(*)::int from interactions where source = 'bill_sent') as outbound`.execute(
          storage.db,
        )
      ).rows[0];
    let before: Awaited<ReturnType<typeof counts>>;
    try {
      const day = await sql<{ issued_on: string }>`
        select issued_on::text from bills b where not cancelled
          and not exists (select 1 from bill_communications c where c.bill_id = b.id)
        group by issued_on order by count(*) desc, issued_on desc limit 1`.execute(storage.db);
      issuedOn = day.rows[0]?.issued_on ?? '';
      before = await counts();
    } finally {
      await storage.close();
    }
    expect(issuedOn).not.toBe('');
    const file = join(dir, 'a-file');
    writeFileSync(file, 'not a folder');
    const printDir = join(file, 'print');
    const run = await cli(['bills', 'send', '--issued-on', issuedOn, '--print-dir', printDir]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      `error: cannot write the print batch in ${printDir}: a part of the path is a file, not a folder`,
    );
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.stdout).toBe('');
    const check = await openDatabase({ kind: 'embedded', dataDir: env.DATA_DIR });
    try {
      expect(
        await sql<{ communications: number; outbound: number }>`
          select (select count(*)::int from bill_communications) as communications,
            (select count(*)::int from interactions where source = 'bill_sent') as outbound`
          .execute(check.db)
          .then((r) => r.rows[0]),
      ).toEqual(before);
    } finally {
      await check.close();
    }
  }, 300_000);

  it('sets arms only on a style pilot, refuses arms that add up to more than 100 naming the field, and prints the report as JSON and CSV', async () => {
    const onVoice = await cli([
      'bills',
      'style-pilot',
      'alexa_bills',
      '--arm',
      'qr=active:30',
      '--control',
      'passive:30',
    ]);
    expect(onVoice.code).toBe(1);
    expect(onVoice.stderr).toContain('pilot alexa_bills is on voice_assistant, not bill_communications');
    const define = join(dir, 'styles.json');
    writeFileSync(
      define,
      JSON.stringify({
        code: 'bill_styles_cli',
        name: 'Bill styles from the command line',
        channel: 'bill_communications',
        touchpoints: ['active', 'reactive'],
        reasons: ['billing'],
        startsOn: '2026-03-01',
        endsOn: '2026-06-30',
      }),
    );
    expect((await cli(['pilot', 'define', define])).code).toBe(0);
    const tooMany = await cli([
      'bills',
      'style-pilot',
      'bill_styles_cli',
      '--arm',
      'qr=active:60',
      '--control',
      'passive:50',
    ]);
    expect(tooMany.code).toBe(1);
    expect(tooMany.stderr).toContain('control.percent: the arms and the control add up to at most 100');
    const set = await cli([
      'bills',
      'style-pilot',
      'bill_styles_cli',
      '--arm',
      'qr=active:30',
      '--arm',
      'mail=reactive:40',
      '--control',
      'passive:30',
    ]);
    expect(set.stderr).toBe('');
    expect(set.stdout).toContain('bill_styles_cli: qr active 30%, mail reactive 40%; control passive 30%');
    const report = await cli(['bills', 'report', 'bill_styles_cli', '--json']);
    expect(report.code).toBe(0);
    expect(
      (JSON.parse(report.stdout) as { arm: string; bills: number }[]).map((r) => [r.arm, r.bills]),
    ).toEqual([
      ['qr', 0],
      ['mail', 0],
      ['control', 0],
    ]);
    const csv = await cli(['bills', 'report', 'bill_styles_cli', '--csv']);
    expect(csv.code).toBe(0);
    const rows = parse(csv.stdout, { columns: true }) as Record<string, string>[];
    expect(rows.map((r) => [r.arm, r.style, r.bills, r.customers])).toEqual([
      ['qr', 'active', '0', '0'],
      ['mail', 'reactive', '0', '0'],
      ['control', 'passive', '0', '0'],
    ]);
  }, 300_000);

  // The channel's commands are built on the database before the arguments are read.
  it('refuses a day that is not a date, naming it', async () => {
    const run = await cli(['bills', 'send', '--issued-on', '30/02/2026']);
    expect(run.code).not.toBe(0);
    expect(run.stderr).toMatch(/--issued-on.*must be a date like 2026-03-29/);
  }, 120_000);
});
