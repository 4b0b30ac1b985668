import { createHash } from 'node:crypto';
import { z } from 'zod';
import { standardChannels, type ChannelRegistry } from './channels.ts';
import type { FieldIssue } from './errors.ts';
import { normalizeLabel } from './import-values.ts';
import { Locale, Slug } from './vocabulary.ts';

export const ContactReasonInput = z.object({
  code: Slug,
  /** What the reason is called in each language (`{"it-IT": "Spiegazione bolletta"}`). */
  labels: z.partialRecord(Locale, z.string().trim().min(1).max(120)).default({}),
  /** The group the reason belongs to (`billing`, `payments`…), for reports that fold reasons together. */
  group: Slug.nullable().default(null),
});
export type ContactReasonInput = z.input<typeof ContactReasonInput>;
export type ContactReason = z.output<typeof ContactReasonInput>;

/**
 * Port: the catalogue of contact reasons. Every reason the interaction log holds is in it (a
 * channel's new reason enters with no labels); imports accept only reasons it knows.
 */
export interface ReasonCatalogue {
  reasons(): Promise<ContactReason[]>;
  /** Adds a reason, or replaces its labels and group. */
  save(input: ContactReasonInput): Promise<ContactReason>;
  /** Adds the reasons that are missing; those already there keep their labels and group. */
  ensure(inputs: readonly ContactReasonInput[]): Promise<void>;
}

const reason = (code: string, group: string, it: string, en: string): ContactReasonInput => ({
  code,
  group,
  labels: { 'it-IT': it, 'en-US': en },
});

/** The reasons every installation starts with: what customers of a utility contact it about. */
export const standardReasons: ContactReasonInput[] = [
  reason('bill_explanation', 'billing', 'Spiegazione bolletta', 'Bill explanation'),
  reason('bill_copy', 'billing', 'Copia bolletta', 'Copy of a bill'),
  reason('bill_issued', 'billing', 'Bolletta emessa', 'Bill issued'),
  reason('payment', 'payments', 'Pagamento', 'Payment'),
  reason('payment_plan', 'payments', 'Rateizzazione', 'Payment plan'),
  reason('meter_reading', 'supply', 'Autolettura', 'Meter reading'),
  reason('fault', 'supply', 'Guasto', 'Fault'),
  reason('outage', 'supply', 'Interruzione della fornitura', 'Outage'),
  reason('contract_change', 'contract', 'Modifica contratto', 'Contract change'),
  reason('tariff_info', 'contract', 'Informazioni sulle tariffe', 'Tariff information'),
  reason('moving', 'contract', 'Trasloco', 'Moving home'),
  reason('complaint', 'service', 'Reclamo', 'Complaint'),
  reason('general_enquiry', 'service', 'Informazioni generali', 'General enquiry'),
];

/**
 * Registers the standard channels and reasons an installation lacks (those present keep what
 * the organisation made of them): on start, and before an import into a database never served.
 */
export async function registerStandards(stores: {
  channels: ChannelRegistry;
  reasons: ReasonCatalogue;
}): Promise<void> {
  for (const channel of standardChannels) {
    if (!(await stores.channels.channel(channel.code))) await stores.channels.register(channel);
  }
  await stores.reasons.ensure(standardReasons);
}

/** Labels compared as people type them: without regard to case, accents or spacing. */
const folded = (text: string) =>
  text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[\s_'’-]+/g, ' ')
    .trim();

/**
 * The codes that are not reasons of the catalogue, each named at `path.<index>` (or `path` for a
 * single code): a reason typed by its label (`guasto`, `Pagamento`) is pointed to its code.
 */
export async function unknownReasons(
  codes: readonly string[],
  catalogue: Pick<ReasonCatalogue, 'reasons'>,
  path: string,
  single = false,
): Promise<FieldIssue[]> {
  if (codes.length === 0) return [];
  const reasons = await catalogue.reasons();
  const known = new Set(reasons.map((r) => r.code));
  const issues: FieldIssue[] = [];
  codes.forEach((code, i) => {
    if (known.has(code)) return;
    const meant = reasons.find((r) =>
      Object.values(r.labels).some((label) => label !== undefined && folded(label) === folded(code)),
    );
    const group = reasons.filter((r) => r.group === code).map((r) => r.code);
    issues.push({
      path: single ? path : `${path}.${i}`,
      message: group.length
        ? `${code} is a group of contact reasons, not a reason: name its reasons (${group.join(', ')})`
        : meant
          ? `${code} is not a contact reason code: ${meant.code} is the one labelled “${Object.values(meant.labels).find((l) => l !== undefined && folded(l) === folded(code))}”`
          : `${code} is not a contact reason of the catalogue (GET /api/reasons lists them)`,
    });
  });
  return issues;
}

/**
 * A code for a reason the source names by a label: `Guasto contatore` → `guasto_contatore`. A
 * label in another script (`Перевод`) gets a code of its own made from the whole label; one with
 * no letter or digit at all (`???`) none, so that its rows are refused rather than merged.
 */
export function reasonCode(label: string): string {
  const code = normalizeLabel(label)
    .replace(/[^a-z0-9 ]/g, '')
    .trim()
    .replace(/ +/g, '_')
    .slice(0, 60);
  if (code === '' && /[\p{L}\p{N}]/u.test(label))
    return `r_${createHash('sha256').update(label.normalize('NFC')).digest('hex').slice(0, 12)}`;
  if (code === '') return '';
  return /^[a-z]/.test(code) ? code : `r_${code}`.slice(0, 63);
}
