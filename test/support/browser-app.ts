import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { composeApp } from '../../app/compose.ts';
import type { Clock, StorageHandle } from '../../core/index.ts';
import { launchChromium } from './chromium.ts';
import { openTestDatabase } from './database.ts';

// A test file's app served on loopback to a real Chromium: what the browser tests of customer
// pages share.

export interface BrowserApp {
  composed: Awaited<ReturnType<typeof composeApp>>;
  /** Where the app listens, and the public address its links carry. */
  base: string;
  browser: Browser;
}

/** The app on its own database at `clock`, listening on loopback, and Chromium; closed after the file. */
export function withBrowserApp(clock: Clock, take: (opened: BrowserApp) => Promise<void> | void): void {
  let storage: StorageHandle | undefined;
  let server: Server | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    storage = await openTestDatabase();
    // Links carry the public address, so the server listens before the app is composed for it.
    let handle: RequestListener = (_req, res) => res.end();
    const listening = createServer((req, res) => handle(req, res)).listen(0, '127.0.0.1');
    server = listening;
    await new Promise((resolve) => listening.once('listening', resolve));
    const base = `http://127.0.0.1:${(listening.address() as AddressInfo).port}`;
    const composed = await composeApp({
      storage,
      config: { PUBLIC_URL: base, SESSION_TTL_HOURS: 1, COOKIE_SECURE: false },
      logger: pino({ level: 'silent' }),
      clock,
    });
    handle = composed.app;
    browser = await launchChromium();
    await take({ composed, base, browser });
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
    await storage?.close();
  });
}

/** How far the page is wider than the window (0 or less: no horizontal scrolling). */
export const overflow = (page: Page) =>
  page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
