import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresStores, type StorageHandle, type Stores } from '../../core/index.ts';
import { BookingRules, createBookingService, workingSlots, type Advisor } from '../../core/services.ts';
import { databaseKind, openTestDatabase } from '../support/database.ts';
import { gasCustomer } from '../support/fixtures.ts';

const rules = BookingRules.parse({
  slotMinutes: 30,
  bufferBeforeMinutes: 5,
  bufferAfterMinutes: 10,
  minimumNoticeMinutes: 120,
  dailyCapPerAdvisor: 3,
  horizonDays: 14,
});
const utc = (iso: string) => new Date(`${iso}Z`);

describe('working slots across daylight saving (Europe/Rome)', () => {
  const nightShift = {
    timeZone: 'Europe/Rome',
    workingHours: [{ weekday: 7, start: '01:00', end: '04:00' }],
  };

  it('offers fewer slots on the last Sunday of March, when 02:00–03:00 does not exist', () => {
    // 01:00+01:00 is 00:00Z and 04:00+02:00 is 02:00Z: two real hours, room for two 45-minute blocks.
    const slots = workingSlots(nightShift, '2026-03-29', rules);
    expect(slots.map((s) => s.startsAt.toISOString())).toEqual([
      '2026-03-29T00:05:00.000Z',
      '2026-03-29T00:50:00.000Z',
    ]);
    expect(slots.every((s) => s.endsAt.getTime() - s.startsAt.getTime() === 30 * 60_000)).toBe(true);
  });

  it('offers more slots on the last Sunday of October, when 02:00–03:00 happens twice', () => {
    // 01:00+02:00 is 23:00Z the day before and 04:00+01:00 is 03:00Z: four real hours.
    const slots = workingSlots(nightShift, '2026-10-25', rules);
    expect(slots.map((s) => s.startsAt.toISOString())).toEqual([
      '2026-10-24T23:05:00.000Z',
      '2026-10-24T23:50:00.000Z',
      '2026-10-25T00:35:00.000Z',
      '2026-10-25T01:20:00.000Z',
      '2026-10-25T02:05:00.000Z',
    ]);
  });

  it('keeps 09:00 in Rome at 09:00 on either side of the change', () => {
    const office = { timeZone: 'Europe/Rome', workingHours: [{ weekday: 1, start: '09:00', end: '10:00' }] };
    expect(workingSlots(office, '2026-03-23', rules)[0]?.startsAt.toISOString()).toBe(
      '2026-03-23T08:05:00.000Z',
    );
    expect(workingSlots(office, '2026-03-30', rules)[0]?.startsAt.toISOString()).toBe(
      '2026-03-30T07:05:00.000Z',
    );
    expect(workingSlots(office, '2026-10-26', rules)[0]?.startsAt.toISOString()).toBe(
      '2026-10-26T08:05:00.000Z',
    );
  });
});

describe(`booking on the ${databaseKind} database`, () => {
  let storage: StorageHandle;
  let stores: Stores;
  let anna: Advisor;
  let bruno: Advisor;
  // Monday 23 March 2026, 09:00 in Rome.
  const clock = { now: () => utc('2026-03-23T08:00:00') };
  const weekdays = [1, 2, 3, 4, 5].flatMap((weekday) => [
    { weekday, start: '09:00', end: '13:00' },
    { weekday, start: '14:00', end: '18:00' },
  ]);
  const service = () =>
    createBookingService({ advisors: stores.advisors, book: stores.appointments, clock, rules });
  const request = (customerId: string, startsAt: string, topic = 'billing') => ({
    customerId,
    topic,
    locale: 'it-IT' as const,
    startsAt: utc(startsAt),
    bookedVia: 'web',
  });

  beforeAll(async () => {
    storage = await openTestDatabase();
    stores = createPostgresStores(storage.db);
    const advisor = (name: string, topics: string[]) =>
      stores.advisors.addAdvisor({
        name,
        email: `${name.toLowerCase()}@example.it`,
        languages: ['it-IT'],
        topics,
        timeZone: 'Europe/Rome',
        workingHours: weekdays,
      });
    anna = await advisor('Anna', ['billing', 'moving']);
    bruno = await advisor('Bruno', ['billing']);
  });

  afterAll(async () => {
    await storage?.close();
  });

  it('offers slots from the minimum notice on, with both advisors for each', async () => {
    const slots = await service().slots({
      topic: 'billing',
      locale: 'it-IT',
      from: utc('2026-03-23T00:00:00'),
      to: utc('2026-03-24T00:00:00'),
    });
    // 09:00 + 2 h notice = 11:00 Rome (10:00Z). Blocks of 45 minutes run from 09:00 and 14:00 Rome,
    // each slot 5 minutes into its block: the first after the notice is 11:20, the last 17:05.
    expect(slots[0]?.startsAt.toISOString()).toBe('2026-03-23T10:20:00.000Z');
    expect(slots.at(-1)?.startsAt.toISOString()).toBe('2026-03-23T16:05:00.000Z');
    expect(slots.every((s) => s.advisorIds.length === 2)).toBe(true);
    const moving = await service().slots({
      topic: 'moving',
      locale: 'it-IT',
      from: utc('2026-03-23T00:00:00'),
      to: utc('2026-03-24T00:00:00'),
    });
    expect(moving.every((s) => s.advisorIds.length === 1 && s.advisorIds[0] === anna.id)).toBe(true);
  });

  it('gives the next booking of the day to the less loaded advisor', async () => {
    const first = await service().book(
      request((await gasCustomer(stores)).customer.id, '2026-03-24T08:05:00'),
    );
    const second = await service().book(
      request((await gasCustomer(stores)).customer.id, '2026-03-24T08:50:00'),
    );
    expect(second.advisorId).not.toBe(first.advisorId);
    expect(second.status).toBe('booked');
  });

  it('books one slot exactly once when 50 requests race for it', async () => {
    const customers = await Promise.all(
      Array.from({ length: 50 }, async () => (await gasCustomer(stores)).customer.id),
    );
    // Only Anna serves moving, so the race is for one advisor's one slot.
    const results = await Promise.allSettled(
      customers.map((id) => service().book(request(id, '2026-03-25T08:05:00', 'moving'))),
    );
    const booked = results.filter((r) => r.status === 'fulfilled');
    expect(booked).toHaveLength(1);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(refused.every((r) => r.reason.code === 'conflict')).toBe(true);
    const stored = await storage.db
      .selectFrom('appointments')
      .select('id')
      .where('advisor_id', '=', anna.id)
      .where('starts_at', '=', utc('2026-03-25T08:05:00'))
      .execute();
    expect(stored).toHaveLength(1);
  });

  it('refuses a time outside hours, off the grid, in the past, too soon or too far ahead, naming why', async () => {
    const { customer } = await gasCustomer(stores);
    const refusal = (startsAt: string) =>
      service()
        .book(request(customer.id, startsAt))
        .catch((e) => [e.code, e.issues[0]?.message]);
    expect(await refusal('2026-03-24T20:05:00')).toEqual(['invalid_input', 'is not a slot advisors offer']);
    expect(await refusal('2026-03-24T08:10:00')).toEqual(['invalid_input', 'is not a slot advisors offer']);
    expect(await refusal('2026-03-20T08:05:00')).toEqual(['invalid_input', 'that time has passed']);
    expect(await refusal('2026-03-23T08:50:00')).toEqual([
      'invalid_input',
      "bookings need 120 minutes' notice",
    ]);
    expect(await refusal('2026-04-20T07:05:00')).toEqual([
      'invalid_input',
      'bookings open 14 days ahead at most',
    ]);
    expect(await stores.advisors.upcomingAppointments(customer.id, clock.now())).toEqual([]);
  });

  it('does not let one customer hold two consultations at once', async () => {
    const { customer } = await gasCustomer(stores);
    await service().book(request(customer.id, '2026-03-26T08:05:00'));
    // Bruno is free at that time too, so the refusal is about the customer, not the slot.
    await expect(service().book(request(customer.id, '2026-03-26T08:05:00'))).rejects.toMatchObject({
      code: 'conflict',
      message: 'the customer already has a consultation at that time',
    });
  });

  it('lets one customer hold two upcoming consultations at most', async () => {
    const { customer } = await gasCustomer(stores);
    await service().book(request(customer.id, '2026-03-31T07:05:00'));
    await service().book(request(customer.id, '2026-03-31T07:50:00'));
    await expect(service().book(request(customer.id, '2026-03-31T08:35:00'))).rejects.toMatchObject({
      code: 'conflict',
      issues: [{ path: 'customerId', message: 'already has 2 upcoming consultations' }],
    });
  });

  it('refuses to move a consultation that starts within the notice period', async () => {
    const { customer } = await gasCustomer(stores);
    const soon = await service().book(request(customer.id, '2026-03-23T10:20:00'));
    // An hour later it starts in 80 minutes, inside the 120 minutes' notice.
    const anHourLater = createBookingService({
      advisors: stores.advisors,
      book: stores.appointments,
      clock: { now: () => utc('2026-03-23T09:00:00') },
      rules,
    });
    await expect(anHourLater.reschedule(soon.id, utc('2026-03-31T09:20:00'))).rejects.toMatchObject({
      code: 'conflict',
      message: `appointment ${soon.id} starts too soon to be moved`,
    });
  });

  it('stops offering an advisor once their day is full, and on a day off', async () => {
    const day = { from: utc('2026-03-27T00:00:00'), to: utc('2026-03-28T00:00:00') };
    for (const start of ['08:05', '08:50', '09:35']) {
      await service().book(
        request((await gasCustomer(stores)).customer.id, `2026-03-27T${start}:00`, 'moving'),
      );
    }
    const moving = await service().slots({ topic: 'moving', locale: 'it-IT', ...day });
    expect(moving).toEqual([]);
    await stores.appointments.addOverride({
      advisorId: bruno.id,
      day: '2026-03-27',
      hours: [],
      reason: 'holiday',
    });
    const billing = await service().slots({ topic: 'billing', locale: 'it-IT', ...day });
    expect(billing).toEqual([]);
  });

  it('moves an appointment, freeing its old slot, and cancels with a reason once', async () => {
    const { customer } = await gasCustomer(stores);
    const booked = await service().book(request(customer.id, '2026-03-30T07:05:00', 'moving'));
    const { appointment: moved, moved: changed } = await service().reschedule(
      booked.id,
      utc('2026-03-30T07:50:00'),
    );
    expect(changed).toBe(true);
    expect(moved).toMatchObject({ id: booked.id, advisorId: anna.id, status: 'booked' });
    expect(moved.startsAt.toISOString()).toBe('2026-03-30T07:50:00.000Z');
    const free = await service().slots({
      topic: 'moving',
      locale: 'it-IT',
      from: utc('2026-03-30T07:00:00'),
      to: utc('2026-03-30T08:00:00'),
    });
    expect(free.map((s) => s.startsAt.toISOString())).toEqual(['2026-03-30T07:05:00.000Z']);
    const cancelled = await service().cancel(booked.id, 'customer paid the bill online');
    expect(cancelled).toMatchObject({ status: 'cancelled', cancelReason: 'customer paid the bill online' });
    await expect(service().cancel(booked.id, 'again')).rejects.toMatchObject({ code: 'conflict' });
    await expect(service().cancel('00000000-0000-4000-8000-000000000000', 'x')).rejects.toMatchObject({
      code: 'not_found',
    });
  });

  it('puts a consultation booked outside a known journey in the one given later; one booked in a journey keeps it', async () => {
    const contact = async (customerId: string, startedAt: string) =>
      stores.interactions.record({
        customerId,
        channel: 'call_centre',
        touchpoint: 'agent',
        direction: 'inbound',
        reason: 'bill_explanation',
        startedAt,
        outcome: 'resolved',
      });
    const { customer } = await gasCustomer(stores);
    const call = await contact(customer.id, '2026-03-20T09:00:00+01:00');
    const booked = await service().book(request(customer.id, '2026-04-01T12:05:00'));
    expect(booked.journeyId).toBeNull();
    expect((await service().joinJourney(booked.id, call.journeyId))?.journeyId).toBe(call.journeyId);
    expect((await stores.appointments.appointment(booked.id))?.journeyId).toBe(call.journeyId);

    const other = await gasCustomer(stores);
    const earlier = await contact(other.customer.id, '2026-03-21T09:00:00+01:00');
    const within = await service().book({
      ...request(other.customer.id, '2026-04-01T12:50:00'),
      journeyId: earlier.journeyId,
    });
    expect((await service().joinJourney(within.id, call.journeyId))?.journeyId).toBe(earlier.journeyId);
    expect(
      await service().joinJourney('00000000-0000-4000-8000-000000000000', call.journeyId),
    ).toBeUndefined();
  });
});
