import { z } from 'zod';
import {
  ConsentInput,
  CustomerInput,
  Instant,
  InteractionInput,
  Segment,
  assertSourceOpen,
  SurveyAnswerBody,
  billStatus,
  calendarDate,
  compareBill,
  invalidInput,
  notFound,
  type Bill,
  type Clock,
  type CustomerContext,
  type Stores,
} from '../../core/index.ts';
import type { createApi } from './api.ts';
import { ById, createRecordLookups } from '../../core/index.ts';
import {
  BillSchema,
  BillWithComparisonSchema,
  ChannelSchema,
  ConsentSchema,
  CustomerContextSchema,
  CustomerSchema,
  InteractionSchema,
  PaymentSchema,
  SurveyAnswerSchema,
  page,
} from '../../core/index.ts';

const Limit = (max: number, fallback: number) => z.coerce.number().int().min(1).max(max).default(fallback);

export function registerCustomerRoutes(
  api: ReturnType<typeof createApi>,
  { stores, context, clock }: { stores: Stores; context: CustomerContext; clock: Clock },
): void {
  const customerOrThrow = createRecordLookups(stores).customer;
  const withStatus = (bill: Bill) => ({ ...bill, status: billStatus(bill, calendarDate(clock.now())) });

  api.route({
    method: 'get',
    path: '/api/customers',
    summary: 'Search customers by name, e-mail, phone, account or bill number',
    tag: 'customers',
    permission: 'customers:read',
    query: z.object({
      q: z.string().max(200).optional(),
      segment: Segment.optional(),
      limit: Limit(200, 50),
      offset: z.coerce.number().int().min(0).default(0),
    }),
    response: page(CustomerSchema),
    async handler({ query }) {
      const { customers, total } = await stores.customers.search({
        query: query.q,
        segment: query.segment,
        limit: query.limit,
        offset: query.offset,
      });
      return { items: customers, total, limit: query.limit, offset: query.offset };
    },
  });

  api.route({
    method: 'post',
    path: '/api/customers',
    summary: 'Register a customer, with the consents they gave',
    tag: 'customers',
    permission: 'customers:write',
    body: CustomerInput,
    response: CustomerSchema,
    status: 201,
    handler: ({ body }) => stores.customers.create(body),
  });

  api.route({
    method: 'get',
    path: '/api/customers/:id',
    summary: 'A customer’s profile',
    tag: 'customers',
    permission: 'customers:read',
    params: ById,
    response: CustomerSchema,
    handler: ({ params }) => customerOrThrow(params.id),
  });

  api.route({
    method: 'get',
    path: '/api/customers/:id/context',
    summary:
      'Profile, accounts, open bills, payments, appointments and recent contacts on every channel, in one call',
    tag: 'customers',
    permission: 'customers:read',
    params: ById,
    response: CustomerContextSchema,
    handler: ({ params }) => context.get(params.id),
  });

  api.route({
    method: 'get',
    path: '/api/customers/:id/consents',
    summary: 'The full consent history (the latest record per purpose and medium is in force)',
    tag: 'customers',
    permission: 'customers:read',
    params: ById,
    response: z.array(ConsentSchema),
    async handler({ params }) {
      await customerOrThrow(params.id);
      return stores.customers.consents(params.id);
    },
  });

  api.route({
    method: 'post',
    path: '/api/customers/:id/consents',
    summary: 'Record a consent given or withdrawn',
    tag: 'customers',
    permission: 'customers:write',
    params: ById,
    body: ConsentInput,
    response: ConsentSchema,
    status: 201,
    handler: ({ params, body }) => stores.customers.recordConsent(params.id, body),
  });

  api.route({
    method: 'get',
    path: '/api/customers/:id/bills',
    summary: 'A customer’s bills, newest first',
    tag: 'billing',
    permission: 'customers:read',
    params: ById,
    query: z.object({ limit: Limit(120, 24) }),
    response: z.array(BillSchema),
    async handler({ params, query }) {
      await customerOrThrow(params.id);
      return (await stores.billing.bills(params.id, { limit: query.limit })).map(withStatus);
    },
  });

  api.route({
    method: 'get',
    path: '/api/bills/:id',
    summary: 'One bill, with how it compares to the previous period and the same period a year before',
    tag: 'billing',
    permission: 'customers:read',
    params: ById,
    response: BillWithComparisonSchema,
    async handler({ params }) {
      const bill = await stores.billing.bill(params.id);
      if (!bill) throw notFound('bill', params.id);
      const [compared] = await stores.billing.comparables([bill]);
      return { ...withStatus(bill), comparison: compareBill(bill, compared?.previous, compared?.yearAgo) };
    },
  });

  api.route({
    method: 'get',
    path: '/api/customers/:id/payments',
    summary: 'A customer’s payments, newest first',
    tag: 'billing',
    permission: 'customers:read',
    params: ById,
    query: z.object({ limit: Limit(200, 50) }),
    response: z.array(PaymentSchema),
    async handler({ params, query }) {
      await customerOrThrow(params.id);
      return stores.billing.payments(params.id, { limit: query.limit });
    },
  });

  api.route({
    method: 'get',
    path: '/api/customers/:id/interactions',
    summary: 'A customer’s contacts on every channel, newest first; page with `before`',
    tag: 'interactions',
    permission: 'customers:read',
    params: ById,
    query: z.object({ limit: Limit(200, 50), before: Instant.optional() }),
    response: z.array(InteractionSchema),
    async handler({ params, query }) {
      await customerOrThrow(params.id);
      return stores.interactions.forCustomer(params.id, { limit: query.limit, before: query.before });
    },
  });

  api.route({
    method: 'post',
    path: '/api/interactions',
    summary: 'Record a contact; it joins its journey by the journey rule or its handoff',
    tag: 'interactions',
    permission: 'interactions:write',
    body: InteractionInput,
    response: InteractionSchema,
    status: 201,
    async handler({ body }) {
      assertSourceOpen(body.source, 'body.source');
      const channel = await stores.channels.channel(body.channel);
      if (!channel) throw notFound('channel', body.channel);
      const touchpoints = channel.touchpoints.map((t) => t.code);
      if (!touchpoints.includes(body.touchpoint)) {
        throw invalidInput(`invalid request: body.touchpoint is not a touchpoint of ${channel.code}`, [
          {
            path: 'body.touchpoint',
            message: `is not a touchpoint of ${channel.code} (${touchpoints.join(', ')})`,
          },
        ]);
      }
      if (body.customerId) await customerOrThrow(body.customerId);
      return stores.interactions.record(body);
    },
  });

  api.route({
    method: 'get',
    path: '/api/journeys/:id',
    summary: 'The contacts of one journey, in order',
    tag: 'interactions',
    permission: 'customers:read',
    params: ById,
    response: z.array(InteractionSchema),
    async handler({ params }) {
      const steps = await stores.interactions.journey(params.id);
      if (steps.length === 0) throw notFound('journey', params.id);
      return steps;
    },
  });

  api.route({
    method: 'post',
    path: '/api/interactions/:id/survey-answers',
    summary: 'Store a survey answer (NPS 0–10, CSAT 1–5, CES 1–7) about a contact',
    tag: 'interactions',
    permission: 'interactions:write',
    params: ById,
    body: SurveyAnswerBody,
    response: SurveyAnswerSchema,
    status: 201,
    handler: ({ params, body }) => stores.surveys.record({ ...body, interactionId: params.id }),
  });

  api.route({
    method: 'get',
    path: '/api/channels',
    summary: 'The channel registry: existing and pilot channels with their touchpoints',
    tag: 'catalog',
    permission: 'catalog:read',
    response: z.array(ChannelSchema),
    handler: () => stores.channels.channels(),
  });
}
