import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { sql } from 'kysely';
import { pino } from 'pino';
import type { Browser, Page } from 'playwright-core';
import { composeApp } from '../../app/compose.ts';
import type { StorageHandle, Stores } from '../../core/index.ts';
import { openTestDatabase } from '../support/database.ts';
import { launchChromium } from '../support/chromium.ts';
import { staffPassword, staffUsers } from '../support/fixtures.ts';

// The import page in a real browser, on the real clock: a pilot manager saves the documented
// profiles, previews the CRM's customer list, imports it, then imports a large call-centre
// export and watches it go, and finds both in the history. Each step is checked in the database.

const SHOTS = new URL('./screenshots/', import.meta.url).pathname;
const fixture = (name: string) => new URL(`../fixtures/import/${name}`, import.meta.url).pathname;
const example = (name: string) =>
  readFileSync(new URL(`../../docs/examples/${name}.json`, import.meta.url), 'utf8');

let storage: StorageHandle;
let stores: Stores;
let server: Server;
let base: string;
let browser: Browser;
let manager: string;
const dir = mkdtempSync(join(tmpdir(), 'channel-pilot-import-page-'));

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  storage = await openTestDatabase();
  const composed = await composeApp({
    storage,
    config: { PUBLIC_URL: 'http://localhost:3000', SESSION_TTL_HOURS: 1, COOKIE_SECURE: false },
    logger: pino({ level: 'silent' }),
  });
  stores = composed.stores;
  manager = (await staffUsers(stores)).manager.username;
  server = composed.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  browser = await launchChromium();
}, 600_000);

afterAll(async () => {
  await browser?.close();
  await new Promise((resolve) => server?.close(resolve));
  await storage?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function logIn(page: Page) {
  await page.goto(`${base}/manage/imports`);
  await page.fill('input[name=username]', manager);
  await page.fill('input[name=password]', staffPassword);
  await Promise.all([page.waitForURL(`${base}/manage/imports`), page.click('#login button[type=submit]')]);
}

async function saveProfile(page: Page, name: string) {
  await page.fill('#profile-form textarea[name=json]', example(name));
  await page.click('#profile-form button[type=submit]');
  await page.locator('#profile-status', { hasText: `Saved profile ${name}.` }).waitFor();
}

/** A call-centre export of `rows` contacts of the CRM's customers, as calls_crm reads it. */
function largeExport(rows: number): string {
  const lines = ['ID Chiamata;Codice Cliente;Canale;Motivo;Data Inizio;Data Fine;Esito'];
  const channels = ['Telefono', 'Sito web', 'E-mail', 'Negozio', 'App'];
  const reasons = ['Bolletta', 'Pagamento', 'Autolettura', 'Trasloco', 'Guasto'];
  for (let i = 0; i < rows; i++) {
    const day = 1 + (i % 28);
    const minute = i % 600;
    const at = `${String(day).padStart(2, '0')}/01/2026 ${String(8 + Math.floor(minute / 60)).padStart(2, '0')}:${String(minute % 60).padStart(2, '0')}`;
    lines.push(
      `GR-${i};C00010${1 + (i % 8)};${channels[i % 5]};${reasons[(i >> 3) % 5]};${at};;${i % 11 === 0 ? 'Trasferita' : 'Risolto'}`,
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

describe('the import page in a browser', () => {
  it('saves profiles, previews and imports the CRM customers, then imports a large export with live progress, and shows the history', async () => {
    const startedAt = new Date();
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await logIn(page);
    await saveProfile(page, 'crm_customers');
    await saveProfile(page, 'calls_crm');
    expect((await stores.importProfiles.list()).map((p) => p.profile.name)).toEqual([
      'calls_crm',
      'crm_customers',
    ]);

    await page.setInputFiles('#upload input[name=file]', fixture('clienti-crm.tsv'));
    await page.selectOption('#upload select[name=kind]', 'customers');
    await page.selectOption('#upload select[name=profile]', 'crm_customers');
    await page.click('#upload button[value=preview]');
    await page.waitForSelector('[data-summary=preview]');
    expect(await page.textContent('[data-summary]')).toBe(
      '9 rows read, 8 new to import, 0 to update, 0 unchanged, 1 rejected (dry run: nothing written)',
    );
    const previewText = (await page.textContent('#result-body')) as string;
    // A pilot manager sees the rows' shape, not the people.
    expect(previewText).toContain('G•••');
    expect(previewText).not.toContain('Giulia');
    expect(previewText).toContain('last_name');
    expect(previewText).toContain('is missing');
    await page.screenshot({ path: `${SHOTS}import-preview.png`, fullPage: true });
    expect((await stores.customers.byReference('crm', ['C000101'])).size).toBe(0);

    await page.click('#upload button[value=run]');
    await page.waitForSelector('[data-summary=done]');
    expect(await page.textContent('[data-summary]')).toBe(
      '9 rows read, 8 new, 0 updated, 0 unchanged, 1 rejected',
    );
    expect((await stores.customers.byReference('crm', ['C000101', 'C000108'])).size).toBe(2);

    const file = join(dir, 'chiamate-gennaio.csv');
    const rows = 30_000;
    writeFileSync(file, largeExport(rows));
    await page.setInputFiles('#upload input[name=file]', file);
    await page.selectOption('#upload select[name=kind]', 'interactions');
    await page.selectOption('#upload select[name=profile]', 'calls_crm');
    // Every state the progress bar and its words go through, as the page shows them.
    await page.evaluate(`{
      const seen = (window.seen = []);
      const bar = document.getElementById('progress-bar');
      const text = document.getElementById('progress-text');
      new MutationObserver(() => seen.push(bar.value + '/' + bar.max + ' ' + text.textContent)).observe(
        document.getElementById('progress'),
        { attributes: true, childList: true, subtree: true, characterData: true },
      );
    }`);
    await page.click('#upload button[value=run]');
    await page.waitForSelector('[data-summary=done]', { timeout: 300_000 });
    expect(await page.textContent('[data-summary]')).toBe(
      `${rows} rows read, ${rows} imported, 0 already there, 0 rejected`,
    );
    const seen = await page.evaluate<string[]>('window.seen');
    const partway = seen.filter((s) => /^(\d+)\/(\d+) Importing… [1-9]\d* rows read/.test(s));
    expect(partway.length, seen.join('\n')).toBeGreaterThan(0);
    expect(
      partway.some((s) => {
        const [value, max] = s.split(' ')[0]?.split('/').map(Number) as [number, number];
        return value > 0 && value < max;
      }),
      seen.join('\n'),
    ).toBe(true);
    const { rows: stored } = await sql<{ n: number }>`
      select count(*)::int as n from interactions where source = 'centralino'`.execute(storage.db);
    expect(stored[0]?.n).toBe(rows);

    // The history, refreshed in place: both imports, newest first, stamped by the real clock.
    await page.locator('[data-history] tbody tr').nth(1).waitFor();
    const history = await page.$$eval('[data-history] tbody tr', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('td')].slice(0, 5).map((td) => td.textContent?.trim())),
    );
    expect(history).toEqual([
      ['contacts', 'chiamate-gennaio.csv', 'centralino', 'calls_crm', 'done'],
      ['customers', 'clienti-crm.tsv', 'crm', 'crm_customers', 'done'],
    ]);
    const runs = await stores.importRuns.list(5);
    for (const run of runs) {
      expect(run.startedAt.getTime()).toBeGreaterThanOrEqual(startedAt.getTime() - 1000);
      expect((run.finishedAt as Date).getTime()).toBeGreaterThanOrEqual(run.startedAt.getTime());
      expect((run.finishedAt as Date).getTime()).toBeLessThanOrEqual(Date.now());
    }
    expect(runs[0]).toMatchObject({ bytesRead: runs[0]?.bytesTotal, status: 'done' });
    await page.screenshot({ path: `${SHOTS}import-history.png`, fullPage: true });
    await page.close();
  }, 600_000);
});
