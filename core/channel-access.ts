import { createExpiringCache, type ExpiringCacheOptions } from './expiring-cache.ts';

/** What a pilot allows one customer on one channel. */
export interface ChannelPermit {
  /** The customer may use the channel (enrolled, or the pilot is open to everyone). */
  allowed: boolean;
  /** The pilot asks one closing satisfaction question (NPS 0–10) at the end of a conversation. */
  closingSurvey: boolean;
}

/** Port: channels ask it before serving a customer on a pilot channel. */
export interface ChannelAccess {
  permit(customerId: string, channel: string): Promise<ChannelPermit>;
}

/** Until pilots restrict a channel to their cohorts, everyone may use every channel. */
export function everyoneMayUse(options: { closingSurvey?: boolean } = {}): ChannelAccess {
  const permit: ChannelPermit = { allowed: true, closingSurvey: options.closingSurvey ?? false };
  return { permit: async () => permit };
}

/**
 * Reuses each answer of `access` for a while, so that a conversation's turns do not each ask the
 * database whether the customer may use the channel: a round trip to the database costs a voice
 * answer about as much time as the answer takes without it.
 *
 * With `options.told`, the database tells every instance of each change to who may use a channel
 * (a pilot paused, ended, opened to everyone, a cohort widened: pilots and enrolments changed,
 * whoever changed them), each forgets its answers at once, and answers are kept a minute.
 * Without, a change reaches customers up to 5 s late unless this process made it and called
 * `forget()`.
 */
export function cachedChannelAccess(
  access: ChannelAccess,
  options: ExpiringCacheOptions = {},
): ChannelAccess & { forget(): void } {
  const cache = createExpiringCache<ChannelPermit>(options);
  return {
    permit: (customerId, channel) =>
      cache.get(`${channel}\u0000${customerId}`, () => access.permit(customerId, channel)),
    forget: () => cache.forget(),
  };
}
