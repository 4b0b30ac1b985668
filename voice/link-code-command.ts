import { ChannelPilotError, type ChannelCommand, type Stores } from '../core/index.ts';
import { type AccountLinking } from '../core/services.ts';

/** `channel-pilot voice link-code`: a one-time code sent to the customer, said to the assistant. */
export function linkCodeCommand(deps: {
  customers: Stores['customers'];
  linking: AccountLinking;
}): ChannelCommand {
  return {
    name: 'link-code',
    description:
      'Send a customer a one-time code that links their voice assistant (on their consented e-mail or SMS)',
    options: [{ flags: '--customer <id>', description: 'the customer', required: true }],
    async run({ options, print }) {
      const id = options.customer as string;
      const customer = /^[0-9a-f-]{36}$/i.test(id) ? await deps.customers.get(id) : undefined;
      if (!customer)
        throw new ChannelPilotError('not_found', `customer ${id} does not exist`, {
          hint: 'find one with GET /api/customers?q=…',
        });
      const sent = await deps.linking.issueCode(customer.id);
      print(
        `linking code ${sent.code} sent to ${customer.firstName} ${customer.lastName} by ${sent.medium}, valid until ${sent.expiresAt.toISOString()}`,
      );
    },
  };
}
