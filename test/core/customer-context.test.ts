import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCustomerContext,
  createPostgresStores,
  type CustomerContext,
  type StorageHandle,
} from '../../core/index.ts';
import { databaseKind, openTestDatabase } from '../support/database.ts';
import { statementCounter } from '../support/statement-count.ts';
import { HOUSEHOLD_NOW, threeSuppliesBologna, type Household } from '../support/households.ts';

let storage: StorageHandle;
let context: CustomerContext;
let household: Household;
const statements = statementCounter();

beforeAll(async () => {
  storage = await openTestDatabase();
  const clock = { now: () => HOUSEHOLD_NOW };
  const stores = createPostgresStores(storage.db.withPlugin(statements.plugin), { clock });
  household = await threeSuppliesBologna(stores);
  context = createCustomerContext({ ...stores, clock });
});

afterAll(async () => {
  await storage?.close();
});

describe(`the customer context on the ${databaseKind} database`, () => {
  it('compares each open bill of a three-supply household with its own supply’s bills, in seven statements', async () => {
    statements.count = 0;
    const view = await context.get(household.customer.id);
    // profile, consents, accounts, open bills with their comparables, payments, appointments, contacts.
    expect(statements.count).toBeLessThanOrEqual(7);
    const open = Object.entries(household.bills)
      .map(([supply, bills]) => ({ supply, bills, latest: bills.at(-1)! }))
      .filter(({ latest }) => latest.paidCents < latest.amountCents);
    expect(open.length).toBeGreaterThanOrEqual(2);
    expect(view.openBills.map((b) => b.id).sort()).toEqual(open.map((o) => o.latest.id).sort());
    for (const { supply, bills, latest } of open) {
      const shown = view.openBills.find((b) => b.id === latest.id)!;
      expect(shown.accountId, supply).toBe(household.accounts[supply]!.id);
      // The bill before it and the one a year before it, of the same supply (oldest first in the data).
      expect(shown.comparison.against, supply).toEqual({ previous: bills[1]!.id, yearAgo: bills[0]!.id });
    }
    expect(view.accounts).toHaveLength(3);
  });

  it('answers not_found for an unknown customer', async () => {
    await expect(context.get('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({
      code: 'not_found',
    });
  });
});
