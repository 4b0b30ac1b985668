import { describe, expect, it } from 'vitest';
import { createClosedDays, createOpeningHours, OpeningHoursSpec } from '../../core/services.ts';

// A chat's advisors on a fixed clock in Europe/Rome: weekdays 08:30–19:00 with Saturday
// mornings, Rome's patron saint's day (29 June) closed besides the national holidays. The
// instants below are written in UTC and were worked out by hand from Rome's offsets (CET is
// UTC+1, CEST UTC+2; the clocks went forward at 02:00 on 29 March 2026 and back at 03:00 on
// 25 October 2026).

const hours = createOpeningHours({
  hours: OpeningHoursSpec.parse('mon-fri 08:30-19:00, sat 09:00-13:00, sun 01:00-04:00'),
  timeZone: 'Europe/Rome',
  closedOn: createClosedDays(['06-29']),
});
const at = (iso: string) => hours.at(new Date(iso));

describe('a chat’s opening hours', () => {
  it('opens at the first minute and closes at the closing minute (Thursday 3 December 2026, CET)', () => {
    expect(at('2026-12-03T07:29:59Z')).toEqual({
      open: false,
      opensAt: new Date('2026-12-03T07:30:00Z'),
      closedDay: null,
    });
    expect(at('2026-12-03T07:30:00Z')).toEqual({ open: true, closesAt: new Date('2026-12-03T18:00:00Z') });
    expect(at('2026-12-03T17:59:59Z').open).toBe(true);
    // 19:00 in Rome: closed, and the next opening is Friday's 08:30.
    expect(at('2026-12-03T18:00:00Z')).toEqual({
      open: false,
      opensAt: new Date('2026-12-04T07:30:00Z'),
      closedDay: null,
    });
  });

  it('stays closed on a public holiday and on the operator’s closed day, naming it, and opens the next working day', () => {
    // Tuesday 8 December 2026, Immacolata Concezione, at 10:00 in Rome.
    expect(at('2026-12-08T09:00:00Z')).toEqual({
      open: false,
      opensAt: new Date('2026-12-09T07:30:00Z'),
      closedDay: { day: '2026-12-08', name: 'Immacolata Concezione' },
    });
    // Monday 29 June 2026 (configured as 06-29), 11:00 in Rome (CEST): Tuesday 08:30 CEST is 06:30Z.
    expect(at('2026-06-29T09:00:00Z')).toEqual({
      open: false,
      opensAt: new Date('2026-06-30T06:30:00Z'),
      closedDay: { day: '2026-06-29', name: 'closed' },
    });
    // Thursday 24 December at 19:30: Christmas and Santo Stefano (a Saturday) are closed, Sunday's
    // night stretch opens at 01:00 on the 27th.
    expect(at('2026-12-24T18:30:00Z')).toMatchObject({
      open: false,
      opensAt: new Date('2026-12-27T00:00:00Z'),
    });
  });

  it('keeps the printed hours across the spring clock change in Rome', () => {
    // Saturday 28 March 2026 (CET): 09:00 is 08:00Z. Monday 30 March (CEST): 08:30 is 06:30Z.
    expect(at('2026-03-28T08:00:00Z')).toEqual({ open: true, closesAt: new Date('2026-03-28T12:00:00Z') });
    // Sunday 29 March: 01:00 CET is 00:00Z; at 02:00 CET the clocks jump to 03:00 CEST (01:00Z), so
    // the 01:00–04:00 stretch lasts two hours and closes at 04:00 CEST, 02:00Z.
    expect(at('2026-03-28T23:59:59Z').open).toBe(false);
    expect(at('2026-03-29T00:00:00Z')).toEqual({ open: true, closesAt: new Date('2026-03-29T02:00:00Z') });
    expect(at('2026-03-29T01:30:00Z').open).toBe(true);
    expect(at('2026-03-29T02:00:00Z')).toEqual({
      open: false,
      opensAt: new Date('2026-03-30T06:30:00Z'),
      closedDay: null,
    });
  });

  it('keeps the printed hours across the autumn clock change, when 02:00–03:00 happens twice', () => {
    // Sunday 25 October 2026: 01:00 CEST is 23:00Z on the 24th; 04:00 CET is 03:00Z: four hours.
    expect(at('2026-10-24T22:59:59Z').open).toBe(false);
    expect(at('2026-10-24T23:00:00Z')).toEqual({ open: true, closesAt: new Date('2026-10-25T03:00:00Z') });
    expect(at('2026-10-25T02:59:59Z').open).toBe(true);
    expect(at('2026-10-25T03:00:00Z').open).toBe(false);
  });

  it('is always open when no hours are configured, holidays included', () => {
    const always = createOpeningHours({ hours: [], timeZone: 'Europe/Rome', closedOn: createClosedDays() });
    expect(always.at(new Date('2026-12-25T03:00:00Z'))).toEqual({ open: true, closesAt: null });
  });

  it('reads several stretches a day, and midnight as 24:00', () => {
    const split = createOpeningHours({
      hours: OpeningHoursSpec.parse('Mon 09:00-13:00, mon 14:00-24:00'),
      timeZone: 'Europe/Rome',
      closedOn: () => undefined,
    });
    // Monday 7 December 2026, 13:30 in Rome: the afternoon stretch opens at 14:00 (13:00Z).
    expect(split.at(new Date('2026-12-07T12:30:00Z'))).toMatchObject({
      open: false,
      opensAt: new Date('2026-12-07T13:00:00Z'),
    });
    expect(split.at(new Date('2026-12-07T22:59:00Z'))).toEqual({
      open: true,
      closesAt: new Date('2026-12-07T23:00:00Z'),
    });
  });

  it('refuses hours it cannot read, naming the stretch', () => {
    for (const bad of [
      'weekdays 9-18',
      'mon 19:00-08:30',
      'fri-mon 09:00-12:00',
      'mon 09:00-25:00',
      'lun 09:00-13:00',
    ]) {
      const parsed = OpeningHoursSpec.safeParse(bad);
      expect(parsed.success, bad).toBe(false);
      expect(parsed.error?.issues[0]?.message).toContain(`"${bad.toLowerCase()}"`);
    }
  });
});
