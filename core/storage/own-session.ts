import pg from 'pg';

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
  const session = new pg.Client({ connectionString: url });
  await session.connect();
  try {
    await session.query(begin);
    try {
      const result = await work(session);
      await session.query('commit');
      return result;
    } catch (error) {
      await session.query('rollback').catch(() => {});
      throw error;
    }
  } finally {
    await session.end();
  }
}
