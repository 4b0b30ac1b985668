import request from 'supertest';
import { DateTime } from 'luxon';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Express } from 'express';
import { composeApp } from '../../app/compose.ts';
import { systemClock, type StorageHandle, type Stores } from '../../core/index.ts';
import { openTestDatabase } from '../support/database.ts';
import { advisorOnDays, staffPassword, staffUsers } from '../support/fixtures.ts';
import { threeSuppliesBologna, threeSuppliesEnglish } from '../support/households.ts';

// Staff booking, moving and cancelling through the API, and customers doing it through their
// links, on the real clock: the confirmation, the "moved" and the "cancelled" notices are queued
// each time, due at once.

let storage: StorageHandle;
let app: Express;
let stores: Stores;
let cookie: string[];
const today = DateTime.now().setZone('Europe/Rome');
const days = [3, 4, 5].map((n) => today.plus({ days: n }).toISODate() as string);

beforeAll(async () => {
  storage = await openTestDatabase();
  ({ app, stores } = await composeApp({
    storage,
    config: { PUBLIC_URL: 'http://localhost:3000', SESSION_TTL_HOURS: 1, COOKIE_SECURE: false },
    logger: pino({ level: 'silent' }),
    clock: systemClock,
  }));
  const { advisor: staff } = await staffUsers(stores);
  const login = await request(app)
    .post('/api/auth/login')
    .send({ username: staff.username, password: staffPassword });
  cookie = [String(login.headers['set-cookie']).split(';')[0] as string];
  // The advisor logged in is this one: advisors move and cancel their own consultations.
  await advisorOnDays(stores, days, { name: 'Luca Marino', staffUserId: staff.id });
});

afterAll(async () => {
  await storage?.close();
});

const at = (day: string, time: string) =>
  DateTime.fromISO(`${day}T${time}`, { zone: 'Europe/Rome' }).toUTC().toISO();

/** The notices queued for an appointment, by kind, each checked to be due already. */
async function notices(customerId: string, appointmentId: string) {
  const rows = (await stores.outbox.recent({ limit: 30, customerId })).filter(
    (m) => m.appointmentId === appointmentId,
  );
  for (const row of rows.filter((m) => !m.kind.startsWith('reminder'))) {
    expect(row.sendAfter.getTime(), row.kind).toBeLessThanOrEqual(Date.now());
  }
  return rows.map((m) => [m.kind, m.status]).sort();
}

describe('appointment notices on the real clock', () => {
  it('are queued when staff book, move and cancel through the API', async () => {
    const { customer } = await threeSuppliesBologna(stores);
    const booked = await request(app)
      .post('/api/appointments')
      .set('Cookie', cookie)
      .send({
        customerId: customer.id,
        topic: 'billing',
        locale: 'it-IT',
        startsAt: at(days[0] as string, '09:00'),
      })
      .expect(201);
    const id = booked.body.appointment.id as string;
    expect(await notices(customer.id, id)).toEqual([
      ['confirmation', 'pending'],
      ['reminder_15m', 'pending'],
      ['reminder_24h', 'pending'],
    ]);
    // The answer names the confirmation as stored: its medium, address and outbox row.
    const confirmation = (await stores.outbox.recent({ limit: 30, customerId: customer.id })).find(
      (m) => m.appointmentId === id && m.kind === 'confirmation',
    );
    expect(booked.body.notice).toEqual({
      status: 'queued',
      medium: confirmation?.medium,
      recipient: confirmation?.recipient,
      messageId: confirmation?.id,
    });
    const moved = await request(app)
      .post(`/api/appointments/${id}/reschedule`)
      .set('Cookie', cookie)
      .send({ startsAt: at(days[1] as string, '09:45') })
      .expect(200);
    const rescheduled = (await stores.outbox.recent({ limit: 30, customerId: customer.id })).find(
      (m) => m.appointmentId === id && m.kind === 'rescheduled',
    );
    expect(moved.body.notice).toMatchObject({ status: 'queued', messageId: rescheduled?.id });
    expect((await notices(customer.id, id)).filter(([, status]) => status === 'pending')).toEqual([
      ['reminder_15m', 'pending'],
      ['reminder_24h', 'pending'],
      ['rescheduled', 'pending'],
    ]);
    await request(app)
      .post(`/api/appointments/${id}/cancel`)
      .set('Cookie', cookie)
      .send({ reason: 'paid meanwhile' })
      .expect(200);
    expect((await notices(customer.id, id)).filter(([, status]) => status === 'pending')).toEqual([
      ['cancelled', 'pending'],
    ]);
  });

  it('are queued when the customer books, moves and cancels through their links', async () => {
    const { customer } = await threeSuppliesEnglish(stores);
    const link = await request(app)
      .post(`/api/customers/${customer.id}/booking-link`)
      .set('Cookie', cookie)
      .send({})
      .expect(200);
    const booked = await request(app)
      .post(`/api/links/book/${link.body.token}`)
      .send({ topic: 'billing', startsAt: at(days[1] as string, '12:00') })
      .expect(201);
    const id = booked.body.appointment.id as string;
    expect((await notices(customer.id, id)).map(([kind]) => kind)).toContain('confirmation');
    const moved = await request(app)
      .post(`/api/links/reschedule/${booked.body.links.reschedule.token}`)
      .send({ startsAt: at(days[2] as string, '12:45') })
      .expect(200);
    expect(
      (await notices(customer.id, id)).filter(([, status]) => status === 'pending').map(([kind]) => kind),
    ).toContain('rescheduled');
    await request(app)
      .post(`/api/links/cancel/${moved.body.links.cancel.token}`)
      .send({ reason: 'sorted' })
      .expect(200);
    expect((await notices(customer.id, id)).filter(([, status]) => status === 'pending')).toEqual([
      ['cancelled', 'pending'],
    ]);
  });
});
