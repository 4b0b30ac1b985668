import { chromium, type Browser } from 'playwright-core';
import { ensureDebianTool } from './debian-tools.ts';

/** Debian's Chromium: the browser tests drive it; nothing is downloaded. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Makes sure Chromium is installed, installing Debian's package when it is missing and this
 * user may (root). Throws — never skips — naming what is missing and the command that fixes it.
 */
export function ensureChromium(): string {
  return ensureDebianTool({ path: CHROMIUM, debianPackage: 'chromium', neededBy: 'The browser tests' });
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
