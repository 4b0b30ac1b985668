import { describe, expect, it } from 'vitest';
import { MAX_NESTING, unstorableIssues } from '../../core/validation.ts';

describe('what the database could not store', () => {
  it('names each NUL character, unpaired surrogate and bad key by its path, and passes any other text', () => {
    const row = {
      note: 'Nota dell’operatore: più o meno 30 €, cliente 👵 soddisfatta',
      who: 'Zoë Ngô',
      code: 'C\u0000001',
      broken: 'bolletta \uD83D alta',
      reversed: '\uDE00\uD83D',
      details: { queue: 'billing', tags: ['ok', 'fine\u0000'], ['key\u0000']: 1, when: new Date() },
    };
    expect(unstorableIssues(row, 'row')).toEqual([
      { path: 'row.code', message: 'contains a NUL character (\\u0000), which cannot be stored' },
      { path: 'row.broken', message: 'contains an unpaired UTF-16 surrogate, which is not valid text' },
      { path: 'row.reversed', message: 'contains an unpaired UTF-16 surrogate, which is not valid text' },
      { path: 'row.details.tags.1', message: 'contains a NUL character (\\u0000), which cannot be stored' },
      { path: 'row.details', message: 'has a key with a NUL character or an unpaired surrogate' },
    ]);
    expect(
      unstorableIssues({ note: row.note, who: row.who, pair: '😀', details: row.details.queue }),
    ).toEqual([]);
    expect(unstorableIssues('\u0000')).toEqual([
      { path: '(root)', message: 'contains a NUL character (\\u0000), which cannot be stored' },
    ]);
  });

  it(`refuses nesting deeper than ${MAX_NESTING} levels, naming where it goes too deep`, () => {
    const nest = (levels: number): unknown => (levels === 0 ? 'leaf' : { a: nest(levels - 1) });
    expect(unstorableIssues(nest(MAX_NESTING))).toEqual([]);
    expect(unstorableIssues(nest(MAX_NESTING + 1), 'details')).toEqual([
      {
        path: `details.${Array(MAX_NESTING).fill('a').join('.')}`,
        message: `nests deeper than ${MAX_NESTING} levels`,
      },
    ]);
  });
});
