import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { billMessages } from '../../core/conversation/bill-messages.ts';
import { sayDate, sayOn, sayTime } from '../../core/conversation/messages.ts';

describe('dates as the listener hears them', () => {
  const today = '2026-03-10';

  it('says the first of the month as an ordinal in Italian, with its article', () => {
    expect(sayDate('it-IT', '2026-04-01', today)).toBe('primo aprile');
    expect(sayOn('it-IT', '2026-04-01', today)).toBe('il primo aprile');
    expect(sayOn('it-IT', '2026-03-11', today)).toBe('mercoledì 11 marzo');
    expect(sayOn('it-IT', '2026-04-11', today)).toBe("l'11 aprile");
    expect(sayOn('it-IT', '2026-04-21', today)).toBe('il 21 aprile');
  });

  it('keeps the English date as written, with "on"', () => {
    expect(sayOn('en-US', '2026-04-01', today)).toBe('on April 1');
    expect(sayOn('en-US', '2025-12-01', today)).toBe('on December 1, 2025');
  });

  it('names the weekday within a week either side, across a change of summer time', () => {
    // Rome moves its clocks on 29 March 2026: a week is still seven calendar days.
    expect(sayDate('en-US', '2026-04-01', '2026-03-25')).toBe('Wednesday, April 1');
    expect(sayDate('it-IT', '2026-03-25', '2026-04-01')).toBe('mercoledì 25 marzo');
    expect(sayDate('en-US', '2026-04-02', '2026-03-25')).toBe('April 2');
    expect(sayDate('en-US', '2027-01-02', '2026-12-28')).toBe('Saturday, January 2, 2027');
  });

  it('says a time of day as the clocks in Rome show it, in summer and in winter', () => {
    expect(sayTime('it-IT', new Date('2026-03-28T09:30:00Z'))).toBe('10:30');
    expect(sayTime('it-IT', new Date('2026-03-30T08:30:00Z'))).toBe('10:30');
    expect(sayTime('en-US', new Date('2026-10-26T14:05:00Z'))).toMatch(/^3:05\sPM$/);
    expect(sayTime('en-US', new Date('2026-07-01T07:00:00Z'))).toMatch(/^9:00\sAM$/);
  });

  it('says every day of three years as the calendar of the reference zone writes it', () => {
    // Independent of the code under test: Luxon's own dates in Rome, the weekday within a week.
    const heard = (locale: 'it-IT' | 'en-US', date: DateTime, from: DateTime) => {
      const said = date.setLocale(locale).toLocaleString({
        day: 'numeric',
        month: 'long',
        ...(Math.abs(date.diff(from, 'days').days) <= 7 ? { weekday: 'long' } : {}),
        ...(date.year === from.year ? {} : { year: 'numeric' }),
      });
      return locale === 'it-IT' ? said.replace(/(^|\s)1 /, '$1primo ') : said;
    };
    const from = DateTime.fromISO('2026-03-26', { zone: 'Europe/Rome' });
    let checked = 0;
    for (let date = DateTime.fromISO('2025-01-01', { zone: 'Europe/Rome' }); date.year < 2028;) {
      for (const locale of ['it-IT', 'en-US'] as const) {
        expect(sayDate(locale, date.toISODate() as string, from.toISODate() as string)).toBe(
          heard(locale, date, from),
        );
        checked++;
      }
      date = date.plus({ days: 1 });
    }
    expect(checked).toBe(2 * 1095);
  });
});

describe('the dates of one answer about a bill, said alike', () => {
  const electricity = {
    accountId: 'a1',
    kind: 'electricity',
    street: 'Via Po 14',
    sharesKind: false,
  } as const;
  const phone = { ...electricity, kind: 'telecom' } as const;
  // Monday 7 December 2026: the bill was issued today, its period ended a week ago, it falls due in three weeks.
  const bimonthly = {
    supply: electricity,
    periodStart: '2026-10-01',
    periodEnd: '2026-11-30',
    issuedOn: '2026-12-07',
    dueOn: '2026-12-28',
    amountCents: 8834,
    paidCents: 0,
    status: 'unpaid',
  } as const;

  it('gives none of them its weekday when some are more than a week away, the period end too', () => {
    const latest = { bill: bimonthly, date: undefined, reading: 'issued', today: '2026-12-07' } as const;
    expect(billMessages['it-IT'].billDetail(latest)).toBe(
      "L'ultima bolletta della luce, emessa il 7 dicembre, dal primo ottobre al 30 novembre, è di 88,34 euro. Restano da pagare 88,34 euro, con scadenza il 28 dicembre.",
    );
    expect(billMessages['en-US'].billDetail(latest)).toBe(
      'Your latest electricity bill, issued on December 7, from October 1 to November 30, is 88.34 euros. 88.34 euros is due on December 28.',
    );
  });

  it('gives every one its weekday when all fall within a week of today', () => {
    const weekly = {
      bill: {
        ...bimonthly,
        supply: phone,
        periodStart: '2026-12-01',
        periodEnd: '2026-12-06',
        dueOn: '2026-12-14',
        amountCents: 1250,
      },
      date: undefined,
      reading: 'issued',
      today: '2026-12-08',
    } as const;
    expect(billMessages['it-IT'].billDetail(weekly)).toBe(
      "L'ultima bolletta del telefono, emessa lunedì 7 dicembre, da martedì primo dicembre a domenica 6 dicembre, è di 12,50 euro. Restano da pagare 12,50 euro, con scadenza lunedì 14 dicembre.",
    );
    expect(billMessages['en-US'].billDetail(weekly)).toBe(
      'Your latest phone bill, issued on Monday, December 7, from Tuesday, December 1 to Sunday, December 6, is 12.50 euros. 12.50 euros is due on Monday, December 14.',
    );
  });

  it("joins a period from the 8th or to the 11th with the article's elision in Italian", () => {
    const said = billMessages['it-IT'].billDetail({
      bill: { ...bimonthly, periodStart: '2026-08-08', periodEnd: '2026-10-11', status: 'paid' },
      date: undefined,
      reading: 'issued',
      today: '2026-12-07',
    });
    expect(said).toContain("dall'8 agosto all'11 ottobre");
  });
});
