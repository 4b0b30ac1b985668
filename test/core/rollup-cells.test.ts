import { describe, expect, it } from 'vitest';
import { addHash, REACH_REGISTERS } from '../../core/storage/census-reach.ts';
import { REACH_SPARSE_MAX } from '../../core/storage/census-rollup-sql.ts';
import { customerHash } from '../../core/storage/bulk-rollups.ts';
import { reachRows, rowCells, rowCounts } from '../../core/storage/rollup-cells.ts';

// The numbers the bulk load keeps for each rollup row: the rows share pages, so what matters is
// that no row sees another's numbers, and that counts stay whole however large they grow.

/** Customers' ids as the log holds them: UUIDs. */
const customerIds = (n: number) =>
  Array.from({ length: n }, (_, i) => `5b0c${String(i).padStart(4, '0')}-7e1d-4c2a-9f3b-1a2b3c4d5e6f`);

describe('the rows the bulk load adds up in', () => {
  it('keep each row its own numbers across pages, whole counts and handle times in milliseconds', () => {
    const counts = rowCells(Uint32Array, 31);
    const handles = rowCells(Float64Array, 1);
    const rows = 10_000;
    for (let row = rows - 1; row >= 0; row--) {
      const page = counts.page(row);
      page[counts.at(row)] = row;
      page[counts.at(row) + 30] = 2 * row + 1;
      handles.page(row)[handles.at(row)] = row * 1_000_000_000.5;
    }
    for (let row = 0; row < rows; row++) {
      const page = counts.page(row);
      expect([page[counts.at(row)], page[counts.at(row) + 30]]).toEqual([row, 2 * row + 1]);
      expect(page.subarray(counts.at(row) + 1, counts.at(row) + 30).every((n) => n === 0)).toBe(true);
      expect(handles.page(row)[handles.at(row)]).toBe(row * 1_000_000_000.5);
    }
  });

  it('count past a byte and past 65,535 exactly, each row and column on its own', () => {
    // A busy day's contacts on one channel, its hours, and quiet rows on other pages between.
    const counts = rowCounts(30);
    const expected = new Map<string, number>();
    const add = (row: number, column: number, times: number) => {
      for (let i = 0; i < times; i++) counts.add(row, column);
      expected.set(`${row}:${column}`, (expected.get(`${row}:${column}`) ?? 0) + times);
    };
    add(0, 0, 70_000);
    add(0, 11, 255);
    add(0, 12, 256);
    add(0, 29, 257);
    for (let row = 1; row < 9000; row += 7) add(row, row % 30, 1 + (row % 600));
    add(8999, 0, 1);
    for (const row of [0, 1, 4096, 4097, 8191, 8999]) {
      const want = Array.from({ length: 30 }, (_, c) => expected.get(`${row}:${c}`) ?? 0);
      expect(counts.line(row)).toBe(want.join('\t'));
      expect(counts.line(row, 2, 26)).toBe(want.slice(2, 26).join('\t'));
    }
  });

  it("keep each day's customers apart while their blocks grow and are reused: sorted hashes, registers past the sparse limit", () => {
    const reach = reachRows();
    const ids = customerIds(3000);
    const want = new Map<number, Set<number>>();
    const add = (row: number, hash: number) => {
      reach.add(row, hash);
      (want.get(row) ?? want.set(row, new Set()).get(row)!).add(hash);
    };
    // Customer after customer, as the bulk load reads them: each visits a few hundred of 2,000
    // days' rows, some rows twice in a row (two contacts the same day); row 1999 meets everybody.
    ids.forEach((id, i) => {
      const hash = customerHash(id);
      for (let k = 0; k < 200 + (i % 300); k++) {
        const row = (i * 7919 + k * 104_729) % 1999;
        add(row, hash);
        if (k % 5 === 0) add(row, hash);
      }
      add(1999, hash);
      if (i % 2 === 0) add(1999, customerHash(ids[(i * 31) % ids.length]!));
    });
    let sparse = 0;
    for (const [row, hashes] of want) {
      const distinct = reach.distinct(row);
      if (hashes.size <= REACH_SPARSE_MAX) {
        sparse++;
        expect([...distinct!]).toEqual([...hashes].sort((a, b) => a - b));
      } else {
        expect(distinct).toBeNull();
        const registers = new Uint8Array(REACH_REGISTERS);
        for (const hash of hashes) addHash(registers, hash);
        expect(reach.registers(row)).toEqual(registers);
      }
    }
    // What the fixture is there for: most rows sparse, the busiest as registers.
    expect(sparse).toBeGreaterThan(1900);
    expect(want.get(1999)!.size).toBe(3000);
    expect(reach.distinct(1999)).toBeNull();
  });
});
