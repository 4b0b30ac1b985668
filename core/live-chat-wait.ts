/** What the wait estimate is computed from, read from the store when a visitor's place changes. */
export interface WaitFacts {
  /** Advisors taking chats now. */
  availableAdvisors: number;
  /** How long advisors' chats took (assigned to closed), most recent first, over the look-back. */
  handleMs: readonly number[];
}

/** The estimate looks at chats advisors closed in this many days. */
export const WAIT_LOOKBACK_DAYS = 7;
/** Fewer handled chats than this: too little to estimate from, and the visitor is told so. */
export const WAIT_MINIMUM_CHATS = 5;

/**
 * The minutes a visitor at `position` can expect to wait, or null when nobody could honestly say
 * (no advisor is taking chats, or too few chats were handled lately). Every available advisor
 * holds up to `advisorLimit` chats, and each chat frees its place after the average handle time,
 * so places free up at `advisors × limit ÷ average` a minute and the visitor's turn comes when
 * `position` of them have: `position × average ÷ (advisors × limit)`, rounded up to a minute.
 */
export function estimateWaitMinutes(position: number, facts: WaitFacts, advisorLimit: number): number | null {
  if (facts.availableAdvisors === 0 || facts.handleMs.length < WAIT_MINIMUM_CHATS) return null;
  const average = facts.handleMs.reduce((sum, ms) => sum + ms, 0) / facts.handleMs.length;
  const places = facts.availableAdvisors * advisorLimit;
  return Math.max(1, Math.ceil((position * average) / places / 60_000));
}
