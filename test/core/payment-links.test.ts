import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import {
  ChannelPilotError,
  createPostgresStores,
  createSignedLinks,
  type StorageHandle,
  type Stores,
} from '../../core/index.ts';
import { PAYMENT_LINK_TTL_MS, createPaymentLinks } from '../../core/services.ts';
import { databaseKind, openTestDatabase } from '../support/database.ts';
import { gasCustomer } from '../support/fixtures.ts';

// Tuesday 10 March 2026, 10:00 in Rome; one test moves it past the links' expiry.
let now = new Date('2026-03-10T09:00:00Z');
const clock = { now: () => now };

let storage: StorageHandle;
let stores: Stores;
const links = createSignedLinks({ secret: randomBytes(32) });
const PAGE = 'https://pay.example.it/p/';

beforeAll(async () => {
  storage = await openTestDatabase();
  stores = createPostgresStores(storage.db, { clock });
});

afterAll(async () => {
  await storage?.close();
});

const paymentLinks = () =>
  createPaymentLinks({
    links,
    customers: stores.customers,
    billing: stores.billing,
    interactions: stores.interactions,
    outbox: stores.outbox,
    clock,
    url: (token) => `${PAGE}${encodeURIComponent(token)}`,
  });

/** The voice assistant contact during which the customer asks to pay. */
const voiceContact = (customerId: string) =>
  stores.interactions.record({
    customerId,
    channel: 'voice_assistant',
    touchpoint: 'alexa',
    direction: 'inbound',
    reason: 'payment',
    startedAt: new Date(now.getTime() - 5 * 60_000),
    endedAt: now,
    outcome: 'handed_off',
  });

const tokenOf = (url: string) => decodeURIComponent(url.slice(PAGE.length));

const refusal = async (work: Promise<unknown>) => {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ChannelPilotError);
  return error as ChannelPilotError;
};

const openingsOf = async (customerId: string) =>
  (await stores.interactions.forCustomer(customerId, { limit: 50 })).filter(
    (i) => i.touchpoint === 'payment_link',
  );

describe(`payment links on the ${databaseKind} database`, () => {
  it('texts the customer one link to the payment page', async () => {
    const { customer } = await gasCustomer(stores);
    const contact = await voiceContact(customer.id);
    const sent = await paymentLinks().send({ customerId: customer.id, fromInteractionId: contact.id });
    expect(sent?.medium).toBe('sms');
    expect(sent?.url.startsWith(PAGE)).toBe(true);

    const messages = await stores.outbox.recent({ limit: 10, customerId: customer.id });
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      kind: 'payment_link',
      medium: 'sms',
      recipient: '+393331234567',
      subject: null,
      status: 'pending',
      appointmentId: null,
    });
    // What is owed and by when, so that the message is worth opening.
    expect(messages[0]?.body).toBe(
      `Da pagare: 533,50\u00a0€, con scadenza 25 marzo 2026. Paga da qui: ${sent?.url}`,
    );

    // Asking again during the same contact sends nothing more.
    await paymentLinks().send({ customerId: customer.id, fromInteractionId: contact.id });
    expect(await stores.outbox.recent({ limit: 10, customerId: customer.id })).toHaveLength(1);
  });

  it('sends nothing to a customer who may not be messaged', async () => {
    const customer = await stores.customers.create({
      firstName: 'Paolo',
      lastName: 'Verdi',
      locale: 'it-IT',
      phone: '+393339876543',
      segment: 'family',
      preferredMedium: 'sms',
      consents: [
        { purpose: 'data_processing', granted: true, givenAt: '2024-01-10T09:00:00Z', source: 'paper_form' },
      ],
    });
    const contact = await voiceContact(customer.id);
    expect(await paymentLinks().send({ customerId: customer.id, fromInteractionId: contact.id })).toBeNull();
    expect(await stores.outbox.recent({ limit: 10, customerId: customer.id })).toEqual([]);
  });

  it('shows the holder of the link what is owed, and records the opening in the journey that sent it', async () => {
    const { customer, current } = await gasCustomer(stores);
    const contact = await voiceContact(customer.id);
    const sent = await paymentLinks().send({ customerId: customer.id, fromInteractionId: contact.id });
    now = new Date(now.getTime() + 60 * 60_000);

    const page = await paymentLinks().open(tokenOf(sent?.url as string));
    expect(page).toMatchObject({ customerId: customer.id, firstName: 'Giulia', locale: 'it-IT' });
    expect(page.bills).toEqual([
      {
        number: current.number,
        supply: { kind: 'gas', street: 'Via Roma 1' },
        periodStart: '2026-01-01',
        periodEnd: '2026-02-28',
        amountCents: current.amountCents,
        paidCents: 0,
        dueOn: '2026-03-25',
        status: 'unpaid',
      },
    ]);
    expect(page.balance).toMatchObject({
      owedCents: current.amountCents,
      overdueCents: 0,
      nextDue: { dueOn: '2026-03-25', amountCents: current.amountCents },
    });
    expect(page.balance.openBills.map((b) => b.billId)).toEqual([current.id]);

    expect(page.opening).toMatchObject({
      customerId: customer.id,
      channel: 'web',
      touchpoint: 'payment_link',
      direction: 'inbound',
      reason: 'payment',
      startedAt: now,
      handoffFromId: contact.id,
      journeyId: contact.journeyId,
      journeyStep: contact.journeyStep + 1,
    });
    const journey = await stores.interactions.journey(contact.journeyId);
    expect(journey.map((i) => i.id)).toEqual([contact.id, page.opening.id]);
  });

  it('records an opening once however often the link is opened', async () => {
    const { customer } = await gasCustomer(stores);
    const contact = await voiceContact(customer.id);
    const sent = await paymentLinks().send({ customerId: customer.id, fromInteractionId: contact.id });
    const token = tokenOf(sent?.url as string);
    const first = await paymentLinks().open(token);
    now = new Date(now.getTime() + 60_000);
    const again = await paymentLinks().open(token);
    expect(again.opening).toEqual(first.opening);
    expect(await openingsOf(customer.id)).toHaveLength(1);
  });

  it('records one opening when a link preview and the customer open it at the same moment', async () => {
    const { customer } = await gasCustomer(stores);
    const contact = await voiceContact(customer.id);
    const sent = await paymentLinks().send({ customerId: customer.id, fromInteractionId: contact.id });
    const token = tokenOf(sent?.url as string);
    const pages = await Promise.all([paymentLinks().open(token), paymentLinks().open(token)]);
    expect(pages[1].opening.id).toBe(pages[0].opening.id);
    expect(await openingsOf(customer.id)).toHaveLength(1);
  });

  it('refuses a link whose token was tampered with, recording nothing', async () => {
    const { customer } = await gasCustomer(stores);
    const other = await gasCustomer(stores);
    const contact = await voiceContact(customer.id);
    const sent = await paymentLinks().send({ customerId: customer.id, fromInteractionId: contact.id });
    const token = tokenOf(sent?.url as string);
    const [action, subject, expiry, mac] = token.split('.') as [string, string, string, string];

    const flipped = `${action}.${subject}.${expiry}.${mac.startsWith('A') ? 'B' : 'A'}${mac.slice(1)}`;
    const otherCustomer = `${action}.${subject.replace(customer.id, other.customer.id)}.${expiry}.${mac}`;
    const extended = `${action}.${subject}.${(parseInt(expiry, 36) + 86_400).toString(36)}.${mac}`;
    for (const forged of [flipped, otherCustomer, extended, `${token}.x`, 'pay']) {
      expect((await refusal(paymentLinks().open(forged))).code).toBe('unauthenticated');
    }
    expect(await openingsOf(customer.id)).toEqual([]);
    expect(await openingsOf(other.customer.id)).toEqual([]);
  });

  it('refuses a link for another action, even one signed with the same secret', async () => {
    const { customer } = await gasCustomer(stores);
    const contact = await voiceContact(customer.id);
    const booking = links.sign({
      action: 'book',
      subject: `${customer.id}_${contact.id}`,
      expiresAt: new Date(now.getTime() + 86_400_000),
    });
    expect((await refusal(paymentLinks().open(booking))).code).toBe('unauthenticated');
    expect(await openingsOf(customer.id)).toEqual([]);
  });

  it('refuses a link opened after its 7 days', async () => {
    const { customer } = await gasCustomer(stores);
    const contact = await voiceContact(customer.id);
    const sent = await paymentLinks().send({ customerId: customer.id, fromInteractionId: contact.id });
    const token = tokenOf(sent?.url as string);
    now = new Date(now.getTime() + PAYMENT_LINK_TTL_MS - 60_000);
    await paymentLinks().open(token);
    now = new Date(now.getTime() + 86_400_000);
    const refused = await refusal(paymentLinks().open(token));
    expect(refused.code).toBe('unauthenticated');
  });

  it('refuses an expired link before recording anything', async () => {
    const { customer } = await gasCustomer(stores);
    const contact = await voiceContact(customer.id);
    const sent = await paymentLinks().send({ customerId: customer.id, fromInteractionId: contact.id });
    now = new Date(now.getTime() + 8 * 86_400_000);
    const refused = await refusal(paymentLinks().open(tokenOf(sent?.url as string)));
    expect(refused.code).toBe('unauthenticated');
    expect(await openingsOf(customer.id)).toEqual([]);
  });
});
