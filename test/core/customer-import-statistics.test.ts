import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { StorageHandle, Stores } from '../../core/index.ts';
import { importCustomers, plainProfile, type ImportRow } from '../../core/imports.ts';
import { databaseKind, withTestStores } from '../support/database.ts';
import { seededRandom } from '../support/simulate.ts';

// What the planner knows of the directory right after a customer import: the customers and
// consents it stored hold statistics at once, not when autovacuum reaches them a minute later.

const CUSTOMERS = 3_000;
const random = seededRandom(20261206);
const firstNames = ['Giulia', 'Marco', 'Anna', 'Luca', 'Chiara', 'Giuseppe', 'Francesca', 'Paolo'];
const lastNames = ['Rossi', 'Bianchi', 'Esposito', 'Ferrari', 'Romano', 'Colombo', 'Ricci', 'Marino'];
const rows: ImportRow[] = Array.from({ length: CUSTOMERS }, (_, i) => ({
  line: i + 2,
  fields: {
    customer_ref: `CRM-${String(400_000 + i)}`,
    first_name: random.pick(firstNames),
    last_name: random.pick(lastNames),
    segment: random.pick(['residential', 'residential', 'senior', 'small_business']),
    locale: random.pick(['italiano', 'it', 'en']),
    email: `cliente${i}@esempio.it`,
    consent_date: '03/11/2025',
    consent_email: random.pick(['sì', 'no']),
    consent_sms: random.pick(['si', 'no', '']),
  },
}));

let storage: StorageHandle;
let stores: Stores;

withTestStores((opened) => ({ storage, stores } = opened));

async function plannedRows(query: ReturnType<typeof sql>): Promise<number> {
  const { rows: plan } = await sql<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>`
    explain (format json) ${query}`.execute(storage.db);
  return plan[0]?.['QUERY PLAN'][0].Plan['Plan Rows'] ?? 0;
}

describe(`a customer import on the ${databaseKind} database`, () => {
  it("leaves the planner the customers' and consents' statistics", async () => {
    const summary = await importCustomers({
      rows: (async function* () {
        yield* rows;
      })(),
      profile: { ...plainProfile(), dateFormats: ['dd/MM/yyyy'] },
      source: 'crm',
      zone: 'Europe/Rome',
      customers: stores.customers,
      now: new Date('2026-12-06T10:00:00Z'),
    });
    expect(summary).toMatchObject({ read: CUSTOMERS, imported: CUSTOMERS, rejected: 0 });
    const { rows: stored } = await sql<{ customers: number; consents: number }>`
      select (select count(*) from customers where source = 'crm')::int as customers,
        (select count(*) from consents where medium = 'email')::int as consents`.execute(storage.db);
    expect(stored[0]).toEqual({ customers: CUSTOMERS, consents: CUSTOMERS });

    // Without statistics the planner takes an equality for half a percent of the table.
    const customers = await plannedRows(sql`select id from customers where source = 'crm'`);
    expect(customers).toBeGreaterThan(CUSTOMERS * 0.9);
    const consents = await plannedRows(sql`select id from consents where medium = 'email'`);
    expect(consents).toBeGreaterThan(CUSTOMERS * 0.9);
  });
});
