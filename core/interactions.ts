import { z } from 'zod';
import { invalidInput } from './errors.ts';
import type { CheckedInteraction } from './interaction-import.ts';
import { Instant, Slug, Uuid } from './vocabulary.ts';

export const directions = ['inbound', 'outbound'] as const;
/** `continued`: a conversational turn that asked the customer something; a later turn settles it. */
export const outcomes = ['resolved', 'handed_off', 'abandoned', 'failed', 'continued'] as const;
export type Outcome = (typeof outcomes)[number];
/** The outcomes an import takes: `continued` is the live channels' own, for a contact that goes on. */
export const importOutcomes = outcomes.filter((o) => o !== 'continued');

/**
 * Two contacts of the same customer for the same reason belong to one journey when the
 * later one starts within this many days of the journey's previous contact.
 */
export const DEFAULT_JOURNEY_WINDOW_DAYS = 7;

/**
 * Sources the product's own channels record under: a consultation's journey entry (`video`,
 * which its wrap-up and rating look up), a payment link's opening (`payment_link`), a bill
 * sent (`bill_sent`) and a bill link's opening (`bill_link`). Staff
 * and imports may not write under them, so nobody can stand in for those entries.
 */
export const reservedSources = ['video', 'payment_link', 'bill_link', 'bill_sent', 'bill_paperless'] as const;

/** `invalid_input` naming `path` when `source` is reserved for the product's own channels. */
export function assertSourceOpen(source: string, path: string): void {
  if ((reservedSources as readonly string[]).includes(source)) {
    throw invalidInput(`invalid request: ${path} ${source} is reserved`, [
      { path, message: `is reserved for the product's own channels (${reservedSources.join(', ')})` },
    ]);
  }
}

/** The longest id a source may give a contact. */
export const EXTERNAL_ID_MAX = 200;

export const InteractionInput = z
  .object({
    customerId: Uuid.nullable(),
    channel: Slug,
    touchpoint: Slug,
    direction: z.enum(directions),
    reason: Slug,
    startedAt: Instant,
    endedAt: Instant.nullable().default(null),
    outcome: z.enum(outcomes),
    /** The contact this one was handed off from; it joins that contact's journey. */
    handoffFromId: Uuid.nullable().default(null),
    /** Where the record came from (`app`, an import's name) and its id there, so re-imports add nothing twice. */
    source: Slug.default('app'),
    externalId: z.string().min(1).max(EXTERNAL_ID_MAX).nullable().default(null),
    /** Channel-specific facts: the intent heard, the link opened, the advisor who answered. */
    details: z.record(z.string(), z.unknown()).default({}),
  })
  .refine((i) => i.endedAt === null || i.endedAt >= i.startedAt, {
    error: 'must not be before startedAt',
    path: ['endedAt'],
  });
export type InteractionInput = z.input<typeof InteractionInput>;
/** A contact as {@link InteractionInput} reads it: defaults filled in, instants as Dates. */
export type ParsedInteraction = z.output<typeof InteractionInput>;

export interface Interaction extends z.infer<typeof InteractionInput> {
  id: string;
  journeyId: string;
  /** 1 for the contact that opened the journey, then 2, 3… */
  journeyStep: number;
}

/** What may change about a stored contact afterwards: its outcome, and facts added to its details. */
export const InteractionAmendment = z.object({
  outcome: z.enum(outcomes).optional(),
  /** Keys merged into the details (a key given replaces the stored one; the others stay). */
  details: z.record(z.string(), z.unknown()).default({}),
});
export type InteractionAmendment = z.input<typeof InteractionAmendment>;

/** Port: the log of every contact on every channel. */
export interface InteractionLog {
  /**
   * Records one contact and places it in its journey, atomically. `id` lets a channel name the
   * contact before it is stored (a link sent during it points back to it).
   */
  record(input: InteractionInput & { id?: string }): Promise<Interaction>;
  /**
   * Records many contacts at once (seed, import, a batch of voice turns), placing each in its
   * journey whatever order they come in, atomically. Rows whose (source, externalId) is already
   * stored are skipped; returns how many were added.
   */
  recordMany(inputs: readonly (InteractionInput & { id?: string })[]): Promise<number>;
  /**
   * As `recordMany`, but without waiting for a customer another write holds (an import storing
   * their contacts): their contacts are left out and returned, for a writer that can come back to
   * them (the voice turns' log) rather than keep everyone else's waiting behind them.
   */
  recordUnlessBusy<T extends InteractionInput & { id?: string }>(
    inputs: readonly T[],
  ): Promise<{ stored: number; busy: T[] }>;
  interaction(id: string): Promise<Interaction | undefined>;
  /**
   * Adds what was learnt after a contact was recorded (an advisor's wrap-up): merges the given
   * keys into its details and, when given, sets its outcome; its place in the journey stays.
   * Fails with `not_found` for an unknown contact.
   */
  amend(id: string, change: InteractionAmendment): Promise<Interaction>;
  /** The contact recorded from `source` under its id there (an import's row, a link's opening). */
  fromSource(source: string, externalId: string): Promise<Interaction | undefined>;
  /** The contacts recorded from `source` under any of `externalIds`, by their id there. */
  fromSourceMany(source: string, externalIds: readonly string[]): Promise<Map<string, Interaction>>;
  /** Newest first. */
  forCustomer(customerId: string, options: { limit: number; before?: Date }): Promise<Interaction[]>;
  /** In the order they happened. */
  journey(journeyId: string): Promise<Interaction[]>;
  /** Every contact reason the log holds, alphabetically. */
  reasons(): Promise<string[]>;
}

/** What a finished load stored, and how. */
export interface InteractionLoadResult {
  /** Contacts added (those whose (source, externalId) was already loaded or stored count once). */
  stored: number;
  /**
   * `bulk`: the log held no contacts when the load was stored, so it was placed and written in one
   * pass; `incremental`: it did, so every contact went the way `recordMany` goes, each customer's
   * in one call where they fit.
   */
  path: 'bulk' | 'incremental';
  /**
   * On the bulk path, what applied the journey rule: the database, unless a hand-off goes beyond
   * the journey the window gives its contact (then the app, which follows hand-offs).
   */
  placedBy?: 'database' | 'app';
}

/** One load under way: contacts are staged as they come and stored together by `finish`. */
export interface InteractionLoad {
  /** Checks and stages contacts, in any order; none is in the log before `finish`. */
  add(inputs: readonly (InteractionInput & { id?: string })[]): Promise<void>;
  /**
   * Stages contacts an import has already checked field by field, as they are: only
   * `importInteractions` makes a {@link CheckedInteraction}.
   */
  addChecked(contacts: readonly CheckedInteraction[]): Promise<void>;
  /**
   * Stores every staged contact, placed in journeys exactly as `recordMany` would place them. On a
   * log without contacts, in one transaction that other writers of the log wait for; on one that
   * holds contacts, several customers' contacts per transaction, `onStored` told how many are
   * stored after each.
   */
  finish(onStored?: (stored: number) => void): Promise<InteractionLoadResult>;
  /** Drops what was staged, storing nothing. */
  abort(): Promise<void>;
}

/**
 * Port: fills the interaction log with many contacts at once (the demo's year, an organisation's
 * imports of its history). Holds the staged contacts outside the process, so a load of any size
 * keeps memory flat.
 */
export interface InteractionLoader {
  start(): Promise<InteractionLoad>;
}
