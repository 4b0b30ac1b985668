import { describe, expect, it } from 'vitest';
import { Readable } from 'node:stream';
import { createDateTimeReader, createLabelMap, normalizeLabel, type ImportRow } from '../../core/imports.ts';
import { detectDelimiter, readImportFile, type FileDialect } from '../../app/import/import-files.ts';

const rome = createDateTimeReader({ zone: 'Europe/Rome' });
const read = (text: string) => {
  const result = rome.read(text);
  return result.ok ? [result.at.toISOString(), result.kind] : result.expected;
};

describe('reading date-times as exports write them', () => {
  it('reads ISO 8601 with an offset as the instant it names, and local times in the stated zone', () => {
    expect(read('2026-03-10T09:00:00+01:00')).toEqual(['2026-03-10T08:00:00.000Z', 'exact']);
    expect(read('2026-03-10 09:00:00Z')).toEqual(['2026-03-10T09:00:00.000Z', 'exact']);
    expect(read('10/03/2026 09:00')).toEqual(['2026-03-10T08:00:00.000Z', 'exact']);
    expect(read('10/03/2026 9:05')).toEqual(['2026-03-10T08:05:00.000Z', 'exact']);
    expect(read('10/07/2026 09:00:30')).toEqual(['2026-07-10T07:00:30.000Z', 'exact']);
    expect(read('2026-07-10 09:00')).toEqual(['2026-07-10T07:00:00.000Z', 'exact']);
    expect(read('10.07.2026 09:00')).toEqual(['2026-07-10T07:00:00.000Z', 'exact']);
    // The same wall-clock time in New York is another instant.
    const newYork = createDateTimeReader({ zone: 'America/New_York' }).read('10/03/2026 09:00');
    expect(newYork.ok && newYork.at.toISOString()).toBe('2026-03-10T13:00:00.000Z');
  });

  it('moves a time in the spring gap one hour later and reads an autumn time that happens twice as the first', () => {
    // 29 March 2026: 02:00 → 03:00 in Rome. 02:30 never showed on a clock there.
    expect(read('29/03/2026 02:30')).toEqual(['2026-03-29T01:30:00.000Z', 'gap']);
    expect(read('29/03/2026 01:59')).toEqual(['2026-03-29T00:59:00.000Z', 'exact']);
    expect(read('29/03/2026 03:00')).toEqual(['2026-03-29T01:00:00.000Z', 'exact']);
    // 25 October 2026: 03:00 → 02:00. 02:30 happened at 00:30 and again at 01:30 UTC.
    expect(read('25/10/2026 02:30')).toEqual(['2026-10-25T00:30:00.000Z', 'repeated']);
    expect(read('25/10/2026 03:00')).toEqual(['2026-10-25T02:00:00.000Z', 'exact']);
    // An offset says which one was meant: no rule needed.
    expect(read('2026-10-25T02:30:00+01:00')).toEqual(['2026-10-25T01:30:00.000Z', 'exact']);
  });

  it('refuses days the calendar lacks and text that is no date, naming the formats it reads', () => {
    const expected = 'a date-time like dd/MM/yyyy HH:mm:ss (Europe/Rome) or ISO 8601 with offset';
    for (const text of [
      '31/02/2026 10:00',
      '2026-02-31T10:05:00+01:00',
      '2026-13-01T10:00:00Z',
      'ieri',
      '10/03/2026',
    ])
      expect(read(text)).toBe(expected);
    // Month first only when the profile says so.
    const us = createDateTimeReader({ zone: 'America/New_York', formats: ['MM/dd/yyyy h:mm a'] });
    const parsed = us.read('03/10/2026 9:00 AM');
    expect(parsed.ok && parsed.at.toISOString()).toBe('2026-03-10T13:00:00.000Z');
    expect(us.read('10/03/2026 09:00')).toEqual({
      ok: false,
      expected: 'a date-time like MM/dd/yyyy h:mm a (America/New_York) or ISO 8601 with offset',
    });
  });
});

describe('labels', () => {
  it('match whatever their case, accents and spacing', () => {
    expect(normalizeLabel('  Città_di  Roma ')).toBe('citta di roma');
    const map = createLabelMap([
      ['Telefono', 'call_centre'],
      ['Sito web', 'web'],
      ['Perché', 'why'],
    ]);
    expect(['TELEFONO', 'telefono ', 'sito-web', 'SITO  WEB', 'perche', 'PERCHÉ'].map(map.get)).toEqual([
      'call_centre',
      'call_centre',
      'web',
      'web',
      'why',
      'why',
    ]);
    expect(map.get('Telefax')).toBeUndefined();
  });
});

/** A file as it arrives: bytes in small chunks, so that rows, quotes and characters straddle chunk borders. */
async function rows(bytes: Buffer, dialect: FileDialect, chunk = 5): Promise<ImportRow[]> {
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunk) chunks.push(bytes.subarray(i, i + chunk));
  const out: ImportRow[] = [];
  for await (const row of readImportFile(Readable.from(chunks), dialect)) out.push(row);
  return out;
}

/** The rows of a CSV text, however its bytes are split as they stream in. */
async function expectRowsInAnyChunks(text: string, expected: ImportRow[]) {
  for (const chunk of [1, 3, 64 * 1024])
    expect(await rows(Buffer.from(text), { format: 'csv' }, chunk)).toEqual(expected);
}

describe('CSV dialects', () => {
  it('finds the delimiter in the header, outside quotes', () => {
    expect(detectDelimiter('id;cliente;canale')).toBe(';');
    expect(detectDelimiter('id\tcliente\tcanale')).toBe('\t');
    expect(detectDelimiter('id|cliente|"nota, libera"')).toBe('|');
    expect(detectDelimiter('"a;b;c",d,e')).toBe(',');
    expect(detectDelimiter('solo')).toBe(',');
  });

  it('reads semicolons, tabs and pipes, quotes, CRLF, a UTF-8 byte order mark and Windows-1252', async () => {
    const expected = [
      { line: 2, fields: { codice: 'C1', nota: 'perché; più € alta', canale: 'Telefono' } },
      { line: 3, fields: { codice: 'C2', nota: 'due\r\nrighe', canale: 'Sportello' } },
      { line: 5, fields: { codice: 'C3', nota: '', canale: 'Città' } },
    ];
    const text = (d: string) =>
      `codice${d}nota${d}canale\r\nC1${d}"perché; più € alta"${d}Telefono\r\nC2${d}"due\r\nrighe"${d}Sportello\r\nC3${d}${d}Città\r\n`;
    expect(await rows(Buffer.from(`\uFEFF${text(';')}`), { format: 'csv' })).toEqual(expected);
    expect(await rows(Buffer.from(text('\t')), { format: 'csv' })).toEqual(expected);
    expect(await rows(Buffer.from(text('|')), { format: 'csv' })).toEqual(expected);
    const cp1252 = Buffer.from(new TextEncoder().encode(text(';'))).toString('utf8');
    const windows = Buffer.from([...cp1252].map((c) => (c === '€' ? 0x80 : c.charCodeAt(0))));
    expect(await rows(windows, { format: 'csv', encoding: 'windows-1252' })).toEqual(expected);
    // An exporter's UTF-8 byte order mark before Windows-1252 text, however the bytes arrive.
    const marked = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), windows]);
    for (const chunk of [1, 2, 3, 4, 64])
      expect(await rows(marked, { format: 'csv', encoding: 'windows-1252' }, chunk)).toEqual(expected);
    // A delimiter given wins over the header: this header has more commas than semicolons.
    expect(await rows(Buffer.from('a,b;c\n1,2;3\n'), { format: 'csv', delimiter: ';' })).toEqual([
      { line: 2, fields: { 'a,b': '1,2', c: '3' } },
    ]);
  });

  it('numbers each row by the line it starts on, past empty lines before the header and between rows and values over several lines', async () => {
    // As a hand-edited export looks: a blank line before the header, rows apart, a note of three lines.
    const text =
      '\r\ncodice,nota,canale\r\nC1,ok,Telefono\r\n\r\n\r\nC2,"prima riga\r\nseconda\nterza",Negozio\r\n' +
      'C3,,Sito web\r\n\r\nC4,"fine",E-mail\r\n\r\n';
    const expected = [
      { line: 3, fields: { codice: 'C1', nota: 'ok', canale: 'Telefono' } },
      { line: 6, fields: { codice: 'C2', nota: 'prima riga\r\nseconda\nterza', canale: 'Negozio' } },
      { line: 9, fields: { codice: 'C3', nota: '', canale: 'Sito web' } },
      { line: 11, fields: { codice: 'C4', nota: 'fine', canale: 'E-mail' } },
    ];
    await expectRowsInAnyChunks(text, expected);
  });

  it('finds the delimiter past blank lines before the header, and reads lines ended by LF inside a file of CRLF', async () => {
    // An export saved with blank lines above its header, then added to by a program that ends
    // lines with LF alone.
    const text =
      '\uFEFF\r\n \r\ncodice;nota;canale\r\nC1;"a capo\r\nqui";Telefono\r\nC2;;Negozio\nC3;fine;Sito web\n' +
      'C4;"di nuovo\nqui";E-mail\r\n';
    const expected = [
      { line: 4, fields: { codice: 'C1', nota: 'a capo\r\nqui', canale: 'Telefono' } },
      { line: 6, fields: { codice: 'C2', nota: '', canale: 'Negozio' } },
      { line: 7, fields: { codice: 'C3', nota: 'fine', canale: 'Sito web' } },
      { line: 8, fields: { codice: 'C4', nota: 'di nuovo\nqui', canale: 'E-mail' } },
    ];
    await expectRowsInAnyChunks(text, expected);
  });

  it('stops at bytes that are not UTF-8, naming their line and the encoding to use', async () => {
    const latin1 = Buffer.from('codice;nota\nC1;ok\nC2;perch\xe9\nC3;ok\n', 'latin1');
    await expect(rows(latin1, { format: 'csv' }, 64)).rejects.toMatchObject({
      code: 'invalid_input',
      message: 'line 3: the file is not UTF-8 text',
      hint: expect.stringContaining('--encoding windows-1252'),
    });
    // The rows before the bad line are read whatever the chunks, even one cut inside a character.
    const mixed = Buffer.concat([
      Buffer.from('codice;nota\nC1;più caro\nC2;città\n'),
      Buffer.from('C3;perch\xe9\nC4;ok\n', 'latin1'),
    ]);
    for (const chunk of [1, 2, 3, 7, 64 * 1024]) {
      const seen: ImportRow[] = [];
      const reading = (async () => {
        const chunks: Buffer[] = [];
        for (let i = 0; i < mixed.length; i += chunk) chunks.push(mixed.subarray(i, i + chunk));
        for await (const row of readImportFile(Readable.from(chunks), { format: 'csv' })) seen.push(row);
      })();
      await expect(reading, `chunks of ${chunk}`).rejects.toMatchObject({
        message: 'line 4: the file is not UTF-8 text',
        hint: expect.stringContaining('the rows before it are imported'),
      });
      expect(seen, `chunks of ${chunk}`).toEqual([
        { line: 2, fields: { codice: 'C1', nota: 'più caro' } },
        { line: 3, fields: { codice: 'C2', nota: 'città' } },
      ]);
    }
    const jsonl = Buffer.from('{"a": "ok"}\r\n{"a": "perch\xe9"}\r\n', 'latin1');
    expect(await rows(jsonl, { format: 'jsonl', encoding: 'latin1' })).toEqual([
      { line: 1, fields: { a: 'ok' } },
      { line: 2, fields: { a: 'perché' } },
    ]);
  });
});
