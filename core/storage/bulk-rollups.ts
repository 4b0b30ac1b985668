import type pg from 'pg';
import { addHash, REACH_REGISTERS } from './census-reach.ts';
import { gapColumns, hourColumns, REACH_SPARSE_MAX, STEP_BUCKETS, stepColumns } from './census-rollup-sql.ts';
import { copyIn, copyLine } from './copy-lines.ts';

// The census rollups of a bulk load, added up in memory as its contacts are placed and written
// by COPY into rollups that hold nothing yet: the rows the insert trigger's SQL
// (census-rollup-sql.ts) gives for the same contacts, without its many-column upserts.

/** A settled contact as the rollups count it; local day and hour, hash and handle time come from the SQL's own expressions. */
export interface RolledContact {
  reason: string;
  /** The customer's segment; '' when the contact is anonymous or the customer has none. */
  segment: string;
  channel: string;
  touchpoint: string;
  /** `yyyy-mm-dd` in the reference zone. */
  localDay: string;
  localHour: number;
  /** Null while the contact has no end. */
  handleMs: number | null;
  settledStep: number | null;
  /** Null for an anonymous contact. */
  customerHash: number | null;
  /** The previous settled contact for the same reason, when this one is its transition. */
  previous: { channel: string; localDay: string; gapDays: number } | null;
}

/**
 * Rows keyed by a tuple of names and a day: each tuple is numbered once (and its columns written
 * once, as its COPY lines begin), each day once, so that a contact costs a few array lookups.
 */
function keyed<V>(make: () => V) {
  const tuples = new Map<string, number>();
  const prefixes: string[] = [];
  const rows: V[][] = [];
  return {
    tuple(parts: string[]): number {
      const text = parts.join('\u0000');
      let id = tuples.get(text);
      if (id === undefined) {
        id = prefixes.length;
        prefixes.push(copyLine(parts).slice(0, -1));
        rows.push([]);
        tuples.set(text, id);
      }
      return id;
    },
    row(tuple: number, day: number): V {
      const byDay = rows[tuple]!;
      let row = byDay[day];
      if (row === undefined) {
        row = make();
        byDay[day] = row;
      }
      return row;
    },
    /** COPY lines: the tuple's columns, the day, then what `values` writes of the row. */
    *lines(dayNames: readonly string[], values: (row: V) => string): Generator<string> {
      for (const [tuple, byDay] of rows.entries())
        for (const [day, row] of byDay.entries())
          if (row !== undefined) yield `${prefixes[tuple]}\t${dayNames[day]}\t${values(row)}\n`;
    },
  };
}

/** The four levels a contact counts at (see census-rollup-sql.ts): reason × segment, each or '*'. */
const levels = (reason: string, segment: string): [string, string][] => [
  [reason, segment],
  ['*', segment],
  [reason, '*'],
  ['*', '*'],
];

/** Each contact's level tuples, found once per distinct combination of what keys them. */
function levelTuples(tally: { tuple(parts: string[]): number }, skip?: (segment: string) => boolean) {
  const cache = new Map<string, number[]>();
  return (reason: string, segment: string, a: string, b?: string): number[] => {
    const text = `${reason}\u0000${segment}\u0000${a}\u0000${b ?? ''}`;
    let tuples = cache.get(text);
    if (tuples === undefined) {
      tuples = levels(reason, segment)
        .filter(([, s]) => !skip?.(s))
        .map(([r, s]) => tally.tuple(b === undefined ? [r, s, a] : [r, s, a, b]));
      cache.set(text, tuples);
    }
    return tuples;
  };
}

// Days: contacts, timed, handle_ms, then one count per hour, then per step bucket.
const HOURS_AT = 3;
const STEPS_AT = HOURS_AT + hourColumns.length;

const zeros = (n: number) => () => Array.from({ length: n }, () => 0);

export function createRollupTally() {
  const days = keyed(zeros(STEPS_AT + stepColumns.length));
  const transitions = keyed(zeros(gapColumns.length));
  const reach = keyed<{ hashes: Set<number> | null; registers: Uint8Array | null }>(() => ({
    hashes: new Set(),
    registers: null,
  }));
  const dayTuples = levelTuples(days);
  const transitionTuples = levelTuples(transitions);
  // A day's reach is kept by segment only: anonymous contacts are not in it.
  const reachTuples = levelTuples(reach, (segment) => segment === '');
  const dayIds = new Map<string, number>();
  const dayNames: string[] = [];
  const dayId = (day: string) => {
    let id = dayIds.get(day);
    if (id === undefined) {
      id = dayNames.push(day) - 1;
      dayIds.set(day, id);
    }
    return id;
  };

  return {
    add(c: RolledContact) {
      const day = dayId(c.localDay);
      for (const tuple of dayTuples(c.reason, c.segment, c.channel, c.touchpoint)) {
        const row = days.row(tuple, day);
        row[0]!++;
        if (c.handleMs !== null) {
          row[1]!++;
          row[2]! += c.handleMs;
        }
        row[HOURS_AT + c.localHour]!++;
        if (c.settledStep !== null) row[STEPS_AT + Math.min(c.settledStep, STEP_BUCKETS) - 1]!++;
      }
      if (c.previous) {
        const previousDay = dayId(c.previous.localDay);
        for (const tuple of transitionTuples(c.reason, c.segment, c.previous.channel, c.channel))
          transitions.row(tuple, previousDay)[c.previous.gapDays]!++;
      }
      if (c.customerHash !== null)
        for (const tuple of reachTuples(c.reason, c.segment, c.channel)) {
          const customers = reach.row(tuple, day);
          if (customers.registers) addHash(customers.registers, c.customerHash);
          else {
            customers.hashes!.add(c.customerHash);
            if (customers.hashes!.size > REACH_SPARSE_MAX) {
              customers.registers = new Uint8Array(REACH_REGISTERS);
              for (const h of customers.hashes!) addHash(customers.registers, h);
              customers.hashes = null;
            }
          }
        }
    },

    /** Writes the rows into the rollup tables, which must hold none (a conflict fails the load). */
    async write(session: pg.Client) {
      const counts = (row: number[]) => row.join('\t');
      await copyIn(
        session,
        `copy census_days (reason, segment, channel, touchpoint, day, contacts, timed, handle_ms, ${[...hourColumns, ...stepColumns].join(', ')}) from stdin`,
        days.lines(dayNames, counts),
      );
      await copyIn(
        session,
        `copy census_transitions (reason, segment, channel, next_channel, day, ${gapColumns.join(', ')}) from stdin`,
        transitions.lines(dayNames, counts),
      );
      await copyIn(
        session,
        'copy census_reach (reason, segment, channel, day, hashes, registers) from stdin',
        reach.lines(dayNames, ({ hashes, registers }) =>
          hashes
            ? `{${[...hashes].sort((a, b) => a - b).join(',')}}\t\\N`
            : `\\N\t\\\\x${Buffer.from(registers!).toString('hex')}`,
        ),
      );
    },
  };
}
