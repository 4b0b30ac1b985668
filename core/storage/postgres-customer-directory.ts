import { sql, type Kysely, type Selectable } from 'kysely';
import {
  AccountInput,
  ConsentInput,
  CustomerInput,
  type Account,
  type Consent,
  type Customer,
  type CustomerDirectory,
} from '../customers.ts';
import { parseInput } from '../validation.ts';
import { notFound } from '../errors.ts';
import { translating } from './database-errors.ts';
import type { AccountsTable, ConsentsTable, CustomersTable, Database } from './schema.ts';

export function createPostgresCustomerDirectory(
  db: Kysely<Database>,
  newId: () => string,
): CustomerDirectory {
  return {
    async create(input) {
      const customer = parseInput(CustomerInput, input, 'customer');
      const id = newId();
      return translating('customer', () =>
        db.transaction().execute(async (trx) => {
          const row = await trx
            .insertInto('customers')
            .values({
              id,
              first_name: customer.firstName,
              last_name: customer.lastName,
              locale: customer.locale,
              phone: customer.phone,
              email: customer.email,
              segment: customer.segment,
              preferred_medium: customer.preferredMedium,
            })
            .returningAll()
            .executeTakeFirstOrThrow();
          if (customer.consents.length > 0) {
            await trx
              .insertInto('consents')
              .values(customer.consents.map((c) => consentRow(newId(), id, c)))
              .execute();
          }
          return toCustomer(row);
        }),
      );
    },

    async get(id) {
      const row = await db.selectFrom('customers').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toCustomer(row);
    },

    async known(ids) {
      const valid = [...new Set(ids)].filter((id) => /^[0-9a-f-]{36}$/i.test(id));
      if (valid.length === 0) return new Set();
      const rows = await db.selectFrom('customers').select('id').where('id', 'in', valid).execute();
      return new Set(rows.map((row) => row.id));
    },

    async search({ query, segment, limit, offset }) {
      let q = db.selectFrom('customers');
      if (segment) q = q.where('segment', '=', segment);
      const term = query?.trim();
      if (term) {
        const like = `%${term.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        q = q.where((eb) =>
          eb.or([
            eb(sql`lower(first_name || ' ' || last_name)`, 'like', like),
            eb(sql`lower(last_name || ' ' || first_name)`, 'like', like),
            eb(sql`lower(email)`, 'like', like),
            eb('phone', 'like', like),
            eb.exists(
              eb
                .selectFrom('accounts')
                .select(sql`1`.as('one'))
                .whereRef('accounts.customer_id', '=', 'customers.id')
                .where(sql`lower(accounts.number)`, '=', term.toLowerCase()),
            ),
            eb.exists(
              eb
                .selectFrom('bills')
                .select(sql`1`.as('one'))
                .whereRef('bills.customer_id', '=', 'customers.id')
                .where(sql`lower(bills.number)`, '=', term.toLowerCase()),
            ),
          ]),
        );
      }
      const { total } = await q.select(sql<number>`count(*)::int`.as('total')).executeTakeFirstOrThrow();
      const rows = await q
        .selectAll('customers')
        .orderBy('last_name')
        .orderBy('first_name')
        .orderBy('id')
        .limit(limit)
        .offset(offset)
        .execute();
      return { customers: rows.map(toCustomer), total };
    },

    async recordConsent(customerId, input) {
      const consent = parseInput(ConsentInput, input, 'consent');
      await mustExist(db, customerId);
      const row = await translating('consent', () =>
        db
          .insertInto('consents')
          .values(consentRow(newId(), customerId, consent))
          .returningAll()
          .executeTakeFirstOrThrow(),
      );
      return toConsent(row);
    },

    async consents(customerId) {
      const rows = await db
        .selectFrom('consents')
        .selectAll()
        .where('customer_id', '=', customerId)
        .orderBy('given_at')
        .execute();
      return rows.map(toConsent);
    },

    async addAccount(input) {
      const account = parseInput(AccountInput, input, 'account');
      await mustExist(db, account.customerId);
      const row = await translating('account', () =>
        db
          .insertInto('accounts')
          .values({
            id: newId(),
            customer_id: account.customerId,
            number: account.number,
            kind: account.kind,
            supply_address: account.supplyAddress,
            tariff: account.tariff,
            started_on: account.startedOn,
            closed_on: account.closedOn,
          })
          .returningAll()
          .executeTakeFirstOrThrow(),
      );
      return toAccount(row);
    },

    async accounts(customerId) {
      const rows = await db
        .selectFrom('accounts')
        .selectAll()
        .where('customer_id', '=', customerId)
        .orderBy('started_on')
        .execute();
      return rows.map(toAccount);
    },
  };
}

async function mustExist(db: Kysely<Database>, customerId: string): Promise<void> {
  const found = await db.selectFrom('customers').select('id').where('id', '=', customerId).executeTakeFirst();
  if (!found) throw notFound('customer', customerId);
}

function consentRow(id: string, customerId: string, c: ConsentInput) {
  return {
    id,
    customer_id: customerId,
    purpose: c.purpose,
    medium: c.medium,
    granted: c.granted,
    given_at: c.givenAt,
    source: c.source,
  };
}

export function toCustomer(row: Selectable<CustomersTable>): Customer {
  return {
    id: row.id,
    firstName: row.first_name,
    lastName: row.last_name,
    locale: row.locale as Customer['locale'],
    phone: row.phone,
    email: row.email,
    segment: row.segment as Customer['segment'],
    preferredMedium: row.preferred_medium as Customer['preferredMedium'],
    createdAt: row.created_at,
  };
}

function toConsent(row: Selectable<ConsentsTable>): Consent {
  return {
    id: row.id,
    customerId: row.customer_id,
    purpose: row.purpose as Consent['purpose'],
    medium: row.medium as Consent['medium'],
    granted: row.granted,
    givenAt: row.given_at,
    source: row.source as Consent['source'],
  };
}

function toAccount(row: Selectable<AccountsTable>): Account {
  return {
    id: row.id,
    customerId: row.customer_id,
    number: row.number,
    kind: row.kind as Account['kind'],
    supplyAddress: row.supply_address,
    tariff: row.tariff,
    startedOn: row.started_on,
    closedOn: row.closed_on,
  };
}
