import { DateTime, IANAZone } from 'luxon';

/**
 * A label as people write it, made comparable: accents, case, and the spacing or underscores
 * between words do not count ("Telefono", " TELEFONO ", "téléfono" and "telefono" are one).
 */
export function normalizeLabel(label: string): string {
  return label
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[\s_\-./]+/g, ' ')
    .trim();
}

/** Labels to codes, compared as {@link normalizeLabel} makes them. */
export function createLabelMap(entries: Iterable<readonly [label: string, code: string]>) {
  const map = new Map<string, string>();
  for (const [label, code] of entries) map.set(normalizeLabel(label), code);
  return {
    get: (label: string): string | undefined => map.get(normalizeLabel(label)),
    get size() {
      return map.size;
    },
  };
}
export type LabelMap = ReturnType<typeof createLabelMap>;

/** The local formats read when a profile names none (luxon tokens): day first, as Europe writes. */
export const defaultDateFormats = [
  'dd/MM/yyyy HH:mm:ss',
  'dd/MM/yyyy HH:mm',
  'dd/MM/yyyy H:mm',
  'dd-MM-yyyy HH:mm:ss',
  'dd-MM-yyyy HH:mm',
  'dd.MM.yyyy HH:mm:ss',
  'dd.MM.yyyy HH:mm',
  'yyyy-MM-dd HH:mm:ss',
  'yyyy-MM-dd HH:mm',
  "yyyy-MM-dd'T'HH:mm:ss",
  "yyyy-MM-dd'T'HH:mm",
];

/**
 * How a local time was read: as it is, moved out of the spring gap, or picked between two autumn
 * ones (the first; `repeatedEnd`: the second, for the end of a contact that ran across the change).
 */
export type LocalTimeKind = 'exact' | 'gap' | 'repeated' | 'repeatedEnd';

export type ReadDateTime =
  | {
      ok: true;
      at: Date;
      kind: LocalTimeKind;
      /** A time that happened twice: the second of the two (on winter time), `at` being the first. */
      later?: Date;
    }
  | { ok: false; expected: string };

const HOUR_MS = 3_600_000;

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}(:?\d{2})?)$/i;

export function isTimeZone(zone: string): boolean {
  return IANAZone.isValidZone(zone);
}

/**
 * Reads date-times as exports write them: ISO 8601 with an offset (the instant it names), or a
 * local time in one of `formats`, read in `zone`. Local times the clock change makes odd follow
 * one rule, and say so:
 * - a time in the spring gap (02:30 on the night the clocks go forward) never happened; it is
 *   read with the offset in force before the change, i.e. one hour later on the new clock (03:30);
 * - a time that happened twice (02:30 on the night the clocks go back) is read as the first of
 *   the two, still on summer time.
 */
export function createDateTimeReader(options: { zone: string; formats?: readonly string[] }) {
  const formats = options.formats && options.formats.length > 0 ? options.formats : defaultDateFormats;
  const parsers = formats.map((format) => ({
    format,
    parser: DateTime.buildFormatParser(format, { locale: 'en-US' }),
  }));
  const expected = `a date-time like ${formats[0]} (${options.zone}) or ISO 8601 with offset`;
  // Per wall-clock hour, the zone's offset when the whole hour reads one way (null: a clock change
  // falls in it, and each time in it is worked out alone). Reading a zone's offset is the costly part.
  const steadyOffsets = new Map<number, number | null>();
  const steadyOffset = (hour: number): number | null => {
    const start = DateTime.fromMillis(hour * HOUR_MS, { zone: 'UTC' });
    const first = start.setZone(options.zone, { keepLocalTime: true });
    const last = start.plus({ minutes: 59, seconds: 59 }).setZone(options.zone, { keepLocalTime: true });
    const steady =
      first.hour === start.hour &&
      last.hour === start.hour &&
      last.minute === 59 &&
      first.offset === last.offset &&
      first.getPossibleOffsets().length === 1 &&
      last.getPossibleOffsets().length === 1;
    return steady ? first.offset * 60_000 : null;
  };
  return {
    expected,
    read(text: string): ReadDateTime {
      const value = text.trim();
      if (ISO_WITH_OFFSET.test(value)) {
        const at = new Date(value.replace(' ', 'T'));
        return Number.isNaN(at.getTime()) || !isCalendarDay(value)
          ? { ok: false, expected }
          : { ok: true, at, kind: 'exact' };
      }
      for (const { parser } of parsers) {
        // The wall-clock time first (cheap, in UTC), then the zone's offset for its hour.
        const wall = DateTime.fromFormatParser(value, parser, { zone: 'UTC' });
        if (!wall.isValid) continue;
        const hour = Math.floor(wall.toMillis() / HOUR_MS);
        let offset = steadyOffsets.get(hour);
        if (offset === undefined) {
          offset = steadyOffset(hour);
          steadyOffsets.set(hour, offset);
        }
        if (offset !== null) return { ok: true, at: new Date(wall.toMillis() - offset), kind: 'exact' };
        const local = wall.setZone(options.zone, { keepLocalTime: true });
        if (local.hour !== wall.hour || local.minute !== wall.minute) {
          // Luxon moves a time out of the gap by the gap's length, as the rule says.
          return { ok: true, at: local.toJSDate(), kind: 'gap' };
        }
        const possible = local.getPossibleOffsets();
        if (possible.length > 1) {
          const instants = possible.map((p) => p.toMillis());
          const [first, last] = [Math.min(...instants), Math.max(...instants)];
          return { ok: true, at: new Date(first), kind: 'repeated', later: new Date(last) };
        }
        return { ok: true, at: local.toJSDate(), kind: 'exact' };
      }
      return { ok: false, expected };
    },
  };
}
export type DateTimeReader = ReturnType<typeof createDateTimeReader>;

/** Whether `yyyy-mm-dd…` names a day the calendar has (Date itself rolls 31 February over into March). */
function isCalendarDay(text: string): boolean {
  const year = Number(text.slice(0, 4));
  const month = Number(text.slice(5, 7));
  const day = Number(text.slice(8, 10));
  return month >= 1 && month <= 12 && day >= 1 && day <= new Date(Date.UTC(year, month, 0)).getUTCDate();
}
