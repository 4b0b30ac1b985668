import type { OutboxMessage, Stores } from '../../core/index.ts';

/**
 * What the dispatcher of a running app would have sent by `at`: every message due then, marked
 * sent from a minute later, one a second in a fixed order (the outbox hands out messages due at
 * the same moment in any order). The demo's history holds no message still waiting to go out.
 */
export async function markDueSent(outbox: Stores['outbox'], at: Date): Promise<number> {
  const claimedAt = new Date(at.getTime() + 60_000);
  const claimed: OutboxMessage[] = [];
  for (;;) {
    const due = await outbox.claimDue(claimedAt, 500, 60 * 60_000);
    if (due.length === 0) break;
    claimed.push(...due);
  }
  claimed.sort((a, b) => (a.dedupeKey < b.dedupeKey ? -1 : 1));
  for (const [i, message] of claimed.entries()) {
    await outbox.markSent(message, new Date(claimedAt.getTime() + i * 1000));
  }
  return claimed.length;
}
