import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import type { StorageHandle } from '../../core/index.ts';
import { copyLine, copyOut, copyText } from '../../core/storage/copy-lines.ts';
import { databaseKind, openTestDatabase } from '../support/database.ts';

// COPY lines held as bytes in blocks that the next COPY writes over: every line must reach the
// table as written, whatever block boundary it falls on and however many bytes its characters take.

let handle: StorageHandle;
let client: pg.Client;

beforeAll(async () => {
  handle = await openTestDatabase();
  client = new pg.Client({ connectionString: handle.url });
  await client.connect();
  await client.query('create temporary table notes (n int, note text, details jsonb)');
});
afterAll(async () => {
  await client?.end();
  await handle?.close();
});

/** An operator's notes as an Italian call centre writes them, with tabs and line breaks in some. */
const note = (n: number) =>
  n % 3 === 0
    ? `Nota dell'operatore ${n}: ${'più o meno € '.repeat(1 + (n % 9))}richiamare 📞`
    : n % 3 === 1
      ? `Cliente richiama\tdopo la bolletta\n(${n})`
      : `Lettura contatore ${'0'.repeat(n % 40)}${n}`;

describe(`COPY text in reused blocks on the ${databaseKind} database`, () => {
  it('stores every line as written across blocks, and again after the blocks are written over', async () => {
    const text = copyText();
    const stored: { n: number; note: string; details: unknown }[] = [];
    // Two batches, the second written into the first one's blocks: about 1.5 MB, then 0.6 MB.
    for (const [from, to] of [
      [0, 20_000],
      [20_000, 28_000],
    ] as const) {
      for (let n = from; n < to; n++) {
        const details = { queue: n % 2 ? 'billing' : 'menu', wait_seconds: n % 600 };
        text.add(copyLine([n, note(n), JSON.stringify(details)]));
        stored.push({ n, note: note(n), details });
      }
      expect(text.lines).toBe(to - from);
      await text.copyIn(client, 'copy notes (n, note, details) from stdin');
      expect(text.lines).toBe(0);
    }
    const { rows } = await client.query('select n, note, details from notes order by n');
    expect(rows).toHaveLength(28_000);
    expect(rows).toEqual(stored);
  }, 60_000);

  it('reads rows back out as written, whatever chunk their characters fall across', async () => {
    await client.query('create temporary table notes_out (n int, note text, remark text)');
    const written: (string | null)[][] = [];
    const text = copyText();
    for (let n = 0; n < 3000; n++) {
      // Some notes long enough to come in several chunks, some with no character of one byte (a
      // chunk then ends inside one), and a backslash as an operator typed it.
      const row = [
        String(n),
        n % 500 === 7 ? note(n).repeat(4000) : n % 500 === 8 ? '€📞è'.repeat(50_000) : note(n),
        n % 4 === 0 ? null : 'C:\\bollette\\2026',
      ];
      written.push(row);
      text.add(copyLine(row));
    }
    await text.copyIn(client, 'copy notes_out (n, note, remark) from stdin');
    const read: (string | null)[][] = [];
    const rows = await copyOut(
      client,
      'copy (select n, note, remark from notes_out order by n) to stdout',
      (fields) => read.push(fields),
    );
    expect(rows).toBe(3000);
    expect(read).toEqual(written);
    expect(read[507]![1]!.length).toBeGreaterThan(100_000);
  }, 60_000);

  it('lets a statement whose rows could not all be taken end, and leaves the session ready for the next', async () => {
    const statement = 'copy (select g, repeat(chr(8364), g % 50) from generate_series(1, 20000) g) to stdout';
    let seen = 0;
    await expect(
      copyOut(client, statement, () => {
        if (++seen === 10) throw new Error('row 10 refused');
      }),
    ).rejects.toThrow('row 10 refused');
    expect(seen).toBe(10);
    expect((await client.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
    expect(await copyOut(client, statement, () => {})).toBe(20_000);
  });
});
