import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { createPostgresStores, type Outcome, type StorageHandle } from '../../core/index.ts';
import { CensusFilter, type Census } from '../../core/census.ts';
import { censusCsv } from '../../core/census-csv.ts';
import { createPostgresCensusSource } from '../../core/storage/postgres-census.ts';
import { databaseKind, openTestDatabase } from '../support/database.ts';

const ZONE = 'Europe/Rome';
const DAY_MS = 86_400_000;

// A seeded PRNG (mulberry32), so that every run inserts the same rows.
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    chance: (p: number) => next() < p,
    uuid: () => {
      const hex = Array.from({ length: 32 }, () => Math.floor(next() * 16).toString(16));
      hex[12] = '4';
      hex[16] = '89ab'[Math.floor(next() * 4)]!;
      const s = hex.join('');
      return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
    },
  };
}

interface Row {
  id: string;
  /** The contact's id in the system it came from: ties in time are ordered by it. */
  externalId: string;
  customerId: string | null;
  channel: string;
  reason: string;
  startedAt: Date;
  endedAt: Date | null;
  outcome: string;
  journeyId: string;
  journeyStep: number;
}

const segmentsUsed = ['residential', 'senior', 'young', 'family'] as const;
const channelsUsed = ['call_centre', 'email', 'web', 'shop', 'voice_assistant', 'video'] as const;
const reasonsUsed = ['bill_explanation', 'payment', 'moving', 'outage', 'contract_change'] as const;
const outcomes = ['resolved', 'resolved', 'resolved', 'handed_off', 'abandoned', 'failed'] as const;

const rome = (iso: string) => DateTime.fromISO(iso, { zone: ZONE }).toJSDate();

function seed() {
  const random = prng(20260329);
  const customers = Array.from({ length: 300 }, () => ({
    id: random.uuid(),
    segment: random.pick(segmentsUsed),
  }));
  const rows: Row[] = [];
  const journey = (
    customerId: string | null,
    reason: string,
    start: Date,
    steps: { channel: string; gapMs: number; outcome?: string; ended?: boolean }[],
  ) => {
    const journeyId = random.uuid();
    let at = start.getTime();
    steps.forEach((step, index) => {
      at += step.gapMs;
      rows.push({
        id: random.uuid(),
        externalId: `C-${random.int(0, 9_999_999)}-${rows.length}`,
        customerId,
        channel: step.channel,
        reason,
        startedAt: new Date(at),
        endedAt: step.ended === false ? null : new Date(at + random.int(20_000, 1_800_000)),
        outcome: step.outcome ?? random.pick(outcomes),
        journeyId,
        journeyStep: index + 1,
      });
    });
  };
  // Contacts from two weeks before the widest range to two weeks after it.
  const spanStart = rome('2026-02-16T00:00').getTime();
  const spanMs = rome('2026-05-25T00:00').getTime() - spanStart;
  const randomSteps = () =>
    Array.from({ length: random.chance(0.35) ? random.int(2, 6) : 1 }, (_, index) => {
      const channel = random.pick(channelsUsed);
      // A conversational turn that goes on, settled by the next step a few minutes later.
      const turn = channel === 'voice_assistant' && random.chance(0.5);
      return {
        channel,
        gapMs:
          index === 0
            ? 0
            : random.chance(0.3)
              ? random.int(60_000, 600_000)
              : random.int(1, 20 * 24) * 3_600_000,
        ...(turn ? { outcome: 'continued' } : {}),
        ended: random.chance(0.8),
      };
    });
  for (const customer of customers) {
    const journeys = random.int(0, 8);
    for (let j = 0; j < journeys; j++) {
      journey(
        customer.id,
        random.pick(reasonsUsed),
        new Date(spanStart + Math.floor(random.next() * spanMs)),
        randomSteps(),
      );
    }
  }
  for (let j = 0; j < 250; j++) {
    journey(null, random.pick(reasonsUsed), new Date(spanStart + Math.floor(random.next() * spanMs)), [
      { channel: random.pick(['call_centre', 'shop', 'web']), gapMs: 0, ended: random.chance(0.7) },
    ]);
  }

  // Hand-placed contacts at the edges: of the ranges, of the DST change (2026-03-29, 02:00 → 03:00),
  // of the transition window, and two contacts at the same instant (ordered by id).
  const [a, b, c] = customers;
  const one = (
    customerId: string | null,
    channel: string,
    reason: string,
    startedAt: Date,
    outcome = 'resolved',
  ) => journey(customerId, reason, startedAt, [{ channel, gapMs: 0, outcome }]);
  one(a!.id, 'web', 'moving', rome('2026-03-01T23:59:59.999'));
  one(a!.id, 'email', 'moving', rome('2026-03-02T00:00'));
  one(null, 'shop', 'moving', rome('2026-03-01T23:59:59.999'));
  one(null, 'shop', 'moving', rome('2026-03-02T00:00'));
  // Where the first window of anonymous contacts (two days, see smallChunks) ends and the next begins.
  one(null, 'web', 'outage', rome('2026-03-04T00:00'));
  one(b!.id, 'call_centre', 'outage', rome('2026-05-10T23:59:59.999'));
  one(b!.id, 'video', 'outage', rome('2026-05-11T00:00'));
  one(null, 'call_centre', 'outage', rome('2026-05-10T23:59:59.999'));
  one(null, 'call_centre', 'outage', rome('2026-05-11T00:00'));
  one(c!.id, 'call_centre', 'payment', rome('2026-03-29T01:59:59'));
  one(c!.id, 'voice_assistant', 'payment', rome('2026-03-29T03:00'));
  one(null, 'web', 'payment', rome('2026-03-29T01:30'));
  one(c!.id, 'web', 'bill_explanation', rome('2026-03-28T12:00'));
  // 23 hours later across the change: within one day.
  one(c!.id, 'shop', 'bill_explanation', rome('2026-03-29T12:00'));
  one(c!.id, 'video', 'bill_explanation', rome('2026-03-30T12:00'));
  // One millisecond more than a day later: not within one day.
  one(c!.id, 'email', 'bill_explanation', new Date(rome('2026-03-30T12:00').getTime() + DAY_MS + 1));
  one(c!.id, 'web', 'contract_change', rome('2026-04-14T09:00'));
  one(c!.id, 'shop', 'contract_change', rome('2026-04-14T09:00'));
  one(c!.id, 'call_centre', 'contract_change', rome('2026-04-14T09:00'), 'continued');
  // The next contact of the last days falls after the range (7-day window reaches past 05-10).
  one(a!.id, 'web', 'outage', rome('2026-05-09T10:00'));
  one(a!.id, 'video', 'outage', rome('2026-05-13T10:00'));
  // A customer's first contact: a voice conversation that asks three questions back (turns begun
  // before midnight, the day before the range below) and then resolves; the same journey goes on
  // with a call two days later. The only contacts for this reason.
  journey(c!.id, 'meter_reading', rome('2026-04-19T23:57'), [
    { channel: 'voice_assistant', gapMs: 0, outcome: 'continued' },
    { channel: 'voice_assistant', gapMs: 60_000, outcome: 'continued' },
    { channel: 'voice_assistant', gapMs: 60_000, outcome: 'continued' },
    { channel: 'voice_assistant', gapMs: 90_000, outcome: 'resolved' },
    { channel: 'call_centre', gapMs: 2 * DAY_MS, outcome: 'resolved' },
  ]);
  return { customers, rows };
}

const before = (x: Row, y: Row) =>
  x.startedAt.getTime() - y.startedAt.getTime() ||
  (x.externalId < y.externalId ? -1 : x.externalId > y.externalId ? 1 : 0);

/**
 * Journeys by the rule, straight from the rows: a customer's contact for a reason continues the
 * journey of their previous contact for that reason when it started at most 7 days before.
 */
function ruleJourneys(rows: Row[]): Map<string, string> {
  const journeyOf = new Map<string, string>();
  const last = new Map<string, Row>();
  for (const r of [...rows].sort(before)) {
    const key = r.customerId === null ? null : `${r.customerId}:${r.reason}`;
    const previous = key === null ? undefined : last.get(key);
    journeyOf.set(
      r.id,
      previous && r.startedAt.getTime() - previous.startedAt.getTime() <= 7 * DAY_MS
        ? journeyOf.get(previous.id)!
        : r.id,
    );
    if (key !== null) last.set(key, r);
  }
  return journeyOf;
}

/** The census computed straight from the rows, one contact at a time. */
function expectedCensus(
  data: ReturnType<typeof seed>,
  input: Partial<CensusFilter> & { from: string; to: string },
): Census {
  const filter = CensusFilter.parse(input);
  const segmentOf = new Map(data.customers.map((c) => [c.id, c.segment]));
  const fromMs = DateTime.fromISO(filter.from, { zone: ZONE }).toMillis();
  const endMs = DateTime.fromISO(filter.to, { zone: ZONE }).plus({ days: 1 }).toMillis();
  const contacts = data.rows.filter(
    (r) =>
      r.outcome !== 'continued' &&
      r.startedAt.getTime() >= fromMs &&
      r.startedAt.getTime() < endMs &&
      (filter.reason === undefined || r.reason === filter.reason) &&
      (filter.segment === undefined ||
        (r.customerId !== null && segmentOf.get(r.customerId) === filter.segment)),
  );
  const tally = <K extends unknown[]>(keys: (r: Row) => K | null) => {
    const map = new Map<string, number>();
    for (const r of contacts) {
      const key = keys(r);
      if (key) map.set(JSON.stringify(key), (map.get(JSON.stringify(key)) ?? 0) + 1);
    }
    return [...map].map(([key, n]) => [JSON.parse(key) as K, n] as const);
  };
  const byKeys = (x: readonly unknown[], y: readonly unknown[]) => {
    for (let i = 0; i < x.length; i++) {
      if (x[i] === y[i]) continue;
      if (x[i] === null) return 1;
      if (y[i] === null) return -1;
      return (x[i] as string) < (y[i] as string) ? -1 : 1;
    }
    return 0;
  };
  const sorted = <T extends { key: unknown[] }>(items: T[]) => items.sort((x, y) => byKeys(x.key, y.key));
  const local = (r: Row) => DateTime.fromJSDate(r.startedAt, { zone: ZONE });
  // A contact's step: how many contacts (not continued turns) its journey had up to and including it.
  const journeyOf = ruleJourneys(data.rows);
  const settledStep = (r: Row) =>
    data.rows.filter(
      (o) => journeyOf.get(o.id) === journeyOf.get(r.id) && o.outcome !== 'continued' && before(o, r) <= 0,
    ).length;
  const nextOf = (r: Row) => {
    const later = data.rows.filter(
      (o) =>
        o.customerId === r.customerId &&
        o.reason === r.reason &&
        o.outcome !== 'continued' &&
        before(o, r) > 0,
    );
    later.sort(before);
    const next = later[0];
    return next && next.startedAt.getTime() - r.startedAt.getTime() <= filter.withinDays * DAY_MS
      ? next.channel
      : null;
  };

  const channelNames = [...new Set(contacts.map((r) => r.channel))];
  return {
    filter,
    totals: {
      contacts: contacts.length,
      customers: new Set(contacts.flatMap((r) => (r.customerId ? [r.customerId] : []))).size,
      anonymousContacts: contacts.filter((r) => r.customerId === null).length,
    },
    reach: { exact: true, relativeStandardError: 0 },
    channels: channelNames
      .map((channel) => {
        const mine = contacts.filter((r) => r.channel === channel);
        const timed = mine.filter((r) => r.endedAt !== null);
        const totalMs = timed.reduce((sum, r) => sum + (r.endedAt!.getTime() - r.startedAt.getTime()), 0);
        return {
          channel,
          contacts: mine.length,
          customers: new Set(mine.flatMap((r) => (r.customerId ? [r.customerId] : []))).size,
          timedContacts: timed.length,
          averageHandleSeconds: timed.length === 0 ? null : totalMs / timed.length / 1000,
        };
      })
      .sort((x, y) => y.contacts - x.contacts || (x.channel < y.channel ? -1 : 1)),
    heatmap: sorted(
      tally<[string, number, number]>((r) => [r.channel, local(r).weekday, local(r).hour]).map(
        ([key, contacts]) => ({
          key,
          contacts,
        }),
      ),
    ).map(({ key: [channel, weekday, hour], contacts }) => ({ channel, weekday, hour, contacts })),
    reasons: sorted(
      tally<[string, string]>((r) => [r.channel, r.reason]).map(([key, contacts]) => ({ key, contacts })),
    ).map(({ key: [channel, reason], contacts }) => ({ channel, reason, contacts })),
    weekly: sorted(
      tally<[string, string]>((r) => [local(r).startOf('week').toISODate()!, r.channel]).map(
        ([key, contacts]) => ({
          key,
          contacts,
        }),
      ),
    ).map(({ key: [week, channel], contacts }) => ({ week, channel, contacts })),
    transitions: sorted(
      tally<[string, string | null]>((r) => (r.customerId === null ? null : [r.channel, nextOf(r)])).map(
        ([key, contacts]) => ({
          key,
          contacts,
        }),
      ),
    ).map(({ key: [from, to], contacts }) => ({ from, to, contacts })),
    steps: sorted(
      tally<[number, string]>((r) => [Math.min(settledStep(r), 4), r.channel]).map(([key, contacts]) => ({
        key,
        contacts,
      })),
    ).map(({ key: [step, channel], contacts }) => ({ step, channel, contacts })),
    // The seed has no live chat.
    liveChat: null,
  };
}

let storage: StorageHandle;
const data = seed();

beforeAll(async () => {
  storage = await openTestDatabase();
  await storage.db
    .insertInto('customers')
    .values(
      data.customers.map((c, i) => ({
        id: c.id,
        first_name: 'Cliente',
        last_name: `N${i}`,
        locale: 'it-IT',
        segment: c.segment,
      })),
    )
    .execute();
  // Written through the log in an order that has nothing to do with time: the census must not care.
  const shuffled = [...data.rows].sort((x, y) => (x.id < y.id ? -1 : 1));
  const { interactions } = createPostgresStores(storage.db);
  for (let i = 0; i < shuffled.length; i += 500) {
    await interactions.recordMany(
      shuffled.slice(i, i + 500).map((r) => ({
        id: r.id,
        customerId: r.customerId,
        channel: r.channel,
        touchpoint: 'main',
        direction: 'inbound',
        reason: r.reason,
        startedAt: r.startedAt,
        endedAt: r.endedAt,
        outcome: r.outcome as Outcome,
        source: 'census_test',
        externalId: r.externalId,
      })),
    );
  }
});

afterAll(async () => {
  await storage?.close();
});

const census = (input: Partial<CensusFilter> & { from: string; to: string }) =>
  createPostgresCensusSource(storage.db).compute(CensusFilter.parse(input));

describe(`census on the ${databaseKind} database`, () => {
  it('seeds enough variety for the figures to mean something', () => {
    const anonymous = data.rows.filter((r) => r.customerId === null).length;
    const continued = data.rows.filter((r) => r.outcome === 'continued').length;
    const untimed = data.rows.filter((r) => r.endedAt === null).length;
    expect(data.rows.length).toBeGreaterThan(2000);
    expect(anonymous).toBeGreaterThan(200);
    expect(continued).toBeGreaterThan(50);
    expect(untimed).toBeGreaterThan(200);
    const journeyOf = ruleJourneys(data.rows);
    const sizes = new Map<string, number>();
    for (const journey of journeyOf.values()) sizes.set(journey, (sizes.get(journey) ?? 0) + 1);
    expect([...sizes.values()].filter((n) => n >= 5).length).toBeGreaterThan(20);
    // Contacts whose journey had continued turns before them: their journey step is not their step among contacts.
    const afterTurns = data.rows.filter(
      (r) =>
        r.outcome !== 'continued' &&
        data.rows.some(
          (o) => journeyOf.get(o.id) === journeyOf.get(r.id) && o.outcome === 'continued' && before(o, r) < 0,
        ),
    );
    expect(afterTurns.length).toBeGreaterThan(30);
  });

  it('counts every figure of ten weeks of contacts as the rows say, written in any order', async () => {
    const filter = { from: '2026-03-02', to: '2026-05-10' };
    const result = await census(filter);
    expect(result).toEqual(expectedCensus(data, filter));
    expect(result.totals.anonymousContacts).toBeGreaterThan(100);
    expect(result.channels.some((c) => c.averageHandleSeconds !== null && c.timedContacts < c.contacts)).toBe(
      true,
    );
  });

  it('counts only the contacts of one segment, leaving anonymous contacts out', async () => {
    const filter = { from: '2026-03-02', to: '2026-05-10', segment: 'senior' as const };
    const result = await census(filter);
    expect(result).toEqual(expectedCensus(data, filter));
    expect(result.totals.anonymousContacts).toBe(0);
    expect(result.totals.contacts).toBeGreaterThan(0);
  });

  it('counts only the contacts of one reason', async () => {
    const filter = { from: '2026-03-02', to: '2026-05-10', reason: 'bill_explanation' };
    const result = await census(filter);
    expect(result).toEqual(expectedCensus(data, filter));
    expect(result.reasons.every((r) => r.reason === 'bill_explanation')).toBe(true);
  });

  it('counts the days of a narrow range across the change to summer time in Rome', async () => {
    const filter = { from: '2026-03-28', to: '2026-03-30' };
    const result = await census(filter);
    expect(result).toEqual(expectedCensus(data, filter));
    expect(
      result.heatmap.some((h) => h.weekday === 7 && h.hour === 3 && h.channel === 'voice_assistant'),
    ).toBe(true);
    expect(result.heatmap.some((h) => h.weekday === 7 && h.hour === 2)).toBe(false);
  });

  it('finds more transitions within fourteen days than within one', async () => {
    const narrow = { from: '2026-03-02', to: '2026-05-10', withinDays: 1 };
    const wide = { from: '2026-03-02', to: '2026-05-10', withinDays: 14 };
    const one = await census(narrow);
    const fourteen = await census(wide);
    expect(one).toEqual(expectedCensus(data, narrow));
    expect(fourteen).toEqual(expectedCensus(data, wide));
    const none = (c: Census) =>
      c.transitions.filter((t) => t.to === null).reduce((s, t) => s + t.contacts, 0);
    expect(none(one)).toBeGreaterThan(none(fourteen));
  });

  it('counts a voice conversation that asked questions back as a first contact, and the call after it as a second', async () => {
    const voiceThenCall = [
      { step: 1, channel: 'voice_assistant', contacts: 1 },
      { step: 2, channel: 'call_centre', contacts: 1 },
    ];
    // From the day the conversation resolved (its first turns fall before the range), and from the day before.
    for (const from of ['2026-04-20', '2026-04-19']) {
      const filter = { from, to: '2026-04-22', reason: 'meter_reading' };
      const result = await census(filter);
      expect(result.steps).toEqual(voiceThenCall);
      expect(result).toEqual(expectedCensus(data, filter));
    }
  });

  it('reports zeros and empty lists for a range without contacts', async () => {
    const result = await census({ from: '2025-01-01', to: '2025-01-31' });
    expect(result).toEqual({
      filter: CensusFilter.parse({ from: '2025-01-01', to: '2025-01-31' }),
      totals: { contacts: 0, customers: 0, anonymousContacts: 0 },
      reach: { exact: true, relativeStandardError: 0 },
      channels: [],
      heatmap: [],
      reasons: [],
      weekly: [],
      transitions: [],
      steps: [],
      liveChat: null,
    });
  });

  it('estimates the customers of a channel with a day of more than 1,024, and counts the others exactly', async () => {
    // July, after the seed's contacts: 1,500 customers on the web one Monday (kept as registers),
    // 600 on Tuesday (kept as hashes), 200 of them not there on Monday, and 20 in a shop on
    // Tuesday, 10 of them seen nowhere else: 1,700 on the web, 1,710 in all.
    const random = prng(7);
    const crowd = Array.from({ length: 1710 }, (_, i) => ({ id: random.uuid(), index: i }));
    await storage.db
      .insertInto('customers')
      .values(
        crowd.map((c) => ({
          id: c.id,
          first_name: 'Cliente',
          last_name: `W${c.index}`,
          locale: 'it-IT',
          segment: 'residential',
        })),
      )
      .execute();
    const contact = (customerId: string, channel: string, at: string, n: number) => ({
      customerId,
      channel,
      touchpoint: 'main',
      direction: 'inbound' as const,
      reason: 'payment',
      startedAt: rome(at),
      endedAt: null,
      outcome: 'resolved' as const,
      source: 'census_crowd',
      externalId: `crowd-${channel}-${at}-${n}`,
    });
    const monday = crowd.slice(0, 1500);
    const tuesday = crowd.slice(1100, 1700);
    const shop = crowd.slice(1690, 1710);
    const { interactions } = createPostgresStores(storage.db);
    await interactions.recordMany([
      ...monday.map((c) => contact(c.id, 'web', '2026-07-06T10:00', c.index)),
      ...tuesday.map((c) => contact(c.id, 'web', '2026-07-07T11:00', c.index)),
      ...shop.map((c) => contact(c.id, 'shop', '2026-07-07T12:00', c.index)),
    ]);

    // The estimate HyperLogLog gives for these customers, worked out here from their ids: the
    // first 8 hex digits of the md5 of the id, 4,096 registers by the hash's low 12 bits, each
    // keeping the most leading zeros (plus one) of the other 20.
    const estimateOf = (ids: string[]) => {
      const registers = new Uint8Array(4096);
      for (const id of ids) {
        const hash = parseInt(createHash('md5').update(id).digest('hex').slice(0, 8), 16);
        const rest = (hash >>> 12).toString(2).padStart(20, '0');
        const rank = rest.includes('1') ? rest.indexOf('1') + 1 : 21;
        registers[hash & 4095] = Math.max(registers[hash & 4095]!, rank);
      }
      const zeros = registers.filter((r) => r === 0).length;
      const raw = ((0.7213 / (1 + 1.079 / 4096)) * 4096 * 4096) / registers.reduce((n, r) => n + 2 ** -r, 0);
      return Math.round(raw <= 2.5 * 4096 && zeros > 0 ? 4096 * Math.log(4096 / zeros) : raw);
    };
    const web = crowd.slice(0, 1700).map((c) => c.id);

    const result = await census({ from: '2026-07-06', to: '2026-07-07' });
    expect(result.reach).toEqual({ exact: false, relativeStandardError: 1.04 / 64 });
    expect(result.channels.map((c) => [c.channel, c.contacts, c.customers])).toEqual([
      ['web', 2100, estimateOf(web)],
      ['shop', 20, 20],
    ]);
    expect(result.totals.customers).toBe(estimateOf(crowd.map((c) => c.id)));
    // Within three standard errors of the customers there are.
    expect(Math.abs(estimateOf(web) - 1700)).toBeLessThanOrEqual(3 * (1.04 / 64) * 1700);
    expect(Math.abs(result.totals.customers - 1710)).toBeLessThanOrEqual(3 * (1.04 / 64) * 1710);

    // Tuesday alone keeps its hashes: counted exactly.
    const alone = await census({ from: '2026-07-07', to: '2026-07-07' });
    expect(alone.reach.exact).toBe(true);
    expect(alone.totals.customers).toBe(610);
    expect(alone.channels.map((c) => [c.channel, c.customers])).toEqual([
      ['web', 600],
      ['shop', 20],
    ]);
  });

  it('writes a census table as CSV with a header row, one line per row and no next channel as none', async () => {
    const result = await census({ from: '2026-03-02', to: '2026-05-10' });
    const lines = censusCsv(result, 'transitions').split('\r\n');
    expect(lines[0]).toBe('from,to,contacts');
    expect(lines.slice(1, -1)).toEqual(
      result.transitions.map((t) => `${t.from},${t.to ?? 'none'},${t.contacts}`),
    );
    expect(lines.at(-1)).toBe('');
  });
});

describe('census CSV', () => {
  const filter = CensusFilter.parse({ from: '2026-03-02', to: '2026-03-08' });
  const empty: Census = {
    filter,
    totals: { contacts: 0, customers: 0, anonymousContacts: 0 },
    reach: { exact: true, relativeStandardError: 0 },
    channels: [],
    heatmap: [],
    reasons: [],
    weekly: [],
    transitions: [],
    steps: [],
    liveChat: null,
  };

  it('quotes fields holding commas, quotes or line breaks and doubles the quotes', () => {
    const csv = censusCsv(
      {
        ...empty,
        reasons: [
          { channel: 'web', reason: 'plain', contacts: 1 },
          { channel: 'a,b', reason: 'say "hi"', contacts: 2 },
          { channel: 'line\nbreak', reason: 'cr\rhere', contacts: 3 },
        ],
      },
      'reasons',
    );
    expect(csv).toBe(
      'channel,reason,contacts\r\nweb,plain,1\r\n"a,b","say ""hi""",2\r\n"line\nbreak","cr\rhere",3\r\n',
    );
  });

  it('leaves the average handle time empty when no contact has an end time', () => {
    const csv = censusCsv(
      {
        ...empty,
        channels: [
          { channel: 'web', contacts: 3, customers: 2, timedContacts: 0, averageHandleSeconds: null },
          { channel: 'shop', contacts: 1, customers: 1, timedContacts: 1, averageHandleSeconds: 90.5 },
        ],
      },
      'channels',
    );
    expect(csv).toBe(
      'channel,contacts,customers,timedContacts,averageHandleSeconds\r\nweb,3,2,0,\r\nshop,1,1,1,90.5\r\n',
    );
  });

  it('writes only the header for an empty table', () => {
    expect(censusCsv(empty, 'steps')).toBe('step,channel,contacts\r\n');
  });
});
