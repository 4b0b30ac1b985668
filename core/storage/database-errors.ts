import { ChannelPilotError, type FieldIssue } from '../errors.ts';

/** A row the database already holds, said in the product's words: the thing and the value given. */
export interface Conflict {
  detail: string;
  hint?: string;
  /** The field that carried the value, with what to say of it. */
  issue?: FieldIssue;
}

/**
 * What a write says when the database finds the row it would make already there: by the name of
 * the unique (or exclusion) constraint it broke, or one sentence for any of them. A constraint
 * not named is `<what> already exists (<the values of the key>)`. PostgreSQL's own detail ("Key
 * (email)=(…) already exists.") is never shown: it names columns, not what the user gave.
 */
export type Conflicts = string | Readonly<Record<string, string | Conflict>>;

function conflictOf(conflicts: Conflicts | undefined, constraint: unknown): Conflict | undefined {
  if (conflicts === undefined) return undefined;
  if (typeof conflicts === 'string') return { detail: conflicts };
  const named = typeof constraint === 'string' ? conflicts[constraint] : undefined;
  return typeof named === 'string' ? { detail: named } : named;
}

/**
 * The values of the key a violation names, as given ("GAS-0042", "crm, C-17"), without the
 * database's column names; undefined when its detail is not in PostgreSQL's English words.
 */
function keyValues(detail: unknown): string | undefined {
  if (typeof detail !== 'string') return undefined;
  return /^Key \(.+?\)=\((.*)\) (?:already exists|is not present in table ".+")\.$/s.exec(detail)?.[1];
}

/** Maps constraint violations the database caught to the domain's error codes, in the product's words. */
export function translateDatabaseError(error: unknown, what: string, conflicts?: Conflicts): unknown {
  const { code, constraint, detail } =
    (error as { code?: unknown; constraint?: unknown; detail?: unknown } | null) ?? {};
  const cause = { cause: error };
  const value = keyValues(detail);
  switch (code) {
    case '23505':
    case '23P01': {
      // 23P01, exclusion: overlapping appointments.
      const said = conflictOf(conflicts, constraint);
      return new ChannelPilotError(
        'conflict',
        said?.detail ?? `${what} already exists${value ? ` (${value})` : ''}`,
        {
          ...cause,
          ...(said?.hint ? { hint: said.hint } : {}),
          ...(said?.issue ? { issues: [said.issue] } : {}),
        },
      );
    }
    case '23503':
      return new ChannelPilotError(
        'not_found',
        `${what} refers to ${value ? `${value}, which does` : 'something that does'} not exist`,
        cause,
      );
    case '23514':
      return new ChannelPilotError('invalid_input', `${what} breaks a data rule`, cause);
    case '54001': // stack depth: JSON nested too deep to parse
      return new ChannelPilotError('invalid_input', `${what} is nested too deep to store`, cause);
    default:
      // Class 22, data exceptions: text the database cannot hold (a NUL character), a number or a
      // date outside its range, a value not of the column's type. The statement's input caused it.
      if (typeof code === 'string' && code.startsWith('22')) {
        return new ChannelPilotError(
          'invalid_input',
          `${what} is not a value the database can store (SQLSTATE ${code})`,
          cause,
        );
      }
      return error;
  }
}

/** Runs `work`, turning what the database refused into the domain's errors (see translateDatabaseError). */
export async function translating<T>(
  what: string,
  work: () => Promise<T>,
  conflicts?: Conflicts,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw translateDatabaseError(error, what, conflicts);
  }
}
