import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ChannelPilotError,
  createPostgresStores,
  type StorageHandle,
  type Stores,
} from '../../core/index.ts';
import {
  createBookingService,
  createClosedDays,
  easterSunday,
  italianPublicHolidays,
} from '../../core/services.ts';
import { databaseKind, openTestDatabase } from '../support/database.ts';
import { gasCustomer, officeHoursAdvisor } from '../support/fixtures.ts';

// Public holidays close consultations: Italy's national ones (Easter Monday moves every year)
// and the days an operator adds, such as a city's patron saint. An advisor's own hours for a
// day still stand. Dates checked against the calendar, not against the code.

describe('Italian public holidays', () => {
  it('computes Easter Sunday and Easter Monday year by year', () => {
    expect(['2024', '2025', '2026', '2027', '2028', '2030'].map((y) => easterSunday(Number(y)))).toEqual([
      '2024-03-31',
      '2025-04-20',
      '2026-04-05',
      '2027-03-28',
      '2028-04-16',
      '2030-04-21',
    ]);
    expect(italianPublicHolidays(2027).find((h) => h.name === "Lunedì dell'Angelo")?.day).toBe('2027-03-29');
  });

  it('lists the national holidays of 2026, with San Francesco from 2026 on', () => {
    expect(italianPublicHolidays(2026).map((h) => h.day)).toEqual([
      '2026-01-01',
      '2026-01-06',
      '2026-04-05',
      '2026-04-06',
      '2026-04-25',
      '2026-05-01',
      '2026-06-02',
      '2026-08-15',
      '2026-10-04',
      '2026-11-01',
      '2026-12-08',
      '2026-12-25',
      '2026-12-26',
    ]);
    expect(italianPublicHolidays(2025).map((h) => h.day)).not.toContain('2025-10-04');
  });

  it('closes the days an operator adds, every year or once, and refuses a malformed one', () => {
    const closed = createClosedDays(['06-29', '2026-12-07']);
    expect(closed('2026-06-29')).toBeDefined();
    expect(closed('2027-06-29')).toBeDefined();
    expect(closed('2026-12-07')).toBeDefined();
    expect(closed('2027-12-07')).toBeUndefined();
    expect(closed('2026-06-30')).toBeUndefined();
    expect(() => createClosedDays(['29/06'])).toThrow(/06-29/);
  });

  it('refuses a day the calendar does not have, and closes 29 February in leap years only', () => {
    for (const impossible of ['02-30', '04-31', '2026-02-29', '2027-06-31'])
      expect(() => createClosedDays([impossible]), impossible).toThrow(/a day the calendar has/);
    const closed = createClosedDays(['02-29', '2028-02-29']);
    expect(closed('2028-02-29')).toBeDefined();
    expect(closed('2026-02-28')).toBeUndefined();
    expect(closed('2026-03-01')).toBeUndefined();
  });
});

let storage: StorageHandle;
let stores: Stores;
// Monday 30 March 2026, 09:00 in Rome.
const clock = { now: () => new Date('2026-03-30T07:00:00Z') };

beforeAll(async () => {
  storage = await openTestDatabase();
  stores = createPostgresStores(storage.db, { clock });
});

afterAll(async () => {
  await storage?.close();
});

describe(`free slots around holidays (${databaseKind} database)`, () => {
  const dayOf = (at: Date) => DateTime.fromJSDate(at, { zone: 'Europe/Rome' }).toISODate();
  /** The booking service on the test clock, closed on the country's holidays and on `extra` (MM-DD). */
  const bookingClosedOn = (extra?: string[]) =>
    createBookingService({
      advisors: stores.advisors,
      book: stores.appointments,
      clock,
      closedOn: createClosedDays(extra),
    });

  it('offers nothing on Easter Monday nor on a day the operator closed, except the hours an advisor set for that very day', async () => {
    const usual = await officeHoursAdvisor(stores, { name: 'Marta Greco' });
    const keen = await officeHoursAdvisor(stores, { name: 'Paolo Riva' });
    await stores.appointments.addOverride({
      advisorId: keen.id,
      day: '2026-04-06',
      hours: [{ start: '09:00', end: '12:00' }],
      reason: 'covers the holiday',
    });
    // Milan closes for Sant'Ambrogio on 7 December; here the operator closes 1 April too.
    const booking = bookingClosedOn(['04-01']);
    const slots = await booking.slots({
      topic: 'billing',
      locale: 'it-IT',
      from: new Date('2026-03-30T22:00:00Z'),
      to: new Date('2026-04-08T22:00:00Z'),
    });
    const byDay = new Map<string, Set<string>>();
    for (const slot of slots) {
      const day = dayOf(slot.startsAt) as string;
      byDay.set(day, new Set([...(byDay.get(day) ?? []), ...slot.advisorIds]));
    }
    expect([...byDay.keys()]).toEqual([
      '2026-03-31',
      '2026-04-02',
      '2026-04-03',
      '2026-04-06',
      '2026-04-07',
      '2026-04-08',
    ]);
    // Easter Monday: only the advisor whose own hours cover it, and only those hours.
    expect([...(byDay.get('2026-04-06') ?? [])]).toEqual([keen.id]);
    expect(slots.filter((s) => dayOf(s.startsAt) === '2026-04-06')).toHaveLength(4);
    expect(byDay.get('2026-04-07')).toEqual(new Set([usual.id, keen.id]));
  });

  it('refuses a booking on a holiday, naming it, and books a working day', async () => {
    await officeHoursAdvisor(stores, { name: 'Elisa Conte' });
    const booking = bookingClosedOn();
    const { customer } = await gasCustomer(stores);
    const at = (day: string) => DateTime.fromISO(`${day}T14:20`, { zone: 'Europe/Rome' }).toJSDate();
    // Easter Monday at 14:20: a slot of the advisors' usual Mondays, outside the one override.
    const holiday = await booking
      .book({
        customerId: customer.id,
        topic: 'billing',
        locale: 'it-IT',
        startsAt: at('2026-04-06'),
        bookedVia: 'web',
      })
      .catch((e: unknown) => e);
    expect(holiday).toBeInstanceOf(ChannelPilotError);
    expect((holiday as ChannelPilotError).code).toBe('invalid_input');
    expect((holiday as ChannelPilotError).issues).toEqual([
      { path: 'startsAt', message: "falls on a closed day (Lunedì dell'Angelo)" },
    ]);
    const next = await booking.book({
      customerId: customer.id,
      topic: 'billing',
      locale: 'it-IT',
      startsAt: at('2026-04-28'),
      bookedVia: 'web',
    });
    expect(next.status).toBe('booked');
  });

  it("answers a second booking of a closed day's slot an advisor covers that it was taken, not that the day is closed", async () => {
    await officeHoursAdvisor(stores, { name: 'Sara Lombardi' });
    const cover = await officeHoursAdvisor(stores, { name: 'Giulia Ferraro' });
    // Wednesday 22 April 2026, a day the operator closes: only this advisor works, by their own
    // hours, which start where everyone's usual Wednesday does.
    await stores.appointments.addOverride({
      advisorId: cover.id,
      day: '2026-04-22',
      hours: [{ start: '09:00', end: '12:00' }],
      reason: 'covers the closed day',
    });
    const booking = bookingClosedOn(['04-22']);
    const [slot] = await booking.slots({
      topic: 'billing',
      locale: 'it-IT',
      from: new Date('2026-04-21T22:00:00Z'),
      to: new Date('2026-04-22T22:00:00Z'),
    });
    if (!slot) throw new Error('the covered day offers no slot');
    expect(slot.advisorIds).toEqual([cover.id]);
    const ask = async () =>
      booking.book({
        customerId: (await gasCustomer(stores)).customer.id,
        topic: 'billing',
        locale: 'it-IT',
        startsAt: slot.startsAt,
        bookedVia: 'web',
      });
    const first = await ask();
    expect(first.advisorId).toBe(cover.id);
    const second = await ask().catch((e: unknown) => e);
    expect(second).toBeInstanceOf(ChannelPilotError);
    expect((second as ChannelPilotError).code).toBe('conflict');
    const held = await stores.appointments.busy([cover.id], slot.startsAt, slot.endsAt);
    expect(held.map((b) => b.appointmentId)).toEqual([first.id]);
  });
});
