import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPostgresStores,
  systemClock,
  type Clock,
  type StorageHandle,
  type Stores,
} from '../../core/index.ts';
import {
  createAppointmentNotices,
  createBookingService,
  createConsultationDesk,
  toldOn,
} from '../../core/services.ts';
import { databaseKind, openTestDatabase } from '../support/database.ts';
import { gasCustomer, officeHoursAdvisor } from '../support/fixtures.ts';

// The confirmation, "moved" and "cancelled" notices are due the moment they are queued. Between
// stamping one and queueing it the clock moves on (a database round trip, a slow disk): these
// tests run on clocks that move, the real one among them, and check the rows in the outbox.

let storage: StorageHandle;
let stores: Stores;

beforeAll(async () => {
  storage = await openTestDatabase();
  stores = createPostgresStores(storage.db);
});

afterAll(async () => {
  await storage?.close();
});

/** A clock that moves one millisecond forward each time it is read, from `start`. */
function tickingClock(start: Date): Clock {
  let at = start.getTime();
  return { now: () => new Date(at++) };
}

/**
 * A desk on `clock`, with an advisor who works the whole of `day` (an override, so that neither
 * the weekday nor a holiday closes it).
 */
async function deskOn(clock: Clock, day: string) {
  const advisor = await officeHoursAdvisor(stores, { name: 'Rita Gallo' });
  await stores.appointments.addOverride({
    advisorId: advisor.id,
    day,
    hours: [{ start: '09:00', end: '17:00' }],
    reason: 'test day',
  });
  const notices = createAppointmentNotices({
    customers: stores.customers,
    advisors: stores.advisors,
    outbox: stores.outbox,
    urls: (a) => ({
      join: `https://pilot.example.it/join/${a.id}`,
      reschedule: `https://pilot.example.it/reschedule/${a.id}`,
      cancel: `https://pilot.example.it/cancel/${a.id}`,
    }),
    clock,
  });
  const errors: unknown[] = [];
  const desk = createConsultationDesk({
    booking: createBookingService({ advisors: stores.advisors, book: stores.appointments, clock }),
    notices,
    onFollowUpError: (error) => errors.push(error),
  });
  return { desk, advisor, errors };
}

const rome = (day: string, time: string) =>
  DateTime.fromISO(`${day}T${time}`, { zone: 'Europe/Rome' }).toJSDate();

const pending = async (customerId: string, appointmentId: string) =>
  (await stores.outbox.recent({ limit: 50, customerId }))
    .filter((m) => m.appointmentId === appointmentId && m.status === 'pending')
    .sort((a, b) => a.sendAfter.getTime() - b.sendAfter.getTime())
    .map((m) => m.kind);

describe(`appointment notices on a moving clock (${databaseKind} database)`, () => {
  it('queues the confirmation, the move and the cancellation when the clock ticks between stamping and queueing', async () => {
    const day = '2026-05-20';
    const clock = tickingClock(new Date('2026-05-11T08:00:00Z'));
    const { desk, errors } = await deskOn(clock, day);
    const { customer } = await gasCustomer(stores);

    const booked = await desk.book({
      customerId: customer.id,
      topic: 'billing',
      locale: 'it-IT',
      startsAt: rome(day, '09:05'),
      bookedVia: 'voice_assistant',
    });
    expect(toldOn(booked)).toBe('sms');
    expect(await pending(customer.id, booked.appointment.id)).toEqual([
      'confirmation',
      'reminder_24h',
      'reminder_15m',
    ]);

    const moved = await desk.reschedule(booked.appointment.id, rome(day, '11:20'));
    expect(toldOn(moved)).toBe('sms');
    // The confirmation of the old time, not sent yet, gives way to the news of the move.
    expect(await pending(customer.id, booked.appointment.id)).toEqual([
      'rescheduled',
      'reminder_24h',
      'reminder_15m',
    ]);

    const cancelled = await desk.cancel(booked.appointment.id, 'customer asked');
    expect(toldOn(cancelled)).toBe('sms');
    // What was still pending of the booking and the move is withdrawn; the cancellation goes out.
    expect(await pending(customer.id, booked.appointment.id)).toEqual(['cancelled']);
    expect(errors).toEqual([]);
  });

  it('queues every notice on the real clock, each due at once', async () => {
    const today = DateTime.now().setZone('Europe/Rome');
    const day = today.plus({ days: 3 }).toISODate() as string;
    const { desk, errors } = await deskOn(systemClock, day);
    const { customer } = await gasCustomer(stores);
    const before = Date.now();

    const booked = await desk.book({
      customerId: customer.id,
      topic: 'billing',
      locale: 'it-IT',
      startsAt: rome(day, '09:05'),
      bookedVia: 'web',
    });
    const moved = await desk.reschedule(booked.appointment.id, rome(day, '14:20'));
    const cancelled = await desk.cancel(booked.appointment.id, 'plans changed');
    expect([toldOn(booked), toldOn(moved), toldOn(cancelled)]).toEqual(['sms', 'sms', 'sms']);

    const rows = (await stores.outbox.recent({ limit: 50, customerId: customer.id })).filter(
      (m) => m.appointmentId === booked.appointment.id,
    );
    const immediate = rows.filter((m) => ['confirmation', 'rescheduled', 'cancelled'].includes(m.kind));
    expect(immediate.map((m) => m.kind).sort()).toEqual(['cancelled', 'confirmation', 'rescheduled']);
    for (const message of immediate) {
      expect(message.sendAfter.getTime()).toBeGreaterThanOrEqual(before);
      expect(message.sendAfter.getTime()).toBeLessThanOrEqual(Date.now());
    }
    expect(rows.find((m) => m.kind === 'cancelled')?.status).toBe('pending');
    expect(errors).toEqual([]);
  });

  it('says nobody was told when the customer allowed no messages', async () => {
    const day = '2026-05-21';
    const { desk } = await deskOn(tickingClock(new Date('2026-05-11T08:00:00Z')), day);
    const { customer } = await gasCustomer(stores);
    await stores.customers.recordConsent(customer.id, {
      purpose: 'data_processing',
      granted: false,
      givenAt: '2026-05-01T00:00:00Z',
      source: 'web_form',
    });
    const booked = await desk.book({
      customerId: customer.id,
      topic: 'billing',
      locale: 'it-IT',
      startsAt: rome(day, '09:05'),
      bookedVia: 'web',
    });
    expect(toldOn(booked)).toBeNull();
    expect(await pending(customer.id, booked.appointment.id)).toEqual([]);
  });
});
