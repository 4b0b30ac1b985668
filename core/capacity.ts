import type { Capacity } from './scorecard.ts';

/** Before the pilot has shown its own rate, this share of the contacts it serves is assumed to move to it. */
export const ASSUMED_TAKE_UP = 0.2;
/** Demand or bookings above this share of the available hours raise a warning. */
export const CAPACITY_WARNING_SHARE = 0.8;
/** The pilot's own rate is used once it has run this long with this many contacts. */
const OBSERVED_AFTER = { weeks: 1, contacts: 20 };

export interface CapacityInput {
  staffed: boolean;
  /** Every advisor's working hours in a week, before the pilot's share is taken. */
  weeklyAdvisorHours: number;
  advisorShare: number;
  /** Customers in the pilot arm. */
  cohortSize: number;
  /** Customers the cohort could draw from (its segments): no cohort is larger. */
  eligiblePopulation: number;
  /** What the pilot has seen so far. */
  observed: { contacts: number; weeks: number; averageHandleSeconds: number | null };
  /** Contacts a customer of the cohort's segments makes each week for the reasons the pilot serves (census). */
  servedContactsPerCustomerWeek: number;
  /** How long a contact takes when none has been timed yet (a consultation slot). */
  defaultContactHours: number;
  /** Hours booked and bookable in the next 14 days (staffed channels). */
  next14Days: { bookedHours: number; bookableHours: number } | null;
}

/** Advisor hours against the demand the cohort brings, and the largest cohort they serve. */
export function assessCapacity(input: CapacityInput): Capacity {
  const observed =
    input.observed.weeks >= OBSERVED_AFTER.weeks &&
    input.observed.contacts >= OBSERVED_AFTER.contacts &&
    input.cohortSize > 0;
  const contactsPerCustomerWeek = observed
    ? input.observed.contacts / input.cohortSize / input.observed.weeks
    : input.servedContactsPerCustomerWeek * ASSUMED_TAKE_UP;
  const hoursPerContact =
    input.observed.averageHandleSeconds !== null
      ? input.observed.averageHandleSeconds / 3600
      : input.defaultContactHours;
  const demandHoursPerWeek = input.cohortSize * contactsPerCustomerWeek * hoursPerContact;
  const availableHoursPerWeek = input.staffed ? input.weeklyAdvisorHours * input.advisorShare : 0;
  const perCustomer = contactsPerCustomerWeek * hoursPerContact;
  const largestCohortByHours = !input.staffed
    ? null
    : perCustomer > 0
      ? Math.floor(availableHoursPerWeek / perCustomer)
      : null;
  // The hours may serve more customers than there are: the cohort cannot outgrow its population.
  const limitedByPopulation =
    largestCohortByHours !== null && largestCohortByHours > input.eligiblePopulation;
  const largestCohort = limitedByPopulation ? input.eligiblePopulation : largestCohortByHours;
  const bookedShareNext14Days =
    input.staffed && input.next14Days && input.next14Days.bookableHours > 0
      ? input.next14Days.bookedHours / input.next14Days.bookableHours
      : null;

  const warnings: string[] = [];
  const percent = (share: number) => `${Math.round(share * 100)}%`;
  if (input.staffed) {
    if (availableHoursPerWeek === 0) warnings.push('no advisor hours are available for the channel');
    else if (demandHoursPerWeek >= CAPACITY_WARNING_SHARE * availableHoursPerWeek) {
      warnings.push(
        `the cohort's demand is ${percent(demandHoursPerWeek / availableHoursPerWeek)} of the advisor hours available`,
      );
    }
    if (bookedShareNext14Days !== null && bookedShareNext14Days >= CAPACITY_WARNING_SHARE) {
      warnings.push(
        `bookings fill ${percent(bookedShareNext14Days)} of the bookable hours of the next 14 days`,
      );
    }
  }
  return {
    staffed: input.staffed,
    availableHoursPerWeek,
    contactsPerCustomerWeek,
    basis: observed ? 'observed' : 'forecast',
    assumedTakeUp: observed ? null : ASSUMED_TAKE_UP,
    hoursPerContact,
    demandHoursPerWeek,
    largestCohort,
    largestCohortByHours,
    eligiblePopulation: input.eligiblePopulation,
    limitedByPopulation,
    bookedShareNext14Days,
    warnings,
  };
}
