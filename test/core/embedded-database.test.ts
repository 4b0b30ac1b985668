import { afterAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openDatabase } from '../../core/index.ts';

// The embedded database is a real PostgreSQL server on a data folder: these tests start it as
// `npm start` does, in folders of their own.

const folders: string[] = [];
function dataFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'channel-pilot-embedded-'));
  folders.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

const cli = (args: string[], env: Record<string, string>) =>
  spawnSync(process.execPath, ['bin/channel-pilot.mjs', ...args], {
    env: { ...process.env, DATABASE_URL: '', LOG_LEVEL: 'warn', ...env },
    encoding: 'utf8',
    // A command that hangs fails the test instead of the run.
    timeout: 120_000,
  });

function serverPid(dataDir: string): number | null {
  const file = join(dataDir, 'postgres', 'postmaster.pid');
  return existsSync(file) ? Number(readFileSync(file, 'utf8').split('\n')[0]) : null;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('the embedded database', () => {
  it('creates a PostgreSQL server in a new folder, keeps what was written across a restart, and stops it on close', async () => {
    const dataDir = dataFolder();
    const first = await openDatabase({ kind: 'embedded', dataDir });
    const { rows } = await sql<{ server_version_num: string }>`show server_version_num`.execute(first.db);
    expect(Number(rows[0]?.server_version_num)).toBeGreaterThanOrEqual(180000);
    await sql`insert into channels (code, name, kind, touchpoints) values ('kiosk', 'Kiosk', 'pilot', '[]')`.execute(
      first.db,
    );
    const pid = serverPid(dataDir);
    expect(pid).not.toBeNull();
    await first.close();
    expect(alive(pid as number)).toBe(false);

    const again = await openDatabase({ kind: 'embedded', dataDir });
    try {
      const kiosk = await again.db
        .selectFrom('channels')
        .select('name')
        .where('code', '=', 'kiosk')
        .execute();
      expect(kiosk).toEqual([{ name: 'Kiosk' }]);
    } finally {
      await again.close();
    }
  }, 120_000);

  it('serves several connections at once: two slow queries overlap instead of queueing', async () => {
    const dataDir = dataFolder();
    const handle = await openDatabase({ kind: 'embedded', dataDir, poolSize: 4 });
    try {
      const started = Date.now();
      await Promise.all([
        sql`select pg_sleep(0.5)`.execute(handle.db),
        sql`select pg_sleep(0.5)`.execute(handle.db),
      ]);
      expect(Date.now() - started).toBeLessThan(950);
    } finally {
      await handle.close();
    }
  }, 120_000);

  it('lets a CLI command beside a running app use the same server, and leaves it running', async () => {
    const dataDir = dataFolder();
    const owner = await openDatabase({ kind: 'embedded', dataDir });
    try {
      const result = cli(['migrate'], { DATA_DIR: dataDir });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(await owner.ping()).toBe(true);
    } finally {
      await owner.close();
    }
  }, 120_000);

  it('takes over a server left running by an app that was killed, and stops it when done', async () => {
    const dataDir = dataFolder();
    // An app process that opens the folder and is then killed outright, leaving its server behind.
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `import('./core/index.ts').then(async ({ openDatabase }) => {
           const h = await openDatabase({ kind: 'embedded', dataDir: ${JSON.stringify(dataDir)} });
           await h.db.insertInto('channels').values({ code: 'kiosk', name: 'Kiosk', kind: 'pilot', touchpoints: '[]' }).execute();
           console.log('ready');
           setInterval(() => {}, 1000);
         })`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve, reject) => {
      child.stdout!.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
      child.once('exit', (code) => reject(new Error(`the app exited first (${code})`)));
    });
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    const orphan = serverPid(dataDir) as number;
    expect(alive(orphan)).toBe(true);

    const handle = await openDatabase({ kind: 'embedded', dataDir });
    try {
      const kiosk = await handle.db
        .selectFrom('channels')
        .select('code')
        .where('code', '=', 'kiosk')
        .execute();
      expect(kiosk).toHaveLength(1);
      expect(serverPid(dataDir)).toBe(orphan);
    } finally {
      await handle.close();
    }
    expect(alive(orphan)).toBe(false);
  }, 120_000);

  it('starts when the server’s pid file names a process that is not PostgreSQL (a pid reused after a crash)', async () => {
    const dataDir = dataFolder();
    await (await openDatabase({ kind: 'embedded', dataDir })).close();
    const pidFile = join(dataDir, 'postgres', 'postmaster.pid');
    writeFileSync(pidFile, `${process.pid}\n${join(dataDir, 'postgres')}\n0\n5432\n/tmp\n\n0 0\nready\n`);
    const handle = await openDatabase({ kind: 'embedded', dataDir });
    try {
      expect(await handle.ping()).toBe(true);
    } finally {
      await handle.close();
    }
  }, 120_000);

  it('runs for a normal user as well as for root', async () => {
    if (process.getuid?.() !== 0) {
      // Not root: every test above already ran as a normal user.
      expect(process.getuid?.()).not.toBe(0);
      return;
    }
    const dataDir = dataFolder();
    chmodSync(dataDir, 0o777);
    const result = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        '--input-type=module',
        '-e',
        `import('./core/index.ts').then(async ({ openDatabase }) => {
           const h = await openDatabase({ kind: 'embedded', dataDir: ${JSON.stringify(dataDir)} });
           console.log(await h.ping());
           await h.close();
         })`,
      ],
      { uid: 65534, gid: 65534, encoding: 'utf8', env: { ...process.env, HOME: dataDir }, timeout: 100_000 },
    );
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('true');
  }, 120_000);

  it('says why the server did not start, with PostgreSQL’s own words', async () => {
    const dataDir = dataFolder();
    await (await openDatabase({ kind: 'embedded', dataDir })).close();
    writeFileSync(join(dataDir, 'postgres', 'postgresql.conf'), 'shared_buffers = lots\n', { flag: 'a' });
    const error = await openDatabase({ kind: 'embedded', dataDir }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'unavailable' });
    expect(String((error as Error).cause)).toMatch(/shared_buffers/);
  }, 120_000);
});
