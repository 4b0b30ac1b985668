import type { Census } from './census.ts';

// The partial counts one census query returns for its slice of contacts, and their merge: a
// customer's contacts are all in one slice, so every count (distinct customers too) adds up.

/** The group-by columns of the lists that only count contacts, and the grouping sets over them. */
export const groupColumns = ['channel', 'reason', 'weekday', 'hour', 'week', 'next_channel', 'step'] as const;
export type GroupColumn = (typeof groupColumns)[number];
export const countedSets = {
  heatmap: ['channel', 'weekday', 'hour'],
  reasons: ['channel', 'reason'],
  weekly: ['week', 'channel'],
  transitions: ['channel', 'next_channel'],
  steps: ['step', 'channel'],
} satisfies Record<string, GroupColumn[]>;
export type CountedSet = keyof typeof countedSets;

/** One row of a partial census: totals, one channel, or one key of a counted list (`set_name`). */
export interface CensusPartialRow {
  set_name: 'totals' | 'channels' | CountedSet;
  channel: string | null;
  reason: string | null;
  weekday: number | null;
  hour: number | null;
  week: string | null;
  next_channel: string | null;
  step: number | null;
  contacts: number;
  customers: number | null;
  timed: number | null;
  handle_ms: number | null;
}

interface ChannelTotals {
  contacts: number;
  customers: number;
  timed: number;
  handleMs: number;
}

/** Adds up partial censuses (`anonymous`: of contacts without a customer) and orders the lists. */
export function createCensusMerger() {
  const totals = { contacts: 0, customers: 0, anonymousContacts: 0 };
  const channels = new Map<string, ChannelTotals>();
  const counts: Record<CountedSet, Map<string, number>> = {
    heatmap: new Map(),
    reasons: new Map(),
    weekly: new Map(),
    transitions: new Map(),
    steps: new Map(),
  };
  const bump = (map: Map<string, number>, key: unknown[], by: number) => {
    const k = JSON.stringify(key);
    map.set(k, (map.get(k) ?? 0) + by);
  };

  return {
    add(rows: CensusPartialRow[], anonymous: boolean) {
      for (const row of rows) {
        if (row.contacts === 0) continue;
        switch (row.set_name) {
          case 'totals':
            totals.contacts += row.contacts;
            totals.customers += row.customers!;
            if (anonymous) totals.anonymousContacts += row.contacts;
            break;
          case 'channels': {
            const entry = channels.get(row.channel!) ?? { contacts: 0, customers: 0, timed: 0, handleMs: 0 };
            entry.contacts += row.contacts;
            entry.customers += row.customers!;
            entry.timed += row.timed!;
            entry.handleMs += row.handle_ms ?? 0;
            channels.set(row.channel!, entry);
            break;
          }
          case 'heatmap':
            bump(counts.heatmap, [row.channel, row.weekday, row.hour], row.contacts);
            break;
          case 'reasons':
            bump(counts.reasons, [row.channel, row.reason], row.contacts);
            break;
          case 'weekly':
            bump(counts.weekly, [row.week, row.channel], row.contacts);
            break;
          case 'transitions':
            if (anonymous) break; // no customer, no next contact: the query leaves next_channel null
            bump(counts.transitions, [row.channel, row.next_channel], row.contacts);
            break;
          case 'steps':
            bump(counts.steps, [row.step, row.channel], row.contacts);
            break;
          default:
            throw new Error(`census query returned an unknown grouping set ${String(row.set_name)}`);
        }
      }
    },

    result(): Omit<Census, 'filter'> {
      const entries = <K extends unknown[]>(map: Map<string, number>) =>
        [...map]
          .map(([key, contacts]) => [JSON.parse(key) as K, contacts] as const)
          .sort(([a], [b]) => compareKeys(a, b));
      return {
        totals: { ...totals },
        channels: [...channels]
          .map(([channel, c]) => ({
            channel,
            contacts: c.contacts,
            customers: c.customers,
            timedContacts: c.timed,
            averageHandleSeconds: c.timed === 0 ? null : c.handleMs / c.timed / 1000,
          }))
          .sort((a, b) => b.contacts - a.contacts || compareKeys([a.channel], [b.channel])),
        heatmap: entries<[string, number, number]>(counts.heatmap).map(
          ([[channel, weekday, hour], contacts]) => ({
            channel,
            weekday,
            hour,
            contacts,
          }),
        ),
        reasons: entries<[string, string]>(counts.reasons).map(([[channel, reason], contacts]) => ({
          channel,
          reason,
          contacts,
        })),
        weekly: entries<[string, string]>(counts.weekly).map(([[week, channel], contacts]) => ({
          week,
          channel,
          contacts,
        })),
        transitions: entries<[string, string | null]>(counts.transitions).map(([[from, to], contacts]) => ({
          from,
          to,
          contacts,
        })),
        steps: entries<[number, string]>(counts.steps).map(([[step, channel], contacts]) => ({
          step,
          channel,
          contacts,
        })),
      };
    },
  };
}

/** Key by key: numbers numerically, strings by code unit, null after everything. */
function compareKeys(a: readonly unknown[], b: readonly unknown[]): number {
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x === y) continue;
    if (x === null) return 1;
    if (y === null) return -1;
    return (x as string | number) < (y as string | number) ? -1 : 1;
  }
  return 0;
}
