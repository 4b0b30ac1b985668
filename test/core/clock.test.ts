import { describe, expect, it } from 'vitest';
import { calendarDate, daysBetween } from '../../core/clock.ts';

// Calendar dates are Rome's: what the expected values say was worked out by hand from Rome's
// offsets (UTC+1 in winter, UTC+2 from the last Sunday of March to the last Sunday of October).

describe('calendar dates in the reference zone', () => {
  it("are Rome's dates around its midnights, in winter, in summer and on the days the clocks change", () => {
    const cases: [string, string][] = [
      ['2026-01-14T22:59:59Z', '2026-01-14'],
      ['2026-01-14T23:00:00Z', '2026-01-15'],
      ['2026-07-14T21:59:59Z', '2026-07-14'],
      ['2026-07-14T22:00:00Z', '2026-07-15'],
      // 29 March 2026: 02:00 becomes 03:00; the day ends at 22:00 UTC.
      ['2026-03-28T23:00:00Z', '2026-03-29'],
      ['2026-03-29T21:59:59Z', '2026-03-29'],
      ['2026-03-29T22:00:00Z', '2026-03-30'],
      // 25 October 2026: 03:00 becomes 02:00; the day began at 22:00 UTC the day before.
      ['2026-10-24T22:00:00Z', '2026-10-25'],
      ['2026-10-25T22:59:59Z', '2026-10-25'],
      ['2026-10-25T23:00:00Z', '2026-10-26'],
      ['2026-12-31T23:00:00Z', '2027-01-01'],
      ['2024-02-28T23:30:00Z', '2024-02-29'],
    ];
    for (const [instant, date] of cases) expect(calendarDate(new Date(instant)), instant).toBe(date);
    expect(calendarDate(new Date('2026-01-14T23:30:00Z'), 'UTC')).toBe('2026-01-14');
  });

  it('count whole days between them, across a change of the clocks and a leap day', () => {
    expect(daysBetween('2026-03-28', '2026-03-30')).toBe(2);
    expect(daysBetween('2026-10-24', '2026-10-26')).toBe(2);
    expect(daysBetween('2024-02-28', '2024-03-01')).toBe(2);
    expect(daysBetween('2025-02-28', '2025-03-01')).toBe(1);
    expect(daysBetween('2026-01-01', '2027-01-01')).toBe(365);
    expect(daysBetween('2026-05-10', '2026-05-10')).toBe(0);
  });
});
