import { createHash, randomUUID } from 'node:crypto';
import { appendFile, mkdir, readdir, rm, rmdir, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { ChannelPilotError } from '../core/index.ts';
import type { BillView } from '../core/services.ts';
import type { Letter } from './bill-sender.ts';

/** Why a folder cannot hold a print batch, in words an operator acts on. */
export function folderProblem(error: unknown, doing: 'create' | 'write'): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOTDIR':
    case 'EEXIST':
      return 'a part of the path is a file, not a folder';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EROFS':
      return 'the file system is read-only';
    case 'ENOSPC':
    case 'EDQUOT':
      return 'the disk is full';
    case 'ENOENT':
      // The parent exists: a pseudo file system (/proc) that takes no new entries.
      return doing === 'create' ? 'folders cannot be created there' : 'files cannot be written there';
    case 'EISDIR':
      return 'a file of the batch is taken by a folder';
    default:
      return code ?? (error instanceof Error ? error.message : String(error));
  }
}

/**
 * Creates `folder` and its missing parents one at a time. Node's own recursive mkdir loops for
 * ever on EEXIST under a pseudo file system (mkdir under /proc): here each step fails at once.
 */
async function ensureFolder(folder: string): Promise<string[]> {
  const missing: string[] = [];
  for (let at = folder; ; at = dirname(at)) {
    try {
      if (!(await stat(at)).isDirectory())
        throw Object.assign(new Error('not a folder'), { code: 'ENOTDIR' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || dirname(at) === at) throw error;
      missing.unshift(at);
    }
  }
  for (const step of missing) {
    try {
      await mkdir(step);
    } catch (error) {
      // Made meanwhile by another run: fine if it is a folder.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || !(await stat(step)).isDirectory())
        throw error;
    }
  }
  return missing;
}

/**
 * Proves a print batch can be written in `folder` before any bill is sent: the folder exists or is
 * created, and a file can be written and removed there. Otherwise `invalid_input` naming the folder
 * and why. Answers a function that removes the folders it created, for a run that prints nothing.
 */
export async function provePrintable(folder: string): Promise<() => Promise<void>> {
  let doing: 'create' | 'write' = 'create';
  try {
    const created = await ensureFolder(folder);
    doing = 'write';
    const probe = join(folder, `.probe-${randomUUID()}`);
    await writeFile(probe, '');
    await rm(probe, { force: true });
    return async () => {
      for (const made of created.reverse()) await rmdir(made).catch(() => undefined);
    };
  } catch (error) {
    throw new ChannelPilotError(
      'invalid_input',
      `cannot write the print batch in ${folder}: ${folderProblem(error, doing)}`,
      { cause: error, hint: 'give a folder that can be written to; no bill was sent' },
    );
  }
}

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
 * a checksum. A folder that holds a batch already (a later run of the same day) gets the new
 * letters numbered after its own and added to its manifest; a batch that fails is taken out
 * again, PDFs and all. Returns the manifest's rows (without the header).
 */
export async function writePrintBatch(
  letters: readonly Letter[],
  folder: string,
  document: (view: BillView, pageUrl: string) => Promise<Buffer>,
): Promise<string[][]> {
  await ensureFolder(folder);
  const manifest = join(folder, 'manifest.csv');
  const before = await readdir(folder);
  const earlier = before.filter((name) => /^\d{6}-.*\.pdf$/.test(name)).length;
  const rows: string[][] = [];
  const written: string[] = [];
  try {
    for (const [index, letter] of letters.entries()) {
      const { view } = letter;
      const sequence = String(earlier + index + 1).padStart(6, '0');
      const file = `${sequence}-${view.bill.number.replace(/[^\w.-]/g, '_')}.pdf`;
      const pdf = await document(view, letter.pageUrl);
      written.push(file);
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
    const lines = before.includes('manifest.csv') ? rows : [[...MANIFEST_COLUMNS], ...rows];
    await appendFile(manifest, stringify(lines, { quoted_match: /[;,"\n]/ }));
  } catch (error) {
    // No letter of a batch that failed stays behind to be printed: none is recorded as sent.
    await Promise.all(written.map((file) => rm(join(folder, file), { force: true })));
    throw error;
  }
  return rows;
}
