import { z } from 'zod';
import { accountKinds, type Clock } from '../../core/index.ts';
import { type AccountLinking, type CallbackQueue, type PaymentLinks } from '../../core/services.ts';
import { publicPaymentPage, wantsPage } from '../web/payment-page.ts';
import type { createApi } from './api.ts';
import { BalanceSchema } from '../../core/index.ts';
import { ById, ByToken } from '../../core/index.ts';

const PaymentPageSchema = z
  .object({
    firstName: z.string(),
    locale: z.string(),
    balance: BalanceSchema,
    bills: z.array(
      z.object({
        number: z.string(),
        supply: z.object({ kind: z.enum(accountKinds), street: z.string() }),
        periodStart: z.iso.date(),
        periodEnd: z.iso.date(),
        amountCents: z.number().int(),
        paidCents: z.number().int(),
        dueOn: z.iso.date(),
        status: z.string(),
      }),
    ),
  })
  .meta({ id: 'PaymentPage', description: 'What the holder of a payment link owes.' });

const CallbackSchema = z
  .object({
    id: z.uuid(),
    customerId: z.uuid(),
    interactionId: z.uuid().nullable(),
    channel: z.string(),
    reason: z.string(),
    summary: z.string(),
    context: z.record(z.string(), z.unknown()),
    status: z.enum(['open', 'done']),
    createdAt: z.iso.datetime({ offset: true }),
    doneAt: z.iso.datetime({ offset: true }).nullable(),
    doneBy: z.uuid().nullable(),
  })
  .meta({ id: 'CallbackRequest', description: 'A customer waiting for the call centre to call back.' });

/** Services every channel shares: payment links, account-linking codes and the callback queue. */
export function registerServiceRoutes(
  api: ReturnType<typeof createApi>,
  deps: { paymentLinks: PaymentLinks; linking: AccountLinking; callbacks: CallbackQueue; clock: Clock },
): void {
  const { paymentLinks, linking, callbacks, clock } = deps;

  api.route({
    method: 'get',
    path: '/api/links/pay/:token',
    summary:
      'Open a payment link: what is owed; the opening joins the journey of the contact that sent it. A browser asking for a page is sent to the payment page, `/pay/{token}`',
    tag: 'customer links',
    permission: 'public',
    params: ByToken,
    response: PaymentPageSchema,
    // Anyone holding the link sees this: what is owed, and nothing of the records behind it.
    handler: async ({ params, req, res }) => {
      // Links sent before the payment page existed point here: a browser gets the page.
      if (wantsPage(req)) {
        res.redirect(303, `/pay/${encodeURIComponent(params.token)}`);
        return;
      }
      return publicPaymentPage(await paymentLinks.open(params.token));
    },
  });

  api.route({
    method: 'post',
    path: '/api/customers/:id/voice-link-code',
    summary: 'Send the customer a one-time code that links their voice assistant (valid 10 minutes)',
    tag: 'customers',
    permission: 'customers:write',
    params: ById,
    response: z.object({ medium: z.enum(['email', 'sms']), expiresAt: z.iso.datetime({ offset: true }) }),
    status: 201,
    async handler({ params }) {
      // The code itself goes to the customer only.
      const { medium, expiresAt } = await linking.issueCode(params.id);
      return { medium, expiresAt };
    },
  });

  api.route({
    method: 'get',
    path: '/api/callbacks',
    summary: 'Customers waiting to be called back, longest wait first',
    tag: 'callbacks',
    permission: 'customers:read',
    query: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }),
    response: z.array(CallbackSchema),
    handler: ({ query }) => callbacks.open({ limit: query.limit }),
  });

  api.route({
    method: 'post',
    path: '/api/callbacks/:id/done',
    summary: 'Mark a callback as made',
    tag: 'callbacks',
    permission: 'customers:write',
    params: ById,
    response: CallbackSchema,
    handler: ({ params, staff }) => callbacks.complete(params.id, (staff as { id: string }).id, clock.now()),
  });
}
