import type { LocalTimeKind } from './import-values.ts';
import { unstorableIssues } from './validation.ts';

export type ImportKind = 'interactions' | 'customers';

/** One parsed row with the line of the file it started on, or why the line could not be read. */
export interface ImportRow {
  line: number;
  fields: Partial<Record<string, unknown>>;
  problem?: string;
}

/**
 * Why a row was not imported: the column, the value found there (null when empty or missing),
 * and the problem in words that do not repeat the value, so that rows failing alike group together.
 */
export interface RowProblem {
  column: string | null;
  value: string | null;
  problem: string;
}

export interface ImportRejection {
  line: number;
  /** Every problem of the row, each a sentence: `channel: "Piccione" is not a registered channel (…)`. */
  reason: string;
}

/** Every row rejected for one reason: how many, the first lines and the first values. */
export interface RejectionGroup {
  column: string | null;
  problem: string;
  count: number;
  lines: number[];
  values: string[];
}

export interface ImportSummary {
  /** Nothing was written: the rows were read and checked only. */
  dryRun: boolean;
  read: number;
  /** Rows that passed every check. */
  valid: number;
  /** Rows added (in a dry run, that a real run would add: every count below says so too). */
  imported: number;
  /** Customers only: stored customers whose record the file changed. */
  updated: number;
  /** Contacts only: stored contacts whose outcome or details the file changed, amended. */
  corrected: number;
  /** Rows already stored by an earlier import of the same source, unchanged: skipped. */
  alreadyThere: number;
  /**
   * Contacts only: rows whose stored contact the file gives otherwise in a column an import cannot
   * change (its times, channel, reason, customer…): kept as stored, counted and listed here.
   */
  differing: number;
  /** The first differing rows, with what differs (at most {@link DIFFERENCES_KEPT}). */
  differences: DifferingRow[];
  rejected: number;
  /** The first rejections, with their line and reason (at most {@link REJECTIONS_KEPT}). */
  rejections: ImportRejection[];
  /** Every distinct reason for rejecting rows, with a count, the first lines and values. */
  problems: RejectionGroup[];
  /**
   * Local times moved out of the spring gap, autumn times read as the first of the two, and
   * contacts' ends read as the second (the contact ran across the change).
   */
  localTimes: { gap: number; repeated: number; repeatedEnd: number };
  /** Contacts kept without a customer because their `customer_ref` is nobody's (when the profile says so). */
  anonymised: number;
  /** Reasons added to the catalogue (when the profile says so). */
  createdReasons: string[];
  /** The first rows as they are (or would be) stored. */
  preview: Record<string, unknown>[];
}

/** One column of a stored contact that a later export gives otherwise. */
export interface StoredDifference {
  column: string;
  stored: string | null;
  file: string | null;
}

/** A row of a later export that gives a stored contact otherwise than it was stored. */
export interface DifferingRow {
  line: number;
  externalId: string;
  /** The columns an import cannot change, as stored and as the file gives them. */
  columns: StoredDifference[];
}

/** Differing rows listed one by one in a summary; the count goes on beyond. */
export const DIFFERENCES_KEPT = 10;

/** Rejections listed one by one in a summary; the count goes on beyond. */
export const REJECTIONS_KEPT = 1000;
const LINES_PER_PROBLEM = 10;
const VALUES_PER_PROBLEM = 5;
export const PREVIEW_ROWS = 10;

export function describeProblem(problem: RowProblem): string {
  const where = problem.column ? `${problem.column}: ` : '';
  const what = problem.value === null ? '' : `${JSON.stringify(problem.value)} `;
  return `${where}${what}${problem.problem}`;
}

/** Builds a summary as rows are read, checked and stored. */
export function createSummary(dryRun: boolean) {
  const summary: ImportSummary = {
    dryRun,
    read: 0,
    valid: 0,
    imported: 0,
    updated: 0,
    corrected: 0,
    alreadyThere: 0,
    differing: 0,
    differences: [],
    rejected: 0,
    rejections: [],
    problems: [],
    localTimes: { gap: 0, repeated: 0, repeatedEnd: 0 },
    anonymised: 0,
    createdReasons: [],
    preview: [],
  };
  const groups = new Map<string, RejectionGroup>();
  return {
    summary,
    reject(line: number, problems: readonly RowProblem[]): void {
      summary.rejected++;
      if (summary.rejections.length < REJECTIONS_KEPT)
        summary.rejections.push({ line, reason: problems.map(describeProblem).join('; ') });
      for (const problem of problems) group(line, problem);
    },
    differ(row: DifferingRow): void {
      summary.differing++;
      if (summary.differences.length < DIFFERENCES_KEPT) summary.differences.push(row);
    },
    localTime(kind: LocalTimeKind): void {
      if (kind !== 'exact') summary.localTimes[kind]++;
    },
    /** Adds a row to the preview while it has room; the row is only made then. */
    show(row: () => Record<string, unknown>): void {
      if (summary.preview.length < PREVIEW_ROWS) summary.preview.push(row());
    },
    /** A copy to hand out while the import goes on. */
    snapshot: (): ImportSummary => structuredClone(summary),
    /** The summary, its problems most frequent first. */
    finish(): ImportSummary {
      summary.problems.sort((a, b) => b.count - a.count);
      return summary;
    },
  };

  function group(line: number, problem: RowProblem): void {
    const key = `${problem.column ?? ''}\u0000${problem.problem}`;
    let group = groups.get(key);
    if (!group) {
      group = { column: problem.column, problem: problem.problem, count: 0, lines: [], values: [] };
      groups.set(key, group);
      summary.problems.push(group);
    }
    group.count++;
    if (group.lines.length < LINES_PER_PROBLEM) group.lines.push(line);
    // A value the database cannot store (a NUL, an unpaired surrogate) is left out: the summary
    // is kept in the import's history, and the line still names the row.
    if (
      problem.value !== null &&
      unstorableIssues(problem.value).length === 0 &&
      group.values.length < VALUES_PER_PROBLEM &&
      !group.values.includes(problem.value)
    )
      group.values.push(problem.value);
  }
}
export type SummaryBuilder = ReturnType<typeof createSummary>;

/**
 * Rows written per transaction: a killed import loses at most the batch being written and the
 * one being read, which a rerun writes.
 */
export const IMPORT_BATCH = 2000;

/**
 * The loop every import runs: each row read is checked (its problems reject it), the good ones
 * gathered and handed to `store` a batch at a time, in order; the next batch is read and checked
 * while the last one is written. When the stream breaks (a row that is not CSV, a client gone),
 * the rows read before it are stored, then the error goes on.
 */
export async function importRows<T>(options: {
  rows: AsyncIterable<ImportRow>;
  summary: SummaryBuilder;
  check: (row: ImportRow) => T | RowProblem[];
  store: (batch: { line: number; item: T }[]) => Promise<void>;
  /** Runs once every batch is stored (a load that stores the staged batches together). */
  afterLast?: () => Promise<void>;
  onBatch?: ((summary: ImportSummary) => void) | undefined;
}): Promise<ImportSummary> {
  const { summary } = options;
  let batch: { line: number; item: T }[] = [];
  let writing: Promise<void> = Promise.resolve();
  /** Waits for the batch being written (its failure ends the import), then starts the next. */
  const flush = async () => {
    await writing;
    if (batch.length === 0) return;
    const taken = batch;
    batch = [];
    writing = options.store(taken).then(() => options.onBatch?.(summary.snapshot()));
    // Seen when awaited: reading goes on meanwhile, and a failure must not go unhandled until then.
    writing.catch(() => {});
  };
  try {
    for await (const row of options.rows) {
      summary.summary.read++;
      if (row.problem) {
        summary.reject(row.line, [{ column: null, value: null, problem: row.problem }]);
        continue;
      }
      const checked = options.check(row);
      if (Array.isArray(checked)) {
        summary.reject(row.line, checked);
        continue;
      }
      batch.push({ line: row.line, item: checked });
      if (batch.length >= IMPORT_BATCH) await flush();
    }
  } catch (error) {
    // A failed write fails again here, and the rows read after it are not stored.
    await flush();
    await writing;
    throw error;
  }
  await flush();
  await writing;
  if (options.afterLast) {
    await options.afterLast();
    options.onBatch?.(summary.snapshot());
  }
  return summary.finish();
}

/**
 * The counts of a summary in one line: `34 rows read, 30 imported, 1 corrected, 0 already there,
 * 3 rejected` (corrected only when some were); a dry run's say what a real run would do.
 */
export function describeCounts(kind: ImportKind, s: ImportSummary): string {
  const would = (did: string, to: string) => (s.dryRun ? to : did);
  const corrected = s.corrected > 0 ? `, ${s.corrected} ${would('corrected', 'to correct')}` : '';
  const done =
    kind === 'customers'
      ? `${s.imported} ${would('new', 'new to import')}, ${s.updated} ${would('updated', 'to update')}, ${s.alreadyThere} unchanged`
      : `${s.imported} ${would('imported', 'to import')}${corrected}, ${s.alreadyThere} already there`;
  return `${s.read} rows read, ${done}, ${s.rejected} rejected${s.dryRun ? ' (dry run: nothing written)' : ''}`;
}

/** One reason for rejecting rows: `3 × channel: is not a registered channel (…) — values "fax" — lines 4, 9`. */
export function describeGroup(p: RejectionGroup): string {
  const values = p.values.length > 0 ? ` — values ${p.values.map((v) => JSON.stringify(v)).join(', ')}` : '';
  const more = p.count > p.lines.length ? ', …' : '';
  return `${p.count} × ${p.column ? `${p.column}: ` : ''}${p.problem}${values} — lines ${p.lines.join(', ')}${more}`;
}

/** What else a summary has to say: times moved by a clock change, anonymous contacts, new reasons. */
export function describeNotes(s: ImportSummary): string[] {
  const notes: string[] = [];
  if (s.localTimes.gap > 0)
    notes.push(`${s.localTimes.gap} local times in the spring clock-change gap, read one hour later`);
  if (s.localTimes.repeated > 0)
    notes.push(
      `${s.localTimes.repeated} local times that happen twice in autumn, read as the first (summer time)`,
    );
  if (s.localTimes.repeatedEnd > 0)
    notes.push(
      `${s.localTimes.repeatedEnd} contacts ran across the autumn clock change: their end read as the second of the two times (winter time)`,
    );
  if (s.anonymised > 0)
    notes.push(`${s.anonymised} contacts of an unknown customer_ref kept without a customer`);
  if (s.createdReasons.length > 0)
    notes.push(`reasons added to the catalogue: ${s.createdReasons.join(', ')}`);
  if (s.differing > 0) {
    const more = s.differing > s.differences.length ? ', …' : '';
    notes.push(
      `${s.differing} rows differ from what is stored in what an import cannot change, kept as stored: ${s.differences.map(describeDifference).join(' — ')}${more}`,
    );
  }
  return notes;
}

/** `line 4 (CH0000002): started_at stored 2026-05-24T09:13:34.000Z, the file 2026-05-24T10:13:34.000Z` */
export function describeDifference(row: DifferingRow): string {
  const columns = row.columns.map(
    (c) => `${c.column} stored ${c.stored ?? 'empty'}, the file ${c.file ?? 'empty'}`,
  );
  return `line ${row.line} (${row.externalId}): ${columns.join('; ')}`;
}
