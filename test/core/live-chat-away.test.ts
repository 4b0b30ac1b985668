import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresStores, type StorageHandle, type Stores } from '../../core/index.ts';
import {
  createLiveChatDesk,
  createLiveChatVisitorDesk,
  heardSince,
  type ChatConversation,
} from '../../core/services.ts';
import { openTestDatabase } from '../support/database.ts';
import { staffPassword } from '../support/fixtures.ts';

// Advisors whose consoles go silent, on a clock the test moves by hand. Away after 90 seconds
// unheard; two advisors, three chats each. Five chats handled last week took 10, 12, 14, 16 and
// 18 minutes (14 on average), so with both advisors the second in line is told
// ⌈2 × 14 ÷ (2 × 3)⌉ = 5 minutes, and with one of them away ⌈2 × 14 ÷ 3⌉ = 10.

const AWAY_MS = 90_000;
const MONDAY = new Date('2026-11-09T09:00:00Z');
let now = MONDAY;
const clock = { now: () => now };
const later = (seconds: number) => new Date(MONDAY.getTime() + seconds * 1000);

let storage: StorageHandle;
let stores: Stores;
let desk: ReturnType<typeof createLiveChatDesk>;
let visitorDesk: ReturnType<typeof createLiveChatVisitorDesk>;
let marta: string;
let paolo: string;

beforeAll(async () => {
  storage = await openTestDatabase();
  stores = createPostgresStores(storage.db, { clock });
  const common = { chats: stores.chats, interactions: stores.interactions, clock, channel: 'live_chat' };
  desk = createLiveChatDesk({ ...common, advisorLimit: 3, awayAfterMs: AWAY_MS });
  visitorDesk = createLiveChatVisitorDesk({
    ...common,
    customers: stores.customers,
    callbacks: stores.callbacks,
    surveys: stores.surveys,
    outbox: stores.outbox,
    advisorLimit: 3,
    awayAfterMs: AWAY_MS,
  });
  const advisor = (username: string, displayName: string) =>
    stores.staff.addUser({ username, displayName, role: 'advisor', password: staffPassword });
  marta = (await advisor('marta.ferri', 'Marta Ferri')).id;
  paolo = (await advisor('paolo.gatti', 'Paolo Gatti')).id;

  // Last week's five handled chats, each assigned to Marta and closed after its handle time.
  for (const [i, minutes] of [10, 12, 14, 16, 18].entries()) {
    now = new Date(MONDAY.getTime() - (i + 2) * 86_400_000);
    await stores.chats.setAvailable(marta, true, now);
    const chat = await queued();
    await stores.chats.claim(chat.id, marta, 3, now);
    await stores.chats.close(chat.id, 'resolved', new Date(now.getTime() + minutes * 60_000));
  }
  now = MONDAY;
}, 60_000);

afterAll(async () => {
  await storage?.close();
});

/** A visitor who asked for a person now. */
async function queued(): Promise<ChatConversation> {
  const started = await desk.start({
    customerId: null,
    identity: 'anonymous',
    visitorKeyHash: 'k',
    locale: 'it-IT',
    touchpoint: 'widget',
  });
  return desk.handOff(started);
}

describe('advisors whose console has gone silent', () => {
  it('stop counting as available past the expiry: no chats, not in the wait estimate, shown as away; a heartbeat brings them back', async () => {
    await stores.chats.setAvailable(marta, true, MONDAY);
    await stores.chats.setAvailable(paolo, true, MONDAY);
    const first = await queued();
    now = later(1);
    const second = await queued();
    // Both just said they take chats: both count. Nothing assigned yet (the queue waits for a pass).
    expect(await visitorDesk.waitFor(second.id)).toEqual({ position: 2, minutes: 5 });

    // Marta's console beats at 60 s; Paolo's says nothing. At 89 s both are still within 90 s.
    await stores.chats.advisorsHeard([marta], later(60));
    now = later(89);
    expect(await visitorDesk.waitFor(second.id)).toEqual({ position: 2, minutes: 5 });
    // At 91 s Paolo has been unheard for more than 90 s: away.
    now = later(91);
    expect(await visitorDesk.waitFor(second.id)).toEqual({ position: 2, minutes: 10 });
    expect(await stores.chatConsole.agents(heardSince(now, AWAY_MS))).toEqual(
      expect.arrayContaining([
        { advisorId: marta, available: true, away: false, open: 0 },
        { advisorId: paolo, available: false, away: true, open: 0 },
      ]),
    );
    // Paolo has fewer chats than nobody, yet both waiting chats go to Marta.
    const assigned = await desk.assignWaiting();
    expect(assigned.map((c) => [c.id, c.advisorId])).toEqual([
      [first.id, marta],
      [second.id, marta],
    ]);

    // Paolo's console is heard again: he counts, and the next chat goes to him, the least loaded.
    await stores.chats.advisorsHeard([paolo], later(95));
    now = later(100);
    const third = await queued();
    expect(await visitorDesk.waitFor(third.id)).toEqual({ position: 1, minutes: 3 });
    expect((await desk.assignWaiting()).map((c) => c.advisorId)).toEqual([paolo]);
    // A heartbeat older than the one stored does not take it back.
    await stores.chats.advisorsHeard([paolo], later(10));
    expect(
      (await stores.chatConsole.agents(heardSince(now, AWAY_MS))).find((a) => a.advisorId === paolo),
    ).toMatchObject({ available: true, away: false });
  });

  it('is not away once they stop taking chats: away is only for those who said they take them', async () => {
    now = later(200);
    await stores.chats.setAvailable(paolo, false, later(200));
    now = later(1000);
    expect(
      (await stores.chatConsole.agents(heardSince(now, AWAY_MS))).find((a) => a.advisorId === paolo),
    ).toMatchObject({ available: false, away: false });
  });
});
