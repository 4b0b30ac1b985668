import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ChannelPilotError,
  createPostgresStores,
  type Outbox,
  type StorageHandle,
  type Stores,
} from '../../core/index.ts';
import {
  createAppointmentNotices,
  createBookingService,
  createConsultationDesk,
  toldOn,
  type Appointment,
} from '../../core/services.ts';
import { databaseKind, openTestDatabase } from '../support/database.ts';
import { gasCustomer, officeHoursAdvisor } from '../support/fixtures.ts';

// Monday 23 March 2026, 09:00 in Rome.
const clock = { now: () => new Date('2026-03-23T08:00:00Z') };

let storage: StorageHandle;
let stores: Stores;

beforeAll(async () => {
  storage = await openTestDatabase();
  stores = createPostgresStores(storage.db, { clock });
  await officeHoursAdvisor(stores, { name: 'Carla Neri', languages: ['it-IT'] });
});

afterAll(async () => {
  await storage?.close();
});

const booking = () => createBookingService({ advisors: stores.advisors, book: stores.appointments, clock });

/** An outbox that cannot take messages: the provider's queue is down. */
const brokenOutbox = (): Outbox => ({
  ...stores.outbox,
  enqueue: () => Promise.reject(new Error('outbox unavailable')),
});

function desk(
  options: {
    outbox?: Outbox;
    afterCancel?: (appointment: Appointment) => Promise<void>;
  } = {},
) {
  const followUpErrors: { error: unknown; appointment: Appointment }[] = [];
  const notices = createAppointmentNotices({
    customers: stores.customers,
    advisors: stores.advisors,
    outbox: options.outbox ?? stores.outbox,
    urls: (a) => ({
      join: `https://video.example.it/join/${a.id}`,
      reschedule: `https://video.example.it/reschedule/${a.id}`,
      cancel: `https://video.example.it/cancel/${a.id}`,
    }),
    clock,
  });
  const consultationDesk = createConsultationDesk({
    booking: booking(),
    notices,
    ...(options.afterCancel ? { afterCancel: options.afterCancel } : {}),
    onFollowUpError: (error, appointment) => followUpErrors.push({ error, appointment }),
  });
  return { desk: consultationDesk, followUpErrors };
}

/** The next free slot: each booking takes one, so every test gets its own. */
async function freeSlot(): Promise<Date> {
  const [slot] = await booking().slots({
    topic: 'billing',
    locale: 'it-IT',
    from: new Date('2026-03-24T00:00:00Z'),
    to: new Date('2026-04-04T00:00:00Z'),
  });
  if (!slot) throw new Error('no free slot left for the test');
  return slot.startsAt;
}

const request = async (customerId: string) => ({
  customerId,
  topic: 'billing',
  locale: 'it-IT' as const,
  startsAt: await freeSlot(),
  bookedVia: 'voice_assistant',
});

const notices = async (appointmentId: string, customerId: string) =>
  (await stores.outbox.recent({ limit: 50, customerId }))
    .filter((m) => m.appointmentId === appointmentId)
    .sort((a, b) => a.sendAfter.getTime() - b.sendAfter.getTime());

describe(`consultation desk on the ${databaseKind} database`, () => {
  it('texts the confirmation with the join link when a consultation is booked, and queues the reminders', async () => {
    const { customer } = await gasCustomer(stores);
    const { desk: d, followUpErrors } = desk();
    const { appointment } = await d.book(await request(customer.id));
    expect(appointment).toMatchObject({
      customerId: customer.id,
      status: 'booked',
      bookedVia: 'voice_assistant',
    });

    const queued = await notices(appointment.id, customer.id);
    expect(queued.map((m) => [m.kind, m.medium, m.status])).toEqual([
      ['confirmation', 'sms', 'pending'],
      ['reminder_24h', 'sms', 'pending'],
      ['reminder_15m', 'sms', 'pending'],
    ]);
    expect(queued[0]?.recipient).toBe('+393331234567');
    expect(queued[0]?.sendAfter).toEqual(clock.now());
    expect(queued[0]?.body).toContain('Consulenza video confermata');
    expect(queued[0]?.body).toContain(`https://video.example.it/join/${appointment.id}`);
    expect(queued[2]?.sendAfter).toEqual(new Date(appointment.startsAt.getTime() - 15 * 60_000));
    expect(followUpErrors).toEqual([]);
  });

  it('tells the customer of the cancellation, withdraws the reminders and closes the room', async () => {
    const { customer } = await gasCustomer(stores);
    const closed: Appointment[] = [];
    const { desk: d, followUpErrors } = desk({
      afterCancel: async (a) => {
        closed.push(a);
      },
    });
    const { appointment: booked } = await d.book(await request(customer.id));
    const { appointment: cancelled } = await d.cancel(booked.id, 'the customer paid the bill meanwhile');
    expect(cancelled).toMatchObject({
      id: booked.id,
      status: 'cancelled',
      cancelReason: 'the customer paid the bill meanwhile',
    });
    expect(closed).toEqual([cancelled]);

    const queued = await notices(booked.id, customer.id);
    const pending = queued.filter((m) => m.status === 'pending');
    expect(pending.map((m) => m.kind)).toEqual(['cancelled']);
    expect(pending[0]?.body).toContain('è stata annullata');
    expect(
      queued
        .filter((m) => m.kind.startsWith('reminder'))
        .map((m) => m.status)
        .sort(),
    ).toEqual(['cancelled', 'cancelled']);
    expect(followUpErrors).toEqual([]);
  });

  it('tells the customer when a consultation is moved, with reminders for the new time only', async () => {
    const { customer } = await gasCustomer(stores);
    const { desk: d, followUpErrors } = desk();
    const { appointment: booked } = await d.book(await request(customer.id));
    const { appointment: moved } = await d.reschedule(booked.id, await freeSlot());
    expect(moved.startsAt.getTime()).toBeGreaterThan(booked.startsAt.getTime());

    const pending = (await notices(booked.id, customer.id)).filter((m) => m.status === 'pending');
    expect(pending.map((m) => m.kind)).toEqual(['rescheduled', 'reminder_24h', 'reminder_15m']);
    expect(pending[2]?.sendAfter).toEqual(new Date(moved.startsAt.getTime() - 15 * 60_000));
    expect(followUpErrors).toEqual([]);
  });

  it('tells the customer once of a move asked for five times at once, and not of one to where it is', async () => {
    const { customer } = await gasCustomer(stores);
    const { desk: d, followUpErrors } = desk();
    const { appointment: booked } = await d.book(await request(customer.id));
    const unmoved = await d.reschedule(booked.id, booked.startsAt);
    expect(unmoved).toEqual({ appointment: booked, notice: null });
    expect(toldOn(unmoved)).toBeNull();

    const to = await freeSlot();
    const changes = await Promise.all(Array.from({ length: 5 }, () => d.reschedule(booked.id, to)));
    changes.push(await d.reschedule(booked.id, to));
    for (const { appointment } of changes) expect(appointment.startsAt).toEqual(to);
    expect(changes.filter((c) => toldOn(c) !== null)).toHaveLength(1);
    const moves = (await notices(booked.id, customer.id)).filter((m) => m.kind === 'rescheduled');
    expect(moves).toHaveLength(1);
    expect(followUpErrors).toEqual([]);
  });

  it('keeps the booking when the confirmation cannot be queued, and reports the failure', async () => {
    const { customer } = await gasCustomer(stores);
    const { desk: d, followUpErrors } = desk({ outbox: brokenOutbox() });
    const change = await d.book(await request(customer.id));
    const { appointment, notice } = change;
    const told = toldOn(change);

    // Said as a failure, not as a customer who allows no message.
    expect({ told, notice }).toEqual({ told: null, notice: { status: 'failed' } });
    expect(followUpErrors).toHaveLength(1);
    expect(followUpErrors[0]?.appointment).toEqual(appointment);
    expect((followUpErrors[0]?.error as Error).message).toBe('outbox unavailable');
    expect(await stores.appointments.appointment(appointment.id)).toMatchObject({
      status: 'booked',
      customerId: customer.id,
      startsAt: appointment.startsAt,
    });
    expect(await notices(appointment.id, customer.id)).toEqual([]);
  });

  it('still closes the room when the cancellation notice cannot be queued', async () => {
    const { customer } = await gasCustomer(stores);
    const { appointment: booked } = await desk().desk.book(await request(customer.id));
    const closed: string[] = [];
    const { desk: d, followUpErrors } = desk({
      outbox: brokenOutbox(),
      afterCancel: async (a) => {
        closed.push(a.id);
      },
    });
    const { appointment: cancelled } = await d.cancel(booked.id, 'customer asked');
    expect(closed).toEqual([booked.id]);
    expect(followUpErrors.map((f) => f.appointment.id)).toEqual([booked.id]);
    expect((await stores.appointments.appointment(booked.id))?.status).toBe('cancelled');
    expect(cancelled.status).toBe('cancelled');
  });

  it('still tells the customer of the cancellation when closing the room fails', async () => {
    const { customer } = await gasCustomer(stores);
    const { desk: d, followUpErrors } = desk({
      afterCancel: () => Promise.reject(new Error('video service unreachable')),
    });
    const { appointment: booked } = await d.book(await request(customer.id));
    await d.cancel(booked.id, 'customer asked');
    expect(followUpErrors.map((f) => (f.error as Error).message)).toEqual(['video service unreachable']);
    const pending = (await notices(booked.id, customer.id)).filter((m) => m.status === 'pending');
    expect(pending.map((m) => m.kind)).toEqual(['cancelled']);
  });

  it('sends nothing when the booking itself is refused', async () => {
    const first = await gasCustomer(stores);
    const second = await gasCustomer(stores);
    const { desk: d, followUpErrors } = desk();
    const { appointment: taken } = await d.book(await request(first.customer.id));
    const error = await d.book({ ...(await request(second.customer.id)), startsAt: taken.startsAt }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(ChannelPilotError);
    expect((error as ChannelPilotError).code).toBe('conflict');
    expect(await stores.outbox.recent({ limit: 10, customerId: second.customer.id })).toEqual([]);
    expect(followUpErrors).toEqual([]);
  });
});
