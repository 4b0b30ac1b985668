import { describe, expect, it } from 'vitest';
import { estimateWaitMinutes } from '../../core/services.ts';

const minutes = (...values: number[]) => values.map((m) => m * 60_000);

describe('the wait a queued visitor is told', () => {
  it('is the place in the queue times the average handle time over the places advisors free', () => {
    // Handle times 4, 6, 8, 10 and 12 minutes: 8 on average. Two advisors, three chats each: six
    // places, freeing one every 8 ÷ 6 = 1.33 minutes. Fourth in line: 5.33, told 6 minutes.
    const facts = { availableAdvisors: 2, handleMs: minutes(4, 6, 8, 10, 12) };
    expect(estimateWaitMinutes(4, facts, 3)).toBe(6);
    expect(estimateWaitMinutes(1, facts, 3)).toBe(2);
    // One advisor, one chat at a time: the second in line waits two whole chats, 16 minutes.
    expect(estimateWaitMinutes(2, { availableAdvisors: 1, handleMs: facts.handleMs }, 1)).toBe(16);
  });

  it('says at least a minute, never zero', () => {
    expect(estimateWaitMinutes(1, { availableAdvisors: 10, handleMs: minutes(1, 1, 1, 1, 1) }, 5)).toBe(1);
  });

  it('says nothing when no advisor is taking chats or fewer than five chats were handled lately', () => {
    expect(estimateWaitMinutes(1, { availableAdvisors: 0, handleMs: minutes(5, 5, 5, 5, 5) }, 3)).toBeNull();
    expect(estimateWaitMinutes(1, { availableAdvisors: 3, handleMs: minutes(5, 5, 5, 5) }, 3)).toBeNull();
  });
});
