// Contacts written through the interaction log (journey placement and the census rollups kept in
// the same transaction), then the census read from the rollups: a year, one day, and a year with
// transitions within 30 days, beside one plain `group by channel` over the same log.
//
//   node bin/run-ts.mjs bench/rollups.ts [--contacts 200000] [--customers 3000] [--batch 2000]
//
// On the embedded database in a temporary folder (or the PostgreSQL server DATABASE_URL names:
// use an empty database). Contacts arrive in time order, spread evenly over the year before
// today, each for one of the customers at random, on one of three channels and six reasons.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { DateTime } from 'luxon';
import { createPostgresStores, openDatabase } from '../core/index.ts';
import { REFERENCE_ZONE } from '../core/clock.ts';
import { censusTimings } from './census-timings.ts';

const { values } = parseArgs({
  options: {
    contacts: { type: 'string', default: '200000' },
    customers: { type: 'string', default: '3000' },
    batch: { type: 'string', default: '2000' },
  },
});
const contacts = Number(values.contacts);
const customerCount = Number(values.customers);
const batchSize = Number(values.batch);

const url = process.env.DATABASE_URL;
const dataDir = url ? null : mkdtempSync(join(tmpdir(), 'channel-pilot-rollups-bench-'));
const handle = await openDatabase(
  dataDir ? { kind: 'embedded', dataDir } : { kind: 'postgres', url: url as string },
);
try {
  const stores = createPostgresStores(handle.db);
  const customers: string[] = [];
  for (let i = 0; i < customerCount; i += 1000) {
    const { rows } = await sql<{ id: string }>`
      insert into customers (id, first_name, last_name, locale, segment)
      select gen_random_uuid(), 'Bench', 'Customer ' || n, 'it-IT', (array['family','senior','young','business'])[1 + n % 4]
      from generate_series(${i}::int, ${Math.min(customerCount, i + 1000) - 1}::int) n
      returning id`.execute(handle.db);
    customers.push(...rows.map((r) => r.id));
  }
  const channels = ['call_centre', 'web', 'email'];
  for (const code of channels) {
    await sql`insert into channels (code, name, kind, touchpoints) values (${code}, ${code}, 'existing', '[]')
      on conflict do nothing`.execute(handle.db);
  }
  const reasons = ['bill_explanation', 'payment', 'moving', 'outage', 'meter_reading', 'complaint'];
  const today = DateTime.now().setZone(REFERENCE_ZONE).startOf('day');
  const start = today.minus({ years: 1 }).toMillis();
  const span = today.toMillis() - start;
  // A fixed sequence, so that runs compare.
  let state = 1;
  const random = () => (state = (state * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)] as T;

  const writeStart = performance.now();
  for (let i = 0; i < contacts; i += batchSize) {
    const batch = [];
    for (let j = i; j < Math.min(contacts, i + batchSize); j++) {
      const at = new Date(start + Math.floor((j / contacts) * span));
      batch.push({
        customerId: pick(customers),
        channel: pick(channels),
        touchpoint: 'bench',
        direction: 'inbound' as const,
        reason: pick(reasons),
        startedAt: at,
        endedAt: new Date(at.getTime() + 300_000),
        outcome: 'resolved' as const,
        source: 'bench',
        externalId: `bench-${j}`,
      });
    }
    await stores.interactions.recordMany(batch);
  }
  const writeSeconds = (performance.now() - writeStart) / 1000;
  console.log(
    `rollups [${handle.kind}]: ${contacts.toLocaleString('en-US')} contacts of ${customerCount.toLocaleString('en-US')} customers ` +
      `written through the log in batches of ${batchSize}: ${writeSeconds.toFixed(1)} s, ${Math.round(contacts / writeSeconds).toLocaleString('en-US')} rows/s`,
  );

  for (const line of await censusTimings(
    handle,
    today,
    `${contacts.toLocaleString('en-US')} contacts of ${customerCount.toLocaleString('en-US')} customers`,
    'written through the log',
  ))
    console.log(line);
} finally {
  await handle.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}
