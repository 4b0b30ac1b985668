import { createInterface } from 'node:readline';
import { finished, type Readable } from 'node:stream';
import { CsvError, parse, type Parser } from 'csv-parse';
import { invalidInput, type ImportRow } from '../../core/index.ts';

export const importFormats = ['csv', 'jsonl'] as const;
export type ImportFormat = (typeof importFormats)[number];

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

/** The format a file name implies, if any. */
export function formatOf(fileName: string): ImportFormat | undefined {
  if (/\.csv$/i.test(fileName)) return 'csv';
  if (/\.(jsonl|ndjson)$/i.test(fileName)) return 'jsonl';
  return undefined;
}

/**
 * Reads an import file as it streams in, never whole: CSV with a header row, or one JSON object
 * per line. Column (or key) names are renamed by `mapping`. A line that cannot be read becomes
 * a row with its problem, so that the import rejects it and goes on.
 */
export async function* readInteractionFile(
  input: Readable,
  format: ImportFormat,
  mapping: Record<string, string> = {},
): AsyncGenerator<ImportRow> {
  const rename = (name: string) => mapping[name.trim()] ?? name.trim();
  if (format === 'csv') {
    // Where the header ended (its line, and the empty lines skipped before it): the first record starts after it.
    let header: Position = { line: 0, emptyLines: 0 };
    const parser = parse({
      columns: (names: string[]) => {
        header = {
          line: 1 + parser.info.empty_lines + lineBreaks(names),
          emptyLines: parser.info.empty_lines,
        };
        return names.map(rename);
      },
      info: true,
      bom: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
    });
    // A source that fails (a client gone mid-upload) fails the parser, which `pipe` alone leaves
    // waiting; the source is not destroyed when the parser fails, so that an HTTP answer still goes out.
    finished(input, (error) => {
      if (error) parser.destroy(error);
    });
    input.pipe(parser);
    yield* csvRows(parser, () => header);
    return;
  }
  let line = 0;
  for await (const raw of createInterface({ input, crlfDelay: Infinity })) {
    line++;
    // Some editors start a UTF-8 file with a byte order mark.
    const text = line === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (text.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
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
      let next: { record: Record<string, string>; info: { empty_lines: number } } | null;
      while ((next = parser.read() as typeof next) !== null) {
        const line = startLine(next.info.empty_lines);
        previous = { line: line + lineBreaks(Object.values(next.record)), emptyLines: next.info.empty_lines };
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
