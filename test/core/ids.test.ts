import { describe, expect, it } from 'vitest';
import { createTimeOrderedIds } from '../../core/ids.ts';

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('time-ordered ids', () => {
  it('are version 7 UUIDs, all different, in the order they were made within one millisecond', () => {
    const newId = createTimeOrderedIds(() => Date.UTC(2026, 11, 4, 9, 30));
    // More than one draw of random bytes, and more than the 4,096 a millisecond's counter holds.
    const ids = Array.from({ length: 5000 }, () => newId());
    for (const id of ids) expect(id).toMatch(UUID_V7);
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    expect(ids[0]!.slice(0, 13).replace('-', '')).toBe(
      Date.UTC(2026, 11, 4, 9, 30).toString(16).padStart(12, '0'),
    );
  });

  it('keep their order on the real clock, and differ in their random part', () => {
    const newId = createTimeOrderedIds();
    const ids = Array.from({ length: 2000 }, () => newId());
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids.map((id) => id.slice(19))).size).toBe(ids.length);
  });
});
