import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { composeApp } from '../../app/compose.ts';
import { createSmtpEmailSender } from '../../app/notify/smtp-email-sender.ts';
import {
  createOutboxDispatcher,
  type MessageSender,
  type OutboxMessage,
  type StorageHandle,
  type Stores,
} from '../../core/index.ts';
import { openTestDatabase } from '../support/database.ts';
import { gasCustomer, officeHoursAdvisor } from '../support/fixtures.ts';
import { startMailbox } from '../support/smtp.ts';

// Monday 23 March 2026, 09:00 in Rome.
let now = new Date('2026-03-23T08:00:00Z');
const clock = { now: () => now };
const logger = pino({ level: 'silent' });

let storage: StorageHandle;
let stores: Stores;
let composed: Awaited<ReturnType<typeof composeApp>>;

beforeAll(async () => {
  storage = await openTestDatabase();
  composed = await composeApp({
    storage,
    config: { PUBLIC_URL: 'https://pilot.example.it', SESSION_TTL_HOURS: 1, COOKIE_SECURE: true },
    logger,
    clock,
  });
  stores = composed.stores;
  await officeHoursAdvisor(stores, { name: 'Davide Conti' });
});

afterAll(async () => {
  await storage?.close();
});

const bookFor = async (customerId: string, startsAt: string) => {
  const appointment = await composed.booking.book({
    customerId,
    topic: 'billing',
    locale: 'it-IT',
    startsAt,
    bookedVia: 'web',
  });
  await composed.notices.booked(appointment);
  return appointment;
};
const withdrawSmsConsent = (customerId: string) =>
  stores.customers.recordConsent(customerId, {
    purpose: 'contact',
    medium: 'sms',
    granted: false,
    givenAt: '2026-02-01T00:00:00Z',
    source: 'web_form',
  });
const queued = async (customerId: string) =>
  (await stores.outbox.recent({ limit: 50, customerId })).sort(
    (a, b) => a.sendAfter.getTime() - b.sendAfter.getTime(),
  );

/** A sender that keeps what it is given. */
function recordingSender(medium: 'email' | 'sms', fail = false): MessageSender & { got: OutboxMessage[] } {
  const got: OutboxMessage[] = [];
  return {
    medium,
    got,
    async send(message) {
      if (fail) throw new Error('gateway down');
      got.push(message);
    },
  };
}

describe('appointment messages', () => {
  it('confirm a booking by SMS, the preferred allowed medium, and queue reminders a day and 15 minutes before', async () => {
    const { customer } = await gasCustomer(stores);
    const appointment = await bookFor(customer.id, '2026-03-25T09:35:00Z');
    const messages = await queued(customer.id);
    expect(messages.map((m) => [m.kind, m.medium, m.sendAfter.toISOString()])).toEqual([
      ['confirmation', 'sms', '2026-03-23T08:00:00.000Z'],
      ['reminder_24h', 'sms', '2026-03-24T09:35:00.000Z'],
      ['reminder_15m', 'sms', '2026-03-25T09:20:00.000Z'],
    ]);
    expect(messages[0]?.recipient).toBe(customer.phone);
    expect(messages[0]?.body).toMatch(
      /^Consulenza video confermata: mer 25 mar 2026, 10:35 CET\nEntra: https:\/\/pilot\.example\.it\/join\/\S+\nSposta: https:\/\/pilot\.example\.it\/reschedule\/\S+\nAnnulla: https:\/\/pilot\.example\.it\/cancel\/\S+$/,
    );
    expect(messages[0]?.appointmentId).toBe(appointment.id);
  });

  it('send e-mail with a calendar invite when SMS is not allowed, and nothing to a customer who allowed no contact', async () => {
    const { customer } = await gasCustomer(stores);
    await withdrawSmsConsent(customer.id);
    await bookFor(customer.id, '2026-03-25T10:20:00Z');
    const [confirmation] = await queued(customer.id);
    expect(confirmation).toMatchObject({
      medium: 'email',
      recipient: customer.email,
      subject: 'Consulenza video confermata',
    });
    expect(confirmation?.attachments[0]?.content).toMatch(
      /BEGIN:VEVENT[\s\S]*DTSTART:20260325T102000Z[\s\S]*DTEND:20260325T105000Z/,
    );

    const silent = await gasCustomer(stores);
    await stores.customers.recordConsent(silent.customer.id, {
      purpose: 'data_processing',
      granted: false,
      givenAt: '2026-02-01T00:00:00Z',
      source: 'web_form',
    });
    await bookFor(silent.customer.id, '2026-03-25T11:05:00Z');
    expect(await queued(silent.customer.id)).toEqual([]);
  });

  it('withdraw the old reminders when a consultation moves or is cancelled', async () => {
    const { customer } = await gasCustomer(stores);
    const appointment = await bookFor(customer.id, '2026-03-26T08:05:00Z');
    const { appointment: moved } = await composed.booking.reschedule(
      appointment.id,
      new Date('2026-03-26T11:50:00Z'),
    );
    await composed.notices.moved(moved);
    const afterMove = await queued(customer.id);
    // What has not gone out yet is about the old time: it is withdrawn, the confirmation included.
    const pendingAfterMove = afterMove.filter((m) => m.status === 'pending');
    expect(pendingAfterMove.map((m) => [m.kind, m.sendAfter.toISOString()])).toEqual([
      ['rescheduled', '2026-03-23T08:00:00.000Z'],
      ['reminder_24h', '2026-03-25T11:50:00.000Z'],
      ['reminder_15m', '2026-03-26T11:35:00.000Z'],
    ]);
    // The news names the advisor: a move may change who the customer will meet.
    const advisor = (await stores.advisors.advisor(moved.advisorId))?.name as string;
    expect(pendingAfterMove[0]?.body).toMatch(
      new RegExp(`^Consulenza video spostata a gio 26 mar 2026, 12:50 CET con ${advisor}\\nEntra: https://`),
    );
    const withdrawn = afterMove.filter((m) => m.status === 'cancelled').map((m) => m.kind);
    expect(withdrawn.sort()).toEqual(['confirmation', 'reminder_15m', 'reminder_24h']);
    await composed.notices.cancelled(await composed.booking.cancel(appointment.id, 'no longer needed'));
    const pending = (await queued(customer.id)).filter((m) => m.status === 'pending').map((m) => m.kind);
    expect(pending).toEqual(['cancelled']);
  });

  it('keep one calendar event per consultation, which a move to an earlier time and a cancellation replace', async () => {
    const { customer } = await gasCustomer(stores);
    await withdrawSmsConsent(customer.id);
    const event = (m: OutboxMessage | undefined) => {
      const ics = String(m?.attachments[0]?.content ?? '');
      const field = (name: string) => new RegExp(`^${name}[:;](.*)$`, 'm').exec(ics)?.[1]?.trim();
      return {
        type: m?.attachments[0]?.contentType,
        method: field('METHOD'),
        uid: field('UID'),
        sequence: Number(field('SEQUENCE')),
        status: field('STATUS'),
        start: field('DTSTART'),
      };
    };
    const byKind = async (kind: string) => (await queued(customer.id)).find((m) => m.kind === kind);
    try {
      const appointment = await bookFor(customer.id, '2026-03-27T14:05:00Z');
      const booked = event(await byKind('confirmation'));
      expect(booked).toMatchObject({ method: 'PUBLISH', status: 'CONFIRMED', start: '20260327T140500Z' });
      expect(booked.uid).toContain(appointment.id);
      expect(event(await byKind('reminder_24h'))).toEqual(booked);

      // A minute later, to an earlier time: the calendar must still see a newer revision.
      now = new Date(now.getTime() + 60_000);
      const { appointment: earlier } = await composed.booking.reschedule(
        appointment.id,
        new Date('2026-03-26T08:50:00Z'),
      );
      await composed.notices.moved(earlier);
      const moved = event(await byKind('rescheduled'));
      expect(moved).toMatchObject({ method: 'PUBLISH', status: 'CONFIRMED', start: '20260326T085000Z' });
      expect(moved.uid).toBe(booked.uid);
      expect(moved.sequence).toBe(booked.sequence + 60);

      now = new Date(now.getTime() + 1000);
      await composed.notices.cancelled(await composed.booking.cancel(appointment.id, 'no longer needed'));
      const cancelled = event(await byKind('cancelled'));
      expect(cancelled).toEqual({
        type: 'text/calendar; charset=utf-8; method=CANCEL',
        method: 'CANCEL',
        uid: booked.uid,
        sequence: moved.sequence + 1,
        status: 'CANCELLED',
        start: '20260326T085000Z',
      });
    } finally {
      now = new Date('2026-03-23T08:00:00Z');
    }
  });

  it('queue the reminders again when a consultation moves away and back', async () => {
    const { customer } = await gasCustomer(stores);
    const appointment = await bookFor(customer.id, '2026-03-26T12:35:00Z');
    const { appointment: away } = await composed.booking.reschedule(
      appointment.id,
      new Date('2026-03-27T12:35:00Z'),
    );
    await composed.notices.moved(away);
    const { appointment: back } = await composed.booking.reschedule(
      appointment.id,
      new Date('2026-03-26T12:35:00Z'),
    );
    await composed.notices.moved(back);
    const pending = (await queued(customer.id)).filter((m) => m.status === 'pending');
    expect(pending.map((m) => [m.kind, m.sendAfter.toISOString()])).toEqual([
      ['rescheduled', '2026-03-23T08:00:00.000Z'],
      ['reminder_24h', '2026-03-25T12:35:00.000Z'],
      ['reminder_15m', '2026-03-26T12:20:00.000Z'],
    ]);
  });
});

describe('sending', () => {
  it('sends each due message once when two instances send at the same moment, and reminders only when due', async () => {
    const { customer } = await gasCustomer(stores);
    await bookFor(customer.id, '2026-03-27T08:05:00Z');
    const a = recordingSender('sms');
    const b = recordingSender('sms');
    const email = recordingSender('email');
    const instance = (sms: MessageSender) =>
      createOutboxDispatcher({ outbox: stores.outbox, senders: [sms, email], clock });
    await Promise.all([
      instance(a).runOnce(),
      instance(b).runOnce(),
      instance(a).runOnce(),
      instance(b).runOnce(),
    ]);
    const sent = [...a.got, ...b.got].filter((m) => m.customerId === customer.id);
    expect(sent.map((m) => m.kind)).toEqual(['confirmation']);
    now = new Date('2026-03-26T09:10:00Z');
    try {
      await Promise.all([instance(a).runOnce(), instance(b).runOnce()]);
    } finally {
      now = new Date('2026-03-23T08:00:00Z');
    }
    const later = [...a.got, ...b.got].filter((m) => m.customerId === customer.id).map((m) => m.kind);
    expect(later).toEqual(['confirmation', 'reminder_24h']);
    const ids = [...a.got, ...b.got].map((m) => m.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('sends a linking code asked for after a billing run before the run’s bills, on the real clock', async () => {
    const live = await composeApp({
      storage,
      config: { PUBLIC_URL: 'https://pilot.example.it', SESSION_TTL_HOURS: 1, COOKIE_SECURE: true },
      logger,
      clock: { now: () => new Date() },
    });
    const { customer } = await gasCustomer(stores);
    // A billing run has just queued its e-mails, as the bill sender does: many, at once.
    const billed = await live.stores.outbox.enqueue(
      Array.from({ length: 25 }, (_, i) => ({
        dedupeKey: `bill:run-${customer.id}-${i}`,
        customerId: customer.id,
        appointmentId: null,
        kind: 'bill_passive',
        medium: 'email' as const,
        recipient: `cliente${i}@example.it`,
        subject: 'La tua bolletta',
        body: 'La bolletta di novembre',
        attachments: [],
        sendAfter: new Date(),
        bulk: true,
      })),
    );
    expect(billed).toBe(25);
    const issued = await live.voice.linking.issueCode(customer.id);
    // The customer's messages in the order they went out, whatever the medium.
    const sent: string[] = [];
    const sender = (medium: 'email' | 'sms'): MessageSender => ({
      medium,
      send: async (m) => void (m.customerId === customer.id && sent.push(m.kind)),
    });
    const dispatcher = createOutboxDispatcher({
      outbox: live.stores.outbox,
      senders: [sender('email'), sender('sms')],
      clock: { now: () => new Date() },
      batchSize: 10,
    });
    for (let round = 0; round < 20 && !sent.includes('link_code'); round++) await dispatcher.runOnce();
    // The code went out before any of the bills; and the row behind "sent" says so.
    expect(sent[0]).toBe('link_code');
    const [code] = (await queued(customer.id)).filter((m) => m.kind === 'link_code');
    expect(code).toMatchObject({ status: 'sent', bulk: false, medium: issued.medium });
    expect(code!.sentAt!.getTime() - code!.createdAt.getTime()).toBeLessThan(60_000);
    expect((await queued(customer.id)).filter((m) => m.kind === 'bill_passive' && m.bulk)).toHaveLength(25);
    // Then the bills, every one once.
    for (let round = 0; round < 10; round++) await dispatcher.runOnce();
    expect(sent.filter((kind) => kind === 'bill_passive')).toHaveLength(25);
  });

  it('lets only the current claim complete a message, and never revives a withdrawn one', async () => {
    const { customer } = await gasCustomer(stores);
    const appointment = await bookFor(customer.id, '2026-03-31T07:50:00Z');
    const [first] = (await stores.outbox.claimDue(now, 100, 1000)).filter(
      (m) => m.customerId === customer.id,
    );
    // The first claim runs out; another instance claims the same message.
    const later = new Date(now.getTime() + 5000);
    const [second] = (await stores.outbox.claimDue(later, 100, 60_000)).filter(
      (m) => m.customerId === customer.id,
    );
    expect(second?.id).toBe(first?.id);
    await stores.outbox.markSent(first as OutboxMessage, later);
    expect((await queued(customer.id))[0]?.status).toBe('sending');
    // Cancelled while the second claim is sending: its failure must not put it back in the queue.
    await composed.notices.cancelled(await composed.booking.cancel(appointment.id, 'changed plans'));
    await stores.outbox.markFailed(second as OutboxMessage, 'timeout', new Date(later.getTime() + 60_000));
    const confirmation = (await queued(customer.id)).find((m) => m.kind === 'confirmation');
    expect(confirmation?.status).toBe('cancelled');
  });

  it('keeps a message that failed, to try again later', async () => {
    const { customer } = await gasCustomer(stores);
    await bookFor(customer.id, '2026-03-30T07:05:00Z');
    const down = createOutboxDispatcher({
      outbox: stores.outbox,
      senders: [recordingSender('sms', true), recordingSender('email')],
      clock,
    });
    await down.runOnce();
    const [confirmation] = await queued(customer.id);
    expect(confirmation).toMatchObject({
      kind: 'confirmation',
      status: 'pending',
      attempts: 1,
      lastError: 'gateway down',
    });
    expect(confirmation?.sendAfter.toISOString()).toBe('2026-03-23T08:01:00.000Z');
  });

  it('delivers e-mail with its invite through a real SMTP server', async () => {
    const mailbox = await startMailbox();
    const smtp = createSmtpEmailSender({ url: mailbox.url, from: 'Pilot <pilot@example.it>' });
    try {
      const { customer } = await gasCustomer(stores);
      await withdrawSmsConsent(customer.id);
      await bookFor(customer.id, '2026-03-31T07:05:00Z');
      const dispatcher = createOutboxDispatcher({
        outbox: stores.outbox,
        senders: [smtp, recordingSender('sms')],
        clock,
      });
      while ((await dispatcher.runOnce()) > 0);
      const mail = mailbox.raw.find((m) => m.includes(`To: ${customer.email}`));
      expect(mail).toMatch(/Subject: Consulenza video confermata/);
      expect(mail).toMatch(/Content-Type: text\/calendar/);
      const [stored] = await queued(customer.id);
      expect(stored?.status).toBe('sent');
    } finally {
      smtp.close();
      await mailbox.close();
    }
  });
});
