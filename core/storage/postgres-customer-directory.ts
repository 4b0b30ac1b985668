import { sql, type Kysely, type Selectable } from 'kysely';
import {
  AccountInput,
  ConsentInput,
  CustomerInput,
  CustomerUpdate,
  type Account,
  type Consent,
  type Customer,
  type CustomerDirectory,
} from '../customers.ts';
import { parseInput } from '../validation.ts';
import { notFound } from '../errors.ts';
import { translating } from './database-errors.ts';
import type { AccountsTable, ConsentsTable, CustomersTable, Database } from './schema.ts';
import { executeKept } from './kept-plans.ts';

export function createPostgresCustomerDirectory(
  db: Kysely<Database>,
  newId: () => string,
): CustomerDirectory {
  const reads = customerReads(db);
  return {
    async create(input) {
      const customer = parseInput(CustomerInput, input, 'customer');
      const id = newId();
      return translating('customer', () =>
        db.transaction().execute(async (trx) => {
          const row = await trx
            .insertInto('customers')
            .values({ ...customerRow(customer), id })
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

    async createMany(inputs) {
      const parsed = inputs.map((input, index) => ({
        ...parseInput(CustomerInput, input, `customer [${index}]`),
        reference: input.reference,
        id: newId(),
      }));
      if (parsed.length === 0) return [];
      const sources = [...new Set(parsed.map((c) => c.reference.source))].join(', ');
      return translating(
        'customer',
        () =>
          db.transaction().execute(async (trx) => {
            const rows = await trx
              .insertInto('customers')
              .values(
                parsed.map((c) => ({
                  ...customerRow(c),
                  id: c.id,
                  source: c.reference.source,
                  external_ref: c.reference.ref,
                })),
              )
              .returningAll()
              .execute();
            const consents = parsed.flatMap((c) =>
              c.consents.map((consent) => consentRow(newId(), c.id, consent)),
            );
            if (consents.length > 0) await trx.insertInto('consents').values(consents).execute();
            return rows.map(toCustomer);
          }),
        {
          customers_reference: {
            detail: `a customer with one of these codes of ${sources} is already stored (another import stored it meanwhile)`,
            hint: 'Import the file again: customers already stored are updated, not added twice.',
          },
        },
      );
    },

    async refreshStatistics() {
      await translating('statistics', () => sql`analyze customers, consents`.execute(db));
    },

    async byReference(source, refs) {
      const found = new Map<string, Customer>();
      const wanted = [...new Set(refs)];
      if (wanted.length === 0) return found;
      const rows = await db
        .selectFrom('customers')
        .selectAll()
        .where('source', '=', source)
        .where('external_ref', '=', sql<string>`any(${wanted}::text[])`)
        .execute();
      for (const row of rows) found.set(row.external_ref as string, toCustomer(row));
      return found;
    },

    async update(id, input) {
      const change = parseInput(CustomerUpdate, input, 'customer change');
      const row = await translating('customer', () =>
        db
          .updateTable('customers')
          .set(customerRow(change))
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirst(),
      );
      if (!row) throw notFound('customer', id);
      return toCustomer(row);
    },

    async consentHistories(customerIds) {
      const histories = new Map<string, Consent[]>();
      if (customerIds.length === 0) return histories;
      const rows = await db
        .selectFrom('consents')
        .selectAll()
        .where('customer_id', '=', sql<string>`any(${[...new Set(customerIds)]}::uuid[])`)
        .orderBy('given_at')
        .execute();
      for (const row of rows) {
        const history = histories.get(row.customer_id) ?? [];
        history.push(toConsent(row));
        histories.set(row.customer_id, history);
      }
      return histories;
    },

    async get(id) {
      const [row] = await executeKept(db, reads.profile(id));
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
        // Names as people type them: "della pieta" finds Della Pietà.
        const plain = `%${folded(term).replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        const name = (first: string, second: string) =>
          sql`translate(lower(${sql.ref(first)} || ' ' || ${sql.ref(second)}), ${ACCENTED}, ${PLAIN})`;
        q = q.where((eb) =>
          eb.or([
            eb(name('first_name', 'last_name'), 'like', plain),
            eb(name('last_name', 'first_name'), 'like', plain),
            eb(sql`lower(email)`, 'like', like),
            eb('phone', 'like', like),
            // The code the customer's own system knows them by (a CRM's), as imports name them.
            eb(sql`lower(external_ref)`, '=', term.toLowerCase()),
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
      const rows = await executeKept(db, reads.consents(customerId));
      return rows.map(toConsent);
    },

    async addAccount(input) {
      const account = parseInput(AccountInput, input, 'account');
      await mustExist(db, account.customerId);
      const row = await translating(
        'account',
        () =>
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
        { accounts_number_key: `an account numbered ${account.number} already exists` },
      );
      return toAccount(row);
    },

    async accounts(customerId) {
      const rows = await executeKept(db, reads.accounts(customerId));
      return rows.map(toAccount);
    },
  };
}

async function mustExist(db: Kysely<Database>, customerId: string): Promise<void> {
  const found = await db.selectFrom('customers').select('id').where('id', '=', customerId).executeTakeFirst();
  if (!found) throw notFound('customer', customerId);
}

/** The columns of the fields given (all of them for a new customer, the changed ones for an update). */
/** Letters with accents and the same letters without: names are searched without regard to them. */
const ACCENTED = 'àáâãäåèéêëìíîïòóôõöùúûüýÿçñÀÁÂÃÄÅÈÉÊËÌÍÎÏÒÓÔÕÖÙÚÛÜÝÇÑ';
const PLAIN = 'aaaaaaeeeeiiiiooooouuuuyycnaaaaaaeeeeiiiiooooouuuuycn';

/** Text lowered and without its accents, as the search compares names (the same as its SQL). */
function folded(text: string): string {
  return [...text.toLowerCase()].map((c) => PLAIN[ACCENTED.indexOf(c)] ?? c).join('');
}

function customerRow<T extends CustomerUpdate>(c: T) {
  const row = {
    first_name: c.firstName,
    last_name: c.lastName,
    locale: c.locale,
    phone: c.phone,
    email: c.email,
    segment: c.segment,
    preferred_medium: c.preferredMedium,
  };
  return Object.fromEntries(Object.entries(row).filter(([, value]) => value !== undefined)) as {
    [K in keyof typeof row]: T extends CustomerInput ? Exclude<(typeof row)[K], undefined> : (typeof row)[K];
  };
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

/** A customer's own records as the directory and the customer's context read them. */
export const customerReads = (db: Kysely<Database>) => ({
  profile: (id: string) => db.selectFrom('customers').selectAll().where('id', '=', id),
  /** Oldest first. */
  consents: (customerId: string) =>
    db.selectFrom('consents').selectAll().where('customer_id', '=', customerId).orderBy('given_at'),
  accounts: (customerId: string) =>
    db.selectFrom('accounts').selectAll().where('customer_id', '=', customerId).orderBy('started_on'),
});

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

export function toConsent(row: Selectable<ConsentsTable>): Consent {
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

export function toAccount(row: Selectable<AccountsTable>): Account {
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
