import { describe, expect, it } from 'vitest';
import request from 'supertest';
import type { Express } from 'express';
import { DateTime } from 'luxon';
import type { composeApp } from '../../app/compose.ts';
import { systemClock, type Stores } from '../../core/index.ts';
import { advisorOnDays } from '../support/fixtures.ts';
import {
  linkAfter,
  linkCustomer,
  offeredTimes,
  pathOf,
  postForm,
  stateOf,
  withLinkPagesApp,
} from '../support/link-pages.ts';

// A customer books, moves and cancels through the pages behind their links on the real clock:
// what the pages offer and do is what the clock of the day allows.

let app: Express;
let stores: Stores;
let composed: Awaited<ReturnType<typeof composeApp>>;
const today = DateTime.now().setZone('Europe/Rome');
const days = [3, 4, 5].map((n) => today.plus({ days: n }).toISODate() as string);

withLinkPagesApp(systemClock, async (opened) => {
  ({ composed, app, stores } = opened);
  // Hours of their own on three days ahead, whatever weekday or holiday today is.
  await advisorOnDays(stores, days, { name: 'Luca Marino' });
});

const rome = (iso: string) => DateTime.fromISO(iso).setZone('Europe/Rome').toFormat('HH:mm');

describe('the customer link pages on the real clock', () => {
  it('book a free time, move it from the confirmation’s link, and cancel it from the move’s', async () => {
    const customer = await linkCustomer(stores, 'it-IT', ['email']);
    const link = composed.appointmentLinks.issue('book', customer.id, new Date(Date.now() + 7 * 86_400_000));
    const book = pathOf(link.url);
    const offer = await request(app).get(`${book}?from=${days[0]}`).expect(200);
    const chosen = offeredTimes(offer.text)[0]!;
    expect(DateTime.fromISO(chosen).setZone('Europe/Rome').toISODate()).toBe(days[0]);
    const booked = await postForm(app, book, { topic: 'billing', startsAt: chosen }).expect(201);
    expect(booked.text).toContain(rome(chosen));
    const [appointment] = await stores.advisors.upcomingAppointments(customer.id, new Date());
    expect(appointment?.startsAt.toISOString()).toBe(chosen);

    const mine = async () =>
      (await stores.outbox.recent({ limit: 30, customerId: customer.id })).filter(
        (m) => m.appointmentId === appointment!.id,
      );
    const confirmation = (await mine()).find((m) => m.kind === 'confirmation')!;
    expect(confirmation.sendAfter.getTime()).toBeLessThanOrEqual(Date.now());
    const reschedule = pathOf(linkAfter(confirmation.body, 'Per spostarla'));
    const page = await request(app).get(`${reschedule}?from=${days[1]}`).expect(200);
    expect(page.text).toContain(rome(chosen));
    const later = offeredTimes(page.text)[0]!;
    expect(DateTime.fromISO(later).setZone('Europe/Rome').toISODate()).toBe(days[1]);
    const moved = await postForm(app, reschedule, { startsAt: later }).expect(200);
    expect(stateOf(moved.text)).toBe('moved');
    expect(moved.text).toContain(rome(later));
    expect((await stores.appointments.appointment(appointment!.id))?.startsAt.toISOString()).toBe(later);
    const news = (await mine()).find((m) => m.kind === 'rescheduled')!;
    expect([news.status, news.sendAfter.getTime() <= Date.now()]).toEqual(['pending', true]);

    const cancel = pathOf(linkAfter(news.body, 'Per annullarla'));
    await request(app).get(cancel).expect(200);
    const done = await postForm(app, cancel, { reason: 'risolto al telefono' }).expect(200);
    expect(stateOf(done.text)).toBe('cancelled');
    const after = await stores.appointments.appointment(appointment!.id);
    expect([after?.status, after?.cancelReason]).toEqual(['cancelled', 'risolto al telefono']);
    expect((await mine()).filter((m) => m.status === 'pending').map((m) => m.kind)).toEqual(['cancelled']);
  });
});
