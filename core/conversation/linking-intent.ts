import { ChannelPilotError } from '../errors.ts';
import type { AccountLinking } from '../account-linking.ts';
import type { Locale } from '../vocabulary.ts';
import { answering, reply, type IntentHandler, type IntentReply } from './conversation.ts';
import { remember, settledForTurn, type SessionState } from './session.ts';
import type { LoggedReply, UnloggedTurn } from './turn-log.ts';
import { serviceMessages } from './service-messages.ts';

const REASON = 'account_access';

/** A linking attempt: the platform account saying a code, before anyone knows which customer it is. */
export interface LinkingRequest {
  /** `alexa`, `dialogflow`. */
  platform: string;
  platformUserId: string;
  /** The device it was said on, when the platform names one: wrong codes count per device too. */
  deviceId?: string | undefined;
  locale: Locale;
  /** The digits the user said; undefined when they have not said any yet. */
  code: string | undefined;
}

/** The reply, and the customer when the code linked the account. */
export type LinkingReply = IntentReply & { customerId?: string };

/**
 * Links a platform account with a one-time code the customer received: asks for the code, again
 * after a wrong one; says when it has expired or was used, and when too many were wrong.
 */
export function createLinkingIntent(options: {
  linking: AccountLinking;
  onError?: (error: unknown) => void;
}): (request: LinkingRequest) => Promise<LinkingReply> {
  return ({ platform, platformUserId, deviceId, locale, code }) => {
    const say = serviceMessages[locale];
    const title = say.linkTitle();
    const askAgain = (text: string) =>
      reply(title, text, 'continued', REASON, { kind: 'elicit', slot: 'code', slots: {} });
    return answering(
      () => reply(title, say.apology(), 'failed', REASON),
      options.onError,
      async (): Promise<LinkingReply> => {
        if (!code) return askAgain(say.askCode());
        let result;
        try {
          result = await options.linking.redeem({ platform, platformUserId, deviceId, code });
        } catch (error) {
          if (error instanceof ChannelPilotError && error.code === 'rate_limited') {
            return reply(title, say.tooManyCodes(), 'failed', REASON, { kind: 'end' });
          }
          throw error;
        }
        switch (result.status) {
          case 'linked':
            return { ...reply(title, say.linked(), 'resolved', REASON), customerId: result.customerId };
          case 'unknown':
            return askAgain(say.codeWrong());
          case 'expired':
            return reply(title, say.codeExpired(), 'failed', REASON, { kind: 'end' });
          case 'used':
            return reply(title, say.codeUsed(), 'failed', REASON, { kind: 'end' });
        }
      },
    );
  };
}

/**
 * The customer says their code: redeemed, and once it links them, the turn joins their journey
 * and the conversation's history like any other. The same on every platform.
 */
export async function linkingTurn(options: {
  link: (request: LinkingRequest) => Promise<LinkingReply>;
  turnLog: {
    wrap: (intent: string, handler: IntentHandler) => (request: UnloggedTurn) => Promise<LoggedReply>;
  };
  request: LinkingRequest;
  state: SessionState;
}): Promise<{ result: LinkingReply; state: SessionState }> {
  const { request } = options;
  let state = settledForTurn(options.state, 'intent');
  const result = await options.link(request);
  if (result.customerId) {
    const logged = await options.turnLog.wrap(
      'LinkAccount',
      async () => result,
    )({
      customerId: result.customerId,
      locale: request.locale,
    });
    state = remember(state, {
      turnId: logged.turnId,
      intent: 'LinkAccount',
      reason: logged.reason,
      outcome: logged.outcome,
    });
  }
  return { result, state };
}
