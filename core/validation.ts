import type { z } from 'zod';
import { invalidInput, type FieldIssue } from './errors.ts';

/** Every problem in a zod error, each named by its field path. */
export function fieldIssues(error: z.ZodError, prefix = ''): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(root)',
    message: issue.message,
  }));
}

/** Parses domain input, or throws `invalid_input` listing every bad field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const unstorable = unstorableIssues(input);
  if (unstorable.length > 0) throw invalidInput(`invalid ${what}: ${describeIssues(unstorable)}`, unstorable);
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issues = fieldIssues(result.error);
  throw invalidInput(`invalid ${what}: ${describeIssues(issues)}`, issues);
}

/** Issues as one sentence: `path message; path message`. */
export function describeIssues(issues: readonly FieldIssue[]): string {
  return issues.map((i) => `${i.path} ${i.message}`).join('; ');
}

/** How deep JSON given to the product may nest (details of a contact, a pilot's definition). */
export const MAX_NESTING = 32;

// PostgreSQL stores neither a NUL character in text nor an unpaired UTF-16 surrogate in JSON.
// eslint-disable-next-line no-control-regex -- the NUL character is what is looked for
const UNSTORABLE = /\u0000|\p{Cs}/u;
// A NUL or any surrogate, paired or not: cheap to look for, and most text has neither, so the
// exact test above runs only on the rest.
// eslint-disable-next-line no-control-regex -- the NUL character is what is looked for
const SUSPECT = /[\u0000\uD800-\uDFFF]/;
const unstorable = (text: string) => SUSPECT.test(text) && UNSTORABLE.test(text);

/**
 * What in a value the database could not store, each problem named by its path: NUL characters
 * and unpaired surrogates in strings (values and keys), and nesting deeper than {@link MAX_NESTING}.
 * Checked before a value reaches a query, so the answer names the field instead of failing the
 * statement (or a whole import batch).
 */
export function unstorableIssues(value: unknown, prefix = ''): FieldIssue[] {
  const issues: FieldIssue[] = [];
  // The keys down to the value being looked at; named only for a problem found.
  const path: string[] = [];
  walk(value, path, (message) => {
    issues.push({ path: [prefix, ...path].filter(Boolean).join('.') || '(root)', message });
    return issues.length < 10;
  });
  return issues;
}

/**
 * Looks through a value `path` keys down for what the database could not store, telling
 * `problem` of each (while `path` names where it is); stops once `problem` answers false, and
 * answers whether to go on.
 */
function walk(value: unknown, path: string[], problem: (message: string) => boolean): boolean {
  if (typeof value === 'string') {
    if (!unstorable(value)) return true;
    return problem(
      value.includes('\u0000')
        ? 'contains a NUL character (\\u0000), which cannot be stored'
        : 'contains an unpaired UTF-16 surrogate, which is not valid text',
    );
  }
  if (typeof value !== 'object' || value === null || value instanceof Date) return true;
  if (path.length >= MAX_NESTING) return problem(`nests deeper than ${MAX_NESTING} levels`);
  // Own enumerable keys, as Object.entries gives them, without an array per key.
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    if (unstorable(key)) {
      if (!problem('has a key with a NUL character or an unpaired surrogate')) return false;
      continue;
    }
    path.push(key);
    const goOn = walk((value as Record<string, unknown>)[key], path, problem);
    path.pop();
    if (!goOn) return false;
  }
  return true;
}
