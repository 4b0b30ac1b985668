import { afterAll, beforeAll } from 'vitest';
import { pino } from 'pino';
import { composeApp } from '../../app/compose.ts';
import type { Clock, StorageHandle } from '../../core/index.ts';
import { openTestDatabase } from './database.ts';
import { fixedClock, staffUsers } from './fixtures.ts';

/**
 * The app composed on a test database of its own at the fixed clock (or `clock`: `systemClock`
 * for a test on the real clock), as the API tests use it, with the logins of an admin, a pilot
 * manager and an advisor. The caller closes `storage`.
 */
export async function staffApp(clock: Clock = fixedClock) {
  const storage = await openTestDatabase();
  const composed = await composeApp({
    storage,
    config: { PUBLIC_URL: 'http://localhost:3000', SESSION_TTL_HOURS: 1, COOKIE_SECURE: false },
    logger: pino({ level: 'silent' }),
    clock,
  });
  return { storage, ...composed, users: await staffUsers(composed.stores) };
}

export type StaffApp = Awaited<ReturnType<typeof staffApp>>;

/** {@link staffApp} opened before a file's tests, handed to `take`, and closed after them. */
export function withStaffApp(clock: Clock, take: (opened: StaffApp) => Promise<void> | void): void {
  let storage: StorageHandle | undefined;
  beforeAll(async () => {
    const opened = await staffApp(clock);
    storage = opened.storage;
    await take(opened);
  });
  afterAll(async () => {
    await storage?.close();
  });
}
