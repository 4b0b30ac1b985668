import type { Account, Consent, Customer, CustomerDirectory } from './customers.ts';
import { consentsInForce, reachableMedia } from './customers.ts';
import type { Balance, Bill, Billing, BillComparison, Payment } from './billing.ts';
import { balance, billStatus, compareBill, type BillStatus } from './billing.ts';
import type { AdvisorRoster, Appointment } from './advisors.ts';
import type { Interaction, InteractionLog } from './interactions.ts';
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

export interface CustomerContext {
  /** Fails with `not_found` for an unknown customer. */
  get(customerId: string): Promise<CustomerContextView>;
}

export function createCustomerContext(options: {
  customers: CustomerDirectory;
  billing: Billing;
  advisors: AdvisorRoster;
  interactions: InteractionLog;
  clock: Clock;
  recentLimit?: number;
}): CustomerContext {
  const { customers, billing, advisors, interactions, clock } = options;
  const recentLimit = options.recentLimit ?? 20;
  return {
    async get(customerId) {
      const now = clock.now();
      const today = calendarDate(now);
      // Side by side, the profile too (an unknown customer's other reads find nothing): each is
      // one indexed query on a connection of its own, the open bills with their comparables too.
      const [
        profile,
        consentHistory,
        accounts,
        openBills,
        recentPayments,
        upcomingAppointments,
        recentInteractions,
      ] = await Promise.all([
        customers.get(customerId),
        customers.consents(customerId),
        customers.accounts(customerId),
        billing.openBillsCompared(customerId).then((open) =>
          open.map(({ previous, yearAgo, ...bill }) => ({
            ...bill,
            status: billStatus(bill, today),
            comparison: compareBill(bill, previous, yearAgo),
          })),
        ),
        billing.payments(customerId, { limit: 10 }),
        advisors.upcomingAppointments(customerId, now),
        interactions.forCustomer(customerId, { limit: recentLimit }),
      ]);
      if (!profile) throw notFound('customer', customerId);
      return {
        profile,
        consents: consentsInForce(consentHistory),
        reachableMedia: reachableMedia(profile, consentHistory),
        accounts,
        balance: balance(openBills, today),
        openBills,
        recentPayments,
        upcomingAppointments,
        recentInteractions,
      };
    },
  };
}
