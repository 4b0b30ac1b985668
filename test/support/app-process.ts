import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '../../video/local-livekit-server.ts';

export { freePort };

// Runs the real CLI in a child process, for the start-up test and the benchmarks.

export interface RunningApp {
  baseUrl: string;
  output: () => string;
  stop: () => Promise<number | null>;
  process: ChildProcess;
}

/** Starts the real CLI (`channel-pilot start`) and waits until it serves. */
export async function startApp(env: Record<string, string>, timeoutMs = 600_000): Promise<RunningApp> {
  const port = env.PORT ? Number(env.PORT) : await freePort();
  const child = spawn(
    process.execPath,
    [new URL('../../bin/channel-pilot.mjs', import.meta.url).pathname, 'start'],
    {
      env: { ...process.env, LOG_LEVEL: 'warn', HOST: '127.0.0.1', PORT: String(port), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout?.on('data', (chunk) => (out += chunk));
  child.stderr?.on('data', (chunk) => (out += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`app did not start in time:\n${out}`)), timeoutMs);
    const check = () => {
      if (out.includes('is running')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout?.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`app exited with ${code}:\n${out}`));
    });
  });
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    output: () => out,
    process: child,
    stop() {
      // Once: a second signal would cut the graceful shutdown short.
      if (child.exitCode === null && child.signalCode === null && !child.killed) child.kill('SIGTERM');
      return exited;
    },
  };
}

/** The demo logins the app prints once on first start. */
export function printedCredentials(output: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const match of output.matchAll(/username (\S+)\s+password (\S+)/g))
    found[match[1] as string] = match[2] as string;
  return found;
}

export async function login(baseUrl: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  return (res.headers.get('set-cookie') ?? '').split(';')[0] as string;
}

/** Runs the real CLI with these arguments and standard input; resolves with its output and exit code. */
export function runCli(args: string[], env: Record<string, string>, input = '') {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [new URL('../../bin/channel-pilot.mjs', import.meta.url).pathname, ...args],
      { env: { ...process.env, LOG_LEVEL: 'silent', ...env }, stdio: ['pipe', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

/**
 * Runs `channel-pilot start` expecting it to refuse: resolves with its exit code and output once
 * it exits. Should it start serving after all (or hang), it is stopped, so that no test leaves it
 * running; its output then says so.
 */
export function startExpectingRefusal(env: Record<string, string>, timeoutMs = 120_000) {
  return new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [new URL('../../bin/channel-pilot.mjs', import.meta.url).pathname, 'start'],
      {
        env: { ...process.env, LOG_LEVEL: 'warn', HOST: '127.0.0.1', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    const stop = () => child.exitCode === null && child.signalCode === null && child.kill('SIGTERM');
    const timer = setTimeout(stop, timeoutMs);
    const read = (chunk: Buffer) => {
      output += chunk;
      if (output.includes('is running')) stop();
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}
