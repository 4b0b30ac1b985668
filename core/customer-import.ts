import { z } from 'zod';
import {
  consentsInForce,
  CustomerInput,
  type ConsentInput,
  type Customer,
  type CustomerDirectory,
  type CustomerUpdate,
} from './customers.ts';
import { createFieldReader, isProblem, missing, type CodeChoices } from './import-fields.ts';
import type { ImportProfile } from './import-profiles.ts';
import {
  createSummary,
  importRows,
  type ImportRow,
  type ImportSummary,
  type RowProblem,
} from './import-summary.ts';
import { createLabelMap } from './import-values.ts';
import { DEFAULT_CUSTOMER_SOURCE } from './interaction-import.ts';
import { contactMedia, locales, segments, type ContactMedium } from './vocabulary.ts';

/** Customer columns that name a person or reach them: hidden from roles that may not read customers. */
export const personalColumns = ['first_name', 'last_name', 'phone', 'email'] as const;

const consentColumns = {
  consent_data_processing: null,
  consent_email: 'email',
  consent_sms: 'sms',
  consent_phone: 'phone',
  consent_post: 'post',
} as const satisfies Record<string, ContactMedium | null>;

type Fields = Omit<z.output<typeof CustomerInput>, 'consents'>;

interface CheckedCustomer {
  ref: string;
  /** What the file gives; columns it lacks are left out, so that a re-import keeps what is stored. */
  given: Partial<Fields>;
  consents: ConsentInput[];
}

const Email = z.email();

/**
 * Imports a CRM's customers from a stream, read the way `profile` says. Each keeps the CRM's
 * code as its reference under `source` (the profile's, `crm` by default), so that contact
 * imports can name customers by it (`customer_ref`). Importing again updates what changed
 * (through the directory's one update path, consents as new records of their history) and
 * never duplicates anyone.
 */
export async function importCustomers(options: {
  rows: AsyncIterable<ImportRow>;
  profile: ImportProfile;
  /** The CRM the references belong to. */
  source?: string;
  zone: string;
  dryRun?: boolean;
  customers: CustomerDirectory;
  now: Date;
  onBatch?: (summary: ImportSummary) => void;
}): Promise<ImportSummary> {
  const { profile, customers } = options;
  const source = options.source ?? profile.source ?? DEFAULT_CUSTOMER_SOURCE;
  const dryRun = options.dryRun ?? false;
  const summary = createSummary(dryRun);
  const fields = createFieldReader(profile, { zone: options.zone });
  const choices = {
    segment: { what: 'a segment', codes: new Set<string>(segments) },
    locale: {
      what: 'a language of the product',
      codes: new Set<string>(locales),
      names: createLabelMap([
        ['it', 'it-IT'],
        ['italiano', 'it-IT'],
        ['italian', 'it-IT'],
        ['en', 'en-US'],
        ['english', 'en-US'],
        ['inglese', 'en-US'],
      ]),
    },
    preferred_medium: { what: 'a contact medium', codes: new Set<string>(contactMedia) },
  } satisfies Record<string, CodeChoices>;
  const firstLine = new Map<string, number>();

  function check({ line, fields: row }: ImportRow): CheckedCustomer | RowProblem[] {
    const problems: RowProblem[] = [];
    const given: Partial<Fields> = {};
    const has = (column: string) =>
      row[column] !== undefined || profile.defaults[column as never] !== undefined;
    const text = (column: string) => fields.text(row, column);
    const keep = <T>(result: T | RowProblem): T | undefined => {
      if (!isProblem(result)) return result;
      problems.push(result);
      return undefined;
    };

    const ref = text('customer_ref');
    if (ref === null) problems.push(missing('customer_ref'));
    else if (ref.length > 100)
      problems.push({ column: 'customer_ref', value: ref, problem: 'is longer than 100 characters' });
    else if (firstLine.has(ref))
      problems.push({
        column: 'customer_ref',
        value: ref,
        problem: `is a customer already given on line ${firstLine.get(ref)}`,
      });
    else firstLine.set(ref, line);

    for (const [column, key] of [
      ['first_name', 'firstName'],
      ['last_name', 'lastName'],
    ] as const) {
      const value = text(column);
      if (value === null) problems.push(missing(column));
      else if (value.length > 100) problems.push({ column, value, problem: 'is longer than 100 characters' });
      else given[key] = value;
    }
    for (const column of ['segment', 'locale'] as const) {
      const value = text(column);
      if (value === null) problems.push(missing(column, ` (profile ${profile.name} gives no default)`));
      else (given as Record<string, unknown>)[column] = keep(fields.code(column, value, choices[column]));
    }
    if (has('preferred_medium')) {
      const value = text('preferred_medium');
      given.preferredMedium =
        value === null
          ? null
          : (keep(fields.code('preferred_medium', value, choices.preferred_medium)) as ContactMedium);
    }
    if (has('phone')) {
      const value = text('phone');
      given.phone = value === null ? null : keep(phoneNumber(value, profile.phonePrefix));
    }
    if (has('email')) {
      const value = text('email');
      if (value !== null && !Email.safeParse(value).success)
        problems.push({ column: 'email', value, problem: 'is not an e-mail address' });
      else given.email = value?.toLowerCase() ?? null;
    }

    const dateText = text('consent_date');
    const givenAt = dateText === null ? options.now : keep(consentDate(dateText))?.at;
    if (givenAt !== undefined && givenAt > options.now)
      problems.push({
        column: 'consent_date',
        value: dateText,
        problem: 'is in the future: no consent is given ahead',
      });
    const consents: ConsentInput[] = [];
    for (const [column, medium] of Object.entries(consentColumns)) {
      const value = text(column);
      if (value === null) continue;
      const granted = keep(fields.flag(column, value));
      if (granted === undefined || givenAt === undefined) continue;
      consents.push({
        purpose: medium === null ? 'data_processing' : 'contact',
        medium,
        granted,
        givenAt,
        source: 'import',
      });
    }
    if (problems.length > 0 || ref === null) return problems.map(maskPersonal);
    return { ref, given, consents };

    /** A date-time as the profile reads them; a date alone (in a profile's date-only format or not) is its midnight. */
    function consentDate(value: string) {
      const read = fields.dateTime('consent_date', value);
      if (!isProblem(read) || /\d:\d/.test(value)) return read;
      const midnight = fields.dateTime('consent_date', `${value} 00:00`);
      return isProblem(midnight) ? read : midnight;
    }
  }

  async function store(batch: { line: number; item: CheckedCustomer }[]) {
    const stored = await customers.byReference(
      source,
      batch.map(({ item }) => item.ref),
    );
    const histories = await customers.consentHistories([...stored.values()].map((c) => c.id));
    const fresh: { line: number; item: CheckedCustomer }[] = [];
    const changes: { customer: Customer; change: CustomerUpdate; consents: ConsentInput[] }[] = [];
    for (const entry of batch) {
      const { ref, given, consents } = entry.item;
      const customer = stored.get(ref);
      if (!customer) {
        fresh.push(entry);
        summary.show(() => preview(entry.line, ref, given, consents));
        continue;
      }
      const change = Object.fromEntries(
        Object.entries(given).filter(([key, value]) => customer[key as keyof Fields] !== value),
      ) as CustomerUpdate;
      const inForce = consentsInForce(histories.get(customer.id) ?? []);
      const newConsents = consents.filter(
        (c) => inForce.find((f) => f.purpose === c.purpose && f.medium === c.medium)?.granted !== c.granted,
      );
      if (Object.keys(change).length === 0 && newConsents.length === 0) {
        summary.summary.alreadyThere++;
        continue;
      }
      changes.push({ customer, change, consents: newConsents });
      summary.show(() => preview(entry.line, ref, { ...customer, ...change }, newConsents));
    }
    summary.summary.valid += batch.length;
    if (dryRun) {
      // What a real run would do.
      summary.summary.imported += fresh.length;
      summary.summary.updated += changes.length;
      return;
    }
    if (fresh.length > 0) {
      await customers.createMany(
        fresh.map(({ item }) => ({
          ...(item.given as Fields),
          consents: item.consents,
          reference: { source, ref: item.ref },
        })),
      );
      summary.summary.imported += fresh.length;
    }
    for (const { customer, change, consents } of changes) {
      if (Object.keys(change).length > 0) await customers.update(customer.id, change);
      for (const consent of consents) await customers.recordConsent(customer.id, consent);
      summary.summary.updated++;
    }
  }

  const afterLast = async () => {
    const { imported, updated } = summary.summary;
    if (!dryRun && imported + updated > 0) await customers.refreshStatistics();
  };
  return importRows({ rows: options.rows, summary, check, store, afterLast, onBatch: options.onBatch });
}

/** A rejection keeps no one's name or address: the line number finds it in the file. */
function maskPersonal(problem: RowProblem): RowProblem {
  return (personalColumns as readonly (string | null)[]).includes(problem.column) && problem.value !== null
    ? { ...problem, value: maskValue(problem.value) }
    : problem;
}

const maskValue = (value: string) => `${value.slice(0, 1)}•••`;

/** The preview's rows with names and addresses masked, for people who may not read customers. */
export function maskPreview(rows: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  return rows.map((row) =>
    Object.fromEntries(
      Object.entries(row).map(([key, value]) => [
        key,
        (personalColumns as readonly string[]).includes(key) && typeof value === 'string'
          ? maskValue(value)
          : value,
      ]),
    ),
  );
}

/**
 * A phone number in international form: separators dropped, `00` read as `+`, and a national
 * number given the profile's country prefix (an Italian mobile `333 123 4567` → `+393331234567`).
 * An Italian number has the length of one: a mobile (3…) 9 or 10 digits, a landline (0…) 6 to 11.
 */
function phoneNumber(value: string, prefix: string | undefined): string | RowProblem {
  let number = value.replace(/[\s.\-/()]/g, '');
  if (number.startsWith('00')) number = `+${number.slice(2)}`;
  if (!number.startsWith('+') && prefix) number = `${prefix}${number}`;
  const problem = (said: string): RowProblem => ({ column: 'phone', value, problem: said });
  if (!/^\+[1-9][0-9]{6,14}$/.test(number))
    return problem(
      prefix
        ? 'is not a phone number'
        : 'is not an international phone number (+39…); a profile’s phonePrefix reads national ones',
    );
  if (number.startsWith('+39') && !/^\+39(?:3[0-9]{8,9}|0[0-9]{5,10})$/.test(number))
    return problem(
      'is not an Italian phone number: a mobile (3…) has 9 or 10 digits, a landline (0…) 6 to 11',
    );
  return number;
}

function preview(
  line: number,
  ref: string,
  given: Partial<Fields>,
  consents: readonly ConsentInput[],
): Record<string, unknown> {
  return {
    line,
    customer_ref: ref,
    first_name: given.firstName,
    last_name: given.lastName,
    segment: given.segment,
    locale: given.locale,
    phone: given.phone,
    email: given.email,
    preferred_medium: given.preferredMedium,
    consents: consents.map((c) => `${c.medium ?? c.purpose}: ${c.granted ? 'yes' : 'no'}`).join(', '),
  };
}
