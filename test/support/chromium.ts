import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

/** Debian's Chromium: the browser tests drive it; nothing is downloaded. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const INSTALL = 'apt-get update && apt-get install -y chromium';

/**
 * Makes sure Chromium is installed, installing Debian's package when it is missing and this
 * user may (root). Throws — never skips — naming what is missing and the command that fixes it.
 */
export function ensureChromium(): string {
  if (isExecutable(CHROMIUM)) return CHROMIUM;
  if (process.getuid?.() === 0) {
    const run = spawnSync('bash', ['-c', `DEBIAN_FRONTEND=noninteractive ${INSTALL}`], { encoding: 'utf8' });
    if (run.status === 0 && isExecutable(CHROMIUM)) return CHROMIUM;
    throw new Error(
      `Chromium is missing and \`${INSTALL}\` failed (exit ${run.status}):\n${run.stdout}${run.stderr}`,
    );
  }
  throw new Error(`The browser tests need Chromium at ${CHROMIUM}. Install it with: sudo ${INSTALL}`);
}

/**
 * Headless Chromium as the browser tests run it, with a fake camera and microphone for calls.
 * `permissions: 'refused'` refuses every request for them instead, as when a person clicks "Block".
 */
export function launchChromium(options: { permissions?: 'granted' | 'refused' } = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: ensureChromium(),
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--use-fake-device-for-media-stream',
      options.permissions === 'refused' ? '--deny-permission-prompts' : '--use-fake-ui-for-media-stream',
    ],
  });
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
