import { z } from 'zod';
import { appointmentStatuses } from './advisors.ts';
import { consumptionUnits, paymentMethods } from './billing.ts';
import { channelKinds } from './channels.ts';
import { accountKinds, consentPurposes, consentSources } from './customers.ts';
import { directions, outcomes } from './interactions.ts';
import { roles } from './staff.ts';
import { contactMedia, locales, segments } from './vocabulary.ts';

// What the API answers, as JSON (dates as ISO strings): the app's routes and the channels'.
// Requests reuse core's input schemas.
const DateTime = z.iso.datetime({ offset: true });
const Day = z.iso.date();
const Id = z.uuid();

export const ProblemSchema = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string(),
    code: z.string(),
    hint: z.string().optional(),
    errors: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  })
  .meta({ id: 'Problem' });

export const StaffUserSchema = z
  .object({
    id: Id,
    username: z.string(),
    displayName: z.string(),
    role: z.enum(roles),
    createdAt: DateTime,
    disabledAt: DateTime.nullable(),
  })
  .meta({ id: 'StaffUser' });

export const CustomerSchema = z
  .object({
    id: Id,
    firstName: z.string(),
    lastName: z.string(),
    locale: z.enum(locales),
    phone: z.string().nullable(),
    email: z.string().nullable(),
    segment: z.enum(segments),
    preferredMedium: z.enum(contactMedia).nullable(),
    createdAt: DateTime,
  })
  .meta({ id: 'Customer' });

export const ConsentSchema = z
  .object({
    id: Id,
    customerId: Id,
    purpose: z.enum(consentPurposes),
    medium: z.enum(contactMedia).nullable(),
    granted: z.boolean(),
    givenAt: DateTime,
    source: z.enum(consentSources),
  })
  .meta({ id: 'Consent' });

export const AccountSchema = z
  .object({
    id: Id,
    customerId: Id,
    number: z.string(),
    kind: z.enum(accountKinds),
    supplyAddress: z.string(),
    tariff: z.string(),
    startedOn: Day,
    closedOn: Day.nullable(),
  })
  .meta({ id: 'Account' });

const Change = z.object({ delta: z.number(), ratio: z.number().nullable() }).nullable();

export const BillComparisonSchema = z
  .object({
    billId: Id,
    against: z.object({ previous: Id.nullable(), yearAgo: Id.nullable() }),
    periodDays: z.object({
      current: z.number(),
      previous: z.number().nullable(),
      yearAgo: z.number().nullable(),
    }),
    amount: z.object({ vsPrevious: Change, vsYearAgo: Change }),
    consumption: z.object({ unit: z.string(), vsPrevious: Change, vsYearAgo: Change }).nullable(),
    dailyConsumption: z
      .object({ current: z.number(), previous: z.number().nullable(), yearAgo: z.number().nullable() })
      .nullable(),
    lines: z.array(
      z.object({
        code: z.string(),
        description: z.string(),
        currentCents: z.number().int(),
        previousCents: z.number().int().nullable(),
        yearAgoCents: z.number().int().nullable(),
        vsPrevious: Change,
      }),
    ),
    direction: z.enum(['higher', 'lower', 'same', 'no_previous']),
  })
  .meta({
    id: 'BillComparison',
    description: 'Why a bill is higher or lower: against the previous period and a year before.',
  });

const BillStatus = z.enum(['paid', 'partially_paid', 'unpaid', 'overdue', 'cancelled']);

export const BillSchema = z
  .object({
    id: Id,
    accountId: Id,
    customerId: Id,
    number: z.string(),
    periodStart: Day,
    periodEnd: Day,
    issuedOn: Day,
    dueOn: Day,
    currency: z.literal('EUR'),
    amountCents: z.number().int(),
    paidCents: z.number().int(),
    status: BillStatus,
    consumption: z.object({ quantity: z.number(), unit: z.enum(consumptionUnits) }).nullable(),
    lines: z.array(
      z.object({
        code: z.string(),
        description: z.string(),
        amountCents: z.number().int(),
        quantity: z.number().nullable(),
        unit: z.enum(consumptionUnits).nullable(),
      }),
    ),
    cancelled: z.boolean(),
  })
  .meta({ id: 'Bill' });

export const BillWithComparisonSchema = BillSchema.extend({ comparison: BillComparisonSchema }).meta({
  id: 'BillWithComparison',
});

export const PaymentSchema = z
  .object({
    id: Id,
    customerId: Id,
    billId: Id.nullable(),
    amountCents: z.number().int(),
    paidAt: DateTime,
    method: z.enum(paymentMethods),
    channel: z.string(),
    reference: z
      .string()
      .nullable()
      .meta({ description: 'the payment provider’s reference, when it confirmed the payment' }),
  })
  .meta({ id: 'Payment' });

export const AppointmentSchema = z
  .object({
    id: Id,
    customerId: Id,
    advisorId: Id,
    topic: z.string(),
    locale: z.enum(locales),
    startsAt: DateTime,
    endsAt: DateTime,
    status: z.enum(appointmentStatuses),
    bookedVia: z.string(),
    journeyId: Id.nullable(),
    cancelReason: z.string().nullable(),
    createdAt: DateTime,
  })
  .meta({ id: 'Appointment' });

export const InteractionSchema = z
  .object({
    id: Id,
    customerId: Id.nullable(),
    channel: z.string(),
    touchpoint: z.string(),
    direction: z.enum(directions),
    reason: z.string(),
    startedAt: DateTime,
    endedAt: DateTime.nullable(),
    outcome: z.enum(outcomes),
    journeyId: Id,
    journeyStep: z.number().int().min(1),
    handoffFromId: Id.nullable(),
    source: z.string(),
    externalId: z.string().nullable(),
    details: z.record(z.string(), z.unknown()),
  })
  .meta({ id: 'Interaction' });

export const SurveyAnswerSchema = z
  .object({
    id: Id,
    interactionId: Id,
    metric: z.enum(['nps', 'csat', 'ces']),
    score: z.number().int(),
    comment: z.string().nullable(),
    answeredAt: DateTime,
  })
  .meta({ id: 'SurveyAnswer' });

export const AdvisorSchema = z
  .object({
    id: Id,
    name: z.string(),
    email: z.string(),
    languages: z.array(z.enum(locales)),
    topics: z.array(z.string()),
    timeZone: z.string(),
    workingHours: z.array(z.object({ weekday: z.number().int(), start: z.string(), end: z.string() })),
    staffUserId: Id.nullable(),
  })
  .meta({ id: 'Advisor' });

export const ChannelSchema = z
  .object({
    code: z.string(),
    name: z.string(),
    kind: z.enum(channelKinds),
    staffed: z.boolean(),
    touchpoints: z.array(z.object({ code: z.string(), name: z.string() })),
  })
  .meta({ id: 'Channel' });

export const BalanceSchema = z
  .object({
    owedCents: z.number().int(),
    overdueCents: z.number().int(),
    nextDue: z.object({ dueOn: Day, amountCents: z.number().int() }).nullable(),
    openBills: z.array(
      z.object({
        billId: Id,
        number: z.string(),
        dueOn: Day,
        owedCents: z.number().int(),
        status: BillStatus,
      }),
    ),
  })
  .meta({ id: 'Balance', description: 'What the customer owes, and by when.' });

export const CustomerContextSchema = z
  .object({
    profile: CustomerSchema,
    consents: z.array(ConsentSchema),
    reachableMedia: z.array(z.enum(contactMedia)),
    accounts: z.array(AccountSchema),
    balance: BalanceSchema,
    openBills: z.array(BillWithComparisonSchema),
    recentPayments: z.array(PaymentSchema),
    upcomingAppointments: z.array(AppointmentSchema),
    recentInteractions: z.array(InteractionSchema),
  })
  .meta({
    id: 'CustomerContext',
    description: 'Everything an advisor or a channel needs about one customer, in one call.',
  });

export const page = <T extends z.ZodType>(item: T) =>
  z.object({
    items: z.array(item),
    total: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
  });
