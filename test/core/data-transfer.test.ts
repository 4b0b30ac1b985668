import { afterAll, describe, expect, it } from 'vitest';
import { PassThrough, Readable } from 'node:stream';
import { sql } from 'kysely';
import type { StorageHandle } from '../../core/index.ts';
import { restoreBackup, writeBackup } from '../../core/storage/data-transfer.ts';
import { databaseKind, openTestDatabase } from '../support/database.ts';

// A backup holds text as it was: the server sends a long row in several chunks, and a character
// of two or three bytes is cut between two of them wherever it falls.

const handles: StorageHandle[] = [];
afterAll(async () => {
  for (const handle of handles) await handle.close();
});

describe(`backup and restore on the ${databaseKind} database`, () => {
  it('keeps every character of a long text whose characters take two and three bytes', async () => {
    const source = await openTestDatabase();
    const target = await openTestDatabase();
    handles.push(source, target);
    // About 1.5 MB: a bill's e-mail in Italian, with euro signs, dashes and accents, many times over.
    const long = Array.from(
      { length: 20_000 },
      (_, i) => `Bolletta n. ${i}: € ${i},50 — più IVA, scadenza già passata. `,
    ).join('');
    await sql`insert into app_settings (name, value) values ('long text', ${long})`.execute(source.db);

    const out = new PassThrough();
    const parts: Buffer[] = [];
    out.on('data', (part: Buffer) => parts.push(part));
    await writeBackup(source.url, out);
    out.end();
    const backup = Buffer.concat(parts).toString('utf8');
    expect(backup).not.toContain('\uFFFD');

    await restoreBackup(target.url, Readable.from([backup]), { replace: false });
    const restored = await sql<{
      value: string;
    }>`select value from app_settings where name = 'long text'`.execute(target.db);
    expect(restored.rows[0]?.value.length).toBe(long.length);
    expect(restored.rows[0]?.value === long).toBe(true);
  });
});
