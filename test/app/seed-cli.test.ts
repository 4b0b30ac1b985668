import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { openDatabase } from '../../core/index.ts';
import { runCli } from '../support/app-process.ts';

describe('channel-pilot seed --interactions 0', () => {
  const dir = mkdtempSync(join(tmpdir(), 'channel-pilot-seed-none-'));
  // Always the embedded database here, even when the suite runs with DATABASE_URL set.
  const env = { DATABASE_URL: '', DATA_DIR: join(dir, 'data'), LOG_LEVEL: 'warn' };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const cli = (args: string[]) => runCli(args, env);

  it('leaves the log empty, no pilot and no bill sent, so that the first import of a history fills it', async () => {
    const seeded = await cli(['seed', '--customers', '30', '--interactions', '0', '--as-of', '2026-11-30']);
    expect(seeded.code).toBe(0);
    expect(seeded.stdout).toContain('30 customers');

    const count = async (table: string) => {
      const storage = await openDatabase({ kind: 'embedded', dataDir: env.DATA_DIR });
      try {
        const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(
          storage.db,
        );
        return rows[0]?.n;
      } finally {
        await storage.close();
      }
    };
    expect(await count('customers')).toBe(30);
    expect(await count('interactions')).toBe(0);
    expect(await count('pilots')).toBe(0);
    expect(await count('bill_communications')).toBe(0);

    // Two contacts of one customer, the second a day later for the same reason: one journey.
    const storage = await openDatabase({ kind: 'embedded', dataDir: env.DATA_DIR });
    const customer = await storage.db
      .selectFrom('customers')
      .select('id')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    await storage.close();
    const file = join(dir, 'history.csv');
    writeFileSync(
      file,
      'external_id,customer_id,channel,touchpoint,direction,reason,started_at,ended_at,outcome\n' +
        `C-2,${customer.id},call_centre,agent,inbound,payment,2026-11-03T09:15:00+01:00,2026-11-03T09:21:00+01:00,resolved\n` +
        `C-1,${customer.id},web,self_service,inbound,payment,2026-11-02T18:40:00+01:00,,abandoned\n`,
    );
    const imported = await cli(['import', 'interactions', file, '--source', 'crm']);
    expect(imported.stdout).toContain('2 imported');
    expect(imported.code).toBe(0);

    const after = await openDatabase({ kind: 'embedded', dataDir: env.DATA_DIR });
    try {
      const rows = await after.db
        .selectFrom('interactions')
        .select(['external_id', 'journey_id', 'journey_step'])
        .orderBy('started_at')
        .execute();
      expect(rows.map((r) => [r.external_id, r.journey_step])).toEqual([
        ['C-1', 1],
        ['C-2', 2],
      ]);
      expect(rows[0]?.journey_id).toBe(rows[1]?.journey_id);
      const days = await sql<{ n: number }>`select coalesce(sum(contacts), 0)::int as n from census_days
        where reason = '*' and segment = '*'`.execute(after.db);
      expect(days.rows[0]?.n).toBe(2);
    } finally {
      await after.close();
    }
  }, 180_000);
});
