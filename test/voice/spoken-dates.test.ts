import { describe, expect, it } from 'vitest';
import { sayDate, sayOn } from '../../core/conversation/messages.ts';

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
});
