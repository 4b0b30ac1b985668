import { accountKinds, type Account, type AccountKind } from './customers.ts';
import {
  balance,
  compareBill,
  type Balance,
  type Bill,
  type BillComparison,
  type Comparables,
} from './billing.ts';

/** One of a customer's supplies (an account), as a customer tells them apart. */
export interface Supply {
  accountId: string;
  kind: AccountKind;
  /** The street and number, without postcode and town: how people name their homes. */
  street: string;
  /** The customer has another supply of the same kind: only the street tells them apart. */
  sharesKind: boolean;
}

/** The customer's supplies, electricity first, then gas, water, phone and internet; by street within a kind. */
export function suppliesOf(accounts: readonly Account[]): Supply[] {
  const count = (kind: AccountKind) => accounts.filter((a) => a.kind === kind).length;
  return accounts
    .map((a) => ({
      accountId: a.id,
      kind: a.kind,
      street: a.supplyAddress.split(',')[0]?.trim() ?? a.supplyAddress,
      sharesKind: count(a.kind) > 1,
    }))
    .sort(
      (a, b) =>
        accountKinds.indexOf(a.kind) - accountKinds.indexOf(b.kind) || a.street.localeCompare(b.street),
    );
}

/** The latest bill of each supply (cancelled ones aside), in the order of the supplies. */
export function latestBills(supplies: readonly Supply[], bills: readonly Bill[]): Bill[] {
  return supplies.flatMap((supply) => {
    const own = bills.filter((b) => b.accountId === supply.accountId && !b.cancelled);
    const latest = own.sort(
      (a, b) => b.issuedOn.localeCompare(a.issuedOn) || b.periodEnd.localeCompare(a.periodEnd),
    )[0];
    return latest ? [latest] : [];
  });
}

/** A latest bill against its predecessors. */
export interface BillChange {
  bill: Bill;
  comparison: BillComparison;
}

/**
 * Which of the latest bills rose against the previous one, the largest rise first; bills with
 * nothing to compare with, or that did not rise, are left out.
 */
export function risenBills(changes: readonly BillChange[]): BillChange[] {
  return changes
    .filter((c) => (c.comparison.amount.vsPrevious?.delta ?? 0) > 0)
    .sort(
      (a, b) => (b.comparison.amount.vsPrevious?.delta ?? 0) - (a.comparison.amount.vsPrevious?.delta ?? 0),
    );
}

/** Compares each bill with the bills `comparables` finds for it. */
export async function billChanges(
  bills: readonly Bill[],
  comparables: (bills: readonly Bill[]) => Promise<Comparables[]>,
): Promise<BillChange[]> {
  const found = await comparables(bills);
  return bills.map((bill, i) => ({
    bill,
    comparison: compareBill(bill, found[i]?.previous, found[i]?.yearAgo),
  }));
}

/** How a bill was found for a month or a day: issued then, or covering it. */
export type BillReading = 'issued' | 'covering';

/**
 * The bill of one supply a date points at: for a month (`2026-03`) or a day, the bill issued
 * then; when none was, the one whose period covers it (for a month, its 15th). Undefined when
 * the date names none.
 */
export function billForDate(
  bills: readonly Bill[],
  date: string,
): { bill: Bill; reading: BillReading } | undefined {
  if (!/^\d{4}-\d{2}(-\d{2})?$/.test(date)) return undefined;
  const current = bills.filter((b) => !b.cancelled);
  const issued = current.find((b) => b.issuedOn.startsWith(date));
  if (issued) return { bill: issued, reading: 'issued' };
  const day = date.length === 7 ? `${date}-15` : date;
  const covering = current.find((b) => b.periodStart <= day && day <= b.periodEnd);
  return covering && { bill: covering, reading: 'covering' };
}

/** What is owed on each supply that has something open, in the order of the supplies. */
export function balanceBySupply(
  supplies: readonly Supply[],
  openBills: readonly Bill[],
  today: string,
): { supply: Supply; balance: Balance }[] {
  return supplies
    .map((supply) => ({
      supply,
      balance: balance(
        openBills.filter((b) => b.accountId === supply.accountId),
        today,
      ),
    }))
    .filter(({ balance: owed }) => owed.owedCents > 0);
}
