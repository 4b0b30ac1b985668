import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import type { ImportRow } from '../../core/index.ts';

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
    const parser = input.pipe(
      parse({
        columns: (header: string[]) => header.map(rename),
        info: true,
        bom: true,
        trim: true,
        skip_empty_lines: true,
        relax_column_count: true,
      }),
    );
    for await (const { record, info } of parser as AsyncIterable<{
      record: Record<string, string>;
      info: { lines: number };
    }>) {
      yield { line: info.lines, fields: record };
    }
    return;
  }
  let line = 0;
  for await (const text of createInterface({ input, crlfDelay: Infinity })) {
    line++;
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
