import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { sql } from 'kysely';
import { openDatabase, type StorageHandle } from '../../core/index.ts';
import { BACKGROUND_SESSION } from '../../core/storage/background-sessions.ts';
import { createPostgresInteractionLoader } from '../../core/storage/postgres-interaction-loader.ts';
import { withDatabase } from '../../app/cli-runner.ts';
import { loadConfig } from '../../app/config.ts';
import { createScratchDatabase } from '../support/database.ts';

// Bulk work's sessions yield the CPU to the live channels' when their server processes run on
// this machine. What the tests read is what the kernel schedules by: each server process's
// niceness and, where Linux groups processes by session, its group's.

/** The niceness of a process (the 19th field of /proc/<pid>/stat). */
const niceness = (pid: number) =>
  Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[16]);
/** Its session group's niceness, where the kernel groups by session. */
const groupNiceness = (pid: number) => {
  const file = `/proc/${pid}/autogroup`;
  return existsSync(file) ? Number(/nice (-?\d+)/.exec(readFileSync(file, 'utf8'))![1]) : null;
};

/** What lowering a server process on this machine makes of it. */
function expectLowered(pid: number) {
  expect(niceness(pid)).toBe(19);
  // Where the kernel groups by session (a test run started with `nice` gives the server's processes
  // its niceness already), the group is what tells.
  const group = groupNiceness(pid);
  if (group !== null) expect(group).toBe(19);
}

const scratch = await createScratchDatabase(inject('databaseServerUrl'), 'channel_pilot_background');
const open: StorageHandle[] = [];
let live: StorageHandle;
let bulk: StorageHandle;
beforeAll(async () => {
  live = await openDatabase({ kind: 'postgres', url: scratch.url, poolSize: 2 });
  bulk = await openDatabase({ kind: 'postgres', url: scratch.url, poolSize: 2, background: true });
  open.push(live, bulk);
});
afterAll(async () => {
  for (const handle of open) await handle.close();
  await scratch.drop();
});

/** The server process of a session of `handle`'s pool, and whether it runs here (a Unix socket). */
async function sessionOf(handle: StorageHandle, pool: 'db' | 'analytics' = 'db') {
  const { rows } = await sql<{ pid: number; local: boolean; name: string }>`
    select pg_backend_pid() as pid, inet_server_addr() is null as local,
           current_setting('application_name') as name`.execute(handle[pool]);
  return rows[0]!;
}

describe('background sessions', () => {
  it('puts a bulk handle’s sessions at the lowest priority, and leaves the live ones as they were', async () => {
    const background = await sessionOf(bulk);
    const foreground = await sessionOf(live);
    expect(background.name).toBe(BACKGROUND_SESSION);
    expect(foreground.name).not.toBe(BACKGROUND_SESSION);
    expect(background.local).toBe(foreground.local);
    if (background.local) {
      // The server's processes on this machine: the bulk one lowered both ways.
      expectLowered(background.pid);
      // Each PostgreSQL process is a session (and so a group) of its own: the live one's is untouched.
      if (groupNiceness(foreground.pid) !== null) expect(groupNiceness(foreground.pid)).toBe(0);
    } else {
      // A server reached over the network has process ids of its own: nothing here is touched
      // (the server DATABASE_URL names may still run on this machine: its process keeps its niceness).
      expect(niceness(background.pid)).toBe(niceness(foreground.pid));
    }
  });

  it('reads analytics (the census, pilot reports) on background sessions of their own', async () => {
    const analytics = await sessionOf(live, 'analytics');
    const foreground = await sessionOf(live);
    expect(analytics.name).toBe(BACKGROUND_SESSION);
    expect(analytics.pid).not.toBe(foreground.pid);
    if (analytics.local) expectLowered(analytics.pid);
    // A pool of its own: with every live connection held (the pool has two), it still answers.
    let acquired = 0;
    let release!: () => void;
    const holding = new Promise<void>((resolve) => (release = resolve));
    const held = [0, 1].map(() =>
      live.db.connection().execute(async (connection) => {
        await sql`select 1`.execute(connection);
        acquired++;
        await holding;
      }),
    );
    while (acquired < 2) await new Promise((resolve) => setTimeout(resolve, 5));
    const answer = await sql<{ n: number }>`select 1 as n`.execute(live.analytics);
    expect(answer.rows[0]!.n).toBe(1);
    release();
    await Promise.all(held);
  });

  it('runs a load of contacts on a background session, whoever opened the database', async () => {
    const loader = createPostgresInteractionLoader({ url: live.url, db: live.db });
    const load = await loader.start();
    try {
      const loadSession = await sql<{ pid: number }>`
        select pid from pg_stat_activity
        where datname = current_database() and application_name = ${BACKGROUND_SESSION}
          and query like 'create temporary table interaction_load%'`.execute(live.db);
      expect(loadSession.rows).toHaveLength(1);
      const { pid } = loadSession.rows[0]!;
      if ((await sessionOf(live)).local) expectLowered(pid);
    } finally {
      await load.abort();
    }
  });

  it('gives a CLI command that does bulk work background sessions', async () => {
    const config = loadConfig({ DATABASE_URL: scratch.url, LOG_LEVEL: 'warn' });
    let seen: { name: string } | undefined;
    await withDatabase(config, async (storage) => void (seen = await sessionOf(storage)), {
      background: true,
    });
    expect(seen?.name).toBe(BACKGROUND_SESSION);
    let plain: { name: string } | undefined;
    await withDatabase(config, async (storage) => void (plain = await sessionOf(storage)));
    expect(plain?.name).not.toBe(BACKGROUND_SESSION);
  });

  it('lowers a bulk command’s own process, and its session’s group only when it leads that session', () => {
    // A child that yields, then prints what the kernel now holds for it; started as a shell starts
    // a command (in the shell's session) and as a service or detached job is (a session of its own).
    const script =
      "import { yieldOwnCpu } from './core/storage/background-sessions.ts';" +
      "import { readFileSync } from 'node:fs';" +
      'yieldOwnCpu();' +
      "const group = readFileSync('/proc/self/autogroup', 'utf8').trim();" +
      "console.log(JSON.stringify({ nice: Number(readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ')[16]), group }));";
    const run = (ownSession: boolean) => {
      const args = ['--import', 'tsx', '--input-type=module', '-e', script];
      const child = ownSession
        ? spawnSync('setsid', ['--wait', process.execPath, ...args], { encoding: 'utf8' })
        : spawnSync(process.execPath, args, { encoding: 'utf8' });
      expect(child.stderr).toBe('');
      return JSON.parse(child.stdout) as { nice: number; group: string };
    };
    const ourGroup = () => readFileSync('/proc/self/autogroup', 'utf8').trim();
    if (!existsSync('/proc/self/autogroup')) {
      expect(run(false).nice).toBe(19);
      return;
    }
    const before = ourGroup();
    const inShell = run(false);
    expect(inShell.nice).toBe(19);
    // The caller's group (a shell's) is its own; lowering it would outlast the command.
    expect(inShell.group).toBe(before);
    expect(ourGroup()).toBe(before);
    const leader = run(true);
    expect(leader.nice).toBe(19);
    expect(leader.group).not.toBe(before);
    expect(leader.group).toMatch(/ nice 19$/);
  });
});
