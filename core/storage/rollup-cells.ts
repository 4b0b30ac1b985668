import { addHash, REACH_REGISTERS } from './census-reach.ts';
import { REACH_SPARSE_MAX } from './census-rollup-sql.ts';

// What the bulk load adds up for each rollup row (bulk-rollups.ts), by row number: counts, sums
// and days' customers of a few hundred thousand rows in typed-array pages shared by all rows, with
// no object of its own for any row. An object and a typed array per row would cost more than
// the numbers they hold, twice over once the heap grows to make room for them.

const PAGE_BITS = 12;
/** Rows per page. */
const PAGE_ROWS = 1 << PAGE_BITS;
const ROW_MASK = PAGE_ROWS - 1;

/** Rows of `width` numbers in typed arrays of PAGE_ROWS rows each, made as rows come: growing copies nothing. */
export function rowCells<T extends Uint32Array | Float64Array>(
  Cells: new (length: number) => T,
  width: number,
) {
  const pages: T[] = [];
  return {
    /** The page the row's numbers are in, from `at(row)` on. */
    page(row: number): T {
      return (pages[row >>> PAGE_BITS] ??= new Cells(PAGE_ROWS * width));
    },
    at: (row: number) => (row & ROW_MASK) * width,
    width,
  };
}

/**
 * Rows of `width` counts, exact at any size, a byte each: the counts of a day's rollup row are
 * mostly small, and the 256s of the few that are not are kept apart, by row. A quarter of the
 * memory of 32-bit counts.
 */
export function rowCounts(width: number) {
  const pages: Uint8Array[] = [];
  const carried = new Map<number, Uint32Array>();
  const whole = new Uint32Array(width);
  return {
    /** Counts one more in the row's column. */
    add(row: number, column: number) {
      const page = (pages[row >>> PAGE_BITS] ??= new Uint8Array(PAGE_ROWS * width));
      const at = (row & ROW_MASK) * width + column;
      if (page[at] !== 255) {
        page[at]!++;
        return;
      }
      page[at] = 0;
      let carries = carried.get(row);
      if (carries === undefined) carried.set(row, (carries = new Uint32Array(width)));
      carries[column]!++;
    },
    /** The row's counts in columns `from` to `to` (not included), as COPY's text format writes them. */
    line(row: number, from = 0, to = width): string {
      const at = (row & ROW_MASK) * width;
      const counts = pages[row >>> PAGE_BITS]!.subarray(at + from, at + to);
      const carries = carried.get(row);
      if (carries === undefined) return counts.join('\t');
      for (let i = from; i < to; i++) whole[i - from] = counts[i - from]! + 256 * carries[i]!;
      return whole.subarray(0, to - from).join('\t');
    },
    width,
  };
}

/** A typed array at least `length` long, with `array`'s numbers at the start. */
function atLeast<T extends Uint32Array | Uint8Array>(
  array: T,
  length: number,
  Make: new (n: number) => T,
): T {
  if (length <= array.length) return array;
  const grown = new Make(Math.max(length, 2 * array.length));
  grown.set(array);
  return grown;
}

const BLOCK_BITS = 16;
/** Hashes per page of the reach's blocks. */
const BLOCK_PAGE = 1 << BLOCK_BITS;
const BLOCK_MASK = BLOCK_PAGE - 1;
/** The smallest block: 4 hashes; a block of class c holds 4 << c. */
const SMALLEST = 4;
/** A row's class once it keeps registers; 0 is a row with no block yet, 1 + c a block of class c. */
const REGISTERS = 255;

/**
 * Days' customers by row, as the rollups keep them (census-reach.ts): their 32-bit hashes while at
 * most REACH_SPARSE_MAX are distinct, HyperLogLog registers beyond. A row's hashes are a block
 * of shared pages, moved to one twice the size when full (the blocks left go to rows that grow
 * next); they are appended and made distinct only now and then, cheaper than a set per row when
 * each customer comes back several times.
 */
export function reachRows() {
  const pages: Int32Array[] = [];
  /** Where the next new block starts, counting hashes over all pages. */
  let top = 0;
  /** Blocks free to use again, by class: where each starts. */
  const free: number[][] = [];
  let starts = new Uint32Array(1024);
  let sizes = new Uint32Array(1024);
  let classes = new Uint8Array(1024);
  const registersOf = new Map<number, Uint8Array>();

  const block = (c: number): number => {
    const reused = free[c]?.pop();
    if (reused !== undefined) return reused;
    const length = SMALLEST << c;
    // A block lies in one page: what is left of this one goes to the free blocks.
    if ((top & BLOCK_MASK) + length > BLOCK_PAGE) {
      while (top & BLOCK_MASK) {
        const left = BLOCK_PAGE - (top & BLOCK_MASK);
        const fits = 31 - Math.clz32(left / SMALLEST);
        (free[fits] ??= []).push(top);
        top += SMALLEST << fits;
      }
    }
    if (top >>> BLOCK_BITS === pages.length) pages.push(new Int32Array(BLOCK_PAGE));
    top += length;
    return top - length;
  };
  const toRegisters = (row: number, hashes: Int32Array) => {
    const registers = new Uint8Array(REACH_REGISTERS);
    for (const hash of hashes) addHash(registers, hash);
    (free[classes[row]! - 1] ??= []).push(starts[row]!);
    classes[row] = REGISTERS;
    registersOf.set(row, registers);
  };
  const hashesOf = (row: number) => {
    const start = starts[row]!;
    const at = start & BLOCK_MASK;
    return pages[start >>> BLOCK_BITS]!.subarray(at, at + sizes[row]!);
  };

  const rows = {
    add(row: number, hash: number) {
      if (row >= classes.length) {
        starts = atLeast(starts, row + 1, Uint32Array);
        sizes = atLeast(sizes, row + 1, Uint32Array);
        classes = atLeast(classes, row + 1, Uint8Array);
      }
      let c = classes[row]!;
      if (c === REGISTERS) return addHash(registersOf.get(row)!, hash);
      let size = sizes[row]!;
      if (c === 0) {
        starts[row] = block(0);
        classes[row] = c = 1;
      } else {
        // The same customer's contacts come one after another: kept once.
        const last = starts[row]! + size - 1;
        if (pages[last >>> BLOCK_BITS]![last & BLOCK_MASK] === hash) return;
        if (size === SMALLEST << (c - 1)) {
          if (size > 2 * REACH_SPARSE_MAX && rows.distinct(row) === null)
            return addHash(registersOf.get(row)!, hash);
          size = sizes[row]!;
          if (size === SMALLEST << (c - 1)) {
            const moved = block(c);
            pages[moved >>> BLOCK_BITS]!.set(hashesOf(row), moved & BLOCK_MASK);
            (free[c - 1] ??= []).push(starts[row]!);
            starts[row] = moved;
            classes[row] = ++c;
          }
        }
      }
      const at = starts[row]! + size;
      pages[at >>> BLOCK_BITS]![at & BLOCK_MASK] = hash;
      sizes[row] = size + 1;
    },

    /**
     * The row's distinct hashes in ascending order (valid until the next `add`), or null once they
     * are too many: `registers(row)` instead.
     */
    distinct(row: number): Int32Array | null {
      if (classes[row] === REGISTERS) return null;
      if (!classes[row]) return new Int32Array(0);
      const sorted = hashesOf(row).sort();
      let n = 0;
      for (let i = 0; i < sorted.length; i++)
        if (i === 0 || sorted[i] !== sorted[n - 1]) sorted[n++] = sorted[i]!;
      sizes[row] = n;
      if (n <= REACH_SPARSE_MAX) return sorted.subarray(0, n);
      toRegisters(row, sorted.subarray(0, n));
      return null;
    },

    registers(row: number): Uint8Array | undefined {
      return registersOf.get(row);
    },
  };
  return rows;
}
