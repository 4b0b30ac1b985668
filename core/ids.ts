import { randomBytes } from 'node:crypto';

/**
 * UUID version 7 ids, ordered by when they were made: the millisecond, then a counter within it.
 * Contacts that start at the same instant keep the order they were written in through their ids
 * (live turns of one conversation), without any id being random in that order.
 */
export function createTimeOrderedIds(now: () => number = Date.now): () => string {
  let lastMs = 0;
  let counter = 0;
  // Random bytes drawn 256 ids at a time: one call to the system's generator per id costs more
  // than the rest of making it.
  let pool = Buffer.alloc(0);
  let offset = 0;
  return () => {
    let ms = now();
    if (ms <= lastMs) {
      ms = lastMs;
      counter++;
      if (counter > 0xfff) {
        ms = ++lastMs;
        counter = 0;
      }
    } else {
      counter = 0;
    }
    lastMs = ms;
    if (offset === pool.length) {
      pool = randomBytes(16 * 256);
      offset = 0;
    }
    const bytes = pool.subarray(offset, (offset += 16));
    bytes.writeUIntBE(ms, 0, 6);
    bytes[6] = 0x70 | (counter >> 8);
    bytes[7] = counter & 0xff;
    bytes[8] = 0x80 | (bytes[8]! & 0x3f);
    const hex = bytes.toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  };
}
