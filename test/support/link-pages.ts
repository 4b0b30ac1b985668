import request from 'supertest';
import type { Express } from 'express';
import { pino } from 'pino';
import { afterAll, beforeAll } from 'vitest';
import { composeApp } from '../../app/compose.ts';
import type { Clock, StorageHandle, Stores } from '../../core/index.ts';
import { openTestDatabase } from './database.ts';

// What the tests of the pages behind customer links share: customers who allow this or that
// medium, posting a page's form as a browser on this site does, and reading a page.

export const SITE = 'http://localhost:3000';

export interface LinkPagesApp {
  storage: StorageHandle;
  composed: Awaited<ReturnType<typeof composeApp>>;
  app: Express;
  stores: Stores;
}

/** A test file's app on its own database, at SITE on `clock`, closed after its tests. */
export function withLinkPagesApp(clock: Clock, take: (opened: LinkPagesApp) => Promise<void>): void {
  let storage: StorageHandle | undefined;
  beforeAll(async () => {
    storage = await openTestDatabase();
    const composed = await composeApp({
      storage,
      config: { PUBLIC_URL: SITE, SESSION_TTL_HOURS: 1, COOKIE_SECURE: false },
      logger: pino({ level: 'silent' }),
      clock,
    });
    await take({ storage, composed, app: composed.app, stores: composed.stores });
  });
  afterAll(async () => {
    await storage?.close();
  });
}

let counter = 0;

/**
 * A customer speaking `locale` who allows messages on `allows` (preferring the first), or
 * letters only when `allows` is empty.
 */
export async function linkCustomer(
  stores: Pick<Stores, 'customers'>,
  locale: 'it-IT' | 'en-US',
  allows: ('email' | 'sms')[],
) {
  const n = `${Date.now().toString(36)}${(counter++).toString(36)}`;
  const given = '2024-01-10T09:00:00Z';
  return stores.customers.create({
    firstName: locale === 'it-IT' ? 'Chiara' : 'Emily',
    lastName: `Link-${n}`,
    locale,
    phone: '+393331112233',
    email: `customer.${n}@example.it`,
    segment: 'family',
    preferredMedium: allows[0] ?? 'post',
    consents: [
      { purpose: 'data_processing', granted: true, givenAt: given, source: 'paper_form' },
      ...(allows.length === 0 ? (['post'] as const) : allows).map((medium) => ({
        purpose: 'contact' as const,
        medium,
        granted: true,
        givenAt: given,
        source: 'paper_form' as const,
      })),
    ],
  });
}

/** A page's form posted from one of the site's pages: its origin and a form body. */
export const postForm = (app: Express, path: string, fields: Record<string, string>) =>
  request(app).post(path).set('Origin', SITE).type('form').send(fields);

/** The times a page offers, as the values of its forms' `startsAt` fields. */
export const offeredTimes = (page: string) =>
  [...page.matchAll(/name="startsAt" value="([^"]+)"/g)].map((m) => m[1] as string);

/** The path of a link in a message: what a browser opening it asks for. */
export const pathOf = (url: string) => new URL(url).pathname;

/** The page's state, as its body says it. */
export const stateOf = (page: string) => /<body data-state="([^"]*)"/.exec(page)?.[1];

/** The links a message's text carries, by the words before them. */
export function linkAfter(body: string, words: string): string {
  const match = new RegExp(`${words}:? (\\S+)`).exec(body);
  if (!match) throw new Error(`no link after "${words}" in:\n${body}`);
  return match[1] as string;
}
