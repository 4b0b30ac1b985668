import { z } from 'zod';
import { createExpiringCache, type ExpiringCacheOptions } from './expiring-cache.ts';
import {
  ContactMedium,
  Instant,
  IsoDate,
  Locale,
  Segment,
  Uuid,
  type Locale as LocaleT,
} from './vocabulary.ts';

/** Marketing: offers may be shown beside what the customer asked for (a bill's page and e-mail). */
export const consentPurposes = ['data_processing', 'contact', 'marketing'] as const;
export const consentSources = [
  'web_form',
  'app',
  'call_recording',
  'paper_form',
  'shop',
  'voice_assistant',
  'import',
] as const;

export const ConsentInput = z
  .object({
    purpose: z.enum(consentPurposes),
    /** Which medium a contact consent covers; absent for data processing and marketing. */
    medium: ContactMedium.nullable().default(null),
    granted: z.boolean(),
    givenAt: Instant,
    /** How it was given, so that it can be proven. */
    source: z.enum(consentSources),
  })
  .refine((c) => (c.purpose === 'contact') === (c.medium !== null), {
    error: 'a contact consent names its medium; other consents do not',
    path: ['medium'],
  });
export type ConsentInput = z.infer<typeof ConsentInput>;

export interface Consent extends ConsentInput {
  id: string;
  customerId: string;
}

export const accountKinds = ['electricity', 'gas', 'water', 'telecom', 'broadband'] as const;
export const AccountKind = z.enum(accountKinds);
export type AccountKind = z.infer<typeof AccountKind>;

/** A customer's own fields, as a change names them: each one given replaces the stored one. */
const CustomerFields = z.object({
  firstName: z.string().trim().min(1).max(100),
  lastName: z.string().trim().min(1).max(100),
  locale: Locale,
  phone: z
    .string()
    .regex(/^\+[1-9][0-9]{6,14}$/, { error: 'must be in international format, e.g. +393331234567' })
    .nullable(),
  email: z.email({ error: 'must be an e-mail address' }).nullable(),
  segment: Segment,
  preferredMedium: ContactMedium.nullable(),
});
export const CustomerInput = CustomerFields.extend({
  phone: CustomerFields.shape.phone.default(null),
  email: CustomerFields.shape.email.default(null),
  preferredMedium: CustomerFields.shape.preferredMedium.default(null),
  consents: z.array(ConsentInput).default([]),
});
export type CustomerInput = z.input<typeof CustomerInput>;

export interface Customer {
  id: string;
  firstName: string;
  lastName: string;
  locale: LocaleT;
  phone: string | null;
  email: string | null;
  segment: Segment;
  preferredMedium: ContactMedium | null;
  createdAt: Date;
}

/** A stored customer's record as it may change: any of its fields but the consents (which have a history). */
// Built from the fields without their defaults: a default inside `partial()` is applied to a field
// left out, and a change of one field would clear the phone, the e-mail and the preferred medium.
export const CustomerUpdate = CustomerFields.partial();
export type CustomerUpdate = z.input<typeof CustomerUpdate>;

/** How another system (a CRM) knows a customer: its name for itself and its code for them. */
export interface CustomerReference {
  source: string;
  ref: string;
}

export const AccountInput = z.object({
  customerId: Uuid,
  number: z.string().trim().min(1).max(40),
  kind: AccountKind,
  supplyAddress: z.string().trim().min(1).max(200),
  tariff: z.string().trim().min(1).max(80),
  startedOn: IsoDate,
  closedOn: IsoDate.nullable().default(null),
});
export type AccountInput = z.input<typeof AccountInput>;
export type Account = z.infer<typeof AccountInput> & { id: string };

export interface CustomerSearch {
  /** Matches name (without regard to case or accents), e-mail, phone, an account or bill number, or the code a source knows the customer by. */
  query?: string | undefined;
  segment?: Segment | undefined;
  limit: number;
  offset: number;
}

/** Port: where customers, their consents and accounts live. */
export interface CustomerDirectory {
  create(input: CustomerInput): Promise<Customer>;
  get(id: string): Promise<Customer | undefined>;
  /** Which of these ids are customers (for checking a batch of imported contacts at once). */
  known(ids: readonly string[]): Promise<Set<string>>;
  /**
   * Creates many customers at once (an import), each with the reference its source knows it by.
   * Fails with `conflict` when a reference is already someone's.
   */
  createMany(inputs: readonly (CustomerInput & { reference: CustomerReference })[]): Promise<Customer[]>;
  /** The customers a source knows by these references, keyed by reference. */
  byReference(source: string, refs: readonly string[]): Promise<Map<string, Customer>>;
  /**
   * The one way a stored customer's record changes (name, language, segment, contact points):
   * whatever must follow a change (figures kept per segment) hooks in here. Fails with
   * `not_found` for an unknown customer.
   */
  update(id: string, change: CustomerUpdate): Promise<Customer>;
  search(search: CustomerSearch): Promise<{ customers: Customer[]; total: number }>;
  /** Appends to the consent history; earlier records are kept as evidence. */
  recordConsent(customerId: string, consent: z.input<typeof ConsentInput>): Promise<Consent>;
  consents(customerId: string): Promise<Consent[]>;
  /** The consent histories of many customers at once, oldest first. */
  consentHistories(customerIds: readonly string[]): Promise<Map<string, Consent[]>>;
  addAccount(input: AccountInput): Promise<Account>;
  accounts(customerId: string): Promise<Account[]>;
  /**
   * Brings the planner's statistics of customers and consents up to date after many changed at
   * once (an import). Autovacuum would, a minute or more later; until then the next import's
   * lookups by reference and the contexts are planned on guesses.
   */
  refreshStatistics(): Promise<void>;
}

/**
 * The directory with each customer's accounts reused for a while, so that a conversation's turns
 * do not each ask the database which supplies the customer has (see cachedChannelAccess): a bill
 * question reads them beside its bills, and a second read in a turn costs about as much as the
 * first. An account added through this directory forgets its customer's at once. With
 * `options.told`, the database tells every instance of any account added, changed or removed,
 * whoever did it, each forgets every customer's, and accounts are kept a minute. Without, an
 * account added elsewhere reaches a conversation up to 5 s late.
 */
export function cachedAccounts(
  directory: CustomerDirectory,
  options: ExpiringCacheOptions = {},
): CustomerDirectory {
  const cache = createExpiringCache<Account[]>(options);
  return {
    ...directory,
    async addAccount(input) {
      try {
        return await directory.addAccount(input);
      } finally {
        cache.forget(input.customerId);
      }
    },
    accounts: (customerId) => cache.get(customerId, () => directory.accounts(customerId)),
  };
}

/** The latest record for each purpose and medium is the one in force. */
export function consentsInForce(history: readonly Consent[]): Consent[] {
  const latest = new Map<string, Consent>();
  for (const consent of history) {
    const key = `${consent.purpose}:${consent.medium ?? ''}`;
    const current = latest.get(key);
    if (!current || current.givenAt <= consent.givenAt) latest.set(key, consent);
  }
  return [...latest.values()];
}

/**
 * The media the organisation may use to reach this customer right now: consented, with an
 * address on file, the customer's preferred one first.
 */
export function reachableMedia(customer: Customer, history: readonly Consent[]): ContactMedium[] {
  const inForce = consentsInForce(history);
  const processing = inForce.find((c) => c.purpose === 'data_processing');
  if (!processing?.granted) return [];
  const hasAddress: Record<ContactMedium, boolean> = {
    email: customer.email !== null,
    sms: customer.phone !== null,
    phone: customer.phone !== null,
    post: true,
  };
  const media = inForce
    .filter((c) => c.purpose === 'contact' && c.granted && c.medium !== null && hasAddress[c.medium])
    .map((c) => c.medium as ContactMedium);
  return media.sort(
    (a, b) => Number(b === customer.preferredMedium) - Number(a === customer.preferredMedium),
  );
}
