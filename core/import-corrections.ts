import { isDeepStrictEqual } from 'node:util';
import type { StoredDifference, SummaryBuilder } from './import-summary.ts';
import type { Interaction, InteractionAmendment, InteractionLog, ParsedInteraction } from './interactions.ts';

const instant = (at: Date | null) => (at === null ? null : at.toISOString());

/** The columns the log cannot amend, each with how to read it of a contact. */
const fixedColumns: [string, (c: ParsedInteraction | Interaction) => string | null][] = [
  ['customer_id', (c) => c.customerId],
  ['channel', (c) => c.channel],
  ['touchpoint', (c) => c.touchpoint],
  ['direction', (c) => c.direction],
  ['reason', (c) => c.reason],
  ['started_at', (c) => instant(c.startedAt)],
  ['ended_at', (c) => instant(c.endedAt)],
];

/**
 * What a row of a later export changes of the contact stored under its id: the outcome and the
 * details' keys it gives otherwise, which the log amends (keys it leaves out stay as stored), and
 * the other columns it gives otherwise, which stay as stored and are reported.
 */
export function compareWithStored(
  stored: Interaction,
  given: ParsedInteraction,
): { amendment: InteractionAmendment | null; differences: StoredDifference[] } {
  const details = Object.fromEntries(
    Object.entries(given.details).filter(([key, value]) => !isDeepStrictEqual(stored.details[key], value)),
  );
  const outcome = given.outcome !== stored.outcome ? given.outcome : undefined;
  const amendment =
    outcome !== undefined || Object.keys(details).length > 0
      ? { ...(outcome !== undefined ? { outcome } : {}), details }
      : null;
  const differences = fixedColumns.flatMap(([column, read]) => {
    const [before, after] = [read(stored), read(given)];
    return before === after ? [] : [{ column, stored: before, file: after }];
  });
  return { amendment, differences };
}

/**
 * Sets apart the contacts of a batch that are stored already under their id from `source`: what
 * the log can amend of each (its outcome, its details) is amended, unless a dry run, and counted
 * corrected; what it cannot is reported as differing; the others count as already there. Returns
 * the contacts not stored yet. A dry run, which stores nothing, tells the ids it has seen in
 * `seen`, so that a row given twice counts as a real run counts it: once imported.
 */
export async function settleStored<T extends ParsedInteraction & { externalId: string }>(options: {
  batch: readonly { line: number; contact: T }[];
  source: string;
  interactions: InteractionLog;
  summary: SummaryBuilder;
  dryRun: boolean;
  seen: Set<string>;
}): Promise<T[]> {
  const { batch, summary, dryRun, seen } = options;
  const stored = await options.interactions.fromSourceMany(
    options.source,
    batch.map(({ contact }) => contact.externalId),
  );
  const fresh: T[] = [];
  for (const { line, contact } of batch) {
    const before = stored.get(contact.externalId);
    if (!before) {
      if (!dryRun) fresh.push(contact);
      else if (seen.has(contact.externalId)) summary.summary.alreadyThere++;
      else {
        seen.add(contact.externalId);
        fresh.push(contact);
      }
      continue;
    }
    const { amendment, differences } = compareWithStored(before, contact);
    if (differences.length > 0)
      summary.differ({ line, externalId: contact.externalId, columns: differences });
    if (amendment === null) {
      summary.summary.alreadyThere++;
      continue;
    }
    if (!dryRun) await options.interactions.amend(before.id, amendment);
    summary.summary.corrected++;
  }
  return fresh;
}
