// The census read at a size the write path would take long to fill: N contacts of C customers
// generated in SQL, placed as a first import's are (window functions: a contact continues its
// customer's journey for the same reason within 7 days; each settled contact's previous one for
// the same reason within 30) as the log is written, once; the rollups recomputed from the log
// in one pass (the property test shows them equal to those the triggers keep), then the census of
// a year and of one day.
//
//   node bin/run-ts.mjs bench/census-scale.ts [--contacts 10000000] [--customers 1000000]
//
// On the embedded database in a temporary folder (or the empty database DATABASE_URL names).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { DateTime } from 'luxon';
import { openDatabase } from '../core/index.ts';
import { REFERENCE_ZONE } from '../core/clock.ts';
import { DEFAULT_JOURNEY_WINDOW_DAYS } from '../core/interactions.ts';
import { recomputeRollups } from '../core/storage/census-rollup-sql.ts';
import { placedContacts, PLACED_COLUMNS } from '../core/storage/bulk-journeys-sql.ts';
import { censusTimings } from './census-timings.ts';

const { values } = parseArgs({
  options: {
    contacts: { type: 'string', default: '10000000' },
    customers: { type: 'string', default: '1000000' },
  },
});
const contacts = Number(values.contacts);
const customers = Number(values.customers);
const url = process.env.DATABASE_URL;
const dataDir = url ? null : mkdtempSync(join(tmpdir(), 'channel-pilot-census-scale-'));
const handle = await openDatabase(
  dataDir ? { kind: 'embedded', dataDir } : { kind: 'postgres', url: url as string },
);
const db = handle.db;
const seconds = (since: number) => ((performance.now() - since) / 1000).toFixed(0);
try {
  const today = DateTime.now().setZone(REFERENCE_ZONE).startOf('day');
  const start = today.minus({ years: 1 });
  const fill = performance.now();
  await sql`
    insert into customers (id, first_name, last_name, locale, segment)
    select md5('customer ' || n)::uuid, 'Scale', 'Customer ' || n, 'it-IT',
      (array['family','senior','young','business'])[1 + n % 4]
    from generate_series(1, ${customers}::int) n`.execute(db);
  for (const code of ['call_centre', 'web', 'email', 'shop'])
    await sql`insert into channels (code, name, kind, touchpoints) values (${code}, ${code}, 'existing', '[]')
      on conflict do nothing`.execute(db);
  await sql`select ensure_interaction_month(m) from generate_series(${start.toJSDate()}::timestamptz,
    ${today.plus({ months: 1 }).toJSDate()}::timestamptz, interval '1 month') m`.execute(db);
  // The rollups are recomputed once at the end rather than kept per statement.
  await sql`alter table interactions disable trigger user`.execute(db);
  // Deterministic pseudo-random picks from the row number (customers, channels, reasons, times),
  // staged into a table without indexes first, so that the log is written once, already placed
  // (placing it by an update afterwards wrote every row twice: 142 MB against 78 MB at 200,000).
  await sql`create unlogged table scale_raw (id uuid, customer_id uuid, channel text, touchpoint text,
    direction text, reason text, started_at timestamptz, ended_at timestamptz, outcome text,
    handoff_from_id uuid, source text, external_id text, details jsonb)`.execute(db);
  const chunk = 1_000_000;
  const span = today.toMillis() - start.toMillis();
  for (let from = 0; from < contacts; from += chunk) {
    const to = Math.min(contacts, from + chunk) - 1;
    await sql`
      insert into scale_raw
      select gen_random_uuid(), md5('customer ' || (1 + (h1 % ${customers}::bigint)))::uuid,
        (array['call_centre','call_centre','web','web','email','shop'])[1 + h2 % 6], 'scale', 'inbound',
        (array['bill_explanation','payment','moving','outage','meter_reading','complaint'])[1 + h3 % 6],
        t, t + interval '5 minutes', 'resolved', null, 'scale', 'scale-' || n, '{}'
      from (
        select n, ${start.toJSDate()}::timestamptz + (n::float8 / ${contacts}::float8) * ${span}::float8 * interval '1 millisecond' as t,
          abs(hashint8(n)) as h1, abs(hashint8(n + 7919)) as h2, abs(hashint8(n + 104729)) as h3
        from generate_series(${from}::bigint, ${to}::bigint) n) g`.execute(db);
  }
  const filled = seconds(fill);
  const place = performance.now();
  // Placed as a first import is (bulk-journeys-sql.ts): journeys within the window, steps, each
  // settled contact's previous one for the reason (all settle here).
  const columns = PLACED_COLUMNS.join(', ');
  await sql
    .raw(
      `
    set work_mem = '256MB';
    insert into interactions (${columns})
    select ${columns} from (${placedContacts('scale_raw', DEFAULT_JOURNEY_WINDOW_DAYS)}) placed;
    drop table scale_raw;`,
    )
    .execute(db);
  const placedIn = seconds(place);
  const roll = performance.now();
  await sql.raw(recomputeRollups()).execute(db);
  await sql`alter table interactions enable trigger user`.execute(db);
  await sql`vacuum analyze`.execute(db);
  const rolledIn = seconds(roll);
  const size = `${contacts.toLocaleString('en-US')} contacts of ${customers.toLocaleString('en-US')} customers`;
  console.log(
    `census at scale [${handle.kind}]: ${size} generated in ${filled} s, placed in ${placedIn} s, rollups recomputed in ${rolledIn} s`,
  );
  for (const line of await censusTimings(handle, today, size, 'generated, placed in bulk')) console.log(line);
  const { rows } = await sql<{ days: number; transitions: number; reach: number; log: string }>`
    select (select count(*)::int from census_days) as days, (select count(*)::int from census_transitions) as transitions,
      (select count(*)::int from census_reach) as reach,
      pg_size_pretty(sum(pg_total_relation_size(inhrelid))) as log
    from pg_inherits where inhparent = 'interactions'::regclass`.execute(db);
  const r = rows[0]!;
  console.log(
    `  rollup rows: ${r.days.toLocaleString('en-US')} days, ${r.transitions.toLocaleString('en-US')} transitions, ${r.reach.toLocaleString('en-US')} reach; the log with its indexes: ${r.log}`,
  );
} finally {
  await handle.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
}
