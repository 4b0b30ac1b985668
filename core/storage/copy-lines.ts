import { StringDecoder } from 'node:string_decoder';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import copyStreams from 'pg-copy-streams';

// Rows written by COPY in its text format, for the bulk writes.

/** A value as a COPY line takes it: null and undefined are `\N`, a boolean `t` or `f`. */
export type CopyValue = string | number | Date | boolean | null | undefined;

/** A row in COPY's text format: tab-separated, `\N` for null, backslash escapes. */
export function copyLine(values: readonly CopyValue[]): string {
  return `${values.map(copyValue).join('\t')}\n`;
}

const SPECIAL = /[\\\t\n\r]/;

function copyValue(value: CopyValue): string {
  if (value === null || value === undefined) return '\\N';
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 't' : 'f';
  if (value instanceof Date) return value.toISOString();
  return SPECIAL.test(value)
    ? value.replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!)
    : value;
}

/** Lines joined into chunks of about a megabyte: one write per chunk, not per line. */
function* chunks(lines: Iterable<string>): Generator<string> {
  let chunk = '';
  for (const line of lines) {
    chunk += line;
    if (chunk.length >= 1 << 20) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

/** Runs a `copy … from stdin` statement with the given lines (each ending in a newline). */
export async function copyIn(client: pg.Client, statement: string, lines: Iterable<string>): Promise<void> {
  await pipeline(Readable.from(chunks(lines)), client.query(copyStreams.from(statement)));
}

/** Bytes per block of a {@link copyText}. */
const TEXT_BLOCK = 1 << 18;

/**
 * COPY lines held as UTF-8 in blocks that are used again once written: outside V8's heap, which
 * grows to about twice what it holds, and already the bytes the connection sends.
 */
export function copyText() {
  const blocks: Buffer[] = [];
  /** How many bytes of each block before the current one hold lines. */
  const ends: number[] = [];
  let block = 0;
  let used = 0;
  let lines = 0;
  return {
    /** Appends a line (ending in a newline). */
    add(line: string) {
      // UTF-8 takes at most 3 bytes for each UTF-16 unit.
      const most = 3 * line.length;
      if (used > 0 && used + most > blocks[block]!.length) {
        ends[block++] = used;
        used = 0;
      }
      let into = blocks[block];
      if (into === undefined || into.length < most)
        blocks[block] = into = Buffer.allocUnsafe(Math.max(TEXT_BLOCK, most));
      used += into.write(line, used);
      lines++;
    },
    get lines() {
      return lines;
    },
    /** Runs a `copy … from stdin` statement with the lines held, and empties it. */
    async copyIn(client: pg.Client, statement: string): Promise<void> {
      const bytes = blocks.slice(0, block).map((b, i) => b.subarray(0, ends[i]));
      if (used > 0) bytes.push(blocks[block]!.subarray(0, used));
      // The blocks are written over only once the server has taken every byte of them.
      await pipeline(Readable.from(bytes), client.query(copyStreams.from(statement)));
      block = used = lines = 0;
    },
  };
}

/** What a backslash and the character after it stand for in COPY's text format. */
const ESCAPED: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

function fieldOf(text: string): string | null {
  if (text === '\\N') return null;
  return text.includes('\\') ? text.replace(/\\(.)/g, (_, c: string) => ESCAPED[c] ?? c) : text;
}

/**
 * The text a `copy … to stdout` statement sends, as it arrives. A character of several bytes may
 * be cut between two chunks: the decoder holds its first bytes until the rest come (decoded chunk
 * by chunk, it became two replacement characters).
 */
export async function* copyOutText(client: pg.Client, statement: string): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  for await (const chunk of client.query(copyStreams.to(statement)) as AsyncIterable<Buffer>) {
    yield decoder.write(chunk);
  }
  const rest = decoder.end();
  if (rest) yield rest;
}

/**
 * Runs a `copy (…) to stdout` statement and hands each row to `onRow` as it arrives, its fields
 * as text (null for `\N`). Returns how many rows there were. Should `onRow` throw, the rest of
 * the rows are read without it and its error is thrown once the statement has ended, so that the
 * session is left ready for what comes next (a rollback).
 */
export async function copyOut(
  client: pg.Client,
  statement: string,
  onRow: (fields: (string | null)[]) => void,
): Promise<number> {
  let rest = '';
  let rows = 0;
  let failed: { error: unknown } | undefined;
  for await (const part of copyOutText(client, statement)) {
    const text = rest + part;
    let start = 0;
    for (let end = text.indexOf('\n'); end !== -1; end = text.indexOf('\n', start)) {
      if (!failed) {
        try {
          onRow(text.slice(start, end).split('\t').map(fieldOf));
        } catch (error) {
          failed = { error };
        }
      }
      rows++;
      start = end + 1;
    }
    rest = text.slice(start);
  }
  if (failed) throw failed.error;
  if (rest !== '') throw new Error('a COPY row was cut short');
  return rows;
}
