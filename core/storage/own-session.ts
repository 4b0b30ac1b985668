import pg from 'pg';
import { isBackground, yieldCpu } from './background-sessions.ts';

/** Opens a session of its own on `url` (for COPYs, temporary tables, long transactions), in the background when `url` says so. */
export async function openSession(url: string): Promise<pg.Client> {
  const session = new pg.Client({ connectionString: url });
  // Ended by the server while idle (it stops, an administrator ends it): not fatal to the
  // process; what is asked of it next fails instead.
  session.on('error', () => {});
  await session.connect();
  try {
    if (isBackground(url)) await yieldCpu(session);
  } catch (error) {
    await session.end();
    throw error;
  }
  return session;
}

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

/**
 * Runs `work` holding the database's lock named `key`, on a session of its own (apart from the
 * pool, whose connections `work` may all need): processes on the same database, on any instance,
 * run theirs one after another. With `busy`, one that finds the lock held does not wait: it
 * throws what `busy` makes. A process that dies loses the lock with its session.
 */
export async function oneAtATime<T>(
  url: string,
  key: string,
  work: () => Promise<T>,
  busy?: () => Error,
): Promise<T> {
  const session = await openSession(url);
  try {
    if (busy) {
      const { rows } = await session.query<{ taken: boolean }>(
        'select pg_try_advisory_lock(hashtextextended($1, 0)) as taken',
        [key],
      );
      if (!rows[0]?.taken) throw busy();
    } else await session.query('select pg_advisory_lock(hashtextextended($1, 0))', [key]);
    return await work();
  } finally {
    // Ending the session releases its lock.
    await session.end();
  }
}
