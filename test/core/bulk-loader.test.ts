import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresStores, type Payment, type StorageHandle, type Stores } from '../../core/index.ts';
import {
  createPostgresBulkLoader,
  type BillRecord,
  type BulkLoader,
  type CustomerRecord,
} from '../../core/imports.ts';
import { openTestDatabase } from '../support/database.ts';

let storage: StorageHandle;
let stores: Stores;
let bulk: BulkLoader;

// A household in Bologna with electricity and gas, as a CRM export gives it: a line break in the
// address, a tab pasted into the tariff's name, a backslash in a meter note.
const rossi: CustomerRecord = (() => {
  const id = randomUUID();
  return {
    customer: {
      id,
      firstName: 'Niccolò',
      lastName: "D'Alessandro",
      locale: 'it-IT',
      phone: '+39 347 812 5531',
      email: 'niccolo.dalessandro@libero.it',
      segment: 'family',
      preferredMedium: 'email',
      createdAt: new Date('2024-02-14T09:12:44Z'),
    },
    consents: [
      {
        id: randomUUID(),
        customerId: id,
        purpose: 'data_processing',
        medium: null,
        granted: true,
        givenAt: new Date('2024-02-14T09:12:44Z'),
        source: 'paper_form',
      },
      {
        id: randomUUID(),
        customerId: id,
        purpose: 'contact',
        medium: 'sms',
        granted: false,
        givenAt: new Date('2024-02-14T09:13:02Z'),
        source: 'paper_form',
      },
    ],
    accounts: [
      {
        id: randomUUID(),
        customerId: id,
        number: 'EL-BO-0048213',
        kind: 'electricity',
        supplyAddress: 'Via Saragozza 112\nscala B, int. 7, 40135 Bologna',
        tariff: 'Luce Casa\tMonoraria',
        startedOn: '2024-03-01',
        closedOn: null,
      },
      {
        id: randomUUID(),
        customerId: id,
        number: 'GS-BO-0031977',
        kind: 'gas',
        supplyAddress: 'Via Saragozza 112\nscala B, int. 7, 40135 Bologna',
        tariff: 'Gas Casa Variabile',
        startedOn: '2024-03-01',
        closedOn: '2026-01-31',
      },
    ],
  };
})();
const [electricity, gas] = rossi.accounts as [CustomerRecord['accounts'][0], CustomerRecord['accounts'][0]];

function bill(account: typeof electricity, number: string, lines: BillRecord['lines']): BillRecord {
  return {
    id: randomUUID(),
    accountId: account.id,
    customerId: account.customerId,
    number,
    periodStart: '2026-01-01',
    periodEnd: '2026-02-28',
    issuedOn: '2026-03-09',
    dueOn: '2026-03-29',
    currency: 'EUR',
    amountCents: lines.reduce((sum, line) => sum + line.amountCents, 0),
    consumption: account.kind === 'gas' ? { quantity: 312, unit: 'Smc' } : { quantity: 421.5, unit: 'kWh' },
    lines,
    cancelled: false,
  };
}

// Issued the same day for both supplies; the electricity one went out wrong and was cancelled.
const electricityBill = bill(electricity, '2026-EL-00081234', [
  {
    code: 'energy',
    description: 'Spesa per la materia energia',
    amountCents: 5691,
    quantity: 421.5,
    unit: 'kWh',
  },
  {
    code: 'adjustment',
    description: 'Ricalcoli per conguaglio letture\nlettura stimata 12/01 \\ effettiva 28/02',
    amountCents: -412,
    quantity: null,
    unit: null,
  },
  { code: 'vat', description: 'IVA 10%', amountCents: 528, quantity: null, unit: null },
]);
const cancelled = { ...electricityBill, cancelled: true };
const corrected = { ...bill(electricity, '2026-EL-00081234-R', electricityBill.lines), id: randomUUID() };
const gasBill = bill(gas, '2026-GS-00081235', [
  {
    code: 'energy',
    description: 'Spesa per la materia gas naturale',
    amountCents: 17472,
    quantity: 312,
    unit: 'Smc',
  },
  {
    code: 'taxes',
    description: 'Imposte (accise e addizionale regionale)',
    amountCents: 6084,
    quantity: null,
    unit: null,
  },
  { code: 'vat', description: 'IVA 10% e 22%', amountCents: 3690, quantity: null, unit: null },
]);

async function count(table: 'customers' | 'consents' | 'accounts' | 'bills' | 'payments'): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(
    storage.db,
  );
  return rows[0]!.n;
}

beforeAll(async () => {
  storage = await openTestDatabase();
  stores = createPostgresStores(storage.db);
  bulk = createPostgresBulkLoader(storage);
  expect(await bulk.customers([rossi])).toBe(1);
  expect(await bulk.bills([cancelled, corrected, gasBill])).toBe(3);
});

afterAll(async () => {
  await storage?.close();
});

describe('the bulk loader', () => {
  it('stores a customer with consents and accounts as given, line breaks, tabs and backslashes in their text included', async () => {
    expect(await stores.customers.get(rossi.customer.id)).toEqual(rossi.customer);
    expect(await stores.customers.consents(rossi.customer.id)).toEqual(rossi.consents);
    const accounts = await stores.customers.accounts(rossi.customer.id);
    expect([...accounts].sort((a, b) => a.number.localeCompare(b.number))).toEqual(rossi.accounts);
  });

  it('stores bills with their lines and consumption as given, a cancelled one beside its correction of the same day', async () => {
    const stored = await stores.billing.bills(rossi.customer.id);
    expect(stored.map((b) => b.number).sort()).toEqual([
      '2026-EL-00081234',
      '2026-EL-00081234-R',
      '2026-GS-00081235',
    ]);
    for (const expected of [cancelled, corrected, gasBill])
      expect(stored.find((b) => b.id === expected.id)).toEqual({ ...expected, paidCents: 0 });
  });

  it('stores payments against a bill and on account, with the provider reference of a card payment', async () => {
    const payments: Payment[] = [
      {
        id: randomUUID(),
        customerId: rossi.customer.id,
        billId: gasBill.id,
        amountCents: 20000,
        paidAt: new Date('2026-03-27T18:40:12Z'),
        method: 'card',
        channel: 'web',
        reference: 'pi_3QxT9kLm2024BoRossi',
      },
      {
        id: randomUUID(),
        customerId: rossi.customer.id,
        billId: null,
        amountCents: 7246,
        paidAt: new Date('2026-04-02T08:05:00Z'),
        method: 'postal_slip',
        channel: 'post_office',
        reference: null,
      },
    ];
    expect(await bulk.payments(payments)).toBe(2);
    const stored = await stores.billing.payments(rossi.customer.id);
    expect([...stored].sort((a, b) => a.paidAt.getTime() - b.paidAt.getTime())).toEqual(payments);
    expect((await stores.billing.bill(gasBill.id))?.paidCents).toBe(20000);
  });

  it('gives the planner the row counts of the tables it filled, which it has none of until then', async () => {
    const tables = ['customers', 'consents', 'accounts', 'bills', 'payments'];
    const counts = async () => {
      const { rows } = await sql<{ table: string; estimated: number; stored: number }>`
        select c.relname as table, c.reltuples::int as estimated,
          (xpath('/row/n/text()', query_to_xml(format('select count(*) as n from %I', c.relname), false, true, '')))[1]::text::int as stored
        from pg_class c where c.relname = any(${tables}) and c.relkind = 'r'`.execute(storage.db);
      return rows;
    };
    expect((await counts()).some((r) => r.estimated !== r.stored)).toBe(true);
    await bulk.analyze();
    const after = await counts();
    expect(after.map((r) => r.table).sort()).toEqual([...tables].sort());
    for (const row of after) expect(row.estimated, row.table).toBe(row.stored);
    expect(after.find((r) => r.table === 'payments')!.stored).toBeGreaterThan(0);
  });

  it("refuses a bill whose amount is not the sum of its lines, naming it, and stores none of the call's bills", async () => {
    const before = await count('bills');
    const good = bill(gas, '2026-GS-00090001', gasBill.lines);
    const wrong = { ...bill(gas, '2026-GS-00090002', gasBill.lines), amountCents: 27000 };
    await expect(bulk.bills([good, wrong])).rejects.toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining('2026-GS-00090002'),
      issues: [{ path: '[1].amountCents' }],
    });
    expect(await count('bills')).toBe(before);
  });

  it('refuses bills when one past the first ten thousand names an account that does not exist, and keeps none of them', async () => {
    const before = await count('bills');
    const many = Array.from({ length: 10_000 }, (_, i) =>
      bill(electricity, `2025-EL-${String(i + 1).padStart(8, '0')}`, electricityBill.lines),
    );
    const stray = {
      ...bill(electricity, '2025-EL-99999999', electricityBill.lines),
      accountId: randomUUID(),
    };
    await expect(bulk.bills([...many, stray])).rejects.toMatchObject({
      code: 'not_found',
      message: expect.stringContaining(stray.accountId),
    });
    expect(await count('bills')).toBe(before);
  });

  it('refuses a bill number already stored as a conflict, keeping the stored bill', async () => {
    const again = bill(gas, gasBill.number, gasBill.lines);
    await expect(bulk.bills([again])).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringContaining(gasBill.number),
    });
    expect((await stores.billing.bill(gasBill.id))?.number).toBe(gasBill.number);
    expect(await stores.billing.bill(again.id)).toBeUndefined();
  });

  it('refuses customers when one has a language the database does not hold, keeping neither them nor their consents and accounts', async () => {
    const before = await Promise.all((['customers', 'consents', 'accounts'] as const).map(count));
    const smith: CustomerRecord = {
      customer: {
        ...rossi.customer,
        id: randomUUID(),
        firstName: 'Margaret',
        lastName: 'Smith',
        locale: 'en-US',
        email: 'maggie.smith@gmail.com',
      },
      consents: [],
      accounts: [{ ...electricity, id: randomUUID(), number: 'EL-BO-0050001' }],
    };
    smith.accounts = [{ ...smith.accounts[0]!, customerId: smith.customer.id }];
    const french = {
      ...smith,
      customer: { ...smith.customer, id: randomUUID(), locale: 'fr-FR' as never },
      accounts: [],
    };
    await expect(bulk.customers([smith, french])).rejects.toMatchObject({ code: 'invalid_input' });
    expect(await Promise.all((['customers', 'consents', 'accounts'] as const).map(count))).toEqual(before);
  });
});
