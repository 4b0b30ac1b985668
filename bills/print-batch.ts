import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import type { BillView } from '../core/services.ts';
import type { Letter } from './bill-sender.ts';

/** The manifest's columns, in the order print houses read them. */
export const MANIFEST_COLUMNS = [
  'sequence',
  'file',
  'recipient',
  'address',
  'bill_number',
  'amount_cents',
  'due_on',
  'language',
  'bytes',
  'sha256',
] as const;

/**
 * Writes a print batch the way print houses take one: one PDF per letter, numbered in the
 * order they are to be enveloped, and `manifest.csv` naming each file with its recipient and
 * a checksum. Returns the manifest's rows (without the header).
 */
export async function writePrintBatch(
  letters: readonly Letter[],
  folder: string,
  document: (view: BillView, pageUrl: string) => Promise<Buffer>,
): Promise<string[][]> {
  await mkdir(folder, { recursive: true });
  const rows: string[][] = [];
  for (const [index, letter] of letters.entries()) {
    const { view } = letter;
    const sequence = String(index + 1).padStart(6, '0');
    const file = `${sequence}-${view.bill.number.replace(/[^\w.-]/g, '_')}.pdf`;
    const pdf = await document(view, letter.pageUrl);
    await writeFile(join(folder, file), pdf);
    rows.push([
      sequence,
      file,
      `${view.firstName} ${view.lastName}`,
      view.supply.address,
      view.bill.number,
      String(view.bill.amountCents),
      view.bill.dueOn,
      view.locale,
      String(pdf.length),
      createHash('sha256').update(pdf).digest('hex'),
    ]);
  }
  await writeFile(
    join(folder, 'manifest.csv'),
    stringify([[...MANIFEST_COLUMNS], ...rows], { quoted_match: /[;,"\n]/ }),
  );
  return rows;
}
