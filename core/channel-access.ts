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
