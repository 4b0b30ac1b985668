import { createHash } from 'node:crypto';
import type { ChannelRegistry } from './channels.ts';
import type { CustomerDirectory } from './customers.ts';
import { InteractionInput, assertSourceOpen, type InteractionLog } from './interactions.ts';
import { IsoDateTime } from './vocabulary.ts';
import { unstorableIssues } from './validation.ts';

/**
 * The columns an interaction import reads (CSV header or JSON Lines keys). `external_id` is the
 * contact's id in the system it comes from; without it, the row's own content identifies it, so
 * that importing the same file again adds nothing twice.
 */
export const importColumns = {
  external_id: 'the contact’s id in the source system (optional)',
  customer_id: 'the customer’s id here; empty for a contact nobody was identified in',
  channel: 'a registered channel code: call_centre, email, sms, web, shop, …',
  touchpoint: 'one of the channel’s touchpoints',
  direction: 'inbound or outbound',
  reason: 'the contact reason, lower_snake (bill_explanation, payment, …)',
  started_at: 'ISO 8601 date-time with offset',
  ended_at: 'ISO 8601 date-time with offset (optional)',
  outcome: 'resolved, handed_off, abandoned or failed',
  details: 'a JSON object of anything else (optional)',
} as const;
export type ImportColumn = keyof typeof importColumns;

/** One parsed row with the line of the file it started on, or why the line could not be read. */
export interface ImportRow {
  line: number;
  fields: Partial<Record<string, unknown>>;
  problem?: string;
}

export interface ImportRejection {
  line: number;
  reason: string;
}

export interface ImportSummary {
  read: number;
  imported: number;
  /** Rows already stored by an earlier import of the same source: skipped. */
  alreadyThere: number;
  rejected: number;
  /** The first rejections, with their line and reason (at most {@link REJECTIONS_KEPT}). */
  rejections: ImportRejection[];
}

/** Rejections listed in a summary; the count goes on beyond. */
export const REJECTIONS_KEPT = 1000;

/** Rows written per transaction: a killed import loses at most one batch, which a rerun writes. */
const BATCH = 2000;

const camel: Record<string, ImportColumn> = {
  externalId: 'external_id',
  customerId: 'customer_id',
  startedAt: 'started_at',
  endedAt: 'ended_at',
};

/**
 * Imports contacts of the existing channels into the interaction log as `source`, row by row
 * from a stream, a batch per transaction. Bad rows are rejected with their line and the reason;
 * the others are imported. Rows already imported from `source` are skipped, so a rerun of the
 * same file (or of one killed halfway) ends with every row exactly once.
 */
export async function importInteractions(options: {
  rows: AsyncIterable<ImportRow>;
  source: string;
  interactions: InteractionLog;
  customers: CustomerDirectory;
  channels: ChannelRegistry;
  onBatch?: (summary: ImportSummary) => void;
}): Promise<ImportSummary> {
  const { source } = options;
  assertSourceOpen(source, 'source');
  const summary: ImportSummary = { read: 0, imported: 0, alreadyThere: 0, rejected: 0, rejections: [] };
  const reject = (line: number, reason: string) => {
    summary.rejected++;
    if (summary.rejections.length < REJECTIONS_KEPT) summary.rejections.push({ line, reason });
  };
  const touchpoints = new Map(
    (await options.channels.channels()).map((c) => [c.code, c.touchpoints.map((t) => t.code)]),
  );

  let batch: { line: number; input: InteractionInput }[] = [];
  let storing = false;
  const write = async () => {
    if (batch.length === 0) return;
    storing = true;
    const known = await options.customers.known(
      batch.flatMap(({ input }) => (input.customerId ? [input.customerId] : [])),
    );
    const valid = batch.filter(({ line, input }) => {
      if (!input.customerId || known.has(input.customerId)) return true;
      reject(line, `customer_id: no customer ${input.customerId}`);
      return false;
    });
    // The log places each batch in time order, so that journeys form as the contacts happened.
    const inputs = valid.map((v) => v.input);
    const added = await options.interactions.recordMany(inputs);
    summary.imported += added;
    summary.alreadyThere += inputs.length - added;
    batch = [];
    storing = false;
    options.onBatch?.({ ...summary });
  };

  try {
    for await (const { line, fields, problem: unreadable } of options.rows) {
      summary.read++;
      if (unreadable) {
        reject(line, unreadable);
        continue;
      }
      const problem = checkRow(fields, touchpoints);
      if (typeof problem === 'string') {
        reject(line, problem);
        continue;
      }
      batch.push({ line, input: { ...problem, source } });
      if (batch.length >= BATCH) await write();
    }
  } catch (error) {
    // The stream broke (a row that is not CSV, a client gone): the rows read before it are kept.
    if (!storing) await write();
    throw error;
  }
  await write();
  return summary;
}

/** The row as a contact, or why it cannot be one (naming the column). */
function checkRow(
  fields: Partial<Record<string, unknown>>,
  touchpoints: Map<string, string[]>,
): InteractionInput | string {
  const value = (column: ImportColumn) => {
    const v = fields[column];
    return v === '' || v === undefined ? null : v;
  };
  let details: unknown = value('details') ?? {};
  if (typeof details === 'string') {
    try {
      details = JSON.parse(details);
    } catch {
      return 'details: is not valid JSON';
    }
  }
  // What the database cannot store fails this row here, not the batch it would be written in.
  const unstorable = unstorableIssues({ ...fields, details });
  if (unstorable.length > 0) return unstorable.map((i) => `${i.path}: ${i.message}`).join('; ');
  // Strictly ISO with an offset: anything else would be read in the importing machine's time zone,
  // or day and month swapped (03/10/2026).
  for (const column of ['started_at', 'ended_at'] as const) {
    const given = value(column);
    if (given !== null && !IsoDateTime.safeParse(given).success)
      return `${column}: ${JSON.stringify(given)} is not a date-time like 2026-03-10T09:00:00+01:00`;
  }
  const externalId =
    (value('external_id') as string | null) ??
    // No id of its own: the row's content is its identity.
    createHash('sha256')
      .update(JSON.stringify(Object.keys(importColumns).map((c) => fields[c] ?? '')))
      .digest('base64url')
      .slice(0, 32);
  const parsed = InteractionInput.safeParse({
    customerId: value('customer_id'),
    channel: value('channel'),
    touchpoint: value('touchpoint'),
    direction: value('direction'),
    reason: value('reason'),
    // Not null: coerced, null would be 1 January 1970.
    startedAt: value('started_at') ?? undefined,
    endedAt: value('ended_at'),
    outcome: value('outcome'),
    externalId: String(externalId),
    details,
  });
  if (!parsed.success) {
    return parsed.error.issues
      .map((issue) => {
        const key = String(issue.path[0] ?? '');
        const column = camel[key] ?? key;
        const given = fields[column];
        if (given === undefined || given === '' || given === null) return `${column}: is missing`;
        if (column === 'started_at' || column === 'ended_at')
          return `${column}: ${JSON.stringify(given)} is not a date-time like 2026-03-10T09:00:00+01:00`;
        return `${column}: ${issue.message}`;
      })
      .join('; ');
  }
  const contact = parsed.data;
  if (contact.outcome === 'continued') return 'outcome: continued is for live conversations, not imports';
  const known = touchpoints.get(contact.channel);
  if (!known) return `channel: ${contact.channel} is not a registered channel`;
  if (!known.includes(contact.touchpoint))
    return `touchpoint: ${contact.touchpoint} is not a touchpoint of ${contact.channel} (${known.join(', ')})`;
  return contact;
}
