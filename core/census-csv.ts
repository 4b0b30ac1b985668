import type { Census } from './census.ts';

/** The tables of a census that `censusCsv` writes. */
export const censusTables = ['channels', 'heatmap', 'reasons', 'weekly', 'transitions', 'steps'] as const;
export type CensusTable = (typeof censusTables)[number];

/** Written in the `to` column of a transition that has no next contact. */
export const NO_NEXT_CHANNEL = 'none';

const columns = {
  channels: ['channel', 'contacts', 'customers', 'timedContacts', 'averageHandleSeconds'],
  heatmap: ['channel', 'weekday', 'hour', 'contacts'],
  reasons: ['channel', 'reason', 'contacts'],
  weekly: ['week', 'channel', 'contacts'],
  transitions: ['from', 'to', 'contacts'],
  steps: ['step', 'channel', 'contacts'],
} as const satisfies Record<CensusTable, readonly string[]>;

/**
 * One table of a census as CSV (RFC 4180: a header row of the field names, CRLF line ends,
 * fields quoted when they hold a comma, a quote or a line break, quotes doubled).
 * Empty values: `averageHandleSeconds` with no timed contact is an empty field; a transition
 * with no next contact has `none` (NO_NEXT_CHANNEL) as its `to`. `step` 4 (LAST_STEP_BUCKET)
 * stands for step 4 and later.
 */
export function censusCsv(census: Census, table: CensusTable): string {
  const header = columns[table];
  const rows: readonly Record<string, unknown>[] = census[table];
  const lines = [header, ...rows.map((row) => header.map((column) => cell(table, column, row[column])))];
  return lines.map((fields) => fields.map(quote).join(',') + '\r\n').join('');
}

function cell(table: CensusTable, column: string, value: unknown): string {
  if (value === null || value === undefined) {
    return table === 'transitions' && column === 'to' ? NO_NEXT_CHANNEL : '';
  }
  return String(value);
}

function quote(field: string): string {
  return /[",\r\n]/.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
}
