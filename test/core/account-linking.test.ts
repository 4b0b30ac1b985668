import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  ChannelPilotError,
  createPostgresStores,
  type StorageHandle,
  type Stores,
} from '../../core/index.ts';
import { LINK_CODE_RULES, createAccountLinking } from '../../core/services.ts';
import { databaseKind, openTestDatabase } from '../support/database.ts';
import { gasCustomer } from '../support/fixtures.ts';

// Tests move the clock forward to expire codes and to leave the failure window.
let now = new Date('2026-03-10T09:00:00Z');
const clock = { now: () => now };
const later = (ms: number) => {
  now = new Date(now.getTime() + ms);
};

let storage: StorageHandle;
let stores: Stores;

beforeAll(async () => {
  storage = await openTestDatabase();
  stores = createPostgresStores(storage.db, { clock });
});

afterAll(async () => {
  await storage?.close();
});

const secret = randomBytes(32);
const linking = (newCode?: () => string) =>
  createAccountLinking({
    store: stores.accountLinks,
    customers: stores.customers,
    outbox: stores.outbox,
    clock,
    secret,
    ...(newCode ? { newCode } : {}),
  });

/** Draws the given codes in turn. */
const codes =
  (...drawn: string[]) =>
  () => {
    const code = drawn.shift();
    if (code === undefined) throw new Error('no code left to draw');
    return code;
  };

const messagesTo = (customerId: string) => stores.outbox.recent({ limit: 20, customerId });

/** A platform user nobody has used yet, so that failures of other tests do not count. */
const alexaUser = () => ({ platform: 'alexa', platformUserId: `amzn1.account.${randomUUID()}` });

const refusal = async (work: Promise<unknown>) => {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ChannelPilotError);
  return error as ChannelPilotError;
};

describe(`account linking on the ${databaseKind} database`, () => {
  it('texts the code to the customer in Italian and stores only its hash', async () => {
    const { customer } = await gasCustomer(stores);
    const issued = await linking(codes('482913')).issueCode(customer.id);
    expect(issued).toEqual({
      code: '482913',
      medium: 'sms',
      expiresAt: new Date(now.getTime() + LINK_CODE_RULES.ttlMs),
    });

    const [message, ...others] = await messagesTo(customer.id);
    expect(others).toEqual([]);
    expect(message).toMatchObject({
      kind: 'link_code',
      medium: 'sms',
      recipient: '+393331234567',
      subject: null,
      status: 'pending',
      sendAfter: now,
    });
    expect(message?.body).toContain('482913');
    expect(message?.body).toContain('Il tuo codice per collegare l’assistente vocale');
    expect(message?.body).toContain('entro 10 minuti');

    const stored = await storage.db
      .selectFrom('account_link_codes')
      .select(['code_hash', 'expires_at', 'used_at'])
      .where('customer_id', '=', customer.id)
      .execute();
    expect(stored).toHaveLength(1);
    expect(stored[0]?.code_hash).not.toContain('482913');
    expect(stored[0]?.code_hash).toMatch(/^[0-9a-f]{64}$/);
    // Keyed: a copy of the database cannot be turned back into codes by hashing all million of them.
    expect(stored[0]?.code_hash).not.toBe(createHash('sha256').update('482913').digest('hex'));
    expect(stored[0]?.used_at).toBeNull();
  });

  it('links the voice assistant user who says the code the customer received', async () => {
    const { customer } = await gasCustomer(stores);
    await linking().issueCode(customer.id);
    const [message] = await messagesTo(customer.id);
    const code = /\b(\d{6})\b/.exec(message?.body ?? '')?.[1];
    expect(code).toMatch(/^\d{6}$/);

    const user = alexaUser();
    expect(await linking().linkedCustomer(user.platform, user.platformUserId)).toBeUndefined();
    expect(await linking().redeem({ ...user, code: code as string })).toEqual({
      status: 'linked',
      customerId: customer.id,
    });
    expect(await linking().linkedCustomer(user.platform, user.platformUserId)).toBe(customer.id);
    // The same user on another platform is someone else.
    expect(await linking().linkedCustomer('google', user.platformUserId)).toBeUndefined();
  });

  it('understands a code said with pauses between the digits', async () => {
    const { customer } = await gasCustomer(stores);
    await linking(codes('305718')).issueCode(customer.id);
    const user = alexaUser();
    expect(await linking().redeem({ ...user, code: '30 57 18' })).toEqual({
      status: 'linked',
      customerId: customer.id,
    });
  });

  it('answers "used" when a code is said a second time, and keeps the first link', async () => {
    const { customer } = await gasCustomer(stores);
    await linking(codes('711204')).issueCode(customer.id);
    const first = alexaUser();
    const second = alexaUser();
    expect((await linking().redeem({ ...first, code: '711204' })).status).toBe('linked');
    expect(await linking().redeem({ ...second, code: '711204' })).toEqual({ status: 'used' });
    expect(await linking().redeem({ ...first, code: '711204' })).toEqual({ status: 'used' });
    expect(await linking().linkedCustomer(first.platform, first.platformUserId)).toBe(customer.id);
    expect(await linking().linkedCustomer(second.platform, second.platformUserId)).toBeUndefined();
  });

  it('answers "expired" for a code said more than 10 minutes after it was sent', async () => {
    const { customer } = await gasCustomer(stores);
    await linking(codes('550912')).issueCode(customer.id);
    later(LINK_CODE_RULES.ttlMs);
    const user = alexaUser();
    expect(await linking().redeem({ ...user, code: '550912' })).toEqual({ status: 'expired' });
    expect(await linking().linkedCustomer(user.platform, user.platformUserId)).toBeUndefined();
  });

  it('still accepts a code said just before its 10 minutes are up', async () => {
    const { customer } = await gasCustomer(stores);
    await linking(codes('550913')).issueCode(customer.id);
    later(LINK_CODE_RULES.ttlMs - 1000);
    expect((await linking().redeem({ ...alexaUser(), code: '550913' })).status).toBe('linked');
  });

  it('answers "unknown" for a code nobody was sent, or one of the wrong length', async () => {
    const { customer } = await gasCustomer(stores);
    await linking(codes('120000')).issueCode(customer.id);
    const user = alexaUser();
    expect(await linking().redeem({ ...user, code: '120001' })).toEqual({ status: 'unknown' });
    expect(await linking().redeem({ ...user, code: '12000' })).toEqual({ status: 'unknown' });
    expect(await linking().redeem({ ...user, code: 'dodici' })).toEqual({ status: 'unknown' });
    expect(await linking().linkedCustomer(user.platform, user.platformUserId)).toBeUndefined();
  });

  it('withdraws the older unused code when the customer asks for a new one', async () => {
    const { customer } = await gasCustomer(stores);
    await linking(codes('900001')).issueCode(customer.id);
    later(60_000);
    await linking(codes('900002')).issueCode(customer.id);
    const bodies = (await messagesTo(customer.id)).map((m) => m.body);
    expect(bodies).toHaveLength(2);
    expect(bodies[0]).toContain('900002');
    expect(bodies[1]).toContain('900001');

    const user = alexaUser();
    expect(await linking().redeem({ ...user, code: '900001' })).toEqual({ status: 'unknown' });
    expect(await linking().redeem({ ...user, code: '900002' })).toEqual({
      status: 'linked',
      customerId: customer.id,
    });
  });

  it('refuses even the right code after 5 wrong ones within 15 minutes, and accepts it after the window', async () => {
    const { customer } = await gasCustomer(stores);
    const user = alexaUser();
    const start = now;
    for (let i = 0; i < LINK_CODE_RULES.failureLimit; i++) {
      expect((await linking().redeem({ ...user, code: `00000${i}` })).status).toBe('unknown');
    }
    later(6 * 60_000);
    await linking(codes('246810')).issueCode(customer.id);
    const refused = await refusal(linking().redeem({ ...user, code: '246810' }));
    expect(refused.code).toBe('rate_limited');
    expect(await linking().linkedCustomer(user.platform, user.platformUserId)).toBeUndefined();

    // Someone else may still link meanwhile: the limit is per platform user.
    const { customer: other } = await gasCustomer(stores);
    await linking(codes('246811')).issueCode(other.id);
    expect((await linking().redeem({ ...alexaUser(), code: '246811' })).status).toBe('linked');

    now = new Date(start.getTime() + LINK_CODE_RULES.failureWindowMs + 1000);
    expect(await linking().redeem({ ...user, code: '246810' })).toEqual({
      status: 'linked',
      customerId: customer.id,
    });
  });

  it('counts parallel guesses one by one: 20 wrong codes at once get 5 answers and 15 refusals', async () => {
    const user = alexaUser();
    const results = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) => linking().redeem({ ...user, code: String(900000 + i) })),
    );
    const answered = results.filter((r) => r.status === 'fulfilled');
    const refused = results.flatMap((r) => (r.status === 'rejected' ? [r.reason as ChannelPilotError] : []));
    expect(answered).toHaveLength(LINK_CODE_RULES.failureLimit);
    expect(refused.map((e) => e.code)).toEqual(Array(20 - LINK_CODE_RULES.failureLimit).fill('rate_limited'));
  });

  it('sends both codes when a customer asks twice in the same instant', async () => {
    const { customer } = await gasCustomer(stores);
    await linking(codes('135791')).issueCode(customer.id);
    await linking(codes('135792')).issueCode(customer.id);
    const sent = (await messagesTo(customer.id)).filter((m) => m.kind === 'link_code');
    expect(sent.map((m) => /\d{6}/.exec(m.body)?.[0]).sort()).toEqual(['135791', '135792']);
  });

  it('lets a user who made 4 mistakes still link with the right code', async () => {
    const { customer } = await gasCustomer(stores);
    const user = alexaUser();
    for (let i = 0; i < LINK_CODE_RULES.failureLimit - 1; i++) {
      await linking().redeem({ ...user, code: `11111${i}` });
    }
    await linking(codes('135790')).issueCode(customer.id);
    expect((await linking().redeem({ ...user, code: '135790' })).status).toBe('linked');
  });

  it('refuses to send a code to a customer who has not consented to e-mail or SMS', async () => {
    const customer = await stores.customers.create({
      firstName: 'Paolo',
      lastName: 'Verdi',
      locale: 'it-IT',
      phone: '+393339876543',
      email: 'paolo.verdi@example.it',
      segment: 'family',
      preferredMedium: 'sms',
      consents: [
        { purpose: 'data_processing', granted: true, givenAt: '2024-01-10T09:00:00Z', source: 'paper_form' },
        {
          purpose: 'contact',
          medium: 'phone',
          granted: true,
          givenAt: '2024-01-10T09:00:00Z',
          source: 'paper_form',
        },
      ],
    });
    const refused = await refusal(linking(codes('999999')).issueCode(customer.id));
    expect(refused.code).toBe('conflict');
    expect(await messagesTo(customer.id)).toEqual([]);
    const stored = await storage.db
      .selectFrom('account_link_codes')
      .select('id')
      .where('customer_id', '=', customer.id)
      .execute();
    expect(stored).toEqual([]);
  });

  it('answers not_found for a customer who does not exist', async () => {
    const refused = await refusal(linking().issueCode(randomUUID()));
    expect(refused.code).toBe('not_found');
  });

  it('draws again when another customer already holds the same live code', async () => {
    const anna = (await gasCustomer(stores)).customer;
    const bruno = (await gasCustomer(stores)).customer;
    await linking(codes('777777')).issueCode(anna.id);
    const draws = codes('777777', '888888');
    await linking(draws).issueCode(bruno.id);
    expect(draws).toThrow('no code left');

    const [toBruno] = await messagesTo(bruno.id);
    expect(toBruno?.body).toContain('888888');
    expect(toBruno?.body).not.toContain('777777');
    expect(await linking().redeem({ ...alexaUser(), code: '777777' })).toEqual({
      status: 'linked',
      customerId: anna.id,
    });
    expect(await linking().redeem({ ...alexaUser(), code: '888888' })).toEqual({
      status: 'linked',
      customerId: bruno.id,
    });
  });

  it('links exactly one user when 10 people say the same code at once', async () => {
    const { customer } = await gasCustomer(stores);
    await linking(codes('424242')).issueCode(customer.id);
    const users = Array.from({ length: 10 }, alexaUser);
    const results = await Promise.all(users.map((user) => linking().redeem({ ...user, code: '424242' })));
    expect(results.filter((r) => r.status === 'linked')).toEqual([
      { status: 'linked', customerId: customer.id },
    ]);
    expect(results.filter((r) => r.status === 'used')).toHaveLength(9);
    const linked = await Promise.all(
      users.map((user) => linking().linkedCustomer(user.platform, user.platformUserId)),
    );
    expect(linked.filter((id) => id !== undefined)).toEqual([customer.id]);
  });

  it('slows rather than stops linking after 100 wrong codes from many accounts: one try each, and the right code still links', async () => {
    later(LINK_CODE_RULES.failureWindowMs + 1000);
    const { customer } = await gasCustomer(stores);
    await linking(codes('975310')).issueCode(customer.id);
    for (let i = 0; i < LINK_CODE_RULES.globalFailureLimit; i++) {
      expect((await linking().redeem({ ...alexaUser(), code: String(800000 + i) })).status).toBe('unknown');
    }
    // Under that pressure a new account gets one wrong code, not five…
    const guesser = alexaUser();
    expect((await linking().redeem({ ...guesser, code: '800999' })).status).toBe('unknown');
    expect((await refusal(linking().redeem({ ...guesser, code: '975310' }))).code).toBe('rate_limited');
    // …and a customer saying their own code for the first time is still linked.
    const customerUser = alexaUser();
    expect(await linking().redeem({ ...customerUser, code: '975310' })).toEqual({
      status: 'linked',
      customerId: customer.id,
    });
  });

  it('counts wrong codes per device too: five from one device through new accounts block that device only', async () => {
    later(LINK_CODE_RULES.failureWindowMs + 1000);
    const { customer } = await gasCustomer(stores);
    await linking(codes('864210')).issueCode(customer.id);
    const deviceId = `amzn1.ask.device.${randomUUID()}`;
    for (let i = 0; i < LINK_CODE_RULES.failureLimit; i++) {
      const result = await linking().redeem({ ...alexaUser(), deviceId, code: String(700000 + i) });
      expect(result.status).toBe('unknown');
    }
    const refused = await refusal(linking().redeem({ ...alexaUser(), deviceId, code: '864210' }));
    expect(refused.code).toBe('rate_limited');
    const elsewhere = { ...alexaUser(), deviceId: `amzn1.ask.device.${randomUUID()}` };
    expect((await linking().redeem({ ...elsewhere, code: '864210' })).status).toBe('linked');
    const [failures] = await storage.db
      .selectFrom('account_link_failures')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('device_id', '=', deviceId)
      .execute();
    expect(Number(failures?.n)).toBe(LINK_CODE_RULES.failureLimit);
  });
});
