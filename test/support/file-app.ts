import { pino } from 'pino';
import { afterAll, beforeAll } from 'vitest';
import { composeApp } from '../../app/compose.ts';
import type { Clock, StorageHandle } from '../../core/index.ts';
import { openTestDatabase } from './database.ts';

/**
 * How the tests of the file that calls this compose the app, on the clock each test gives it: on
 * a fresh database of the file's own, opened before its tests and dropped after them.
 */
export function composeForFile(publicUrl: string) {
  let storage: StorageHandle | undefined;
  beforeAll(async () => {
    storage = await openTestDatabase();
  });
  afterAll(async () => {
    await storage?.close();
  });
  return (clock: Clock) => {
    if (!storage)
      throw new Error('the file’s database is opened before its tests, not while they are collected');
    return composeApp({
      storage,
      config: { PUBLIC_URL: publicUrl, SESSION_TTL_HOURS: 1, COOKIE_SECURE: true },
      logger: pino({ level: 'silent' }),
      clock,
    });
  };
}
