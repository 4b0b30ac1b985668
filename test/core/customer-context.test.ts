import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createCustomerContext,
  consentsInForce,
  createPostgresStores,
  type CustomerContext,
  type StorageHandle,
} from '../../core/index.ts';
import { databaseKind, openTestDatabase } from '../support/database.ts';
import { statementCounter } from '../support/statement-count.ts';
import { consultationFor } from '../support/fixtures.ts';
import { HOUSEHOLD_NOW, threeSuppliesBologna, type Household } from '../support/households.ts';

let storage: StorageHandle;
let context: CustomerContext;
let household: Household;
let stores: ReturnType<typeof createPostgresStores>;
const statements = statementCounter();

beforeAll(async () => {
  storage = await openTestDatabase();
  const clock = { now: () => HOUSEHOLD_NOW };
  stores = createPostgresStores(storage.db.withPlugin(statements.plugin), { clock });
  household = await threeSuppliesBologna(stores);
  context = createCustomerContext({ ...stores, clock });
});

afterAll(async () => {
  await storage?.close();
});

describe(`the customer context on the ${databaseKind} database`, () => {
  it('compares each open bill of a three-supply household with its own supply’s bills, in one statement', async () => {
    statements.count = 0;
    const view = await context.get(household.customer.id);
    expect(statements.count).toBe(1);
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

  it('gives each part as its own store reads it: instants as dates, newest or soonest first', async () => {
    const customer = household.customer;
    const hour = 3_600_000;
    const now = HOUSEHOLD_NOW.getTime();
    // A consultation tomorrow and one last week (over: not upcoming).
    await consultationFor(stores, {
      customer,
      startsAt: new Date(now + 24 * hour),
      endsAt: new Date(now + 24.5 * hour),
    });
    await consultationFor(stores, {
      customer,
      startsAt: new Date(now - 170 * hour),
      endsAt: new Date(now - 169.5 * hour),
    });
    // Two calls about the same bill a week apart (the second has a previous contact), and a chat
    // still going (no end).
    const contact = (hoursAgo: number, channel: string, ended: boolean) => ({
      customerId: customer.id,
      channel,
      touchpoint: 'agent',
      direction: 'inbound' as const,
      reason: 'bill_explanation',
      startedAt: new Date(now - hoursAgo * hour),
      endedAt: ended ? new Date(now - hoursAgo * hour + 420_000) : null,
      outcome: ended ? ('resolved' as const) : ('continued' as const),
      source: 'contact_centre',
    });
    await stores.interactions.recordMany([
      contact(200, 'call_centre', true),
      contact(30, 'call_centre', true),
      contact(1, 'chat', false),
    ]);
    const view = await context.get(customer.id);
    const own = {
      profile: await stores.customers.get(customer.id),
      consents: consentsInForce(await stores.customers.consents(customer.id)),
      accounts: await stores.customers.accounts(customer.id),
      payments: await stores.billing.payments(customer.id, { limit: 10 }),
      appointments: await stores.advisors.upcomingAppointments(customer.id, HOUSEHOLD_NOW),
      contacts: await stores.interactions.forCustomer(customer.id, { limit: 20 }),
    };
    expect(view.profile).toEqual(own.profile);
    expect(view.profile.createdAt).toBeInstanceOf(Date);
    expect(view.accounts).toEqual(own.accounts);
    expect(view.consents).toEqual(own.consents);
    expect(view.consents.length).toBeGreaterThan(0);
    expect(view.recentPayments).toEqual(own.payments);
    expect(view.recentPayments.length).toBeGreaterThan(0);
    expect(view.upcomingAppointments).toEqual(own.appointments);
    expect(view.upcomingAppointments).toHaveLength(1);
    expect(view.upcomingAppointments[0]!.startsAt).toEqual(new Date(now + 24 * hour));
    expect(view.recentInteractions).toEqual(own.contacts);
    expect(view.recentInteractions.map((i) => [i.channel, i.endedAt === null])).toEqual([
      ['chat', true],
      ['call_centre', false],
      ['call_centre', false],
    ]);
    expect(view.recentInteractions[1]!.startedAt).toBeInstanceOf(Date);
  });

  it('answers not_found for an unknown customer', async () => {
    await expect(context.get('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({
      code: 'not_found',
    });
  });
});
