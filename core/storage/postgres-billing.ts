import { sql, type Kysely, type Selectable } from 'kysely';
import {
  BillInput,
  PaymentInput,
  type Bill,
  type BillLine,
  type Billing,
  type Comparables,
  type Payment,
} from '../billing.ts';
import { parseInput } from '../validation.ts';
import { invalidInput, notFound } from '../errors.ts';
import { translating } from './database-errors.ts';
import type { BillsTable, Database, PaymentsTable } from './schema.ts';
import { executeKept } from './kept-plans.ts';

type BillRow = Selectable<BillsTable> & { paid_cents: number | null };
type ComparedBillRow = BillRow & { previous: BillRow | null; year_ago: BillRow | null };

/** The asked bill's dates a year before (29 February's is the 28th). */
const yearBefore = sql`cross join lateral (select (asked.period_start - interval '1 year')::date as year_ago_start,
  (asked.period_end - interval '1 year')::date as year_ago_end) as year_before`;

/** A customer's bills and payments as the billing store and the customer's context read them. */
export function billReads(db: Kysely<Database>) {
  const billsWithPaid = () =>
    db
      .selectFrom('bills')
      .selectAll('bills')
      .select((eb) =>
        eb
          .selectFrom('payments')
          .select(sql<number>`coalesce(sum(amount_cents), 0)::int`.as('paid'))
          .whereRef('payments.bill_id', '=', 'bills.id')
          .as('paid_cents'),
      );
  /** A customer's bills with something still to pay. */
  const openBillsOf = (customerId: string) =>
    db
      .selectFrom(billsWithPaid().where('bills.customer_id', '=', customerId).as('b'))
      .selectAll()
      .where('b.cancelled', '=', false)
      .whereRef('b.paid_cents', '<', 'b.amount_cents');
  // A bill's comparables, for the bill named `asked` (its account and period) in the statement
  // around them, beside `yearBefore`.
  const comparable = (which: string) =>
    billsWithPaid()
      .select(sql.lit(which).as('which'))
      .where('bills.cancelled', '=', false)
      .where(sql<boolean>`bills.account_id = asked.account_id`);
  const previous = comparable('previous')
    .where(sql<boolean>`bills.period_end < asked.period_start`)
    .orderBy('bills.period_end', 'desc')
    .limit(1);
  // The bill whose period covers the same dates one year earlier.
  const yearAgo = comparable('year_ago')
    .where(sql<boolean>`bills.period_start <= year_before.year_ago_end`)
    .where(sql<boolean>`bills.period_end >= year_before.year_ago_start`)
    .orderBy(sql`abs(bills.period_start - year_before.year_ago_start)`)
    .limit(1);
  return {
    billsWithPaid,
    openBillsOf,
    previous,
    yearAgo,
    /** The open bills, oldest due first, each with its comparables as JSON (see `toComparedBill`). */
    openBillsCompared: (customerId: string) =>
      sql<ComparedBillRow>`
        select asked.*, (select to_json(p) from (${previous}) p) as previous,
          (select to_json(y) from (${yearAgo}) y) as year_ago
        from (${openBillsOf(customerId)}) asked ${yearBefore}
        order by asked.due_on`,
    /** Newest first. */
    payments: (customerId: string, limit: number) =>
      db
        .selectFrom('payments')
        .selectAll()
        .where('customer_id', '=', customerId)
        .orderBy('paid_at', 'desc')
        .limit(limit),
  };
}

export function createPostgresBilling(db: Kysely<Database>, newId: () => string): Billing {
  const { billsWithPaid, openBillsOf, previous, yearAgo, payments: paymentsOf } = billReads(db);

  return {
    async issueBill(input) {
      const bill = parseInput(BillInput, input, 'bill');
      const account = await db
        .selectFrom('accounts')
        .select(['id', 'customer_id'])
        .where('id', '=', bill.accountId)
        .executeTakeFirst();
      if (!account) throw notFound('account', bill.accountId);
      const id = newId();
      await translating(
        'bill',
        () =>
          db
            .insertInto('bills')
            .values({
              id,
              account_id: account.id,
              customer_id: account.customer_id,
              number: bill.number,
              period_start: bill.periodStart,
              period_end: bill.periodEnd,
              issued_on: bill.issuedOn,
              due_on: bill.dueOn,
              currency: bill.currency,
              amount_cents: bill.lines.reduce((total, line) => total + line.amountCents, 0),
              consumption_quantity: bill.consumption?.quantity ?? null,
              consumption_unit: bill.consumption?.unit ?? null,
              lines: JSON.stringify(bill.lines),
              cancelled: bill.cancelled,
            })
            .execute(),
        { bills_number_key: `a bill numbered ${bill.number} already exists` },
      );
      return (await this.bill(id)) as Bill;
    },

    async bill(id) {
      const row = await billsWithPaid().where('bills.id', '=', id).executeTakeFirst();
      return row && toBill(row);
    },

    async bills(customerId, options = {}) {
      let q = billsWithPaid().where('bills.customer_id', '=', customerId);
      if (options.accountId) q = q.where('bills.account_id', '=', options.accountId);
      const rows = await executeKept(db, q.orderBy('bills.period_end', 'desc').limit(options.limit ?? 24));
      return rows.map(toBill);
    },

    async openBills(customerId) {
      const rows = await executeKept(db, openBillsOf(customerId).orderBy('b.due_on'));
      return rows.map(toBill);
    },

    async comparables(bills) {
      if (bills.length === 0) return [];
      // Every bill's two comparables in one statement: a voice turn asks for several at once.
      const rows = await executeKept(
        db,
        sql<BillRow & { which: string; n: number }>`
        select asked.n, found.*
        from unnest(
          ${bills.map((b) => b.accountId)}::uuid[],
          ${bills.map((b) => b.periodStart)}::date[],
          ${bills.map((b) => b.periodEnd)}::date[]
        ) with ordinality as asked (account_id, period_start, period_end, n)
        ${yearBefore}
        cross join lateral (${previous} union all ${yearAgo}) as found`,
      );
      return bills.map((_, i) => {
        const found = (which: string) => {
          const row = rows.find((r) => r.n === i + 1 && r.which === which);
          return row && toBill(row);
        };
        return { previous: found('previous'), yearAgo: found('year_ago') };
      });
    },

    async recordPayment(input) {
      const payment = parseInput(PaymentInput, input, 'payment');
      if (payment.billId) {
        const bill = await db
          .selectFrom('bills')
          .select('customer_id')
          .where('id', '=', payment.billId)
          .executeTakeFirst();
        if (!bill) throw notFound('bill', payment.billId);
        if (bill.customer_id !== payment.customerId) {
          throw invalidInput(`bill ${payment.billId} belongs to another customer`, [
            { path: 'billId', message: 'belongs to another customer' },
          ]);
        }
      }
      const row = await translating(
        'payment',
        () =>
          db
            .insertInto('payments')
            .values({
              id: newId(),
              customer_id: payment.customerId,
              bill_id: payment.billId,
              amount_cents: payment.amountCents,
              paid_at: payment.paidAt,
              method: payment.method,
              channel: payment.channel,
              reference: payment.reference,
            })
            .returningAll()
            .executeTakeFirstOrThrow(),
        { payments_reference: `a payment with the reference ${payment.reference} is already recorded` },
      );
      return toPayment(row);
    },

    async payments(customerId, options = {}) {
      const rows = await executeKept(db, paymentsOf(customerId, options.limit ?? 50));
      return rows.map(toPayment);
    },

    async lastPayment(customerId) {
      const row = await db
        .selectFrom('payments')
        .selectAll('payments')
        .select((eb) =>
          eb
            .selectFrom('bills')
            .select('bills.account_id')
            .whereRef('bills.id', '=', 'payments.bill_id')
            .as('bill_account_id'),
        )
        .where('payments.customer_id', '=', customerId)
        .orderBy('payments.paid_at', 'desc')
        .limit(1)
        .executeTakeFirst();
      return row && { ...toPayment(row), accountId: row.bill_account_id ?? null };
    },
  };
}

/** An open bill with its comparables, from `billReads(db).openBillsCompared`. */
export function toComparedBill(row: ComparedBillRow): Bill & Comparables {
  return {
    ...toBill(row),
    previous: row.previous ? toBill(row.previous) : undefined,
    yearAgo: row.year_ago ? toBill(row.year_ago) : undefined,
  };
}

function toBill(row: BillRow): Bill {
  return {
    id: row.id,
    accountId: row.account_id,
    customerId: row.customer_id,
    number: row.number,
    periodStart: row.period_start,
    periodEnd: row.period_end,
    issuedOn: row.issued_on,
    dueOn: row.due_on,
    currency: 'EUR',
    amountCents: row.amount_cents,
    consumption:
      row.consumption_quantity === null || row.consumption_unit === null
        ? null
        : {
            quantity: Number(row.consumption_quantity),
            unit: row.consumption_unit as Bill['lines'][number]['unit'] & string,
          },
    lines: row.lines as BillLine[],
    cancelled: row.cancelled,
    paidCents: row.paid_cents ?? 0,
  };
}

export function toPayment(row: Selectable<PaymentsTable>): Payment {
  return {
    id: row.id,
    customerId: row.customer_id,
    billId: row.bill_id,
    amountCents: row.amount_cents,
    paidAt: row.paid_at,
    method: row.method as Payment['method'],
    channel: row.channel,
    reference: row.reference,
  };
}
