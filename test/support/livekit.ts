import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { join } from 'node:path';
import {
  startLocalLivekitServer,
  type LivekitServer,
  type LivekitServerOptions,
} from '../../video/local-livekit-server.ts';

export type { LivekitServer };

// A real livekit-server for one test file: its own config, random keys, free loopback ports.

const root = new URL('../../', import.meta.url).pathname;
export const LIVEKIT_BINARY = join(root, 'infra/bin/livekit-server');
const INSTALL_SCRIPT = join(root, 'infra/livekit/install.sh');

/** How long building the binary on first use may take (`go install` of livekit-server). */
export const LIVEKIT_INSTALL_TIMEOUT_MS = 15 * 60_000;

/**
 * Makes sure the livekit-server binary exists, building it with infra/livekit/install.sh when it
 * does not. Throws (never skips) with what is missing and the command that fixes it.
 */
export async function ensureLivekitBinary(): Promise<string> {
  if (isExecutable(LIVEKIT_BINARY)) return LIVEKIT_BINARY;
  const { code, output } = await run(INSTALL_SCRIPT, [], LIVEKIT_INSTALL_TIMEOUT_MS);
  if (code !== 0 || !isExecutable(LIVEKIT_BINARY)) {
    throw new Error(
      `livekit-server is missing and infra/livekit/install.sh could not build it (exit ${code}).\n` +
        `The video tests need the real server: fix the cause below and run infra/livekit/install.sh.\n${output}`,
    );
  }
  return LIVEKIT_BINARY;
}

/** Starts a real livekit-server for a test, building the binary first when it is missing. */
export async function startLivekitServer(
  options: Omit<LivekitServerOptions, 'binary'> = {},
): Promise<LivekitServer> {
  return startLocalLivekitServer({ ...options, binary: await ensureLivekitBinary() });
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function run(command: string, args: string[], timeoutMs: number): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = setTimeout(() => {
      output += `\n(killed after ${timeoutMs / 1000} s)`;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ code: -1, output: `${output}${error.message}` });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code: code ?? -1, output });
    });
  });
}
