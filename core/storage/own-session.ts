import type pg from 'pg';
import { openSession } from './background-sessions.ts';

/** Runs `work` in one transaction on `session`: committed when it returns, rolled back when it throws. */
export async function inTransaction<T>(
  session: pg.Client,
  work: () => Promise<T>,
  begin = 'begin',
): Promise<T> {
  await session.query(begin);
  try {
    const result = await work();
    await session.query('commit');
    return result;
  } catch (error) {
    await session.query('rollback').catch(() => {});
    throw error;
  }
}

/**
 * Runs `work` in one transaction on a session of its own, apart from the pool (for COPYs, and
 * for snapshots held across many statements): committed when `work` returns, rolled back when it
 * throws; the session ends either way.
 */
export async function inOwnTransaction<T>(
  url: string,
  work: (session: pg.Client) => Promise<T>,
  begin = 'begin',
): Promise<T> {
  const session = await openSession(url);
  try {
    return await inTransaction(session, () => work(session), begin);
  } finally {
    await session.end();
  }
}
