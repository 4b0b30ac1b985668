import type { Readable } from 'node:stream';
import { csvRecords, CsvSyntaxError } from './csv-records.ts';
import { invalidInput } from '../../core/index.ts';
import {
  createLabelMap,
  importColumnNames,
  importDelimiters,
  type ImportEncoding,
  type ImportRow,
} from '../../core/imports.ts';

export const importFormats = ['csv', 'jsonl'] as const;
export type ImportFormat = (typeof importFormats)[number];

/** How a file is written: CSV (its delimiter detected from the header when not given) or JSON Lines. */
export interface FileDialect {
  format: ImportFormat;
  delimiter?: string | undefined;
  encoding?: ImportEncoding | undefined;
  /** The file's name, to say which one is empty. */
  name?: string | null | undefined;
}

/** `invalid_input` for a file with nothing in it but blank lines (a failed export): not an import of 0 rows. */
function emptyFile(dialect: FileDialect) {
  const what = dialect.name ? `${dialect.name} is empty` : 'the file is empty';
  return invalidInput(
    dialect.format === 'csv' ? `${what}: it has no header line, nor any row` : `${what}: it has no line`,
    [],
    'export it again; a file with a header and no rows is read as 0 rows',
  );
}

/** `--map` as the CLI and the API take it: `theirs=ours,…` (e.g. `when=started_at,who=customer_id`). */
export function parseMapping(text: string | undefined): Record<string, string> {
  const mapping: Record<string, string> = {};
  for (const pair of (text ?? '').split(',').filter((p) => p.trim() !== '')) {
    const [from, to] = pair.split('=').map((s) => s.trim());
    if (!from || !to) throw new Error(`"${pair}" is not a mapping like their_column=started_at`);
    mapping[from] = to;
  }
  return mapping;
}

const delimiterNames: Record<string, string> = {
  comma: ',',
  semicolon: ';',
  tab: '\t',
  '\\t': '\t',
  pipe: '|',
};

/** A delimiter as the CLI and the API take it: the character itself, or its name (`tab`, `semicolon`…). */
export function delimiterOf(value: string): string | undefined {
  return (
    delimiterNames[value] ?? ((importDelimiters as readonly string[]).includes(value) ? value : undefined)
  );
}

/** The format a file name implies, if any. */
export function formatOf(fileName: string): ImportFormat | undefined {
  if (/\.(csv|tsv|txt)$/i.test(fileName)) return 'csv';
  if (/\.(jsonl|ndjson)$/i.test(fileName)) return 'jsonl';
  return undefined;
}

/**
 * The delimiter a CSV header line uses: whichever of `,` `;` tab `|` it holds most often outside
 * quotes (a comma when it holds none: a file of one column).
 */
export function detectDelimiter(header: string): string {
  const counts = new Map<string, number>(importDelimiters.map((d) => [d, 0]));
  let quoted = false;
  for (const char of header) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && counts.has(char)) counts.set(char, (counts.get(char) as number) + 1);
  }
  let best = ',';
  for (const [delimiter, count] of counts) if (count > (counts.get(best) as number)) best = delimiter;
  return best;
}

/** A file's first line that is not blank, once it has ended (blank lines before it skipped). */
const HEADER_LINE = /^\s*(\S[^\r\n]*)\r?\n/;

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * The bytes of a file without the UTF-8 byte order mark it may start with. Exporters put one before
 * Windows-1252 text too; read as that encoding its bytes would be `ï»¿`, stuck to the first column's
 * name, which no profile then recognises.
 */
async function* withoutUtf8Bom(input: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer> {
  let head = Buffer.alloc(0);
  let started = false;
  for await (const chunk of input) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (started) {
      yield bytes;
      continue;
    }
    head = Buffer.concat([head, bytes]);
    if (head.length < UTF8_BOM.length && UTF8_BOM.subarray(0, head.length).equals(head)) continue;
    started = true;
    yield head.subarray(0, UTF8_BOM.length).equals(UTF8_BOM) ? head.subarray(UTF8_BOM.length) : head;
  }
  if (!started && head.length > 0) yield head;
}

/**
 * The bytes of a file as text, in `encoding` (UTF-8 by default), a UTF-8 byte order mark dropped
 * whatever the encoding. Bytes that are not UTF-8 stop the reading with the line they are on, and
 * the way to read the file.
 */
async function* decodeText(
  input: AsyncIterable<Buffer | string>,
  encoding: ImportEncoding,
): AsyncGenerator<string> {
  const decoder = new TextDecoder(encoding, { fatal: encoding === 'utf-8' });
  let line = 1;
  // The bytes of a character the last chunk ended inside, which the decoder holds.
  let held = Buffer.alloc(0);
  for await (const bytes of withoutUtf8Bom(input)) {
    let text: string;
    try {
      text = decoder.decode(bytes, { stream: true });
    } catch {
      // The lines before the bad byte's line are read all the same, wherever the chunk began.
      const before = validUtf8Prefix(Buffer.concat([held, bytes]));
      const lines = before.slice(0, before.lastIndexOf('\n') + 1);
      if (lines !== '') yield lines;
      throw invalidInput(
        `line ${line + countLines(before)}: the file is not UTF-8 text`,
        [],
        'files saved by Windows programs are often Windows-1252: read it as such (`--encoding windows-1252`, `encoding=windows-1252` through the API, or the profile’s file.encoding); the rows before it are imported, and importing the file again adds nothing twice',
      );
    }
    const tail = Buffer.concat([held, bytes.subarray(Math.max(0, bytes.length - 3))]);
    held = tail.subarray(tail.length - heldBytes(tail));
    line += countLines(text);
    if (text !== '') yield text;
  }
  const rest = decoder.decode();
  if (rest !== '') yield rest;
}

/** The text of `bytes` up to their first byte that is not UTF-8 (a character cut at the end left out). */
function validUtf8Prefix(bytes: Buffer): string {
  const valid = (end: number) => {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, end), { stream: true });
      return true;
    } catch {
      return false;
    }
  };
  let low = 0;
  let high = bytes.length;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (valid(mid)) low = mid;
    else high = mid - 1;
  }
  return new TextDecoder('utf-8').decode(bytes.subarray(0, low), { stream: true });
}

/** How many bytes at the end of `bytes` begin a UTF-8 character they do not finish. */
function heldBytes(bytes: Buffer): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const byte = bytes[bytes.length - back]!;
    if ((byte & 0xc0) === 0x80) continue;
    const length = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1;
    return length > back ? back : 0;
  }
  return 0;
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

const delimiterName = (delimiter: string) => (delimiter === '\t' ? 'tab' : `"${delimiter}"`);

/**
 * Why a CSV header lacks columns, as far as it shows: read as one column, which another delimiter
 * splits into columns an import reads, or a title line above the header; or columns named otherwise.
 */
function headerHint(values: readonly string[], delimiter: string, rename: (name: string) => string): string {
  const known = (name: string) => (importColumnNames as readonly string[]).includes(rename(name));
  if (values.length > 1)
    return (
      `its columns: ${values.map((v) => JSON.stringify(v)).join(', ')}; name them in the profile’s columns, ` +
      'or with `--map their_column=started_at` (`map=` through the API)'
    );
  const other = importDelimiters.find((d) => d !== delimiter && values[0]!.split(d).some(known));
  if (other !== undefined)
    return (
      `the header is read as one column with the delimiter ${delimiterName(delimiter)}, and ${delimiterName(other)} ` +
      'splits it into columns: give that delimiter (`--delimiter`, `delimiter=` through the API, or the profile’s file.delimiter)'
    );
  return `the header is read as one column, ${JSON.stringify(values[0])}: remove any line above the header (a title, the export’s date), or give the delimiter`;
}

/**
 * Reads an import file as it streams in, never whole: CSV with a header row, or one JSON object
 * per line. Column (or key) names are renamed by `mapping`. A line that cannot be read becomes
 * a row with its problem, so that the import rejects it and goes on. A CSV header that
 * `headerProblem` finds wanting (every row would be rejected) stops the reading at its line.
 */
export async function* readImportFile(
  input: Readable,
  dialect: FileDialect,
  mapping: Record<string, string> = {},
  headerProblem: (names: readonly string[]) => string | null = () => null,
): AsyncGenerator<ImportRow> {
  // A column named as the mapping or the product names it; else as either, written with other
  // case, accents or spacing ("DATA INIZIO", "Started At"): the mapping's first.
  const spelt = createLabelMap([
    ...importColumnNames.map((column) => [column, column] as const),
    ...Object.entries(mapping),
  ]);
  // Kept per name, so that JSON Lines keys cost one lookup each; a file whose keys never repeat
  // (ids as keys) stops being kept at a thousand names rather than growing with the file.
  const renamed = new Map<string, string>();
  const rename = (name: string) => {
    let column = renamed.get(name);
    if (column === undefined) {
      column = mapping[name.trim()] ?? spelt.get(name) ?? name.trim();
      if (renamed.size < 1000) renamed.set(name, column);
    }
    return column;
  };
  const text = decodeText(input, dialect.encoding ?? 'utf-8');
  if (dialect.format === 'csv') {
    // The header (the first line that is not blank) is read first, to find the delimiter when the
    // dialect does not give it.
    let head = '';
    for (;;) {
      const next = await text.next();
      if (next.done) break;
      head += next.value;
      if (HEADER_LINE.test(head) || head.length > 65_536) break;
    }
    // Lines end in CR alone when the header's first CR is followed by anything but an LF, before any LF.
    const cr = head.search(/\r[^\n]/);
    const lf = head.indexOf('\n');
    const lineEnd = cr !== -1 && (lf === -1 || cr < lf) ? '\r' : '\n';
    const headerLine =
      lineEnd === '\r' ? head.split('\r').find((line) => line.trim() !== '') : HEADER_LINE.exec(head)?.[1];
    const delimiter = dialect.delimiter ?? detectDelimiter(headerLine ?? head.trim());
    let names: string[] | undefined;
    try {
      for await (const { line, values } of csvRecords(
        // Read by hand rather than with `yield*`: a file that breaks leaves its input as it is, so
        // that an HTTP answer still goes out.
        (async function* () {
          if (head !== '') yield head;
          for (let next = await text.next(); !next.done; next = await text.next()) yield next.value;
        })(),
        delimiter,
        lineEnd,
      )) {
        if (names === undefined) {
          names = values.map(rename);
          const problem = headerProblem(names);
          if (problem !== null)
            throw invalidInput(`line ${line}: ${problem}`, [], headerHint(values, delimiter, rename));
          continue;
        }
        // A row of empty values only (`;;;;`, as spreadsheets write a row left empty) is a blank line.
        if (values.every((value) => value === '')) continue;
        const fields: Record<string, string> = {};
        for (let i = 0; i < values.length && i < names.length; i++) fields[names[i]!] = values[i]!;
        yield { line, fields };
      }
      if (names === undefined) throw emptyFile(dialect);
    } catch (error) {
      if (!(error instanceof CsvSyntaxError)) throw error;
      throw invalidInput(
        error.message,
        [],
        'the rows before it are imported; fix the file and import it again: nothing is imported twice',
      );
    }
    return;
  }
  let line = 0;
  let blank = true;
  for await (const raw of textLines(text)) {
    line++;
    if (raw.trim() === '') continue;
    blank = false;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      yield { line, fields: {}, problem: 'is not valid JSON' };
      continue;
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      yield { line, fields: {}, problem: 'is not a JSON object' };
      continue;
    }
    yield {
      line,
      fields: Object.fromEntries(Object.entries(parsed).map(([key, value]) => [rename(key), value])),
    };
  }
  if (blank) throw emptyFile(dialect);
}

/** Text split into lines (LF or CRLF), as it streams. */
async function* textLines(text: AsyncIterable<string>): AsyncGenerator<string> {
  let rest = '';
  for await (const chunk of text) {
    rest += chunk;
    let at: number;
    while ((at = rest.indexOf('\n')) !== -1) {
      yield rest.slice(0, at).replace(/\r$/, '');
      rest = rest.slice(at + 1);
    }
  }
  if (rest !== '') yield rest.replace(/\r$/, '');
}
