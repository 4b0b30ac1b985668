import { finished, Readable } from 'node:stream';
import { CsvError, Parser } from 'csv-parse';
import { invalidInput } from '../../core/index.ts';
import { importDelimiters, type ImportEncoding, type ImportRow } from '../../core/imports.ts';

export const importFormats = ['csv', 'jsonl'] as const;
export type ImportFormat = (typeof importFormats)[number];

/** How a file is written: CSV (its delimiter detected from the header when not given) or JSON Lines. */
export interface FileDialect {
  format: ImportFormat;
  delimiter?: string | undefined;
  encoding?: ImportEncoding | undefined;
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
  for await (const bytes of withoutUtf8Bom(input)) {
    let text: string;
    try {
      text = decoder.decode(bytes, { stream: true });
    } catch {
      const lenient = new TextDecoder('utf-8').decode(bytes);
      const before = lenient.slice(0, lenient.indexOf('\uFFFD'));
      throw invalidInput(
        `line ${line + countLines(before)}: the file is not UTF-8 text`,
        [],
        'files saved by Windows programs are often Windows-1252: read it with --encoding windows-1252 (or the profile’s file.encoding)',
      );
    }
    line += countLines(text);
    if (text !== '') yield text;
  }
  const rest = decoder.decode();
  if (rest !== '') yield rest;
}

function countLines(text: string): number {
  let n = 0;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/**
 * Reads an import file as it streams in, never whole: CSV with a header row, or one JSON object
 * per line. Column (or key) names are renamed by `mapping`. A line that cannot be read becomes
 * a row with its problem, so that the import rejects it and goes on.
 */
export async function* readImportFile(
  input: Readable,
  dialect: FileDialect,
  mapping: Record<string, string> = {},
): AsyncGenerator<ImportRow> {
  const rename = (name: string) => mapping[name.trim()] ?? name.trim();
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
    const delimiter = dialect.delimiter ?? detectDelimiter(HEADER_LINE.exec(head)?.[1] ?? head.trim());
    // Where the header ended (its line, and the empty lines skipped before it): the first record starts after it.
    let header: Position = { line: 0, emptyLines: 0 };
    const parser = new LineCountingParser({
      delimiter,
      columns: (names: string[]) => {
        header = {
          line: 1 + parser.info.empty_lines + lineBreaks(names),
          emptyLines: parser.info.empty_lines,
        };
        return names.map(rename);
      },
      // Lines may end either way within one file (an export with lines added by another program).
      record_delimiter: ['\r\n', '\n'],
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
    });
    const source = Readable.from(
      (async function* () {
        if (head !== '') yield head;
        yield* text;
      })(),
    );
    // A source that fails (a client gone mid-upload, bytes that are not UTF-8) fails the parser,
    // which `pipe` alone leaves waiting; the input is not destroyed when the parser fails, so
    // that an HTTP answer still goes out.
    finished(source, (error) => {
      if (error) parser.destroy(error);
    });
    source.pipe(parser);
    yield* csvRows(parser, () => header);
    return;
  }
  let line = 0;
  for await (const raw of textLines(text)) {
    line++;
    if (raw.trim() === '') continue;
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

/**
 * csv-parse's parser, each record handed on with the empty lines skipped before it: the one fact of
 * its `info` the line numbers need, read as the record is made (csv-parse's `info: true` builds
 * a dozen-field object per record for it).
 */
class LineCountingParser extends Parser {
  override push(record: unknown, encoding?: BufferEncoding): boolean {
    return super.push(record === null ? null : { record, emptyLines: this.info.empty_lines }, encoding);
  }
}

/** The line a record (or the header) ended on, and how many empty lines the parser had skipped by then. */
interface Position {
  line: number;
  emptyLines: number;
}

/**
 * Line breaks inside values (quoted fields may span lines). Counted here rather than taken from
 * the parser, which counts a CRLF inside quotes as two lines.
 */
function lineBreaks(values: Iterable<unknown>): number {
  let breaks = 0;
  for (const value of values) {
    if (typeof value === 'string' && /[\r\n]/.test(value)) breaks += value.match(/\r\n|\r|\n/g)?.length ?? 0;
  }
  return breaks;
}

/**
 * The parser's records, each with the line it starts on. Read by hand: the stream's own iterator
 * drops the records already parsed when the parser then fails, and the rows before a broken one
 * must be imported. A row that breaks the file (an unclosed quote swallows the rest of it) ends
 * the reading with an error naming the line that row starts on.
 */
async function* csvRows(parser: Parser, header: () => Position): AsyncGenerator<ImportRow> {
  let failure: unknown;
  let ended = false;
  let wake = () => {};
  parser.on('readable', () => wake());
  parser.on('end', () => {
    ended = true;
    wake();
  });
  parser.on('error', (error) => {
    failure = error;
    wake();
  });
  let previous: Position | undefined;
  // The line after the previous record, past the empty lines skipped since.
  const startLine = (emptyLines: number) => {
    const before = previous ?? header();
    return before.line + 1 + emptyLines - before.emptyLines;
  };
  try {
    for (;;) {
      let next: { record: Record<string, string>; emptyLines: number } | null;
      while ((next = parser.read() as typeof next) !== null) {
        const line = startLine(next.emptyLines);
        previous = { line: line + lineBreaks(Object.values(next.record)), emptyLines: next.emptyLines };
        yield { line, fields: next.record };
      }
      if (failure !== undefined) {
        if (!(failure instanceof CsvError)) throw failure;
        const line = startLine(Number(failure.empty_lines));
        const reason =
          failure.code === 'CSV_QUOTE_NOT_CLOSED'
            ? 'a quote opened in this row is never closed'
            : failure.message;
        throw invalidInput(
          `line ${line}: ${reason}`,
          [],
          'the rows before it are imported; fix the file and import it again: nothing is imported twice',
        );
      }
      if (ended) return;
      await new Promise<void>((resolve) => (wake = resolve));
    }
  } finally {
    // Read to the end, or left early by the import: either way the parser is done with.
    parser.destroy();
  }
}
