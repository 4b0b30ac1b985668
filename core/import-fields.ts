import { requiredColumns, type ImportProfile } from './import-profiles.ts';
import type { ImportKind, RowProblem } from './import-summary.ts';
import { createDateTimeReader, createLabelMap, type LabelMap, type LocalTimeKind } from './import-values.ts';
import { INSTANT_YEARS_TEXT, withinInstantYears } from './vocabulary.ts';

/** The codes a column takes, and the product's own names for them (channel names, reason labels). */
export interface CodeChoices {
  /** What a code is, in words: "a registered channel". */
  what: string;
  codes: ReadonlySet<string>;
  names?: LabelMap;
}

const LISTED = 12;
const listed = (values: Iterable<string>) => {
  const all = [...values];
  return all.length > LISTED ? `${all.slice(0, LISTED).join(', ')}, …` : all.join(', ');
};

const yes = ['yes', 'y', 'true', '1', 'si', 'sì', 's', 'x', 'vero', 'ok'];
const no = ['no', 'n', 'false', '0', 'falso'];

/**
 * Reads a row's cells the way a profile says: its defaults for empty or missing columns, its
 * labels for codes (then the product's own codes and names), its date formats and zone.
 * Every failure is a {@link RowProblem} naming the column, the value and what was expected.
 */
export function createFieldReader(profile: ImportProfile, options: { zone: string }) {
  const maps = new Map<string, LabelMap>(
    Object.entries(profile.values).map(([column, labels]) => [
      column,
      createLabelMap(Object.entries(labels)),
    ]),
  );
  const dates = createDateTimeReader({
    zone: profile.timezone ?? options.zone,
    ...(profile.dateFormats ? { formats: profile.dateFormats } : {}),
  });
  const booleans = createLabelMap([
    ...yes.map((l) => [l, 'true'] as const),
    ...no.map((l) => [l, 'false'] as const),
  ]);
  const defaults = profile.defaults as Partial<Record<string, string>>;
  // The codes as labels: written with other case or spacing ("Inbound", "Call Centre").
  const codeLabels = new WeakMap<CodeChoices, LabelMap>();
  const spelt = (choices: CodeChoices) => {
    let labels = codeLabels.get(choices);
    if (!labels) {
      labels = createLabelMap([...choices.codes].map((code) => [code, code]));
      codeLabels.set(choices, labels);
    }
    return labels;
  };

  return {
    /** The cell as text, trimmed; the profile's default when it is empty or missing; null when neither. */
    text(fields: Partial<Record<string, unknown>>, column: string): string | null {
      const cell = fields[column];
      let value: string;
      if (cell === undefined || cell === null) value = '';
      else if (typeof cell === 'string') value = cell.trim();
      else if (typeof cell === 'object') value = JSON.stringify(cell);
      else value = String(cell);
      if (value !== '') return value;
      const fallback = defaults[column];
      return fallback === undefined || fallback === '' ? null : fallback;
    },

    /** The code the profile maps a label to, if it maps it. */
    mapped: (column: string, value: string): string | undefined => maps.get(column)?.get(value),

    /**
     * The product's code for a value: the profile's label for it, else the value when it is a
     * code (or one of the product's names for one).
     */
    code(column: string, value: string, choices: CodeChoices): string | RowProblem {
      const map = maps.get(column);
      const mapped = map?.get(value);
      if (mapped !== undefined) {
        if (choices.codes.has(mapped)) return mapped;
        return {
          column,
          value,
          problem: `is mapped by profile ${profile.name} to ${mapped}, which is not ${choices.what} (${listed(choices.codes)})`,
        };
      }
      if (choices.codes.has(value)) return value;
      const named = choices.names?.get(value) ?? spelt(choices).get(value);
      if (named !== undefined) return named;
      const labels = profile.values[column as keyof ImportProfile['values']];
      return {
        column,
        value,
        problem: map
          ? `has no mapping in profile ${profile.name} (its labels: ${listed(Object.keys(labels ?? {}))}) and is not ${choices.what} (${listed(choices.codes)})`
          : `is not ${choices.what} (${listed(choices.codes)})`,
      };
    },

    /** Yes or no: the profile's labels first, then the usual words for them. */
    flag(column: string, value: string): boolean | RowProblem {
      const mapped = booleans.get(maps.get(column)?.get(value) ?? value);
      if (mapped === 'true' || mapped === 'false') return mapped === 'true';
      return { column, value, problem: 'is neither yes nor no (sì, no, 1, 0, true, false…)' };
    },

    /** A date-time the product can store: read as the profile says, within the years it deals in. */
    dateTime(column: string, value: string): { at: Date; kind: LocalTimeKind; later?: Date } | RowProblem {
      const read = dates.read(value);
      if (!read.ok) return { column, value, problem: `is not ${read.expected}` };
      if (!withinInstantYears(read.at.getTime()))
        return { column, value, problem: `is not ${INSTANT_YEARS_TEXT}` };
      return read;
    },
  };
}
export type FieldReader = ReturnType<typeof createFieldReader>;

export const missing = (column: string, hint = ''): RowProblem => ({
  column,
  value: null,
  problem: `is missing${hint}`,
});

export const isProblem = (value: unknown): value is RowProblem =>
  typeof value === 'object' && value !== null && 'problem' in value && 'column' in value;

/**
 * What a file's header (its column names, after the profile's renaming) lacks for an import of
 * `kind`, in words: the columns every row needs that it does not name and the profile gives no
 * default for. Null when it lacks none.
 */
export function headerProblem(
  kind: ImportKind,
  profile: ImportProfile,
  names: readonly string[],
): string | null {
  const named = new Set(names);
  const defaults = profile.defaults as Partial<Record<string, string>>;
  const absent = requiredColumns[kind].filter((column) => !named.has(column) && !defaults[column]);
  if (absent.length === 0) return null;
  const theirs = absent.flatMap((column) =>
    Object.entries(profile.columns)
      .filter(([, ours]) => ours === column)
      .map(([their]) => `${column} from "${their}"`),
  );
  const read = theirs.length > 0 ? ` (profile ${profile.name} reads ${theirs.join(', ')})` : '';
  return `the header names no column for ${absent.join(', ')}${read}`;
}
