import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { ChannelPilotError, type StorageHandle, type Stores } from '../../core/index.ts';
import { type CallbackRequestInput } from '../../core/services.ts';
import { databaseKind, withTestStores } from '../support/database.ts';
import { fixedClock, gasCustomer, staffUsers } from '../support/fixtures.ts';

let storage: StorageHandle;
let stores: Stores;
withTestStores((opened) => ({ storage, stores } = opened));

const at = (iso: string) => new Date(iso);

const callback = (
  customerId: string,
  overrides: Partial<CallbackRequestInput> = {},
): CallbackRequestInput => ({
  customerId,
  channel: 'voice_assistant',
  reason: 'bill_explanation',
  summary: 'Wants to know why the March gas bill is higher than last year.',
  ...overrides,
});

const refusal = async (work: Promise<unknown>) => {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ChannelPilotError);
  return error as ChannelPilotError;
};

const storedCount = async () =>
  Number(
    (
      await storage.db
        .selectFrom('callback_requests')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

describe(`callback requests on the ${databaseKind} database`, () => {
  it('keeps what the channel knew, and lists open requests longest wait first', async () => {
    const { customer } = await gasCustomer(stores);
    const contact = await stores.interactions.record({
      customerId: customer.id,
      channel: 'voice_assistant',
      touchpoint: 'alexa',
      direction: 'inbound',
      reason: 'bill_explanation',
      startedAt: '2026-03-10T08:00:00Z',
      outcome: 'handed_off',
    });
    const middle = await stores.callbacks.request(
      callback(customer.id, {
        interactionId: contact.id,
        context: { topic: 'gas', asked: ['why is it higher?'], answered: false },
      }),
      at('2026-03-10T08:05:00Z'),
    );
    const newest = await stores.callbacks.request(
      callback(customer.id, { reason: 'payment', summary: '  Asks for instalments.  ' }),
      at('2026-03-10T09:00:00Z'),
    );
    const oldest = await stores.callbacks.request(callback(customer.id), at('2026-03-10T07:30:00Z'));

    expect(middle).toMatchObject({
      customerId: customer.id,
      interactionId: contact.id,
      channel: 'voice_assistant',
      reason: 'bill_explanation',
      context: { topic: 'gas', asked: ['why is it higher?'], answered: false },
      status: 'open',
      createdAt: at('2026-03-10T08:05:00Z'),
      doneAt: null,
      doneBy: null,
    });
    expect(newest.summary).toBe('Asks for instalments.');
    expect(oldest.interactionId).toBeNull();
    expect(oldest.context).toEqual({});

    const open = (await stores.callbacks.open({ limit: 100 })).filter((r) => r.customerId === customer.id);
    expect(open.map((r) => r.id)).toEqual([oldest.id, middle.id, newest.id]);
    expect(open[1]).toEqual(middle);
  });

  it('gives the agent no more than the number asked for, oldest first', async () => {
    const { customer } = await gasCustomer(stores);
    const earliest = await stores.callbacks.request(callback(customer.id), at('2020-01-01T08:00:00Z'));
    await stores.callbacks.request(callback(customer.id), at('2020-01-01T09:00:00Z'));
    const first = await stores.callbacks.open({ limit: 1 });
    expect(first.map((r) => r.id)).toEqual([earliest.id]);
  });

  it('marks a request done by the agent who called back, and takes it off the open list', async () => {
    const { customer } = await gasCustomer(stores);
    const { advisor } = await staffUsers(stores);
    const request = await stores.callbacks.request(callback(customer.id), at('2026-03-10T08:00:00Z'));
    const done = await stores.callbacks.complete(request.id, advisor.id, at('2026-03-10T10:30:00Z'));
    expect(done).toMatchObject({
      id: request.id,
      status: 'done',
      doneAt: at('2026-03-10T10:30:00Z'),
      doneBy: advisor.id,
      summary: request.summary,
    });
    const open = await stores.callbacks.open({ limit: 1000 });
    expect(open.map((r) => r.id)).not.toContain(request.id);
  });

  it('refuses to complete a request twice, keeping who called back first', async () => {
    const { customer } = await gasCustomer(stores);
    const { advisor, manager } = await staffUsers(stores);
    const request = await stores.callbacks.request(callback(customer.id), at('2026-03-10T08:00:00Z'));
    await stores.callbacks.complete(request.id, advisor.id, at('2026-03-10T10:30:00Z'));
    const refused = await refusal(
      stores.callbacks.complete(request.id, manager.id, at('2026-03-10T11:00:00Z')),
    );
    expect(refused.code).toBe('conflict');
    const row = await storage.db
      .selectFrom('callback_requests')
      .select(['done_by', 'done_at'])
      .where('id', '=', request.id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ done_by: advisor.id, done_at: at('2026-03-10T10:30:00Z') });
  });

  it('answers not_found for a request that does not exist', async () => {
    const { advisor } = await staffUsers(stores);
    const refused = await refusal(stores.callbacks.complete(randomUUID(), advisor.id, fixedClock.now()));
    expect(refused.code).toBe('not_found');
  });

  it('answers not_found for a callback for a customer who does not exist, storing nothing', async () => {
    const before = await storedCount();
    const refused = await refusal(stores.callbacks.request(callback(randomUUID()), fixedClock.now()));
    expect(refused.code).toBe('not_found');
    expect(await storedCount()).toBe(before);
  });

  it.each([
    ['an empty summary', { summary: '   ' }, 'summary'],
    ['a customer id that is not a uuid', { customerId: 'giulia-rossi' }, 'customerId'],
    ['a channel that is not a slug', { channel: 'Voice Assistant!' }, 'channel'],
    ['a contact id that is not a uuid', { interactionId: '42' }, 'interactionId'],
  ] as const)('refuses %s, naming the field and storing nothing', async (_, overrides, field) => {
    const { customer } = await gasCustomer(stores);
    const before = await storedCount();
    const refused = await refusal(
      stores.callbacks.request(callback(customer.id, overrides), fixedClock.now()),
    );
    expect(refused.code).toBe('invalid_input');
    expect(refused.issues.map((i) => i.path)).toEqual([field]);
    expect(await storedCount()).toBe(before);
  });
});
