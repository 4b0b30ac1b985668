import { createHmac, randomInt } from 'node:crypto';
import { createExpiringCache, type ExpiringCacheOptions } from './expiring-cache.ts';
import type { Clock } from './clock.ts';
import type { CustomerDirectory } from './customers.ts';
import { ChannelPilotError, notFound } from './errors.ts';
import { messageAddress, type MessageMedium, type Outbox } from './notifications.ts';
import type { Locale } from './vocabulary.ts';

/** How one-time linking codes behave: short-lived, single use, and slow to guess. */
export const LINK_CODE_RULES = {
  digits: 6,
  ttlMs: 10 * 60_000,
  /** Wrong codes a platform user may say within the window before being refused for a while. */
  failureLimit: 5,
  failureWindowMs: 15 * 60_000,
  /**
   * Wrong codes from all platform users together within the window beyond which linking slows:
   * each account and each device may then say one wrong code per window instead of five, so a
   * new account per guess gets little further, and a customer saying their own code still links.
   */
  globalFailureLimit: 100,
  slowedFailureLimit: 1,
} as const;

/** What became of a code someone said. */
export type CodeRedemption =
  { status: 'linked'; customerId: string } | { status: 'expired' | 'used' | 'unknown' };

/** What the store answers: a redemption, or a refusal because this user failed too often. */
export type StoredRedemption = CodeRedemption | { status: 'rate_limited' };

/** Port: linking codes and the platform accounts (an Alexa user, say) linked to customers. */
export interface AccountLinkStore {
  /**
   * Stores a live code for a customer, withdrawing the customer's earlier unused codes; fails
   * with `conflict` when another live code has the same hash (the caller draws again).
   */
  saveCode(input: { customerId: string; codeHash: string; expiresAt: Date; now: Date }): Promise<void>;
  /**
   * Atomically for this platform user and device (parallel attempts queue): refuses when either
   * has `failureLimit` failures since `failuresSince` (`slowedFailureLimit` while everyone
   * together has `globalFailureLimit`); otherwise uses up a live, unexpired code and links the
   * user to its customer, or records the failure. A `codeHash` of null is a code that cannot
   * exist (the wrong length) and only counts as a failure.
   */
  redeemCode(input: {
    codeHash: string | null;
    platform: string;
    platformUserId: string;
    /** The speaker or phone it was said on, when the platform names it. */
    deviceId: string | null;
    now: Date;
    failureLimit: number;
    globalFailureLimit: number;
    slowedFailureLimit: number;
    failuresSince: Date;
  }): Promise<StoredRedemption>;
  linkedCustomer(platform: string, platformUserId: string): Promise<string | undefined>;
}

export interface AccountLinking {
  /**
   * Sends a new code to the customer on their preferred consented medium. The code is returned
   * for the operator's CLI; staff-facing answers must not pass it on.
   */
  issueCode(customerId: string): Promise<{ code: string; medium: MessageMedium; expiresAt: Date }>;
  /**
   * Links the platform user to the customer whose code this is, or says why not (a wrong, used or
   * expired code counts as a failure). Fails with `rate_limited` after too many failures.
   */
  redeem(input: {
    platform: string;
    platformUserId: string;
    deviceId?: string | undefined;
    code: string;
  }): Promise<CodeRedemption>;
  /**
   * The customer the platform user is linked to. A link is reused for a while (see
   * cachedAccountLinks): one made again, to another customer, on another instance of the app shows
   * here as soon as this instance hears of it, or up to 5 s late when it does not listen.
   */
  linkedCustomer(platform: string, platformUserId: string): Promise<string | undefined>;
}

/** A link's key in the cache, as the database names it when it tells of a change (migration 0380). */
const linkKey = (platform: string, platformUserId: string) => `${platform}:${platformUserId}`;

/**
 * Reuses the customer a platform user is linked to for a while, so that a conversation's turns do
 * not each ask the database who is speaking (see cachedChannelAccess). Only links are kept: a user
 * not linked yet is asked about every time, so that linking on another instance is seen at once.
 *
 * A link made through this store forgets the user's kept answer at once. With `options.told`,
 * the database tells every instance of each link made, changed or ended, whoever made it, and
 * links are kept a minute. Without, a platform user who links again, to another customer, through
 * another instance is answered as the previous customer for up to 5 s.
 */
export function cachedAccountLinks(
  store: AccountLinkStore,
  options: ExpiringCacheOptions = {},
): AccountLinkStore {
  const cache = createExpiringCache<string | undefined>(options);
  return {
    saveCode: (input) => store.saveCode(input),
    async redeemCode(input) {
      try {
        return await store.redeemCode(input);
      } finally {
        cache.forget(linkKey(input.platform, input.platformUserId));
      }
    },
    linkedCustomer: (platform, platformUserId) =>
      cache.get(
        linkKey(platform, platformUserId),
        () => store.linkedCustomer(platform, platformUserId),
        (customerId) => customerId !== undefined,
      ),
  };
}

const messages: Record<Locale, { subject: string; body: (code: string, minutes: number) => string }> = {
  'it-IT': {
    subject: 'Il tuo codice per l’assistente vocale',
    body: (code, minutes) =>
      `Il tuo codice per collegare l’assistente vocale è ${code}. Dillo all’assistente vocale (Alexa o al telefono) entro ${minutes} minuti: "il mio codice è ${code}". Se non l’hai chiesto tu, ignora questo messaggio.`,
  },
  'en-US': {
    subject: 'Your voice assistant code',
    body: (code, minutes) =>
      `Your code to link the voice assistant is ${code}. Say it to the voice assistant (Alexa or on the phone) within ${minutes} minutes: "my code is ${code}". If you did not ask for it, ignore this message.`,
  },
};

export function createAccountLinking(options: {
  store: AccountLinkStore;
  customers: CustomerDirectory;
  outbox: Outbox;
  clock: Clock;
  /** Keys the stored hashes, so that a copy of the database does not give the codes away. */
  secret: Buffer;
  /** Draws a code; random digits by default. */
  newCode?: () => string;
  /** How long a user's link is reused and how many are kept (see cachedAccountLinks). */
  linkCache?: ExpiringCacheOptions;
}): AccountLinking {
  const { customers, outbox, clock } = options;
  const store = cachedAccountLinks(options.store, options.linkCache);
  const hashCode = (code: string) => createHmac('sha256', options.secret).update(code).digest('hex');
  // No leading zero: spoken numbers lose it ("zero four two…" is heard as 42…).
  const newCode =
    options.newCode ??
    (() => String(randomInt(10 ** (LINK_CODE_RULES.digits - 1), 10 ** LINK_CODE_RULES.digits)));

  return {
    async issueCode(customerId) {
      const address = await messageAddress(customers, customerId);
      if (!address) {
        if (!(await customers.get(customerId))) throw notFound('customer', customerId);
        throw new ChannelPilotError(
          'conflict',
          `customer ${customerId} has no consented e-mail or SMS to receive a code on`,
          { hint: 'record their consent to be contacted by e-mail or SMS first' },
        );
      }
      const now = clock.now();
      const expiresAt = new Date(now.getTime() + LINK_CODE_RULES.ttlMs);
      for (let attempt = 0; ; attempt++) {
        const code = newCode();
        try {
          await store.saveCode({ customerId, codeHash: hashCode(code), expiresAt, now });
        } catch (error) {
          if (attempt < 5 && error instanceof ChannelPilotError && error.code === 'conflict') continue;
          throw error;
        }
        const text = messages[address.customer.locale];
        await outbox.enqueue([
          {
            // One message per code: the hash is unique among live codes.
            dedupeKey: `link-code:${customerId}:${hashCode(code)}`,
            customerId,
            appointmentId: null,
            kind: 'link_code',
            medium: address.medium,
            recipient: address.recipient,
            subject: address.medium === 'email' ? text.subject : null,
            body: text.body(code, LINK_CODE_RULES.ttlMs / 60_000),
            attachments: [],
            sendAfter: now,
          },
        ]);
        return { code, medium: address.medium, expiresAt };
      }
    },

    async redeem({ platform, platformUserId, deviceId, code }) {
      const now = clock.now();
      const digits = code.replace(/\D/g, '');
      const result = await store.redeemCode({
        codeHash: digits.length === LINK_CODE_RULES.digits ? hashCode(digits) : null,
        platform,
        platformUserId,
        deviceId: deviceId ?? null,
        now,
        failureLimit: LINK_CODE_RULES.failureLimit,
        globalFailureLimit: LINK_CODE_RULES.globalFailureLimit,
        slowedFailureLimit: LINK_CODE_RULES.slowedFailureLimit,
        failuresSince: new Date(now.getTime() - LINK_CODE_RULES.failureWindowMs),
      });
      if (result.status === 'rate_limited') {
        throw new ChannelPilotError('rate_limited', 'too many wrong linking codes; try again later', {
          hint: `wait ${LINK_CODE_RULES.failureWindowMs / 60_000} minutes`,
        });
      }
      return result;
    },

    linkedCustomer: (platform, platformUserId) => store.linkedCustomer(platform, platformUserId),
  };
}
