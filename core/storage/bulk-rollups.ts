import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import type pg from 'pg';
import { REFERENCE_ZONE } from '../clock.ts';
import { gapColumns, hourColumns, STEP_BUCKETS, stepColumns } from './census-rollup-sql.ts';
import { copyIn, copyLine } from './copy-lines.ts';
import { reachRows, rowCells, rowCounts } from './rollup-cells.ts';

// The census rollups of a bulk load, added up in memory as its contacts are placed and written
// by COPY into rollups that hold nothing yet: the rows the insert trigger's SQL
// (census-rollup-sql.ts) gives for the same contacts, without its many-column upserts.

/** A settled contact as the rollups count it. */
export interface RolledContact {
  /** Null for an anonymous contact. */
  customerId: string | null;
  reason: string;
  /** The customer's segment; '' when the contact is anonymous. */
  segment: string;
  channel: string;
  touchpoint: string;
  startedAt: Date;
  /** In whole milliseconds, as the rollup SQL computes it; null while the contact has no end. */
  handleMs: number | null;
  settledStep: number | null;
  /** The previous settled contact for the same reason, when this one is its transition. */
  previous: { channel: string; startedAt: Date; gapDays: number } | null;
}

/** A customer's 32-bit hash as the rollup SQL gives it (census-rollup-sql.ts `customerHash`). */
export const customerHash = (id: string) => createHash('md5').update(id).digest().readInt32BE(0);

/** Zones' offsets are whole quarters of an hour: every instant of a quarter has the same local day and hour. */
const QUARTER_MS = 15 * 60_000;

/** The local day and hour of instants in the reference zone, worked out once per quarter of an hour. */
function localClock() {
  const quarters = new Map<number, { day: string; hour: number }>();
  return (at: Date) => {
    const quarter = Math.floor(at.getTime() / QUARTER_MS);
    let local = quarters.get(quarter);
    if (local === undefined) {
      const time = DateTime.fromMillis(quarter * QUARTER_MS, { zone: REFERENCE_ZONE });
      local = { day: time.toISODate()!, hour: time.hour };
      quarters.set(quarter, local);
    }
    return local;
  };
}

/** Days a tuple's row numbers grow by: a year's tuples mostly see most days. */
const DAYS_STEP = 64;

/**
 * Rows keyed by a tuple of names and a day: each tuple is numbered once (and its columns written
 * once, as its COPY lines begin), each day once, and each row as it is first met, so that a
 * contact costs a few array lookups. What a row holds is kept by the caller under its number.
 */
function keyed() {
  const tuples = new Map<string, number>();
  const partsOf: string[][] = [];
  const prefixes: string[] = [];
  /** By tuple and day: 1 + the row's number, 0 for none. */
  const rowsOf: Uint32Array[] = [];
  let rows = 0;
  return {
    tuple(parts: string[]): number {
      const text = parts.join('\u0000');
      let id = tuples.get(text);
      if (id === undefined) {
        id = prefixes.length;
        partsOf.push(parts);
        prefixes.push(copyLine(parts).slice(0, -1));
        rowsOf.push(new Uint32Array(DAYS_STEP));
        tuples.set(text, id);
      }
      return id;
    },
    /** The row's number: 0, 1, 2… in the order rows are first met. */
    row(tuple: number, day: number): number {
      let byDay = rowsOf[tuple]!;
      if (day >= byDay.length) {
        const grown = new Uint32Array(day + DAYS_STEP);
        grown.set(byDay);
        rowsOf[tuple] = byDay = grown;
      }
      const row = byDay[day]!;
      if (row !== 0) return row - 1;
      byDay[day] = ++rows;
      return rows - 1;
    },
    /**
     * COPY lines: the tuple's columns, the day, then what `values` writes of the row. They come in
     * the order of the rollup tables' keys (the tuple's first two names, the day, the others): each
     * goes at the end of the key's index instead of anywhere in it, which halves the write.
     */
    *lines(dayNames: readonly string[], values: (row: number) => string): Generator<string> {
      const days = [...dayNames.keys()].sort((a, b) => byName(dayNames[a]!, dayNames[b]!));
      const groups = new Map<string, number[]>();
      const sorted = [...partsOf.keys()].sort((a, b) => byParts(partsOf[a]!, partsOf[b]!));
      for (const tuple of sorted) {
        const group = partsOf[tuple]!.slice(0, 2).join('\u0000');
        const members = groups.get(group);
        if (members) members.push(tuple);
        else groups.set(group, [tuple]);
      }
      for (const group of groups.values())
        for (const day of days)
          for (const tuple of group) {
            const row = rowsOf[tuple]![day];
            if (row) yield `${prefixes[tuple]}\t${dayNames[day]}\t${values(row - 1)}\n`;
          }
    },
  };
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const byParts = (a: readonly string[], b: readonly string[]) => {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return byName(a[i]!, b[i]!);
  return 0;
};

/** The four levels a contact counts at (see census-rollup-sql.ts): reason × segment, each or '*'. */
const levels = (reason: string, segment: string): [string, string][] => [
  [reason, segment],
  ['*', segment],
  [reason, '*'],
  ['*', '*'],
];

// Days' counts: contacts, timed, then one per hour, then one per step bucket (handle_ms apart).
const HOURS_AT = 2;
const STEPS_AT = HOURS_AT + hourColumns.length;
const DAY_COUNTS = STEPS_AT + stepColumns.length;

export type RollupTally = ReturnType<typeof createRollupTally>;

export function createRollupTally() {
  const days = keyed();
  const dayCounts = rowCounts(DAY_COUNTS);
  const handleMs = rowCells(Float64Array, 1);
  const transitions = keyed();
  const gaps = rowCounts(gapColumns.length);
  const reach = keyed();
  const customers = reachRows();
  // A contact's tuples at its four levels, found once per distinct combination of what keys them.
  const tuplesOf = new Map<string, { days: number[]; transitions: number[]; reach: number[] }>();
  const tuples = (c: RolledContact) => {
    const previous = c.previous?.channel ?? '';
    const text = `${c.reason}\u0000${c.segment}\u0000${c.channel}\u0000${c.touchpoint}\u0000${previous}`;
    let found = tuplesOf.get(text);
    if (found === undefined) {
      const at = levels(c.reason, c.segment);
      found = {
        days: at.map(([r, s]) => days.tuple([r, s, c.channel, c.touchpoint])),
        transitions: previous ? at.map(([r, s]) => transitions.tuple([r, s, previous, c.channel])) : [],
        // A day's reach is kept by segment only: anonymous contacts are not in it.
        reach: at.filter(([, s]) => s !== '').map(([r, s]) => reach.tuple([r, s, c.channel])),
      };
      tuplesOf.set(text, found);
    }
    return found;
  };
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

  const clock = localClock();
  let hashed = { id: '', hash: 0 };

  return {
    add(c: RolledContact) {
      const local = clock(c.startedAt);
      const day = dayId(local.day);
      const keys = tuples(c);
      for (const tuple of keys.days) {
        const row = days.row(tuple, day);
        dayCounts.add(row, 0);
        if (c.handleMs !== null) {
          dayCounts.add(row, 1);
          handleMs.page(row)[handleMs.at(row)]! += c.handleMs;
        }
        dayCounts.add(row, HOURS_AT + local.hour);
        if (c.settledStep !== null) dayCounts.add(row, STEPS_AT + Math.min(c.settledStep, STEP_BUCKETS) - 1);
      }
      if (c.previous) {
        const previousDay = dayId(clock(c.previous.startedAt).day);
        for (const tuple of keys.transitions) {
          const row = transitions.row(tuple, previousDay);
          gaps.add(row, c.previous.gapDays);
        }
      }
      if (c.customerId !== null) {
        // A customer's contacts come together: hashed once.
        if (hashed.id !== c.customerId) hashed = { id: c.customerId, hash: customerHash(c.customerId) };
        for (const tuple of keys.reach) customers.add(reach.row(tuple, day), hashed.hash);
      }
    },

    /** Writes the rows into the rollup tables, which must hold none (a conflict fails the load). */
    async write(session: pg.Client) {
      await copyIn(
        session,
        `copy census_days (reason, segment, channel, touchpoint, day, contacts, timed, handle_ms, ${[...hourColumns, ...stepColumns].join(', ')}) from stdin`,
        days.lines(dayNames, (row) => {
          const handle = handleMs.page(row)[handleMs.at(row)];
          return `${dayCounts.line(row, 0, HOURS_AT)}\t${handle}\t${dayCounts.line(row, HOURS_AT)}`;
        }),
      );
      await copyIn(
        session,
        `copy census_transitions (reason, segment, channel, next_channel, day, ${gapColumns.join(', ')}) from stdin`,
        transitions.lines(dayNames, (row) => gaps.line(row)),
      );
      await copyIn(
        session,
        'copy census_reach (reason, segment, channel, day, hashes, registers) from stdin',
        reach.lines(dayNames, (row) => {
          const hashes = customers.distinct(row);
          return hashes
            ? `{${hashes.join(',')}}\t\\N`
            : `\\N\t\\\\x${Buffer.from(customers.registers(row)!).toString('hex')}`;
        }),
      );
    },
  };
}
