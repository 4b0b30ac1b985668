import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { ChannelPilotError, type StorageHandle, type Stores } from '../../core/index.ts';
import { databaseKind, withTestStores } from '../support/database.ts';
import { gasCustomer } from '../support/fixtures.ts';

let storage: StorageHandle;
let stores: Stores;
withTestStores((opened) => ({ storage, stores } = opened));

const contact = (customerId: string, overrides: Record<string, unknown> = {}) => ({
  customerId,
  channel: 'web',
  touchpoint: 'self_service',
  direction: 'inbound' as const,
  reason: 'bill_explanation',
  startedAt: '2026-02-01T10:00:00Z',
  outcome: 'resolved' as const,
  ...overrides,
});

describe(`storage on the ${databaseKind} database`, () => {
  it('keeps contacts for the same reason within a week in one journey, and opens a new one after', async () => {
    const { customer } = await gasCustomer(stores);
    const first = await stores.interactions.record(contact(customer.id, { outcome: 'abandoned' }));
    const second = await stores.interactions.record(
      contact(customer.id, {
        channel: 'call_centre',
        touchpoint: 'agent',
        startedAt: '2026-02-05T09:00:00Z',
      }),
    );
    const otherReason = await stores.interactions.record(
      contact(customer.id, { reason: 'moving', startedAt: '2026-02-05T10:00:00Z' }),
    );
    const weeksLater = await stores.interactions.record(
      contact(customer.id, { startedAt: '2026-02-20T10:00:00Z' }),
    );
    expect(second.journeyId).toBe(first.journeyId);
    expect(second.journeyStep).toBe(2);
    expect(otherReason.journeyId).not.toBe(first.journeyId);
    expect(weeksLater.journeyId).not.toBe(first.journeyId);
    expect(weeksLater.journeyStep).toBe(1);
    const journey = await stores.interactions.journey(first.journeyId);
    expect(journey.map((i) => i.channel)).toEqual(['web', 'call_centre']);
  });

  it('puts a handed-off contact in the journey it came from, whatever its reason', async () => {
    const { customer } = await gasCustomer(stores);
    const call = await stores.interactions.record(
      contact(customer.id, { channel: 'call_centre', touchpoint: 'agent', outcome: 'handed_off' }),
    );
    const shop = await stores.interactions.record(
      contact(customer.id, {
        channel: 'shop',
        touchpoint: 'counter',
        reason: 'contract_change',
        handoffFromId: call.id,
        startedAt: '2026-02-03T10:00:00Z',
      }),
    );
    expect(shop.journeyId).toBe(call.journeyId);
    expect(shop.journeyStep).toBe(2);
    expect(shop.handoffFromId).toBe(call.id);
  });

  it('opens one journey when contacts for one customer and reason arrive at the same moment', async () => {
    const { customer } = await gasCustomer(stores);
    const placed = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        stores.interactions.record(
          contact(customer.id, { startedAt: new Date(Date.UTC(2026, 1, 1, 10, i)).toISOString() }),
        ),
      ),
    );
    expect(new Set(placed.map((p) => p.journeyId)).size).toBe(1);
    // Steps follow the contacts' times, whichever was written first.
    const journey = await stores.interactions.journey(placed[0]!.journeyId);
    expect(journey.map((c) => [c.journeyStep, c.startedAt.getUTCMinutes()])).toEqual(
      [0, 1, 2, 3, 4, 5, 6, 7].map((i) => [i + 1, i]),
    );
  });

  it('keeps journey steps unique when a handoff and a same-reason contact join one journey at once', async () => {
    const { customer } = await gasCustomer(stores);
    const call = await stores.interactions.record(
      contact(customer.id, { channel: 'call_centre', touchpoint: 'agent', outcome: 'handed_off' }),
    );
    const [handoff, again] = await Promise.all([
      stores.interactions.record(
        contact(customer.id, {
          channel: 'shop',
          touchpoint: 'counter',
          reason: 'contract_change',
          handoffFromId: call.id,
          startedAt: '2026-02-02T10:00:00Z',
        }),
      ),
      stores.interactions.record(contact(customer.id, { startedAt: '2026-02-02T11:00:00Z' })),
    ]);
    // Read once both are stored: whichever was written second may have moved the other's step
    // (a handoff at 10:00 arriving after the 11:00 contact goes before it).
    const stored = await stores.interactions.journey(call.journeyId);
    expect(stored.map((c) => [c.id, c.journeyStep])).toEqual([
      [call.id, 1],
      [handoff?.id, 2],
      [again?.id, 3],
    ]);
  });

  it('adds nothing twice when the same batch is recorded again', async () => {
    const { customer } = await gasCustomer(stores);
    const batch = [1, 2, 3].map((n) =>
      contact(customer.id, {
        source: 'legacy_crm',
        externalId: `row-${customer.id}-${n}`,
        startedAt: `2026-01-0${n}T10:00:00Z`,
      }),
    );
    expect(await stores.interactions.recordMany(batch)).toBe(3);
    expect(await stores.interactions.recordMany([...batch, batch[0]!])).toBe(0);
    const stored = await stores.interactions.forCustomer(customer.id, { limit: 10 });
    expect(stored).toHaveLength(3);
    expect(new Set(stored.map((s) => s.journeyId)).size).toBe(1);
  });

  it('lists every contact reason recorded, one by one or in batches', async () => {
    const { customer } = await gasCustomer(stores);
    await stores.interactions.record(contact(customer.id, { reason: 'meter_reading' }));
    await stores.interactions.recordMany([
      contact(customer.id, { reason: 'tariff_change' }),
      contact(customer.id, { reason: 'tariff_change', startedAt: '2026-01-05T10:00:00Z' }),
    ]);
    const reasons = await stores.interactions.reasons();
    expect(reasons).toEqual([...reasons].sort());
    expect(reasons).toEqual(expect.arrayContaining(['meter_reading', 'tariff_change']));
    expect(new Set(reasons).size).toBe(reasons.length);
  });

  it('continues a stored journey from a live batch whose first contact is older than it', async () => {
    const a = (await gasCustomer(stores)).customer;
    const b = (await gasCustomer(stores)).customer;
    const first = await stores.interactions.record(contact(a.id, { startedAt: '2026-02-01T10:00:05Z' }));
    await stores.interactions.recordMany([
      contact(b.id, { startedAt: '2026-02-01T10:00:00Z' }),
      contact(a.id, { startedAt: '2026-02-01T10:00:09Z' }),
    ]);
    const [second] = await stores.interactions.forCustomer(a.id, { limit: 1 });
    expect(second).toMatchObject({ journeyId: first.journeyId, journeyStep: 2 });
  });

  it('numbers journey steps 1, 2, 3 when a handoff and a same-reason contact join one journey in a batch', async () => {
    const { customer } = await gasCustomer(stores);
    const callId = randomUUID();
    const placed = await stores.interactions.recordMany([
      contact(customer.id, {
        id: callId,
        channel: 'call_centre',
        touchpoint: 'agent',
        outcome: 'handed_off',
      }),
      contact(customer.id, { startedAt: '2026-02-02T10:00:00Z' }),
      contact(customer.id, {
        channel: 'paper_mail',
        touchpoint: 'letter',
        direction: 'outbound',
        reason: 'payment_plan',
        handoffFromId: callId,
        startedAt: '2026-02-03T10:00:00Z',
      }),
    ]);
    expect(placed).toBe(3);
    const stored = await stores.interactions.forCustomer(customer.id, { limit: 10 });
    expect(new Set(stored.map((s) => s.journeyId)).size).toBe(1);
    expect(stored.map((s) => [s.channel, s.journeyStep]).reverse()).toEqual([
      ['call_centre', 1],
      ['web', 2],
      ['paper_mail', 3],
    ]);
    // A later single contact handed off from the call continues after the last step.
    const followUp = await stores.interactions.record(
      contact(customer.id, {
        channel: 'shop',
        touchpoint: 'counter',
        handoffFromId: callId,
        startedAt: '2026-02-04T10:00:00Z',
      }),
    );
    expect(followUp.journeyStep).toBe(4);
  });

  it('amends a contact: merges new detail keys over the stored ones and sets the outcome, keeping its journey place', async () => {
    const { customer } = await gasCustomer(stores);
    const first = await stores.interactions.record(contact(customer.id));
    const call = await stores.interactions.record(
      contact(customer.id, {
        channel: 'video',
        touchpoint: 'consultation',
        startedAt: '2026-02-02T10:00:00Z',
        details: { advisorId: 'a-1', wrapUp: { outcome: 'resolved', notes: 'first' }, came: ['customer'] },
      }),
    );
    const amended = await stores.interactions.amend(call.id, {
      details: { wrapUp: { outcome: 'follow_up', notes: 'second' }, flagged: true },
    });
    const expectedDetails = {
      advisorId: 'a-1',
      wrapUp: { outcome: 'follow_up', notes: 'second' },
      came: ['customer'],
      flagged: true,
    };
    expect(amended).toEqual({ ...call, details: expectedDetails });
    const handedOff = await stores.interactions.amend(call.id, { outcome: 'handed_off' });
    expect(handedOff).toEqual({ ...call, outcome: 'handed_off', details: expectedDetails });
    expect(await stores.interactions.interaction(call.id)).toEqual(handedOff);
    expect(await stores.interactions.interaction(first.id)).toEqual(first);
    expect(handedOff).toMatchObject({ journeyId: first.journeyId, journeyStep: 2 });
  });

  it('refuses to amend an unknown contact or to give it an outcome off the list', async () => {
    const { customer } = await gasCustomer(stores);
    const stored = await stores.interactions.record(contact(customer.id));
    await expect(stores.interactions.amend(randomUUID(), { details: { x: 1 } })).rejects.toMatchObject({
      code: 'not_found',
    });
    await expect(
      stores.interactions.amend(stored.id, { outcome: 'solved' as never, details: { x: 1 } }),
    ).rejects.toMatchObject({ code: 'invalid_input', issues: [{ path: 'outcome' }] });
    expect(await stores.interactions.interaction(stored.id)).toEqual(stored);
  });

  it('stores answers given together all or none: a second answer refused takes the first with it', async () => {
    const { customer } = await gasCustomer(stores);
    const call = await stores.interactions.record(contact(customer.id));
    const answeredAt = new Date('2026-02-01T10:10:00Z');
    await expect(
      stores.surveys.recordAll([
        { interactionId: call.id, metric: 'nps', score: 9, comment: 'ok', answeredAt },
        { interactionId: call.id, metric: 'csat', score: 9, answeredAt },
      ]),
    ).rejects.toMatchObject({ code: 'invalid_input' });
    expect(await stores.surveys.forInteraction(call.id)).toEqual([]);
    const stored = await stores.surveys.recordAll([
      { interactionId: call.id, metric: 'nps', score: 9, comment: 'ok', answeredAt },
      { interactionId: call.id, metric: 'csat', score: 4, answeredAt },
    ]);
    expect(stored.map((a) => [a.metric, a.score, a.comment])).toEqual([
      ['nps', 9, 'ok'],
      ['csat', 4, null],
    ]);
    expect(await stores.surveys.forInteraction(call.id)).toHaveLength(2);
  });

  it('refuses a batch of answers naming an unknown contact, or one metric twice, and stores none of it', async () => {
    const { customer } = await gasCustomer(stores);
    const [first, second] = [
      await stores.interactions.record(contact(customer.id)),
      await stores.interactions.record(contact(customer.id, { startedAt: '2026-02-03T10:00:00Z' })),
    ];
    const answeredAt = new Date('2026-02-03T10:10:00Z');
    const unknown = randomUUID();
    await expect(
      stores.surveys.recordAll([
        { interactionId: first!.id, metric: 'nps', score: 9, answeredAt },
        { interactionId: unknown, metric: 'nps', score: 7, answeredAt },
      ]),
    ).rejects.toMatchObject({ code: 'not_found', message: expect.stringContaining(unknown) });
    await expect(
      stores.surveys.recordAll([
        { interactionId: second!.id, metric: 'csat', score: 5, answeredAt },
        { interactionId: first!.id, metric: 'nps', score: 9, answeredAt },
        { interactionId: first!.id, metric: 'nps', score: 3, answeredAt },
      ]),
    ).rejects.toMatchObject({ code: 'conflict' });
    expect(await stores.surveys.forInteraction(first!.id)).toEqual([]);
    expect(await stores.surveys.forInteraction(second!.id)).toEqual([]);
    // Many at once, each stored about its own contact, returned in the order given.
    const many = await stores.surveys.recordAll(
      Array.from({ length: 6 }, (_, i) => ({
        interactionId: (i % 2 === 0 ? first : second)!.id,
        metric: (['nps', 'csat', 'ces'] as const)[Math.floor(i / 2)]!,
        score: 1 + (i % 5),
        answeredAt,
      })),
    );
    expect(many.map((a) => [a.interactionId, a.metric, a.score])).toEqual([
      [first!.id, 'nps', 1],
      [second!.id, 'nps', 2],
      [first!.id, 'csat', 3],
      [second!.id, 'csat', 4],
      [first!.id, 'ces', 5],
      [second!.id, 'ces', 1],
    ]);
    expect(await stores.surveys.forInteraction(second!.id)).toHaveLength(3);
    // An id in capitals is the same contact.
    const third = await stores.interactions.record(
      contact(customer.id, { startedAt: '2026-02-04T10:00:00Z' }),
    );
    const shouted = await stores.surveys.record({
      interactionId: third.id.toUpperCase(),
      metric: 'nps',
      score: 10,
      answeredAt,
    });
    expect(shouted.interactionId).toBe(third.id);
  });

  it('stores more answers at once than one statement could take as parameters of their own', async () => {
    const { customer } = await gasCustomer(stores);
    // A survey campaign's export: 4,000 contacts over a fortnight, three questions each.
    const contacts = Array.from({ length: 4000 }, (_, i) => ({
      id: randomUUID(),
      startedAt: new Date(Date.UTC(2026, 2, 1) + i * 300_000),
    }));
    expect(
      await stores.interactions.recordMany(
        contacts.map((c) => ({
          ...contact(customer.id, { startedAt: c.startedAt.toISOString() }),
          id: c.id,
        })),
      ),
    ).toBe(4000);
    const metrics = ['nps', 'csat', 'ces'] as const;
    const answers = contacts.flatMap((c, i) =>
      metrics.map((metric, m) => ({
        interactionId: c.id,
        metric,
        score: 1 + ((i + m) % 5),
        ...(i % 7 === 0 ? { comment: 'la bolletta è più alta del solito' } : {}),
        answeredAt: new Date(c.startedAt.getTime() + 600_000),
      })),
    );
    const stored = await stores.surveys.recordAll(answers);
    expect(stored).toHaveLength(12_000);
    expect(stored.map((a) => [a.interactionId, a.metric, a.score, a.comment, a.answeredAt])).toEqual(
      answers.map((a) => [a.interactionId, a.metric, a.score, a.comment ?? null, a.answeredAt]),
    );
    expect(await stores.surveys.forInteraction(contacts[3997]!.id)).toHaveLength(3);
  }, 60_000);

  it('writes nothing of a batch when one of its rows fails', async () => {
    const { customer } = await gasCustomer(stores);
    const batch = [
      contact(customer.id, { externalId: `ok-${customer.id}` }),
      contact(customer.id, { handoffFromId: randomUUID(), startedAt: '2026-02-02T10:00:00Z' }),
    ];
    await expect(stores.interactions.recordMany(batch)).rejects.toMatchObject({ code: 'not_found' });
    expect(await stores.interactions.forCustomer(customer.id, { limit: 10 })).toEqual([]);
  });

  it('writes no customer when one of its consents is refused by the database', async () => {
    const before = (await stores.customers.search({ limit: 1, offset: 0 })).total;
    // A consent date outside what PostgreSQL stores passes the schema but fails the insert.
    await expect(
      stores.customers.create({
        firstName: 'Marco',
        lastName: 'Verdi',
        locale: 'it-IT',
        segment: 'senior',
        consents: [
          {
            purpose: 'data_processing',
            granted: true,
            givenAt: new Date(-8_640_000_000_000_000),
            source: 'shop',
          },
        ],
      }),
    ).rejects.toBeInstanceOf(ChannelPilotError);
    expect((await stores.customers.search({ limit: 1, offset: 0 })).total).toBe(before);
  });

  it('finds the previous bill and the one covering the same period a year before', async () => {
    const { current, previous, yearAgo } = await gasCustomer(stores);
    const [found] = await stores.billing.comparables([current]);
    expect(found?.previous?.id).toBe(previous.id);
    expect(found?.yearAgo?.id).toBe(yearAgo.id);
    const [first] = await stores.billing.comparables([yearAgo]);
    expect(first).toEqual({ previous: undefined, yearAgo: undefined });
  });

  it('lists as open only bills with something left to pay, and tracks partial payments', async () => {
    const { customer, current, previous } = await gasCustomer(stores);
    expect((await stores.billing.openBills(customer.id)).map((b) => b.id)).toEqual([current.id]);
    // Read with their comparables for the customer's context, as the two reads give them.
    const inContext = async () =>
      (await stores.contextReads.read(customer.id, { now: new Date(), payments: 10, interactions: 20 }))!
        .openBills;
    const asTwoReads = async () => {
      const open = await stores.billing.openBills(customer.id);
      const compared = await stores.billing.comparables(open);
      return open.map((bill, i) => ({ ...bill, ...compared[i]! }));
    };
    const [compared] = await inContext();
    expect([compared?.id, compared?.previous?.id]).toEqual([current.id, previous.id]);
    expect(await inContext()).toEqual(await asTwoReads());
    await stores.billing.recordPayment({
      customerId: customer.id,
      billId: current.id,
      amountCents: 1000,
      paidAt: '2026-03-06T10:00:00Z',
      method: 'card',
      channel: 'web',
    });
    const [open] = await stores.billing.openBills(customer.id);
    expect(open?.paidCents).toBe(1000);
    expect(previous.paidCents).toBe(0); // as issued, before its payment
    // Partly paid, and its previous bill paid: the amounts come through the comparables too.
    expect(await inContext()).toEqual(await asTwoReads());
  });

  it('refuses a payment against another customer’s bill', async () => {
    const a = await gasCustomer(stores);
    const b = await gasCustomer(stores);
    await expect(
      stores.billing.recordPayment({
        customerId: b.customer.id,
        billId: a.current.id,
        amountCents: 100,
        paidAt: '2026-03-06T10:00:00Z',
        method: 'card',
        channel: 'web',
      }),
    ).rejects.toMatchObject({ code: 'invalid_input' });
  });

  it('rejects a survey score off its scale at the database too', async () => {
    const { customer } = await gasCustomer(stores);
    const c = await stores.interactions.record(contact(customer.id));
    await expect(
      sql`insert into survey_answers (id, interaction_id, metric, score, answered_at) values (${randomUUID()}, ${c.id}, 'csat', 6, now())`.execute(
        storage.db,
      ),
    ).rejects.toThrow(/check constraint/);
  });

  it('opens a staff session only with the right password, and forgets it after logout', async () => {
    const user = await stores.staff.addUser({
      username: `clerk-${randomUUID().slice(0, 8)}`,
      displayName: 'Clerk',
      role: 'advisor',
      password: 'a long enough secret',
    });
    expect(await stores.staff.verifyLogin(user.username, 'wrong password here')).toBeUndefined();
    expect((await stores.staff.verifyLogin(user.username.toUpperCase(), 'a long enough secret'))?.id).toBe(
      user.id,
    );
    const { token } = await stores.staff.openSession(user.id, 60_000);
    expect((await stores.staff.session(token))?.user.id).toBe(user.id);
    await stores.staff.closeSession(token);
    expect(await stores.staff.session(token)).toBeUndefined();
    const stored = await storage.db
      .selectFrom('staff_users')
      .select('password_hash')
      .where('id', '=', user.id)
      .executeTakeFirstOrThrow();
    expect(stored.password_hash).toMatch(/^scrypt\$32768\$8\$1\$/);
    await expect(
      stores.staff.addUser({
        username: user.username,
        displayName: 'Again',
        role: 'admin',
        password: 'another long secret',
      }),
    ).rejects.toMatchObject({ code: 'conflict' });
  });

  it('does not honour an expired session', async () => {
    const user = await stores.staff.addUser({
      username: `temp-${randomUUID().slice(0, 8)}`,
      displayName: 'Temp',
      role: 'advisor',
      password: 'a long enough secret',
    });
    const { token } = await stores.staff.openSession(user.id, -1);
    expect(await stores.staff.session(token)).toBeUndefined();
  });
});
