import { describe, expect, it } from 'vitest';
import { createSummary, importRows, IMPORT_BATCH, type ImportRow } from '../../core/import-summary.ts';

async function* rows(count: number, breakAt?: number): AsyncIterable<ImportRow> {
  for (let line = 2; line < count + 2; line++) {
    if (line === breakAt) throw new Error(`line ${line} is not CSV`);
    yield { line, fields: { n: String(line) } };
  }
}

describe('the import loop', () => {
  it('reads the next batch while the last one is written, and writes batches one at a time, in order', async () => {
    const events: string[] = [];
    let writing = 0;
    const stored: number[] = [];
    const summary = await importRows({
      rows: rows(IMPORT_BATCH * 3 + 5),
      summary: createSummary(false),
      check: (row) => {
        if (row.line === IMPORT_BATCH + 10) events.push(`checked a row of batch 2 while ${writing} written`);
        return row.line;
      },
      store: async (batch) => {
        writing++;
        expect(writing).toBe(1);
        await new Promise((resolve) => setTimeout(resolve, 20));
        stored.push(...batch.map((b) => b.item));
        writing--;
      },
    });
    expect(summary.read).toBe(IMPORT_BATCH * 3 + 5);
    expect(events).toEqual(['checked a row of batch 2 while 1 written']);
    expect(stored).toEqual(Array.from({ length: IMPORT_BATCH * 3 + 5 }, (_, i) => i + 2));
  });

  it('stops at a failed write: its error ends the import and no later batch is written', async () => {
    const stored: number[] = [];
    let calls = 0;
    const run = importRows({
      rows: rows(IMPORT_BATCH * 4),
      summary: createSummary(false),
      check: (row) => row.line,
      store: async (batch) => {
        calls++;
        if (calls === 2) throw new Error('the database is gone');
        stored.push(...batch.map((b) => b.item));
      },
    });
    await expect(run).rejects.toThrow('the database is gone');
    expect(calls).toBe(2);
    expect(stored).toHaveLength(IMPORT_BATCH);
  });

  it('stores the rows read before the stream breaks, then says why it broke', async () => {
    const stored: number[] = [];
    const run = importRows({
      rows: rows(IMPORT_BATCH * 2, IMPORT_BATCH + 502),
      summary: createSummary(false),
      check: (row) => row.line,
      store: async (batch) => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        stored.push(...batch.map((b) => b.item));
      },
    });
    await expect(run).rejects.toThrow(`line ${IMPORT_BATCH + 502} is not CSV`);
    expect(stored).toEqual(Array.from({ length: IMPORT_BATCH + 500 }, (_, i) => i + 2));
  });
});
