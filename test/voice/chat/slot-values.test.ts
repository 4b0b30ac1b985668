import { describe, expect, it } from 'vitest';
import type { InteractionModel } from '../../../voice/alexa/intent-models.ts';
import {
  customSlotMatch,
  spokenDate,
  spokenNumberValue,
  spokenSlotValue,
  spokenTime,
} from '../../../voice/alexa/chat/slot-values.ts';

// A Thursday in ISO week 48.
const today = '2026-11-26';

const topics: InteractionModel['slotTypes'][number] = {
  name: 'CONSULTATION_TOPIC',
  values: [
    { id: 'billing', value: 'bollette', synonyms: ['bolletta', 'importo della bolletta'] },
    { id: 'technical', value: 'assistenza tecnica', synonyms: ['guasto', 'lettura del contatore'] },
  ],
};

describe('AMAZON.DATE values', () => {
  it.each([
    ['en-US', 'today', '2026-11-26'],
    ['it-IT', 'oggi', '2026-11-26'],
    ['en-US', 'tomorrow', '2026-11-27'],
    ['it-IT', 'Domani', '2026-11-27'],
    ['it-IT', 'dopodomani', '2026-11-28'],
    ['en-US', 'the day after tomorrow', '2026-11-28'],
    ['en-US', 'monday', '2026-11-30'],
    ['en-US', 'next Monday', '2026-11-30'],
    ['it-IT', 'lunedì', '2026-11-30'],
    ['it-IT', 'lunedi prossimo', '2026-11-30'],
    ['it-IT', 'il prossimo lunedì', '2026-11-30'],
    ['en-US', 'on Friday', '2026-11-27'],
  ] as const)('resolves %s "%s" to %s, counting from today', (locale, said, value) => {
    expect(spokenDate(said, locale, today)).toBe(value);
  });

  it('takes a weekday named like today as the same weekday next week, never today', () => {
    expect(spokenDate('thursday', 'en-US', today)).toBe('2026-12-03');
    expect(spokenDate('giovedì', 'it-IT', today)).toBe('2026-12-03');
  });

  it.each([
    ['en-US', '25 march', '2027-03-25'],
    ['en-US', 'March 25', '2027-03-25'],
    ['en-US', 'march 25th', '2027-03-25'],
    ['en-US', 'the twenty first of december', '2026-12-21'],
    ['it-IT', '25 marzo', '2027-03-25'],
    ['it-IT', 'il 25 marzo', '2027-03-25'],
    ['it-IT', 'il primo dicembre', '2026-12-01'],
    ['it-IT', 'il 30 novembre', '2026-11-30'],
    ['it-IT', '25 marzo 2028', '2028-03-25'],
  ] as const)('resolves the day and month %s "%s" to the next such date, %s', (locale, said, value) => {
    expect(spokenDate(said, locale, today)).toBe(value);
  });

  it('resolves a day alone to this month when it is still to come, else to next month', () => {
    expect(spokenDate('the 28th', 'en-US', today)).toBe('2026-11-28');
    expect(spokenDate('il 25', 'it-IT', today)).toBe('2026-12-25');
    expect(spokenDate('il 31', 'it-IT', today)).toBe('2026-12-31');
  });

  it('passes ISO dates, weeks and months through', () => {
    expect(spokenDate('2026-11-30', 'en-US', today)).toBe('2026-11-30');
    expect(spokenDate('2026-w50', 'it-IT', today)).toBe('2026-W50');
    expect(spokenDate('2026-13-01', 'it-IT', today)).toBeUndefined();
  });

  it('resolves weeks and months to their ISO forms', () => {
    expect(spokenDate('next week', 'en-US', today)).toBe('2026-W49');
    expect(spokenDate('la prossima settimana', 'it-IT', today)).toBe('2026-W49');
    expect(spokenDate('this weekend', 'en-US', today)).toBe('2026-W48-WE');
    expect(spokenDate('next month', 'en-US', today)).toBe('2026-12');
  });

  it('resolves a month alone to its nearest occurrence from this month on', () => {
    expect(spokenDate('march', 'en-US', today)).toBe('2027-03');
    expect(spokenDate('a marzo', 'it-IT', today)).toBe('2027-03');
    expect(spokenDate('novembre', 'it-IT', today)).toBe('2026-11');
    expect(spokenDate('december', 'en-US', today)).toBe('2026-12');
  });

  // Written from how people name a day when booking, not from the parser: today is Thursday 26 November 2026.
  it.each([
    ['it-IT', "l'8 dicembre", '2026-12-08'],
    ['it-IT', "dell'11 gennaio", '2027-01-11'],
    ['it-IT', "per l'otto", '2026-12-08'],
    ['it-IT', 'il primo', '2026-12-01'],
    ['it-IT', 'martedì primo dicembre', '2026-12-01'],
    ['it-IT', 'il 15 gennaio', '2027-01-15'],
    ['it-IT', 'il 3 novembre', '2027-11-03'],
    ['it-IT', 'fra due settimane', '2026-12-10'],
    ['it-IT', 'tra una settimana', '2026-12-03'],
    ['it-IT', 'tra dieci giorni', '2026-12-06'],
    ['it-IT', 'fra 3 giorni', '2026-11-29'],
    ['it-IT', 'fra un mese', '2026-12-26'],
    ['en-US', 'in two weeks', '2026-12-10'],
    ['en-US', 'a week from today', '2026-12-03'],
    ['en-US', 'in 10 days', '2026-12-06'],
    ['en-US', 'three weeks from now', '2026-12-17'],
    ['en-US', 'Tuesday December 1st', '2026-12-01'],
  ] as const)(
    'resolves the booking day %s "%s" to %s, a date gone by rolled to next year',
    (locale, said, value) => {
      expect(spokenDate(said, locale, today)).toBe(value);
    },
  );

  it.each([
    ['it-IT', 'il mese scorso', '2026-10'],
    ['it-IT', 'del mese scorso', '2026-10'],
    ['it-IT', "luglio dell'anno scorso", '2025-07'],
    ['it-IT', 'di luglio dello scorso anno', '2025-07'],
    ['it-IT', 'luglio 2025', '2025-07'],
    ['it-IT', 'di luglio del 2024', '2024-07'],
    ['it-IT', 'novembre scorso', '2025-11'],
    ['it-IT', 'lo scorso marzo', '2026-03'],
    ['it-IT', "il 3 luglio dell'anno scorso", '2025-07-03'],
    ['en-US', 'last month', '2026-10'],
    ['en-US', 'July last year', '2025-07'],
    ['en-US', 'march of last year', '2025-03'],
    ['en-US', 'last November', '2025-11'],
    ['en-US', 'july of 2024', '2024-07'],
  ] as const)('resolves the month gone by %s "%s" to %s', (locale, said, value) => {
    expect(spokenDate(said, locale, today)).toBe(value);
  });

  it.each([
    ['en-US', 'whenever'],
    ['it-IT', 'fra qualche giorno'],
    ['it-IT', 'tra poco'],
    ['en-US', 'in a while'],
    ['it-IT', 'domani alle 10'],
    ['it-IT', 'tomorrow'],
    ['en-US', 'february 30'],
  ] as const)('gives no value for %s "%s", as Alexa sends the slot empty', (locale, said) => {
    expect(spokenDate(said, locale, today)).toBeUndefined();
  });
});

describe('AMAZON.TIME values', () => {
  it.each([
    ['en-US', '10', '10:00'],
    ['en-US', '10:30', '10:30'],
    ['it-IT', '10.30', '10:30'],
    ['en-US', 'at 3 pm', '15:00'],
    ['en-US', '3pm', '15:00'],
    ['en-US', '3 p.m.', '15:00'],
    ['en-US', '9 am', '09:00'],
    ['it-IT', '15:00', '15:00'],
    ['it-IT', 'alle 10', '10:00'],
    ['it-IT', 'alle dieci', '10:00'],
    ['it-IT', 'alle ore 9', '09:00'],
    ['it-IT', 'dieci e mezza', '10:30'],
    ['it-IT', 'le tre e un quarto', '15:15'],
    ['it-IT', 'dieci meno un quarto', '09:45'],
    ['en-US', 'half past ten', '10:30'],
    ['en-US', 'quarter past eleven', '11:15'],
    ['en-US', 'ten thirty', '10:30'],
    ['en-US', "eleven o'clock", '11:00'],
    ['en-US', 'noon', '12:00'],
    ['it-IT', 'mezzanotte', '00:00'],
    ['en-US', '10 in the morning', '10:00'],
    ['it-IT', 'alle 8 di sera', '20:00'],
  ] as const)('reads %s "%s" as %s', (locale, said, value) => {
    expect(spokenTime(said, locale)).toBe(value);
  });

  it('takes a bare hour from 1 to 7 as the afternoon, as people booking office hours mean', () => {
    expect(spokenTime('3', 'en-US')).toBe('15:00');
    expect(spokenTime('alle tre', 'it-IT')).toBe('15:00');
    expect(spokenTime("all'una", 'it-IT')).toBe('13:00');
    expect(spokenTime('tre e mezza', 'it-IT')).toBe('15:30');
    expect(spokenTime('seven', 'en-US')).toBe('19:00');
    expect(spokenTime('8', 'en-US')).toBe('08:00');
    expect(spokenTime('07:30', 'it-IT')).toBe('07:30');
  });

  it.each([
    ['en-US', 'morning', 'MO'],
    ['it-IT', 'di mattina', 'MO'],
    ['en-US', 'in the afternoon', 'AF'],
    ['it-IT', 'pomeriggio', 'AF'],
    ['en-US', 'evening', 'EV'],
    ['it-IT', 'sera', 'EV'],
    ['en-US', 'at night', 'NI'],
    ['it-IT', 'di notte', 'NI'],
  ] as const)('reads the period %s "%s" as %s', (locale, said, value) => {
    expect(spokenTime(said, locale)).toBe(value);
  });

  it('gives no value for words that are not a time', () => {
    expect(spokenTime('whenever', 'en-US')).toBeUndefined();
    expect(spokenTime('25:00', 'it-IT')).toBeUndefined();
    expect(spokenTime('domani', 'it-IT')).toBeUndefined();
  });
});

describe('AMAZON.NUMBER values', () => {
  it.each([
    ['en-US', '42', '42'],
    ['it-IT', 'dieci', '10'],
    ['en-US', 'ten', '10'],
    ['it-IT', 'otto', '8'],
    ['en-US', 'eight', '8'],
    ['en-US', 'zero', '0'],
    ['it-IT', 'venti', '20'],
    ['it-IT', 'ventitré', '23'],
    ['it-IT', 'trentotto', '38'],
    ['en-US', 'twenty five', '25'],
    ['en-US', 'ninety', '90'],
  ] as const)('reads %s "%s" as %s', (locale, said, value) => {
    expect(spokenNumberValue(said, locale)).toBe(value);
  });

  it('joins a code read out digit by digit into one number', () => {
    expect(spokenNumberValue('1 2 3 4 5 6', 'it-IT')).toBe('123456');
    expect(spokenNumberValue('uno due tre', 'it-IT')).toBe('123');
    expect(spokenNumberValue('four five six seven', 'en-US')).toBe('4567');
    expect(spokenNumberValue('12 34 56', 'en-US')).toBe('123456');
  });

  it('gives no value for words that are not a number', () => {
    expect(spokenNumberValue('boh', 'it-IT')).toBeUndefined();
    expect(spokenNumberValue('eight', 'it-IT')).toBeUndefined();
  });
});

describe('custom slot values', () => {
  it('resolves a value or synonym ignoring case, accents and a leading article', () => {
    expect(customSlotMatch('Bollette', topics, 'it-IT')).toEqual({ id: 'billing', name: 'bollette' });
    expect(customSlotMatch('la bolletta', topics, 'it-IT')).toEqual({ id: 'billing', name: 'bollette' });
    expect(customSlotMatch('Lettura del contatore', topics, 'it-IT')).toEqual({
      id: 'technical',
      name: 'assistenza tecnica',
    });
  });

  it('keeps the words the user said as the value, with the resolution beside it', () => {
    const options = { locale: 'it-IT', today, slotTypes: [topics] } as const;
    expect(spokenSlotValue('CONSULTATION_TOPIC', 'un guasto', options)).toEqual({
      value: 'un guasto',
      resolution: { slotType: 'CONSULTATION_TOPIC', match: { id: 'technical', name: 'assistenza tecnica' } },
    });
    expect(spokenSlotValue('CONSULTATION_TOPIC', 'astrologia', options)).toEqual({
      value: 'astrologia',
      resolution: { slotType: 'CONSULTATION_TOPIC' },
    });
  });

  it('resolves built-in types by their own rules and passes other built-ins through', () => {
    const options = { locale: 'en-US', today, slotTypes: [topics] } as const;
    expect(spokenSlotValue('AMAZON.DATE', 'tomorrow', options)).toEqual({ value: '2026-11-27' });
    expect(spokenSlotValue('AMAZON.TIME', 'soon', options)).toEqual({});
    expect(spokenSlotValue('AMAZON.FirstName', ' Anna ', options)).toEqual({ value: 'Anna' });
  });
});
