import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type StorageHandle } from '../../core/index.ts';

/**
 * A fresh, migrated database for one test file: an in-memory embedded database by default,
 * or a new database on the PostgreSQL server named by DATABASE_URL (dropped afterwards).
 */
export async function openTestDatabase(): Promise<StorageHandle> {
  const url = process.env.DATABASE_URL;
  if (!url) return openDatabase({ kind: 'embedded', dataDir: null });
  const name = `channel_pilot_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const testUrl = new URL(url);
  testUrl.pathname = `/${name}`;
  const handle = await openDatabase({ kind: 'postgres', url: testUrl.toString(), poolSize: 5 });
  return {
    ...handle,
    async close() {
      await handle.close();
      const cleanup = new pg.Client({ connectionString: url });
      await cleanup.connect();
      // The pool's connections close asynchronously; forcing them would fail a client still ending.
      for (let attempt = 0; ; attempt++) {
        try {
          await cleanup.query(`drop database if exists ${name}`);
          break;
        } catch (error) {
          if (attempt >= 50) throw error;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
      await cleanup.end();
    },
  };
}

export const databaseKind = process.env.DATABASE_URL ? 'postgres' : 'embedded';
