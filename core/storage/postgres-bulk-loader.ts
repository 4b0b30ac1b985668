import { sql, type Kysely } from 'kysely';
import type { Account, Consent, Customer } from '../customers.ts';
import type { Bill, Payment } from '../billing.ts';
import { invalidInput } from '../errors.ts';
import { translating } from './database-errors.ts';
import type { Database } from './schema.ts';

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
}

// Rows per statement: one array parameter per column keeps the statement small whatever the count.
const CHUNK = 5000;

export function createPostgresBulkLoader(db: Kysely<Database>): BulkLoader {
  return {
    async customers(rows) {
      const consents = rows.flatMap((r) => r.consents);
      const accounts = rows.flatMap((r) => r.accounts);
      await translating('customers', () =>
        db.transaction().execute(async (trx) => {
          await inChunks(
            rows.map((r) => r.customer),
            (c) =>
              sql`
              insert into customers (id, first_name, last_name, locale, phone, email, segment, preferred_medium, created_at)
              select * from unnest(
                ${column(c, (x) => x.id)}::uuid[], ${column(c, (x) => x.firstName)}::text[],
                ${column(c, (x) => x.lastName)}::text[], ${column(c, (x) => x.locale)}::text[],
                ${column(c, (x) => x.phone)}::text[], ${column(c, (x) => x.email)}::text[],
                ${column(c, (x) => x.segment)}::text[], ${column(c, (x) => x.preferredMedium)}::text[],
                ${column(c, (x) => x.createdAt)}::timestamptz[])`.execute(trx),
          );
          await inChunks(consents, (c) =>
            sql`
              insert into consents (id, customer_id, purpose, medium, granted, given_at, source)
              select * from unnest(
                ${column(c, (x) => x.id)}::uuid[], ${column(c, (x) => x.customerId)}::uuid[],
                ${column(c, (x) => x.purpose)}::text[], ${column(c, (x) => x.medium)}::text[],
                ${column(c, (x) => x.granted)}::boolean[], ${column(c, (x) => x.givenAt)}::timestamptz[],
                ${column(c, (x) => x.source)}::text[])`.execute(trx),
          );
          await inChunks(accounts, (a) =>
            sql`
              insert into accounts (id, customer_id, number, kind, supply_address, tariff, started_on, closed_on)
              select * from unnest(
                ${column(a, (x) => x.id)}::uuid[], ${column(a, (x) => x.customerId)}::uuid[],
                ${column(a, (x) => x.number)}::text[], ${column(a, (x) => x.kind)}::text[],
                ${column(a, (x) => x.supplyAddress)}::text[], ${column(a, (x) => x.tariff)}::text[],
                ${column(a, (x) => x.startedOn)}::date[], ${column(a, (x) => x.closedOn)}::date[])`.execute(
              trx,
            ),
          );
        }),
      );
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
      await translating('bills', () =>
        db.transaction().execute((trx) =>
          inChunks(
            rows,
            // The lines travel as one JSON document matched up by position: parsing one document is
            // several times faster than parsing an array literal of JSON strings.
            (b) =>
              sql`
              insert into bills (id, account_id, customer_id, number, period_start, period_end, issued_on, due_on,
                currency, amount_cents, consumption_quantity, consumption_unit, lines, cancelled)
              select b.id, b.account_id, b.customer_id, b.number, b.period_start, b.period_end, b.issued_on, b.due_on,
                b.currency, b.amount_cents, b.consumption_quantity, b.consumption_unit, l.lines, b.cancelled
              from unnest(
                ${column(b, (x) => x.id)}::uuid[], ${column(b, (x) => x.accountId)}::uuid[],
                ${column(b, (x) => x.customerId)}::uuid[], ${column(b, (x) => x.number)}::text[],
                ${column(b, (x) => x.periodStart)}::date[], ${column(b, (x) => x.periodEnd)}::date[],
                ${column(b, (x) => x.issuedOn)}::date[], ${column(b, (x) => x.dueOn)}::date[],
                ${column(b, (x) => x.currency)}::text[], ${column(b, (x) => x.amountCents)}::int[],
                ${column(b, (x) => x.consumption?.quantity ?? null)}::numeric[],
                ${column(b, (x) => x.consumption?.unit ?? null)}::text[], ${column(b, (x) => x.cancelled)}::boolean[]
              ) with ordinality as b(id, account_id, customer_id, number, period_start, period_end, issued_on, due_on,
                currency, amount_cents, consumption_quantity, consumption_unit, cancelled, n)
              join jsonb_array_elements(${JSON.stringify(b.map((x) => x.lines))}::jsonb) with ordinality as l(lines, n)
                using (n)`.execute(trx),
          ),
        ),
      );
      return rows.length;
    },

    async payments(rows) {
      await translating('payments', () =>
        db.transaction().execute((trx) =>
          inChunks(rows, (p) =>
            sql`
              insert into payments (id, customer_id, bill_id, amount_cents, paid_at, method, channel)
              select * from unnest(
                ${column(p, (x) => x.id)}::uuid[], ${column(p, (x) => x.customerId)}::uuid[],
                ${column(p, (x) => x.billId)}::uuid[], ${column(p, (x) => x.amountCents)}::int[],
                ${column(p, (x) => x.paidAt)}::timestamptz[], ${column(p, (x) => x.method)}::text[],
                ${column(p, (x) => x.channel)}::text[])`.execute(trx),
          ),
        ),
      );
      return rows.length;
    },
  };
}

async function inChunks<T>(
  rows: readonly T[],
  insert: (chunk: readonly T[]) => Promise<unknown>,
): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) await insert(rows.slice(i, i + CHUNK));
}

function column<T, V>(rows: readonly T[], pick: (row: T) => V): V[] {
  return rows.map(pick);
}
