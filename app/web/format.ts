import { DateTime } from 'luxon';
import { REFERENCE_ZONE, isAsynchronous } from '../../core/index.ts';

// Formatting shared by the pages and the charts (fixed English formats: output is deterministic).

/** A channel's display name by its code. */
export type ChannelNames = (code: string) => string;

/**
 * The channels' names as the registry has them (what each channel registered, or what the
 * organisation renamed it to); codes it does not hold read as words.
 */
export function channelNames(registered: readonly { code: string; name: string }[]): ChannelNames {
  const names = new Map(registered.map((c) => [c.code, c.name]));
  return (code) => names.get(code) ?? humanize(code);
}

/** `bill_explanation` → `Bill explanation`. */
export function humanize(slug: string): string {
  const words = slug.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** A count with what it counts, a plural unit ("contacts") said once for one: "1 contact", "12 contacts". */
export function formatCounted(n: number, unit: string): string {
  return `${formatCount(n)} ${Math.round(n) === 1 ? unit.replace(/s$/, '') : unit}`;
}

export function formatNumber(n: number | null, digits = 1): string {
  if (n === null || !Number.isFinite(n)) return '–';
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function formatPercent(share: number | null, digits = 1): string {
  if (share === null || !Number.isFinite(share)) return '–';
  return `${(share * 100).toFixed(digits)}%`;
}

/** `m:ss`, or `h:mm:ss` from an hour up. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '–';
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`;
}

/** A duration in hours, or days from two days up: `5.2 h`, `9.1 days`. */
export function formatLongDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '–';
  const hours = seconds / 3600;
  return hours >= 48 ? `${formatNumber(hours / 24, 1)} days` : `${formatNumber(hours, 1)} h`;
}

/** A contact's length: a handle time on a live channel, a response time on an asynchronous one. */
export function formatContactTime(channel: string, seconds: number | null): string {
  return isAsynchronous(channel) ? formatLongDuration(seconds) : formatDuration(seconds);
}

export function formatPValue(p: number | null): string {
  if (p === null || !Number.isFinite(p)) return '–';
  return p < 0.001 ? '< 0.001' : p.toFixed(3);
}

/** A moment in the reference zone: `10 Mar 2026, 10:00`. */
export function formatMoment(at: Date): string {
  return DateTime.fromJSDate(at, { zone: REFERENCE_ZONE }).setLocale('en-GB').toFormat('d LLL yyyy, HH:mm');
}

/** An ISO date as `10 Mar 2026`. */
export function formatDay(isoDate: string): string {
  const day = DateTime.fromISO(isoDate, { zone: 'UTC' });
  return day.isValid ? day.setLocale('en-GB').toFormat('d LLL yyyy') : isoDate;
}
