import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DateTime } from 'luxon';
import { createPostgresStores, type StorageHandle } from '../../core/index.ts';
import { CensusFilter, censusCsv, type Census } from '../../core/evidence.ts';
import { createPostgresCensusSource } from '../../core/storage/postgres-census.ts';
import { formatCensus } from '../../app/cli-pilots.ts';
import { channelsPanel, totalsPanel } from '../../app/web/census-volume-panels.ts';
import { channelNames } from '../../app/web/format.ts';
import { openTestDatabase } from '../support/database.ts';
import { seededRandom } from '../support/simulate.ts';

// 2,000 customers who each called once on Friday 20 November 2026, and 25 anonymous calls that
// day: more than 1,024 customers in a day, so the census estimates them. The customers' ids are
// chosen (a seeded generator) so that HyperLogLog's estimate of them is 2,034, above the 2,000
// calls of known customers. On Monday 23 November 12 of them wrote an e-mail: counted exactly.

function seededIds(seed: number, count: number): string[] {
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => random.uuid());
}

const firstNames = ['Giulia', 'Marco', 'Chiara', 'Luca', 'Francesca', 'Matteo', 'Sara', 'Alessandro'];
const lastNames = ['Rossi', 'Bianchi', 'Esposito', 'Romano', 'Colombo', 'Ricci', 'Marino', 'Greco'];

let storage: StorageHandle;
let census: (filter: { from: string; to: string }) => Promise<Census>;
const ids = seededIds(8, 2000);

beforeAll(async () => {
  storage = await openTestDatabase();
  await storage.db
    .insertInto('customers')
    .values(
      ids.map((id, i) => ({
        id,
        first_name: firstNames[i % firstNames.length]!,
        last_name: `${lastNames[i % lastNames.length]!} ${i}`,
        locale: 'it-IT',
        segment: 'residential',
      })),
    )
    .execute();
  const at = (iso: string) => DateTime.fromISO(iso, { zone: 'Europe/Rome' }).toJSDate();
  const call = (customerId: string | null, n: number) => ({
    customerId,
    channel: 'call_centre',
    touchpoint: 'agent',
    direction: 'inbound' as const,
    reason: 'general_enquiry',
    startedAt: at(`2026-11-20T${String(8 + (n % 10)).padStart(2, '0')}:${String(n % 60).padStart(2, '0')}`),
    endedAt: null,
    outcome: 'resolved' as const,
    source: 'centralino',
    externalId: `CH${String(n).padStart(7, '0')}`,
  });
  const { interactions } = createPostgresStores(storage.db);
  await interactions.recordMany([
    ...ids.map((id, n) => call(id, n)),
    ...Array.from({ length: 25 }, (_, n) => call(null, 2000 + n)),
    ...ids.slice(0, 12).map((id, n) => ({
      ...call(id, 3000 + n),
      channel: 'email',
      touchpoint: 'inbox',
      startedAt: at(`2026-11-23T09:${String(n).padStart(2, '0')}`),
    })),
  ]);
  const source = createPostgresCensusSource(storage.db);
  census = (filter) => source.compute(CensusFilter.parse(filter));
}, 120_000);

afterAll(async () => {
  await storage?.close();
});

describe('a census of more than 1,024 customers a day', () => {
  it('never estimates more customers than the contacts of known customers, in the API, the CSV, the CLI and the page', async () => {
    const result = await census({ from: '2026-11-20', to: '2026-11-20' });
    expect(result.reach).toEqual({ exact: false, relativeStandardError: 1.04 / 64 });
    expect(result.totals).toEqual({ contacts: 2025, customers: 2000, anonymousContacts: 25 });
    expect(result.channels.map((c) => [c.channel, c.contacts, c.customers])).toEqual([
      ['call_centre', 2025, 2000],
    ]);
    // The stored rows behind it: 2,000 calls of distinct known customers.
    const stored = await storage.db
      .selectFrom('interactions')
      .select((eb) => [
        eb.fn.countAll<string>().as('calls'),
        eb.fn.count<string>('customer_id').distinct().as('customers'),
      ])
      .where('channel', '=', 'call_centre')
      .executeTakeFirstOrThrow();
    expect([Number(stored.calls), Number(stored.customers)]).toEqual([2025, 2000]);

    expect(censusCsv(result, 'channels').split('\r\n')[1]).toBe('call_centre,2025,2000,0,');

    const printed = formatCensus(result).split('\n');
    expect(printed[1]).toBe('2025 contacts from ≈2000 customers (1.00 each), 25 anonymous');
    expect(printed[2]).toBe('≈ customers estimated (more than 1,024 a day): ±1.6% relative standard error');
    expect(printed.find((line) => line.startsWith('call_centre'))).toMatch(
      /^call_centre\s+2025\s+100\.0%\s+≈2000\s/,
    );

    const page =
      String(totalsPanel(result)) +
      String(channelsPanel(result, result.channels, () => '#', channelNames([])));
    const text = page.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
    expect(text).toContain('Unique customers (estimate) ≈2,000');
    expect(text).toContain(
      'estimated (≈) once a day has more than 1,024 of them: ±1.6% relative standard error',
    );
    // Every customer figure on the page is the capped estimate.
    expect(new Set(text.match(/≈[\d,]+/g))).toEqual(new Set(['≈2,000']));
  });

  it('shows a day counted exactly without any estimate mark', async () => {
    const result = await census({ from: '2026-11-23', to: '2026-11-23' });
    expect(result.reach.exact).toBe(true);
    expect(result.totals.customers).toBe(12);
    expect(formatCensus(result)).not.toContain('≈');
    const page =
      String(totalsPanel(result)) +
      String(channelsPanel(result, result.channels, () => '#', channelNames([])));
    expect(page).not.toContain('≈');
    expect(page).not.toContain('estimate');
  });
});
