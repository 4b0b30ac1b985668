import { createHash } from 'node:crypto';
import type { ChannelRegistry } from './channels.ts';
import type { Customer, CustomerDirectory } from './customers.ts';
import { createFieldReader, isProblem, missing, type CodeChoices } from './import-fields.ts';
import type { ImportProfile } from './import-profiles.ts';
import {
  createSummary,
  importRows,
  type ImportRow,
  type ImportSummary,
  type RowProblem,
} from './import-summary.ts';
import { createLabelMap, normalizeLabel } from './import-values.ts';
import { settleStored } from './import-corrections.ts';
import { invalidInput } from './errors.ts';
import {
  assertSourceOpen,
  directions,
  EXTERNAL_ID_MAX,
  importOutcomes,
  type InteractionLoader,
  type InteractionLog,
  type ParsedInteraction,
} from './interactions.ts';
import { fieldIssues, unstorableIssues } from './validation.ts';
import { reasonCode, type ContactReasonInput, type ReasonCatalogue } from './reasons.ts';
import { Slug } from './vocabulary.ts';

/** Where `customer_ref` is looked up when a profile names no `customerSource`. */
export const DEFAULT_CUSTOMER_SOURCE = 'crm';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
declare const checkedByImport: unique symbol;
/**
 * A contact whose every field an import has checked, row by row, against what
 * `InteractionInput` requires: codes of the registry and the catalogue, a customer stored
 * here, instants within the years the product deals in, an id of at most 200 characters, details
 * the database can store. Only {@link importInteractions} makes one (its brand is this module's
 * own), so that a load stages it without reading it again.
 */
export type CheckedInteraction = ParsedInteraction & { readonly [checkedByImport]: true };

interface CheckedContact {
  input: ParsedInteraction & { externalId: string };
  /** The CRM's code for the customer, resolved a batch at a time. */
  customerRef: string | null;
}

export interface InteractionImportOptions {
  rows: AsyncIterable<ImportRow>;
  source: string;
  profile: ImportProfile;
  /** The installation's zone: local date-times are read in it when the profile names none. */
  zone: string;
  /** Read and check every row, store nothing. */
  dryRun?: boolean;
  interactions: InteractionLog;
  /** When given, the rows are staged as read and stored together once all are read. */
  loader?: InteractionLoader;
  customers: CustomerDirectory;
  channels: ChannelRegistry;
  reasons: ReasonCatalogue;
  onBatch?: (summary: ImportSummary) => void;
  /**
   * Runs once every row is read, before a load stores any (in a dry run, at the end): a check of
   * the whole file that may refuse it, nothing stored.
   */
  beforeStoring?: () => Promise<void>;
}

/**
 * Imports contacts of the existing channels into the interaction log as `source`, row by row
 * from a stream (staged in a load when one is given, else a batch per transaction), reading each
 * row the way `profile` says. Bad rows are rejected naming the column, the value and what was
 * expected; the others are imported. Rows already imported from `source` are skipped, so a rerun
 * of the same file (or of one killed halfway) ends with every row exactly once.
 */
export async function importInteractions(options: InteractionImportOptions): Promise<ImportSummary> {
  const { profile, source } = options;
  assertSourceOpen(source, 'source');
  const sourceCode = Slug.safeParse(source);
  if (!sourceCode.success) {
    const issues = fieldIssues(sourceCode.error, 'source');
    throw invalidInput(`invalid source ${JSON.stringify(source)}: ${issues[0]?.message}`, issues);
  }
  const dryRun = options.dryRun ?? false;
  const summary = createSummary(dryRun);
  const fields = createFieldReader(profile, { zone: options.zone });
  const registered = await options.channels.channels();
  const channelChoices: CodeChoices = {
    what: 'a registered channel',
    codes: new Set(registered.map((c) => c.code)),
    names: createLabelMap(registered.map((c) => [c.name, c.code])),
  };
  const touchpointChoices = new Map<string, CodeChoices>(
    registered.map((c) => [
      c.code,
      {
        what: `a touchpoint of ${c.code}`,
        codes: new Set(c.touchpoints.map((t) => t.code)),
        names: createLabelMap(c.touchpoints.map((t) => [t.name, t.code])),
      },
    ]),
  );
  const catalogue = await options.reasons.reasons();
  const reasonCodes = new Set(catalogue.map((r) => r.code));
  const reasonChoices: CodeChoices = {
    what: 'a reason of the catalogue',
    codes: reasonCodes,
    names: createLabelMap(
      catalogue.flatMap((r) => Object.values(r.labels).map((label) => [label, r.code] as const)),
    ),
  };
  const newReasons = new Map<string, ContactReasonInput>();
  const stored = new Set<string>();
  /** A dry run's ids of rows it would import (see `settleStored`). */
  const seen = new Set<string>();
  const fixed = (what: string, codes: readonly string[]): CodeChoices => ({ what, codes: new Set(codes) });
  const directionChoices = fixed('a direction', directions);
  const outcomeChoices = fixed('an outcome', importOutcomes);
  const customerSource = profile.customerSource ?? DEFAULT_CUSTOMER_SOURCE;

  /** The reason's code; a new one is added to the catalogue when the profile says so. */
  function reasonOf(value: string): string | RowProblem {
    const found = fields.code('reason', value, reasonChoices);
    if (!isProblem(found) || profile.unknownReasons !== 'create') return found;
    // The code the profile maps the label to, or one made of the label.
    const code = fields.mapped('reason', value) ?? reasonCode(value);
    if (!Slug.safeParse(code).success) return found;
    if (!reasonCodes.has(code)) {
      reasonCodes.add(code);
      newReasons.set(code, {
        code,
        labels: profile.locale ? { [profile.locale]: value } : {},
        group: profile.newReasonGroup ?? null,
      });
      summary.summary.createdReasons.push(code);
    }
    return code;
  }

  function check({ fields: row }: ImportRow): CheckedContact | RowProblem[] {
    const problems: RowProblem[] = [];
    const text = (column: string) => fields.text(row, column);
    const need = <T>(
      column: string,
      read: (value: string) => T | RowProblem,
      hint?: string,
      fallback?: string,
    ): T | undefined => {
      const value = text(column) ?? fallback ?? null;
      if (value === null) {
        problems.push(missing(column, hint));
        return undefined;
      }
      const result = read(value);
      if (isProblem(result)) {
        problems.push(result);
        return undefined;
      }
      return result;
    };

    // What the database cannot store fails this row here, not the batch it would be written in.
    for (const issue of unstorableIssues(row))
      problems.push({ column: issue.path, value: null, problem: issue.message });
    const customerId = text('customer_id');
    if (customerId !== null && !UUID.test(customerId))
      problems.push({
        column: 'customer_id',
        value: customerId,
        problem: 'is not a customer id of this product (a UUID); a CRM’s own code goes in customer_ref',
      });
    const customerRef = customerId === null ? text('customer_ref') : null;
    const channel = need('channel', (v) => fields.code('channel', v, channelChoices));
    const touchpoints = channel === undefined ? undefined : touchpointChoices.get(channel);
    // None given: the profile's for the channel, or the channel's only one.
    const touchpoint =
      touchpoints &&
      need(
        'touchpoint',
        (v) => fields.code('touchpoint', v, touchpoints),
        `, and profile ${profile.name} names no touchpoint for ${channel} (its touchpoints: ${[...touchpoints.codes].join(', ')})`,
        profile.touchpoints[channel as string] ??
          (touchpoints.codes.size === 1 ? [...touchpoints.codes][0] : undefined),
      );
    const direction = need('direction', (v) => fields.code('direction', v, directionChoices));
    const reason = need('reason', reasonOf);
    const started = need('started_at', (v) => fields.dateTime('started_at', v));
    const endedText = text('ended_at');
    let ended = endedText === null ? null : fields.dateTime('ended_at', endedText);
    if (isProblem(ended)) problems.push(ended);
    // A call across the autumn change (02:50 summer time to 02:10 winter time): both times happened
    // twice, and only the second reading of the end comes after the start.
    else if (started && ended?.later && started.kind === 'repeated' && ended.at < started.at)
      if (ended.later >= started.at) ended = { at: ended.later, kind: 'repeatedEnd' };
    const outcome = need('outcome', (v) =>
      // A code of an import's outcome is none of the labels of `continued`: checked first, it is cheaper.
      !outcomeChoices.codes.has(v) && normalizeLabel(v) === 'continued'
        ? { column: 'outcome', value: v, problem: 'is for live conversations, not imports' }
        : fields.code('outcome', v, outcomeChoices),
    );
    let details: unknown = {};
    const detailsText = text('details');
    if (detailsText !== null) {
      try {
        details = JSON.parse(detailsText);
      } catch {
        details = undefined;
      }
      if (typeof details !== 'object' || details === null || Array.isArray(details))
        problems.push({ column: 'details', value: detailsText, problem: 'is not a JSON object' });
      // A NUL written as \u0000 inside the JSON text; one the row held as such is reported above.
      else if (!problems.some((p) => p.column?.startsWith('details')))
        for (const issue of unstorableIssues(details, 'details'))
          problems.push({ column: issue.path, value: null, problem: issue.message });
    }
    if (started && ended && !isProblem(ended) && ended.at < started.at)
      problems.push({ column: 'ended_at', value: endedText, problem: 'is before started_at' });
    const ownId = text('external_id');
    if (ownId !== null && ownId.length > EXTERNAL_ID_MAX)
      problems.push({
        column: 'external_id',
        value: ownId,
        problem: `is longer than ${EXTERNAL_ID_MAX} characters`,
      });
    if (problems.length > 0 || !channel || !touchpoint || !direction || !reason || !started || !outcome)
      return problems;

    summary.localTime(started.kind);
    if (ended && !isProblem(ended)) summary.localTime(ended.kind);
    const contact = {
      customerId,
      channel,
      touchpoint,
      direction: direction as ParsedInteraction['direction'],
      reason,
      startedAt: started.at,
      endedAt: ended && !isProblem(ended) ? ended.at : null,
      outcome: outcome as ParsedInteraction['outcome'],
      handoffFromId: null,
      source,
      details: details as Record<string, unknown>,
    };
    const externalId =
      ownId ??
      // No id of its own: the contact's content is its identity.
      createHash('sha256')
        .update(
          JSON.stringify([
            customerId ?? `ref:${customerRef ?? ''}`,
            channel,
            touchpoint,
            direction,
            reason,
            contact.startedAt.toISOString(),
            contact.endedAt?.toISOString() ?? '',
            outcome,
            details,
          ]),
        )
        .digest('base64url')
        .slice(0, 32);
    return { input: { ...contact, externalId }, customerRef };
  }

  async function store(batch: { line: number; item: CheckedContact }[]) {
    const ids = batch.flatMap(({ item }) => (item.input.customerId ? [item.input.customerId] : []));
    const refs = batch.flatMap(({ item }) => (item.customerRef ? [item.customerRef] : []));
    const [known, referenced] = await Promise.all([
      options.customers.known(ids),
      refs.length > 0
        ? options.customers.byReference(customerSource, refs)
        : Promise.resolve(new Map<string, Customer>()),
    ]);
    // Every check passed from here on: the contacts are what the log stores.
    const valid: { line: number; contact: CheckedInteraction & { externalId: string } }[] = [];
    for (const { line, item } of batch) {
      const { input, customerRef } = item;
      if (input.customerId && !known.has(input.customerId)) {
        summary.reject(line, [
          { column: 'customer_id', value: input.customerId, problem: 'is no customer here' },
        ]);
        continue;
      }
      if (customerRef !== null) {
        const id = referenced.get(customerRef)?.id;
        if (id === undefined && profile.unknownCustomers !== 'anonymous') {
          summary.reject(line, [
            {
              column: 'customer_ref',
              value: customerRef,
              problem: `is no customer of ${customerSource} (import its customers first, or let profile ${profile.name} keep such contacts anonymous)`,
            },
          ]);
          continue;
        }
        if (id === undefined) summary.summary.anonymised++;
        input.customerId = id ?? null;
      }
      valid.push({ line, contact: input as CheckedInteraction & { externalId: string } });
      summary.show(() => preview(line, input, customerRef));
    }
    summary.summary.valid += valid.length;
    // Those stored already: amended where the file corrects them, the others reported or skipped.
    const fresh = await settleStored({
      batch: valid,
      source,
      interactions: options.interactions,
      summary,
      dryRun,
      seen,
    });
    if (dryRun) summary.summary.imported += fresh.length;
    if (dryRun || fresh.length === 0) return;
    const created = [...newReasons.values()].filter((r) => !stored.has(r.code));
    if (created.length > 0) {
      await options.reasons.ensure(created);
      for (const r of created) stored.add(r.code);
    }
    if (load) {
      await load.addChecked(fresh);
      staged += fresh.length;
      return;
    }
    const added = await options.interactions.recordMany(fresh);
    summary.summary.imported += added;
    summary.summary.alreadyThere += fresh.length - added;
  }

  // Staged as read, stored in one load at the end: a first import of the history in one pass, a
  // later one customer by customer, its progress told as it goes.
  const load = !dryRun && options.loader ? await options.loader.start() : null;
  let staged = 0;
  const afterLast = async () => {
    await options.beforeStoring?.();
    const { stored } = await load!.finish((sofar) => {
      summary.summary.imported = sofar;
      options.onBatch?.(summary.snapshot());
    });
    summary.summary.imported = stored;
    summary.summary.alreadyThere += staged - stored;
  };
  try {
    const done = await importRows({
      rows: options.rows,
      summary,
      check,
      store,
      onBatch: options.onBatch,
      ...(load ? { afterLast } : {}),
    });
    if (dryRun) await options.beforeStoring?.();
    return done;
  } catch (error) {
    // As batch by batch: what was read before the failure is stored, and told.
    if (load) {
      try {
        await afterLast();
        options.onBatch?.(summary.snapshot());
      } catch {
        await load.abort();
      }
    }
    throw error;
  }
}

function preview(
  line: number,
  input: ParsedInteraction,
  customerRef: string | null,
): Record<string, unknown> {
  return {
    line,
    external_id: input.externalId,
    customer_id: input.customerId,
    ...(customerRef !== null ? { customer_ref: customerRef } : {}),
    channel: input.channel,
    touchpoint: input.touchpoint,
    direction: input.direction,
    reason: input.reason,
    started_at: input.startedAt.toISOString(),
    ended_at: input.endedAt ? input.endedAt.toISOString() : null,
    outcome: input.outcome,
    details: input.details,
  };
}
