import { sql, type Expression, type Kysely } from 'kysely';
import type { CustomerContextReads } from '../customer-context.ts';
import type { Database } from './schema.ts';
import { executeKept } from './kept-plans.ts';
import { customerReads, toAccount, toConsent, toCustomer } from './postgres-customer-directory.ts';
import { billReads, toComparedBill, toPayment } from './postgres-billing.ts';
import { toAppointment, upcomingAppointmentsOf } from './postgres-advisor-roster.ts';
import { latestContactsOf, toInteraction } from './postgres-interaction-log.ts';

// A customer's context in one statement: each part is the read its own store makes, its rows as
// JSON, so that a request sends one statement instead of seven side by side. Each statement
// costs the app a write to the server's socket and a wake-up of a server process; on a 2-core
// machine those, not the reads, were most of a context's time.

/** Rows as JSON give instants as text: these columns become dates again, as the driver gives them. */
const instants = {
  customers: ['created_at'],
  consents: ['given_at'],
  payments: ['paid_at'],
  appointments: ['starts_at', 'ends_at', 'created_at'],
  interactions: ['started_at', 'ended_at'],
} as const;

function revived<T>(row: Record<string, unknown>, columns: readonly string[]): T {
  for (const column of columns) {
    const value = row[column];
    if (typeof value === 'string') row[column] = new Date(value);
  }
  return row as T;
}

/** The rows of a read, in its order, as a JSON array. */
const rowsOf = (read: Expression<unknown>) =>
  sql`(select coalesce(json_agg(r), '[]'::json) from (${read}) r)`;

type Row = Record<string, unknown>;

export function createPostgresCustomerContextReads(db: Kysely<Database>): CustomerContextReads {
  const customer = customerReads(db);
  const bills = billReads(db);
  return {
    async read(customerId, { now, payments, interactions }) {
      const [row] = await executeKept(
        db,
        sql<{
          profile: Row | null;
          consents: Row[];
          accounts: Row[];
          open_bills: Row[];
          payments: Row[];
          appointments: Row[];
          interactions: Row[];
        }>`select
          (select to_json(r) from (${customer.profile(customerId)}) r) as profile,
          ${rowsOf(customer.consents(customerId))} as consents,
          ${rowsOf(customer.accounts(customerId))} as accounts,
          ${rowsOf(bills.openBillsCompared(customerId))} as open_bills,
          ${rowsOf(bills.payments(customerId, payments))} as payments,
          ${rowsOf(upcomingAppointmentsOf(db, customerId, now))} as appointments,
          ${rowsOf(latestContactsOf(db, customerId, { limit: interactions }))} as interactions`,
      );
      if (!row?.profile) return undefined;
      return {
        profile: toCustomer(revived(row.profile, instants.customers)),
        consentHistory: row.consents.map((r) => toConsent(revived(r, instants.consents))),
        accounts: row.accounts.map((r) => toAccount(revived(r, []))),
        openBills: row.open_bills.map((r) => toComparedBill(revived(r, []))),
        recentPayments: row.payments.map((r) => toPayment(revived(r, instants.payments))),
        upcomingAppointments: row.appointments.map((r) => toAppointment(revived(r, instants.appointments))),
        recentInteractions: row.interactions.map((r) => toInteraction(revived(r, instants.interactions))),
      };
    },
  };
}
