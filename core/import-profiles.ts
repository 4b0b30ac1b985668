import { z } from 'zod';
import { isTimeZone } from './import-values.ts';
import { Locale, Slug } from './vocabulary.ts';

/** The columns a contact import reads (a CSV header or JSON Lines keys, after a profile's renaming). */
export const interactionColumns = {
  external_id: 'the contact’s id in the source system (optional)',
  customer_id: 'the customer’s id here (optional)',
  customer_ref: 'the customer’s code in the CRM, as imported with `import customers` (optional)',
  channel:
    'a registered channel code (`call_centre`, `email`, `sms`, `web`, `shop`, …) or a label the profile maps',
  touchpoint:
    'one of the channel’s touchpoints, or a label; the profile’s default for the channel when empty',
  direction: '`inbound` or `outbound`, or a label',
  reason: 'a contact reason of the catalogue (`bill_explanation`, `payment`, …), or a label',
  started_at: 'ISO 8601 with offset, or a local date-time in the profile’s formats and time zone',
  ended_at: 'the same (optional)',
  outcome: '`resolved`, `handed_off`, `abandoned` or `failed`, or a label',
  details: 'a JSON object of anything else (optional)',
} as const;
export type InteractionColumn = keyof typeof interactionColumns;

/** The columns a customer import reads. Consent columns hold yes/no (`sì`, `no`, `1`, `0`, `true`…). */
export const customerColumns = {
  customer_ref: 'the customer’s code in the CRM: kept as the reference contact imports name them by',
  first_name: 'given name',
  last_name: 'family name',
  segment: '`residential`, `senior`, `young`, `family`, `small_business` or `vulnerable`, or a label',
  locale: '`it-IT` or `en-US`, or a label',
  phone:
    'mobile number, international (`+39…`) or national with the profile’s `phonePrefix`; an Italian mobile has 9 or 10 digits',
  email: 'e-mail address',
  preferred_medium: '`email`, `sms`, `phone` or `post`, or a label',
  consent_data_processing: 'consent to process the customer’s data: yes or no',
  consent_email: 'consent to be contacted by e-mail: yes or no',
  consent_sms: 'by SMS: yes or no',
  consent_phone: 'by phone: yes or no',
  consent_post: 'by post: yes or no',
  consent_date:
    'when the consents were given (a date or date-time, not in the future; the import’s time when empty)',
} as const;
export type CustomerColumn = keyof typeof customerColumns;

/**
 * The columns every row of each import needs (a profile's default may stand for one): a file whose
 * header names none for one of them has every row rejected, so it is refused at its header.
 */
export const requiredColumns = {
  interactions: ['channel', 'direction', 'reason', 'started_at', 'outcome'],
  customers: ['customer_ref', 'first_name', 'last_name', 'segment', 'locale'],
} as const satisfies Record<string, readonly (InteractionColumn | CustomerColumn)[]>;

export const importColumnNames = [
  ...new Set([...Object.keys(interactionColumns), ...Object.keys(customerColumns)]),
] as [string, ...string[]];
const ImportColumnName = z.enum(importColumnNames, {
  error: (issue) =>
    `${String(issue.input)} is not a column an import reads (${importColumnNames.join(', ')})`,
});

/** Columns whose values a profile may map from the source's labels to the product's codes. */
export const mappableColumns = [
  'channel',
  'touchpoint',
  'direction',
  'reason',
  'outcome',
  'segment',
  'locale',
  'preferred_medium',
  'consent_data_processing',
  'consent_email',
  'consent_sms',
  'consent_phone',
  'consent_post',
] as const;
const MappableColumn = z.enum(mappableColumns);

export const importDelimiters = [',', ';', '\t', '|'] as const;
export const importEncodings = ['utf-8', 'windows-1252', 'latin1'] as const;
export type ImportEncoding = (typeof importEncodings)[number];

const Label = z.string().trim().min(1).max(200);

/**
 * How to read one system's export: its file dialect, its column names, its labels, what it
 * leaves out. Saved under a name and reused by the CLI (`--profile`), the API and the page.
 */
export const ImportProfile = z.object({
  name: Slug,
  description: z.string().max(500).optional(),
  /** What the rows are recorded as coming from; for customers, the CRM their references belong to. */
  source: Slug.optional(),
  /** The file's dialect; what is left out is detected (the delimiter) or UTF-8. */
  file: z
    .object({
      delimiter: z.enum(importDelimiters).optional(),
      encoding: z.enum(importEncodings).optional(),
    })
    .default({}),
  /** The zone local date-times are in (IANA, `Europe/Rome`); the installation's when left out. */
  timezone: z
    .string()
    .refine(isTimeZone, { error: 'must be an IANA time zone such as Europe/Rome' })
    .optional(),
  /** Local date-time formats, in luxon's tokens (`dd/MM/yyyy HH:mm`), tried in order. */
  dateFormats: z.array(z.string().min(4).max(40)).max(12).optional(),
  /** Their column name → ours. */
  columns: z.record(z.string().trim().min(1).max(120), ImportColumnName).default({}),
  /** Per column, their label → our code; compared without regard to case, accents or spacing. */
  values: z.partialRecord(MappableColumn, z.record(Label, Label)).default({}),
  /** Values for columns the export leaves out or leaves empty (`{"direction": "inbound"}`). */
  defaults: z.partialRecord(ImportColumnName, z.string().trim().max(200)).default({}),
  /** The touchpoint of a contact with none, per channel (`{"call_centre": "agent"}`). */
  touchpoints: z.record(Slug, Slug).default({}),
  /** The CRM source whose references `customer_ref` holds (as imported with `import customers`). */
  customerSource: Slug.optional(),
  /** A `customer_ref` nobody has: the row is rejected, or kept as a contact of nobody identified. */
  unknownCustomers: z.enum(['reject', 'anonymous']).default('reject'),
  /** A reason not in the catalogue: the row is rejected, or the reason is added to the catalogue. */
  unknownReasons: z.enum(['reject', 'create']).default('reject'),
  /** The group reasons added by this profile go in. */
  newReasonGroup: Slug.optional(),
  /** The language of the source's labels (a created reason keeps its label in it). */
  locale: Locale.optional(),
  /** Put before national phone numbers (`+39`). */
  phonePrefix: z
    .string()
    .regex(/^\+[1-9][0-9]{0,3}$/, { error: 'must be a country calling code such as +39' })
    .optional(),
});
export type ImportProfileInput = z.input<typeof ImportProfile>;
export type ImportProfile = z.output<typeof ImportProfile>;

/** A profile as stored: who saved it last, and when. */
export interface SavedImportProfile {
  profile: ImportProfile;
  updatedAt: Date;
}

/** Port: import profiles saved under their names. */
export interface ImportProfileStore {
  /** Adds the profile, or replaces the one of that name. */
  save(profile: ImportProfileInput): Promise<SavedImportProfile>;
  get(name: string): Promise<SavedImportProfile | undefined>;
  list(): Promise<SavedImportProfile[]>;
  /** Whether there was one to delete. */
  remove(name: string): Promise<boolean>;
}

/** The profile used when none is named: the file's columns are ours and its values our codes. */
export const plainProfile = (name = 'plain'): ImportProfile => ImportProfile.parse({ name });
