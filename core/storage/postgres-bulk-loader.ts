import pg from 'pg';
import type { Account, Consent, Customer } from '../customers.ts';
import type { Bill, Payment } from '../billing.ts';
import { invalidInput } from '../errors.ts';
import { translating } from './database-errors.ts';
import { copyIn, copyLine, type CopyValue } from './copy-lines.ts';
import { inOwnTransaction } from './own-session.ts';

/** A customer as recorded at sign-up, with the consent history and the accounts they hold. */
export interface CustomerRecord {
  customer: Customer;
  consents: readonly Consent[];
  accounts: readonly Account[];
}

/** A bill as issued. What has been paid against it is derived from the payments, so it is not part of it. */
export type BillRecord = Omit<Bill, 'paidCents'>;

/**
 * Port: stores many already-built records of the past at once (a demo dataset, an import), fast.
 *
 * Records carry their own ids and are written as given: only the database's constraints check
 * them (unique numbers, references, ranges), so build them from a trusted generator or validate
 * them first. Each call is one transaction: all of its rows are stored, or none.
 */
export interface BulkLoader {
  /** Stores customers with their consents and accounts; returns how many customers were added. */
  customers(rows: readonly CustomerRecord[]): Promise<number>;
  /** Stores bills whose `amountCents` is the sum of their lines; returns how many were added. */
  bills(rows: readonly BillRecord[]): Promise<number>;
  /** Stores payments (against a bill or on account); returns how many were added. */
  payments(rows: readonly Payment[]): Promise<number>;
  /**
   * Brings the planner's statistics of the tables it filled up to date, once the load is done.
   * Autovacuum would, a minute or more later; until then the planner guesses, and a customer's
   * context was planned afresh on every call (1.3 ms of planning for a read of under 1 ms).
   */
  analyze(): Promise<void>;
}

/** A table's columns in the order COPY reads them, each with how a record gives its value. */
interface CopyTable<T> {
  table: string;
  columns: Record<string, (row: T) => CopyValue>;
}

const customerTable: CopyTable<Customer> = {
  table: 'customers',
  columns: {
    id: (c) => c.id,
    first_name: (c) => c.firstName,
    last_name: (c) => c.lastName,
    locale: (c) => c.locale,
    phone: (c) => c.phone,
    email: (c) => c.email,
    segment: (c) => c.segment,
    preferred_medium: (c) => c.preferredMedium,
    created_at: (c) => c.createdAt,
  },
};
const consentTable: CopyTable<Consent> = {
  table: 'consents',
  columns: {
    id: (c) => c.id,
    customer_id: (c) => c.customerId,
    purpose: (c) => c.purpose,
    medium: (c) => c.medium,
    granted: (c) => c.granted,
    given_at: (c) => c.givenAt,
    source: (c) => c.source,
  },
};
const accountTable: CopyTable<Account> = {
  table: 'accounts',
  columns: {
    id: (a) => a.id,
    customer_id: (a) => a.customerId,
    number: (a) => a.number,
    kind: (a) => a.kind,
    supply_address: (a) => a.supplyAddress,
    tariff: (a) => a.tariff,
    started_on: (a) => a.startedOn,
    closed_on: (a) => a.closedOn,
  },
};
const billTable: CopyTable<BillRecord> = {
  table: 'bills',
  columns: {
    id: (b) => b.id,
    account_id: (b) => b.accountId,
    customer_id: (b) => b.customerId,
    number: (b) => b.number,
    period_start: (b) => b.periodStart,
    period_end: (b) => b.periodEnd,
    issued_on: (b) => b.issuedOn,
    due_on: (b) => b.dueOn,
    currency: (b) => b.currency,
    amount_cents: (b) => b.amountCents,
    consumption_quantity: (b) => b.consumption?.quantity,
    consumption_unit: (b) => b.consumption?.unit,
    lines: (b) => JSON.stringify(b.lines),
    cancelled: (b) => b.cancelled,
  },
};
const paymentTable: CopyTable<Payment> = {
  table: 'payments',
  columns: {
    id: (p) => p.id,
    customer_id: (p) => p.customerId,
    bill_id: (p) => p.billId,
    amount_cents: (p) => p.amountCents,
    paid_at: (p) => p.paidAt,
    method: (p) => p.method,
    channel: (p) => p.channel,
    reference: (p) => p.reference,
  },
};

/**
 * The bulk loader on PostgreSQL: each call holds a session of its own and writes its rows by COPY
 * (the database's constraints and indexes check them as they arrive), in one transaction.
 */
export function createPostgresBulkLoader(options: {
  /** The database's connection string. */
  url: string;
}): BulkLoader {
  /** Runs the copies in turn, in one transaction: all of their rows are stored, or none. */
  async function write(what: string, copies: readonly ((session: pg.Client) => Promise<void>)[]) {
    await translating(what, () =>
      inOwnTransaction(options.url, async (session) => {
        for (const copy of copies) await copy(session);
      }),
    );
  }

  return {
    async customers(rows) {
      await write('a customer, consent or account being loaded', [
        copyRows(
          customerTable,
          rows.map((r) => r.customer),
        ),
        copyRows(
          consentTable,
          rows.flatMap((r) => r.consents),
        ),
        copyRows(
          accountTable,
          rows.flatMap((r) => r.accounts),
        ),
      ]);
      return rows.length;
    },

    async bills(rows) {
      rows.forEach((bill, index) => {
        const total = bill.lines.reduce((sum, line) => sum + line.amountCents, 0);
        if (total !== bill.amountCents) {
          throw invalidInput(
            `bill [${index}] ${bill.number}: amountCents ${bill.amountCents} is not the sum of its lines (${total})`,
            [{ path: `[${index}].amountCents`, message: 'must be the sum of the lines' }],
          );
        }
      });
      await write('a bill being loaded', [copyRows(billTable, rows)]);
      return rows.length;
    },

    async payments(rows) {
      await write('a payment being loaded', [copyRows(paymentTable, rows)]);
      return rows.length;
    },

    async analyze() {
      const tables = [customerTable, consentTable, accountTable, billTable, paymentTable].map((t) => t.table);
      await translating('statistics', () =>
        inOwnTransaction(options.url, async (session) => {
          await session.query(`analyze ${tables.join(', ')}`);
        }),
      );
    },
  };
}

/** The COPY of the rows into their table, for a session to run. */
function copyRows<T>({ table, columns }: CopyTable<T>, rows: readonly T[]) {
  const picks = Object.values(columns);
  const statement = `copy ${table} (${Object.keys(columns).join(', ')}) from stdin`;
  // Lines are made as the copy reads them: a large call never holds them all.
  return (session: pg.Client) =>
    copyIn(
      session,
      statement,
      (function* () {
        for (const row of rows) yield copyLine(picks.map((pick) => pick(row)));
      })(),
    );
}
