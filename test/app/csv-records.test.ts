import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { csvRecords, CsvSyntaxError, type CsvRecord } from '../../app/import/csv-records.ts';
import { readImportFile } from '../../app/import/import-files.ts';
import { seededRandom } from '../support/simulate.ts';

// Files written here record by record, each value as meant and as written, so that what a
// reader must return (values and the line each record starts on) is known without reading them.

/** The text in chunks of the given lengths (the last one takes the rest). */
async function* chunked(text: string, lengths: readonly number[]): AsyncGenerator<string> {
  let at = 0;
  for (const length of lengths) {
    if (at >= text.length) return;
    yield text.slice(at, at + length);
    at += length;
  }
  if (at < text.length) yield text.slice(at);
}

async function readAll(
  chunks: AsyncIterable<string>,
  delimiter = ',',
  lineEnd: '\n' | '\r' = '\n',
): Promise<CsvRecord[]> {
  const records: CsvRecord[] = [];
  for await (const record of csvRecords(chunks, delimiter, lineEnd)) records.push(record);
  return records;
}

/** The records read before the file broke, and how it broke. */
async function readUntilBroken(text: string, delimiter = ',') {
  const records: CsvRecord[] = [];
  try {
    for await (const record of csvRecords(chunked(text, [7, 3, 11]), delimiter)) records.push(record);
  } catch (error) {
    return { records, error };
  }
  return { records, error: undefined };
}

const words = ['Rossi', 'bolletta gas', 'Via Roma 1', 'caffè', '€ 12,50', 'Pagamento non riuscito', 'x'];

/** A file drawn from `seed`: values of every kind, lines ending either way, blank lines between. */
function drawnFile(seed: number, delimiter: string) {
  const random = seededRandom(seed);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random.next() * items.length)] as T;
  const expected: CsvRecord[] = [];
  let text = '';
  let line = 1;
  const records = 1 + Math.floor(random.next() * 40);
  for (let r = 0; r < records; r++) {
    // Blank lines, some with spaces or tabs only, skipped by the reader.
    while (random.next() < 0.15) {
      const blank = pick(['', '  ', '\t', ' \t ']);
      text += (delimiter === '\t' ? blank.replaceAll('\t', ' ') : blank) + pick(['\n', '\r\n']);
      line++;
    }
    const values: string[] = [];
    const written: string[] = [];
    const count = 1 + Math.floor(random.next() * 6);
    for (let v = 0; v < count; v++) {
      const kind = random.next();
      const pad = () => pick(['', '', ' ', '  ', '\t']).replace('\t', delimiter === '\t' ? ' ' : '\t');
      if (kind < 0.15) {
        values.push('');
        written.push(pad());
      } else if (kind < 0.55) {
        // The words hold no delimiter but the comma of an amount.
        const word = delimiter === ',' ? pick(words).replaceAll(',', '.') : pick(words);
        values.push(word);
        written.push(pad() + word + pad());
      } else {
        // Quoted: delimiters, quotes, line breaks and spaces inside are the value's.
        const inside = [pick(words), pick([delimiter, '"', '\n', '\r\n', ' ', '""', '']), pick(words)];
        if (random.next() < 0.2) inside.push(' ');
        const value = inside.join('');
        values.push(value);
        written.push(`${pad()}"${value.replaceAll('"', '""')}"${pad()}`);
        line += value.split('\n').length - 1;
      }
    }
    // A record of one empty value is a blank line: written as a quoted empty value instead.
    if (values.length === 1 && values[0] === '') written[0] = '""';
    expected.push({ line: line - countBreaks(values), values });
    text += written.join(delimiter);
    if (r < records - 1 || random.next() < 0.7) {
      text += pick(['\n', '\r\n']);
      line++;
    }
  }
  return { text, expected };
}

const countBreaks = (values: readonly string[]) => values.join('').split('\n').length - 1;

/** Random chunk lengths, down to one character: quotes, CRLFs and characters split across chunks. */
function drawnChunks(seed: number, length: number): number[] {
  const random = seededRandom(seed ^ 0x5eed);
  const lengths: number[] = [];
  for (let total = 0; total < length;) {
    const next = 1 + Math.floor(random.next() * (random.next() < 0.5 ? 4 : 64));
    lengths.push(next);
    total += next;
  }
  return lengths;
}

describe('CSV records', () => {
  it('reads drawn files in any chunks as they were written, and as a general CSV parser reads them', async () => {
    for (let seed = 1; seed <= 300; seed++) {
      const delimiter = [',', ';', '\t', '|'][seed % 4]!;
      const { text, expected } = drawnFile(seed, delimiter);
      const whole = await readAll(chunked(text, []), delimiter);
      expect(whole, `seed ${seed}`).toEqual(expected);
      expect(await readAll(chunked(text, drawnChunks(seed, text.length)), delimiter), `seed ${seed}`).toEqual(
        expected,
      );
      // csv-parse, as the imports read files before (its own line counting aside).
      const theirs = parse(text, {
        delimiter,
        record_delimiter: ['\r\n', '\n'],
        trim: true,
        skip_empty_lines: true,
        relax_column_count: true,
      }) as string[][];
      expect(
        whole.map((r) => r.values),
        `seed ${seed}`,
      ).toEqual(theirs);
    }
  });

  it('reads a record whose quoted value spans chunks of one character each, CRLF inside and at its end', async () => {
    const text = 'a,"b ""quoted""\r\nnext line, still b" ,c\r\n\r\n d ;e,"",\r';
    const expected = [
      { line: 1, values: ['a', 'b "quoted"\r\nnext line, still b', 'c'] },
      { line: 4, values: ['d ;e', '', ''] },
    ];
    expect(await readAll(chunked(text, []))).toEqual(expected);
    expect(await readAll(chunked(text, Array(text.length).fill(1)))).toEqual(expected);
    for (let cut = 1; cut < text.length; cut++) expect(await readAll(chunked(text, [cut]))).toEqual(expected);
  });

  it('keeps a carriage return that ends no line as part of a value, or drops it around one', async () => {
    expect(await readAll(chunked('a\rb,c\r\n"d\re"\r,f', [2]))).toEqual([
      { line: 1, values: ['a\rb', 'c'] },
      { line: 2, values: ['d\re', 'f'] },
    ]);
  });

  it('stops at a quote never closed, after the records before it, naming the line its record starts on', async () => {
    const { records, error } = await readUntilBroken('a,b\n\nc,"d\ne,f\ng,h\n');
    expect(records).toEqual([{ line: 1, values: ['a', 'b'] }]);
    expect(error).toBeInstanceOf(CsvSyntaxError);
    expect(error).toMatchObject({ line: 3, message: 'line 3: a quote opened in this row is never closed' });
  });

  it('stops at text after a closing quote, and at a quote inside a value that does not start with one', async () => {
    const after = await readUntilBroken('a,b\n"c\nd"x,e\nf,g\n');
    expect(after.records).toEqual([{ line: 1, values: ['a', 'b'] }]);
    expect(after.error).toMatchObject({
      line: 2,
      message: 'line 2: a quoted value is followed by "x", where the delimiter or the line\'s end should be',
    });
    const inside = await readUntilBroken('a;b\r\nc;d\r\ne;{"f": 1}\r\n', ';');
    expect(inside.records).toEqual([
      { line: 1, values: ['a', 'b'] },
      { line: 2, values: ['c', 'd'] },
    ]);
    expect(inside.error).toMatchObject({ line: 3 });
    expect(String((inside.error as Error).message)).toMatch(
      /^line 3: a quote inside a value that does not start/,
    );
  });

  it('reads lines that end in CR alone when told, an LF after a CR dropped as a CRLF', async () => {
    const text = 'a,b\r"c\rd",e\r\rf,g\r\nh';
    const expected = [
      { line: 1, values: ['a', 'b'] },
      { line: 2, values: ['c\rd', 'e'] },
      { line: 5, values: ['f', 'g'] },
      { line: 6, values: ['h'] },
    ];
    expect(await readAll(chunked(text, []), ',', '\r')).toEqual(expected);
    for (let cut = 1; cut < text.length; cut++)
      expect(await readAll(chunked(text, [cut]), ',', '\r')).toEqual(expected);
  });

  it('imports a file whose lines end in CR alone, and skips rows of empty values as blank lines', async () => {
    // As "CSV (Macintosh)" is saved, with a row a spreadsheet left empty but for its delimiters.
    const file = [
      'external_id;channel;started_at;note',
      'm-1;web;2026-01-05T10:00:00Z;"two',
      'lines"',
      ';;;',
      'm-2;email;2026-01-06T10:00:00Z;',
      '',
    ].join('\r');
    const rows = [];
    for await (const row of readImportFile(Readable.from([Buffer.from(file)]), { format: 'csv' }))
      rows.push(row);
    expect(rows).toEqual([
      {
        line: 2,
        fields: {
          external_id: 'm-1',
          channel: 'web',
          started_at: '2026-01-05T10:00:00Z',
          note: 'two\rlines',
        },
      },
      {
        line: 5,
        fields: { external_id: 'm-2', channel: 'email', started_at: '2026-01-06T10:00:00Z', note: '' },
      },
    ]);
  });

  it('reads nothing from an empty file or one of blank lines, and a last line without its end', async () => {
    expect(await readAll(chunked('', []))).toEqual([]);
    expect(await readAll(chunked('\n  \r\n\t\n', []))).toEqual([]);
    expect(await readAll(chunked('a,b\nc', [3]))).toEqual([
      { line: 1, values: ['a', 'b'] },
      { line: 2, values: ['c'] },
    ]);
    expect(await readAll(chunked('a,b\n"c"', [6]))).toEqual([
      { line: 1, values: ['a', 'b'] },
      { line: 2, values: ['c'] },
    ]);
  });
});
