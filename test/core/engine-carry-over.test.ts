import { afterAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kysely, Migrator, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { PGlite } from '@electric-sql/pglite';
import { btree_gist } from '@electric-sql/pglite/contrib/btree_gist';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { openDatabase } from '../../core/index.ts';
import { migrations } from '../../core/storage/migration-list.ts';

// A data folder written by the earlier engine (PGlite, served on a socket as version 0.1 did),
// at that version's schema: the first start of this version carries every row over.

const dataDir = mkdtempSync(join(tmpdir(), 'channel-pilot-carry-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const customers = 1200;
const contactsPerCustomer = 60;

async function writeEarlierFolder() {
  const db = await PGlite.create({ dataDir: join(dataDir, 'pglite'), extensions: { btree_gist } });
  const socketDir = mkdtempSync(join(tmpdir(), 'channel-pilot-carry-sock-'));
  const server = new PGLiteSocketServer({ db, path: join(socketDir, '.s.PGSQL.5432'), maxConnections: 1 });
  await server.start();
  const pool = new pg.Pool({ host: socketDir, port: 5432, user: 'postgres', database: 'postgres', max: 1 });
  const kysely = new Kysely<unknown>({ dialect: new PostgresDialect({ pool }) });
  try {
    const migrator = new Migrator({ db: kysely, provider: { getMigrations: async () => migrations } });
    const { error } = await migrator.migrateTo('0008-pilots');
    if (error) throw error;
    await sql`
      insert into channels (code, name, kind, touchpoints)
        values ('call_centre', 'Call centre', 'existing', '[{"code":"agent","name":"Agent"}]');
      insert into customers (id, first_name, last_name, locale, segment, email, created_at)
        select md5('c' || n)::uuid, 'Anna', 'Rossi ' || n, 'it-IT', 'family', 'anna' || n || '@example.it', now()
        from generate_series(1, ${sql.lit(customers)}) n;
      insert into interactions (id, customer_id, channel, touchpoint, direction, reason, started_at, outcome,
          journey_id, journey_step, source, external_id, details)
        select md5('i' || c || '-' || k)::uuid, md5('c' || c)::uuid, 'call_centre', 'agent', 'inbound', 'payment',
          timestamptz '2026-01-01 09:00+01' + (k * interval '9 days') + (c * interval '1 minute'),
          'resolved', md5('j' || c || '-' || k)::uuid, 1, 'crm', c || '-' || k,
          jsonb_build_object('note', E'line one\\nline two\\ttab, ''quoted'' \\\\ back')
        from generate_series(1, ${sql.lit(customers)}) c, generate_series(1, ${sql.lit(contactsPerCustomer)}) k;
    `.execute(kysely);
  } finally {
    await kysely.destroy();
    await server.stop();
    await db.close();
    rmSync(socketDir, { recursive: true, force: true });
  }
}

describe('carrying over a data folder of the earlier engine', () => {
  it('moves every row into the embedded server on first start, keeps the old folder, and does it once', async () => {
    await writeEarlierFolder();
    const carried: string[] = [];
    const handle = await openDatabase({
      kind: 'embedded',
      dataDir,
      onCarryOver: (table, rows) => carried.push(`${table}:${rows}`),
    });
    try {
      expect(carried).toContain(`customers:${customers}`);
      expect(carried).toContain(`interactions:${customers * contactsPerCustomer}`);
      const count = await handle.db
        .selectFrom('interactions')
        .select((e) => e.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(count.n)).toBe(customers * contactsPerCustomer);
      const one = await handle.db
        .selectFrom('interactions')
        .select(['details', 'started_at'])
        .where('external_id', '=', '7-3')
        .executeTakeFirstOrThrow();
      expect(one.details).toEqual({ note: "line one\nline two\ttab, 'quoted' \\ back" });
      expect(one.started_at.toISOString()).toBe('2026-01-28T08:07:00.000Z');
    } finally {
      await handle.close();
    }
    expect(existsSync(join(dataDir, 'pglite'))).toBe(false);
    expect(existsSync(join(dataDir, 'pglite-carried-over', 'PG_VERSION'))).toBe(true);

    const again = await openDatabase({ kind: 'embedded', dataDir, onCarryOver: () => carried.push('again') });
    try {
      expect(carried).not.toContain('again');
      const count = await again.db
        .selectFrom('customers')
        .select((e) => e.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(count.n)).toBe(customers);
    } finally {
      await again.close();
    }
  }, 300_000);
});
