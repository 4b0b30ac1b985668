import { afterAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { sql } from 'kysely';
import { openDatabase } from '../../core/index.ts';

// `channel-pilot backup` and `restore` on the embedded database, through the real CLI.

const root = mkdtempSync(join(tmpdir(), 'channel-pilot-backup-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const cli = (args: string[], dataDir: string) =>
  spawnSync(process.execPath, ['bin/channel-pilot.mjs', ...args], {
    env: { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'warn', DATA_DIR: dataDir },
    encoding: 'utf8',
    // A command that hangs fails the test instead of the run.
    timeout: 120_000,
  });

/** Each table's rows, as one fingerprint per table (order-independent), read straight from the database. */
async function fingerprints(dataDir: string): Promise<Record<string, string>> {
  const handle = await openDatabase({ kind: 'embedded', dataDir });
  try {
    const tables = await sql<{ name: string }>`
      select tablename as name from pg_tables where schemaname = current_schema() and tablename not like 'kysely_%'
      order by 1`.execute(handle.db);
    const result: Record<string, string> = {};
    for (const { name } of tables.rows) {
      const { rows } = await sql<{ n: string; h: string | null }>`
        select count(*)::text as n, md5(string_agg(md5(t::text), '' order by md5(t::text))) as h
        from ${sql.table(name)} t`.execute(handle.db);
      result[name] = `${rows[0]?.n}:${rows[0]?.h}`;
    }
    return result;
  } finally {
    await handle.close();
  }
}

describe('channel-pilot backup and restore', () => {
  const source = join(root, 'source');
  const target = join(root, 'target');
  const file = join(root, 'pilot.backup.gz');

  it('restores into an empty folder exactly what was backed up, table by table', async () => {
    const seeded = cli(
      ['seed', '--customers', '60', '--interactions', '800', '--as-of', '2026-11-30'],
      source,
    );
    expect(seeded.status, seeded.stderr).toBe(0);
    const backup = cli(['backup', file], source);
    expect(backup.stderr).toBe('');
    expect(backup.stdout).toMatch(/backed up \d+ tables, [\d,]+ rows/);
    const restore = cli(['restore', file], target);
    expect(restore.stderr).toBe('');
    expect(restore.stdout).toMatch(/restored \d+ tables/);

    const before = await fingerprints(source);
    expect(Number(before.customers?.split(':')[0])).toBe(60);
    expect(Number(before.interactions?.split(':')[0])).toBeGreaterThanOrEqual(800);
    expect(await fingerprints(target)).toEqual(before);
  }, 300_000);

  it('refuses to restore over data unless told to replace it, and loses nothing when refused', async () => {
    const before = await fingerprints(target);
    const refused = cli(['restore', file], target);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/already holds customers, staff or contacts/);
    expect(refused.stderr).toMatch(/--replace/);
    expect(await fingerprints(target)).toEqual(before);

    const replaced = cli(['restore', file, '--replace'], target);
    expect(replaced.status, replaced.stderr).toBe(0);
    expect(await fingerprints(target)).toEqual(before);
  }, 300_000);

  it('changes nothing when the backup file is cut short, and says so', async () => {
    const before = await fingerprints(target);
    const whole = gunzipSync(readFileSync(file)).toString('utf8');
    const cut = join(root, 'cut.backup.gz');
    writeFileSync(cut, gzipSync(whole.slice(0, Math.floor(whole.length * 0.7))));
    const result = cli(['restore', cut, '--replace'], target);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/ends in the middle of|invalid input syntax|missing data/);
    expect(await fingerprints(target)).toEqual(before);

    const torn = join(root, 'torn.backup.gz');
    const bytes = readFileSync(file);
    writeFileSync(torn, bytes.subarray(0, Math.floor(bytes.length / 2)));
    const tornResult = cli(['restore', torn, '--replace'], target);
    expect(tornResult.status).toBe(1);
    expect(tornResult.stderr).toMatch(/the backup cannot be read: unexpected end of file/);
    expect(await fingerprints(target)).toEqual(before);

    const notABackup = join(root, 'notes.gz');
    writeFileSync(notABackup, gzipSync('hello\n'));
    const wrong = cli(['restore', notABackup], join(root, 'empty'));
    expect(wrong.status).toBe(1);
    expect(wrong.stderr).toMatch(/not a channel-pilot backup/);
  }, 300_000);

  it('refuses a backup whose content is damaged, naming where, changing nothing and leaving no server running', async () => {
    const before = await fingerprints(target);
    const lines = gunzipSync(readFileSync(file)).toString('utf8').split('\n');
    const headings = lines.flatMap((line, i) => (line.startsWith('{"table":') ? [i] : []));
    /** The backup with one line changed, as a file. */
    const damaged = (name: string, index: number, change: (line: string) => string) => {
      const path = join(root, `${name}.backup.gz`);
      writeFileSync(path, gzipSync(lines.map((l, i) => (i === index ? change(l) : l)).join('\n')));
      return path;
    };
    // A row in the middle of the table with the most rows, and of bills; a table's heading.
    const rowsOf = (h: number) => (headings.find((next) => next > h) ?? lines.length) - h;
    const biggest = headings.reduce((a, b) => (rowsOf(b) > rowsOf(a) ? b : a));
    const bills = headings.find((h) => lines[h]!.startsWith('{"table":"bills"'))!;
    const zeds = (line: string) =>
      line.slice(0, line.length / 3) + 'Z'.repeat(50) + line.slice(line.length / 3 + 50);
    const cases = [
      {
        path: damaged('row', biggest + Math.floor(rowsOf(biggest) / 2), zeds),
        said: /row \d+ of \w+ cannot be read back/,
      },
      {
        path: damaged('bills', bills + Math.floor(rowsOf(bills) / 2), zeds),
        said: /row \d+ of bills cannot be read back/,
      },
      {
        path: damaged('heading', headings[3]!, zeds),
        said: /after the rows of \w+ comes a line that heads no table/,
      },
    ];
    for (const { path, said } of cases) {
      const result = cli(['restore', path, '--replace'], target);
      expect(result.status, result.stderr).toBe(1);
      expect(result.stderr).toMatch(/^error: the backup is damaged: /);
      expect(result.stderr).toMatch(said);
      expect(result.stderr).not.toMatch(/^\s+at /m);
      expect(await fingerprints(target)).toEqual(before);

      const fresh = mkdtempSync(join(root, 'fresh-'));
      const into = cli(['restore', path], fresh);
      expect(into.status, into.stderr).toBe(1);
      expect(into.stderr).toMatch(said);
      expect(existsSync(join(fresh, 'postgres', 'postmaster.pid')), 'the embedded server left running').toBe(
        false,
      );
    }
  }, 300_000);

  it('says a backup of a newer format comes from a newer version, and which format', async () => {
    const [header, ...rest] = gunzipSync(readFileSync(file)).toString('utf8').split('\n');
    const newer = join(root, 'newer.backup.gz');
    writeFileSync(
      newer,
      gzipSync([JSON.stringify({ ...JSON.parse(header!), version: 2 }), ...rest].join('\n')),
    );
    const result = cli(['restore', newer], join(root, 'newer'));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      'error: the backup was made by a newer version of channel-pilot (backup format 2; this version reads format 1)',
    );
    expect(result.stderr).toMatch(/^hint: Restore it with that version of channel-pilot/m);
  }, 120_000);
});
