import type { Logger } from '../logger.ts';
import type { MessageMedium, MessageSender } from '../../core/index.ts';

/**
 * Delivers nowhere: the message is marked sent and stays readable on the outbox page
 * (`/outbox`), so a pilot can be demonstrated without an e-mail or SMS provider.
 */
export function createDevelopmentSender(medium: MessageMedium, logger: Logger): MessageSender {
  return {
    medium,
    async send(message) {
      logger.info(
        { medium, to: message.recipient, kind: message.kind },
        'development outbox: message kept, not sent',
      );
    },
  };
}
