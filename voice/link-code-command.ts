import { DateTime } from 'luxon';
import { ChannelPilotError, REFERENCE_ZONE, type ChannelCommand, type Stores } from '../core/index.ts';
import { type AccountLinking } from '../core/services.ts';

/** `channel-pilot voice link-code`: a one-time code queued for the customer, said to the assistant. */
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
      const issued = await deps.linking.issueCode(customer.id);
      // Queued: the outbox sends it (the running app's), ahead of any bulk mail.
      const until = DateTime.fromJSDate(issued.expiresAt, { zone: REFERENCE_ZONE }).toFormat('HH:mm');
      print(
        `linking code ${issued.code} queued for ${customer.firstName} ${customer.lastName} by ${issued.medium}, ` +
          `valid until ${until} (${REFERENCE_ZONE} time)`,
      );
    },
  };
}
