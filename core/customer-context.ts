import type { Account, Consent, Customer } from './customers.ts';
import { consentsInForce, reachableMedia } from './customers.ts';
import type { Balance, Bill, BillComparison, Comparables, Payment } from './billing.ts';
import { balance, billStatus, compareBill, type BillStatus } from './billing.ts';
import type { Appointment } from './advisors.ts';
import type { Interaction } from './interactions.ts';
import { calendarDate, type Clock } from './clock.ts';
import { notFound } from './errors.ts';
import type { ContactMedium } from './vocabulary.ts';

/** Everything an advisor or a channel needs to know about a customer, in one read. */
export interface CustomerContextView {
  profile: Customer;
  consents: Consent[];
  reachableMedia: ContactMedium[];
  accounts: Account[];
  balance: Balance;
  openBills: (Bill & { status: BillStatus; comparison: BillComparison })[];
  recentPayments: Payment[];
  upcomingAppointments: Appointment[];
  recentInteractions: Interaction[];
}

/** What a customer's context is made of, as stored. */
export interface CustomerContextRecords {
  profile: Customer;
  /** The whole consent history, oldest first. */
  consentHistory: Consent[];
  accounts: Account[];
  /** Bills with something still to pay, oldest due first, each with its comparables. */
  openBills: (Bill & Comparables)[];
  /** Newest first. */
  recentPayments: Payment[];
  /** Not over yet, booked or under way, soonest first. */
  upcomingAppointments: Appointment[];
  /** Newest first. */
  recentInteractions: Interaction[];
}

/** Port: a customer's records for their context, read together (in one statement on PostgreSQL). */
export interface CustomerContextReads {
  /** Undefined for an unknown customer. */
  read(
    customerId: string,
    options: { now: Date; payments: number; interactions: number },
  ): Promise<CustomerContextRecords | undefined>;
}

export interface CustomerContext {
  /** Fails with `not_found` for an unknown customer. */
  get(customerId: string): Promise<CustomerContextView>;
}

export function createCustomerContext(options: {
  contextReads: CustomerContextReads;
  clock: Clock;
  recentLimit?: number;
}): CustomerContext {
  const { contextReads, clock } = options;
  const recentLimit = options.recentLimit ?? 20;
  return {
    async get(customerId) {
      const now = clock.now();
      const today = calendarDate(now);
      const records = await contextReads.read(customerId, { now, payments: 10, interactions: recentLimit });
      if (!records) throw notFound('customer', customerId);
      const { profile, consentHistory, recentPayments, upcomingAppointments, recentInteractions } = records;
      const openBills = records.openBills.map(({ previous, yearAgo, ...bill }) => ({
        ...bill,
        status: billStatus(bill, today),
        comparison: compareBill(bill, previous, yearAgo),
      }));
      return {
        profile,
        consents: consentsInForce(consentHistory),
        reachableMedia: reachableMedia(profile, consentHistory),
        accounts: records.accounts,
        balance: balance(openBills, today),
        openBills,
        recentPayments,
        upcomingAppointments,
        recentInteractions,
      };
    },
  };
}
