import { describe, expect, it } from 'vitest';
import request from 'supertest';
import type { Express } from 'express';
import type { composeApp } from '../../app/compose.ts';
import type { Customer, StorageHandle, Stores } from '../../core/index.ts';
import { toldOn } from '../../core/services.ts';
import { officeHoursAdvisor, staffPassword, staffUsers } from '../support/fixtures.ts';
import {
  linkAfter,
  linkCustomer,
  offeredTimes,
  pathOf,
  postForm,
  SITE,
  stateOf,
  withLinkPagesApp,
} from '../support/link-pages.ts';

// The pages behind the "move" and "cancel" links of a consultation's messages: what they show,
// what their forms do to the stored consultation and the outbox, and every way they refuse.

// Monday 23 March 2026, 09:00 in Rome (CET, an hour ahead of UTC until the 29th).
const START = new Date('2026-03-23T08:00:00Z');
let now = START;
const clock = { now: () => now };

let storage: StorageHandle;
let app: Express;
let stores: Stores;
let composed: Awaited<ReturnType<typeof composeApp>>;

withLinkPagesApp(clock, async (opened) => {
  ({ storage, composed, app, stores } = opened);
  await officeHoursAdvisor(stores, { name: 'Carla Bruno' });
});

/** A consultation about bills booked for the customer, its confirmation queued, and its links. */
async function booked(customer: Customer, startsAt: string) {
  const change = await composed.desk.book({
    customerId: customer.id,
    topic: 'billing',
    locale: customer.locale,
    startsAt,
    bookedVia: 'web',
  });
  const { appointment } = change;
  const links = composed.appointmentLinks.forAppointment(appointment);
  return {
    appointment,
    told: toldOn(change),
    reschedule: pathOf(links.reschedule.url),
    cancel: pathOf(links.cancel.url),
  };
}

const messages = async (appointmentId: string) =>
  (await stores.outbox.recent({ limit: 50 })).filter((m) => m.appointmentId === appointmentId);
const stored = async (id: string) => (await stores.appointments.appointment(id))!;

describe('the reschedule page', () => {
  it('opens from the confirmation’s link in Italian, with the consultation in Rome time and the free times', async () => {
    const customer = await linkCustomer(stores, 'it-IT', ['email']);
    const { appointment } = await booked(customer, '2026-03-25T12:35:00Z');
    const [confirmation] = (await messages(appointment.id)).filter((m) => m.kind === 'confirmation');
    const url = linkAfter(confirmation!.body, 'Per spostarla');
    expect(url).toMatch(new RegExp(`^${SITE}/reschedule/`));
    // What a browser does with the e-mail's link: a GET, answered with a page.
    const page = await request(app)
      .get(pathOf(url))
      .expect(200)
      .expect('Content-Type', /text\/html/);
    expect(page.text).toContain('<html lang="it">');
    expect(stateOf(page.text)).toBe('reschedule');
    // 12:35 UTC is 13:35 in Rome on that Wednesday.
    expect(page.text).toMatch(/mercoledì 25 marzo.*13:35/);
    expect(page.text).toContain('Carla Bruno');
    expect(page.text).toContain('bollette');
    const times = offeredTimes(page.text);
    expect(times.length).toBeGreaterThan(5);
    expect(times).not.toContain('2026-03-25T12:35:00.000Z');
    expect(times.every((t) => new Date(t) > new Date(START.getTime() + 2 * 3_600_000))).toBe(true);
    expect(page.text).toContain(`action="${pathOf(url)}"`);
    expect(page.headers['referrer-policy']).toBe('same-origin');
    expect(page.headers['cache-control']).toBe('no-store');
  });

  it('moves the consultation to the time chosen, and says the new time and how the notice went', async () => {
    const customer = await linkCustomer(stores, 'it-IT', ['email']);
    const { appointment, reschedule } = await booked(customer, '2026-03-25T13:20:00Z');
    const offered = offeredTimes((await request(app).get(reschedule).expect(200)).text);
    const chosen = offered.find((t) => t.startsWith('2026-03-26T09:35'))!;
    expect(chosen).toBeDefined();
    const moved = await postForm(app, reschedule, { startsAt: chosen }).expect(200);
    expect(stateOf(moved.text)).toBe('moved');
    // Said from the stored result: Thursday 26 March, 10:35 in Rome.
    expect(moved.text).toMatch(/id="result">[^<]*giovedì 26 marzo[^<]*10:35/);
    expect(moved.text).toContain('data-medium="email"');
    expect(moved.text).toMatch(/href="http:\/\/localhost:3000\/join\/[^"]+"/);
    const after = await stored(appointment.id);
    expect(after.startsAt.toISOString()).toBe(chosen);
    expect(after.status).toBe('booked');
    const notices = await messages(appointment.id);
    const news = notices.filter((m) => m.kind === 'rescheduled');
    expect(news.map((m) => [m.medium, m.recipient, m.status])).toEqual([
      ['email', customer.email, 'pending'],
    ]);
    expect(news[0]!.body).toMatch(/gio 26 mar 2026, 10:35/);
    // The same form sent again (a second click): nothing changes, and the page says so, not that
    // the customer allowed no messages.
    const again = await postForm(app, reschedule, { startsAt: chosen }).expect(200);
    expect(again.text).toMatch(
      /id="result">[^<]*era già fissata per giovedì 26 marzo[^<]*10:35[^<]*non è cambiato nulla/,
    );
    expect(again.text).not.toContain('data-medium');
    expect(again.text).not.toContain('Non le abbiamo mandato');
    expect((await messages(appointment.id)).filter((m) => m.kind === 'rescheduled')).toHaveLength(1);
    // The reminders of the old time are withdrawn.
    const oldReminder = notices.find(
      (m) => m.kind === 'reminder_24h' && m.sendAfter.toISOString() === '2026-03-24T13:20:00.000Z',
    );
    expect(oldReminder?.status).toBe('cancelled');
    const steps = await stores.interactions.forCustomer(customer.id, { limit: 5 });
    expect(steps.map((s) => s.details.action)).toContain('reschedule');
    // The "moved" e-mail carries links of the new time: after the old start they still open
    // their pages, while the old links have expired with it.
    const [confirmation] = notices.filter((m) => m.kind === 'confirmation');
    now = new Date('2026-03-25T14:00:00Z');
    try {
      await request(app)
        .get(pathOf(linkAfter(news[0]!.body, 'Per annullarla')))
        .expect(200);
      await request(app)
        .get(pathOf(linkAfter(news[0]!.body, 'Per spostarla')))
        .expect(200);
      await request(app)
        .get(pathOf(linkAfter(confirmation!.body, 'Per annullarla')))
        .expect(410);
    } finally {
      now = START;
    }
  });

  it('speaks English to an English-speaking customer, and says the notice went by text message', async () => {
    const customer = await linkCustomer(stores, 'en-US', ['sms']);
    const { appointment, reschedule } = await booked(customer, '2026-03-25T08:50:00Z');
    const page = await request(app).get(reschedule).expect(200);
    expect(page.text).toContain('<html lang="en">');
    // 08:50 UTC is 09:50 in Rome.
    expect(page.text).toMatch(/Wednesday, March 25.*09:50\sAM/u);
    const chosen = offeredTimes(page.text).find((t) => t.startsWith('2026-03-27T12:35'))!;
    const moved = await postForm(app, reschedule, { startsAt: chosen }).expect(200);
    expect(moved.text).toMatch(/Friday, March 27.*01:35\sPM/u);
    expect(moved.text).toContain('data-medium="sms"');
    expect(moved.text).toContain('text message');
    expect((await stored(appointment.id)).startsAt.toISOString()).toBe(chosen);
    const sms = (await messages(appointment.id)).find((m) => m.kind === 'rescheduled');
    expect([sms?.medium, sms?.recipient]).toEqual(['sms', customer.phone]);
  });

  it('tells a customer who allows no messages that nothing was sent, and still moves it', async () => {
    const customer = await linkCustomer(stores, 'it-IT', []);
    const { appointment, reschedule, told } = await booked(customer, '2026-03-27T08:05:00Z');
    expect(told).toBeNull();
    const moved = await postForm(app, reschedule, { startsAt: '2026-03-27T08:50:00Z' }).expect(200);
    expect(moved.text).toContain('data-medium="none"');
    expect((await stored(appointment.id)).startsAt.toISOString()).toBe('2026-03-27T08:50:00.000Z');
    expect(await messages(appointment.id)).toEqual([]);
  });
  it('offers and makes a move within the day of an advisor at the daily cap because of this very consultation', async () => {
    // Thursday 9 April: Carla's ten times run 09:05–15:50 in Rome (07:05–13:50 UTC); eight of
    // them booked, the customer's at 09:05, reach the cap of eight consultations a day.
    const customer = await linkCustomer(stores, 'it-IT', ['email']);
    const { appointment, reschedule } = await booked(customer, '2026-04-09T07:05:00Z');
    for (const startsAt of ['07:50', '08:35', '09:20', '10:05', '10:50', '11:35', '12:20']) {
      await booked(await linkCustomer(stores, 'it-IT', ['email']), `2026-04-09T${startsAt}:00Z`);
    }
    const offered = offeredTimes((await request(app).get(`${reschedule}?from=2026-04-09`).expect(200)).text);
    expect(offered.filter((t) => t.startsWith('2026-04-09'))).toEqual([
      '2026-04-09T13:05:00.000Z',
      '2026-04-09T13:50:00.000Z',
    ]);
    const moved = await postForm(app, reschedule, { startsAt: '2026-04-09T13:50:00.000Z' }).expect(200);
    expect(stateOf(moved.text)).toBe('moved');
    const after = await stored(appointment.id);
    expect([after.status, after.advisorId, after.startsAt.toISOString()]).toEqual([
      'booked',
      appointment.advisorId,
      '2026-04-09T13:50:00.000Z',
    ]);
    // The day is full again: a ninth customer is offered nothing on it.
    const ninth = await linkCustomer(stores, 'it-IT', ['email']);
    const slots = await composed.booking.slots({
      topic: 'billing',
      locale: ninth.locale,
      from: new Date('2026-04-09T00:00:00Z'),
      to: new Date('2026-04-10T00:00:00Z'),
    });
    expect(slots).toEqual([]);
  });
});

describe('the cancel page', () => {
  it('shows the consultation and asks to confirm; cancelling stores it, withdraws the reminders and tells the customer', async () => {
    const customer = await linkCustomer(stores, 'it-IT', ['email']);
    const { appointment } = await booked(customer, '2026-03-30T07:05:00Z');
    const [confirmation] = (await messages(appointment.id)).filter((m) => m.kind === 'confirmation');
    const cancel = pathOf(linkAfter(confirmation!.body, 'Per annullarla'));
    expect(cancel).toMatch(/^\/cancel\//);
    const page = await request(app).get(cancel).expect(200);
    expect(stateOf(page.text)).toBe('cancel');
    // After the clock change: 07:05 UTC is 09:05 in Rome on Monday 30 March.
    expect(page.text).toMatch(/lunedì 30 marzo.*09:05/);
    expect(page.text).toContain('name="reason"');
    // Opening the page changes nothing.
    expect((await stored(appointment.id)).status).toBe('booked');
    const done = await postForm(app, cancel, { reason: '' }).expect(200);
    expect(stateOf(done.text)).toBe('cancelled');
    expect(done.text).toMatch(/id="result">[^<]*lunedì 30 marzo[^<]*09:05[^<]*annullata/);
    expect(done.text).toContain('data-medium="email"');
    const after = await stored(appointment.id);
    expect([after.status, after.cancelReason]).toEqual(['cancelled', 'annullata dal cliente']);
    const rows = await messages(appointment.id);
    expect(rows.filter((m) => m.status === 'pending').map((m) => [m.kind, m.medium])).toEqual([
      ['cancelled', 'email'],
    ]);
    expect(rows.find((m) => m.kind === 'reminder_24h')?.status).toBe('cancelled');
  });

  it('keeps the reason the customer gives', async () => {
    const customer = await linkCustomer(stores, 'en-US', ['email']);
    const { appointment, cancel } = await booked(customer, '2026-03-30T08:35:00Z');
    const done = await postForm(app, cancel, { reason: '  sorted it out by phone ' }).expect(200);
    expect(done.text).toContain('is cancelled');
    expect((await stored(appointment.id)).cancelReason).toBe('sorted it out by phone');
  });
});

describe('the links in the outbox', () => {
  it('stay masked for staff, the pages’ addresses as the others', async () => {
    const customer = await linkCustomer(stores, 'it-IT', ['email']);
    const { appointment } = await booked(customer, '2026-03-31T07:50:00Z');
    const users = await staffUsers(stores);
    const login = await request(app)
      .post('/api/auth/login')
      .send({ username: users.advisor.username, password: staffPassword })
      .expect(200);
    const cookie = String(login.headers['set-cookie']).split(';')[0] as string;
    const outbox = await request(app)
      .get('/api/outbox')
      .query({ customerId: customer.id })
      .set('Cookie', cookie)
      .expect(200);
    const confirmation = (outbox.body as { kind: string; appointmentId: string; body: string }[]).find(
      (m) => m.kind === 'confirmation' && m.appointmentId === appointment.id,
    );
    expect(confirmation?.body).toContain(`Per spostarla: ${SITE}/reschedule/••••••`);
    expect(confirmation?.body).toContain(`Per annullarla: ${SITE}/cancel/••••••`);
  });
  it('are in the SMS of a customer who allows only SMS: how to join, move and cancel, each opening its page', async () => {
    const customer = await linkCustomer(stores, 'it-IT', ['sms']);
    const { appointment } = await booked(customer, '2026-04-10T12:20:00Z');
    const sms = (await messages(appointment.id)).filter((m) => m.kind === 'confirmation');
    expect(sms.map((m) => [m.medium, m.recipient, m.subject])).toEqual([['sms', customer.phone, null]]);
    const text = sms[0]!.body;
    // Friday 10 April, 14:20 in Rome (summer time).
    expect(text).toMatch(
      new RegExp(
        '^Consulenza video confermata: ven 10 apr 2026, 14:20 CEST\\n' +
          `Entra: ${SITE}/join/\\S+\\nSposta: ${SITE}/reschedule/\\S+\\nAnnulla: ${SITE}/cancel/\\S+$`,
      ),
    );
    // Three parts of a long SMS at most (153 characters each).
    expect(text.length).toBeLessThanOrEqual(3 * 153);
    const move = await request(app)
      .get(pathOf(linkAfter(text, 'Sposta')))
      .expect(200);
    expect(stateOf(move.text)).toBe('reschedule');
    const cancel = await request(app)
      .get(pathOf(linkAfter(text, 'Annulla')))
      .expect(200);
    expect(stateOf(cancel.text)).toBe('cancel');
    await request(app)
      .get(pathOf(linkAfter(text, 'Entra')))
      .expect(200);
  });
});

describe('refusals', () => {
  it('refuse a tampered link and a link of another kind with a page in both languages, changing nothing', async () => {
    const customer = await linkCustomer(stores, 'it-IT', ['sms']);
    const other = await linkCustomer(stores, 'it-IT', ['sms']);
    const { appointment, reschedule, cancel } = await booked(customer, '2026-04-01T07:05:00Z');
    const theirs = await booked(other, '2026-04-01T07:50:00Z');
    const tampered = reschedule.replace(appointment.id, theirs.appointment.id);
    for (const path of [
      tampered,
      reschedule.replace('/reschedule/', '/cancel/'),
      cancel.replace('/cancel/', '/reschedule/'),
    ]) {
      const page = await request(app)
        .get(path)
        .expect(404)
        .expect('Content-Type', /text\/html/);
      expect(page.text).toContain('Questo link non è valido');
      expect(page.text).toContain('This link is not valid');
    }
    await postForm(app, tampered, { startsAt: '2026-04-02T07:05:00Z' }).expect(404);
    await postForm(app, cancel.replace('/cancel/', '/reschedule/'), {
      startsAt: '2026-04-02T07:05:00Z',
    }).expect(404);
    await postForm(app, reschedule.replace('/reschedule/', '/cancel/'), { reason: '' }).expect(404);
    for (const id of [appointment.id, theirs.appointment.id]) {
      const kept = await stored(id);
      expect([kept.status, kept.startsAt.toISOString()]).toEqual([
        'booked',
        id === appointment.id ? '2026-04-01T07:05:00.000Z' : '2026-04-01T07:50:00.000Z',
      ]);
    }
  });

  it('say a link has expired once the consultation’s time has come, in the customer’s language', async () => {
    const customer = await linkCustomer(stores, 'en-US', ['email']);
    const { appointment, reschedule, cancel } = await booked(customer, '2026-03-24T08:05:00Z');
    now = new Date('2026-03-24T08:06:00Z');
    try {
      for (const path of [reschedule, cancel]) {
        const page = await request(app).get(path).expect(410);
        expect(page.text).toContain('<html lang="en">');
        expect(page.text).toContain('This link has expired');
      }
      await postForm(app, cancel, { reason: '' }).expect(410);
      expect((await stored(appointment.id)).status).toBe('booked');
    } finally {
      now = START;
    }
  });

  it('say it is too late to move a consultation starting within two hours, and still let it be cancelled', async () => {
    const customer = await linkCustomer(stores, 'it-IT', ['email']);
    const { appointment, reschedule, cancel } = await booked(customer, '2026-03-24T12:35:00Z');
    now = new Date('2026-03-24T11:00:00Z');
    try {
      const page = await request(app).get(reschedule).expect(409);
      expect(stateOf(page.text)).toBe('tooLate');
      expect(page.text).toContain('È troppo tardi per spostarla');
      await postForm(app, reschedule, { startsAt: '2026-03-25T12:35:00Z' }).expect(409);
      expect((await stored(appointment.id)).startsAt.toISOString()).toBe('2026-03-24T12:35:00.000Z');
      await request(app).get(cancel).expect(200);
    } finally {
      now = START;
    }
  });

  it('say a consultation already cancelled, or already held, can be neither moved nor cancelled', async () => {
    const customer = await linkCustomer(stores, 'it-IT', ['email']);
    const first = await booked(customer, '2026-04-02T07:05:00Z');
    await composed.desk.cancel(first.appointment.id, 'asked by phone');
    for (const path of [first.reschedule, first.cancel]) {
      const page = await request(app).get(path).expect(409);
      expect(page.text).toContain('Questa consulenza è stata annullata');
    }
    await postForm(app, first.reschedule, { startsAt: '2026-04-03T07:05:00Z' }).expect(409);
    await postForm(app, first.cancel, { reason: 'again' }).expect(409);
    expect((await stored(first.appointment.id)).cancelReason).toBe('asked by phone');
    const second = await booked(customer, '2026-04-02T07:50:00Z');
    await storage.db
      .updateTable('appointments')
      .set({ status: 'completed' })
      .where('id', '=', second.appointment.id)
      .execute();
    const held = await request(app).get(second.cancel).expect(409);
    expect(held.text).toContain('Questa consulenza si è già svolta');
  });

  it('say a time taken meanwhile is no longer free, offer the free times again and keep the consultation', async () => {
    const customer = await linkCustomer(stores, 'it-IT', ['email']);
    const { appointment, reschedule } = await booked(customer, '2026-04-03T07:05:00Z');
    const first = (await request(app).get(reschedule).expect(200)).text;
    // The first days are offered, and a link to the later ones.
    const later = /id="later" href="([^"]+)"/.exec(first)?.[1];
    expect(later).toBe(`${reschedule}?from=2026-03-30`);
    const offered = offeredTimes((await request(app).get(`${reschedule}?from=2026-04-03`).expect(200)).text);
    expect(offered[0]).toBe('2026-04-03T07:50:00.000Z');
    const wanted = offered.find((t) => t.startsWith('2026-04-03T12:20'))!;
    expect(wanted).toBeDefined();
    // Someone else books it (there is one advisor) between the page and the form.
    const rival = await linkCustomer(stores, 'it-IT', ['email']);
    await booked(rival, wanted);
    const page = await postForm(app, reschedule, { startsAt: wanted }).expect(409);
    expect(stateOf(page.text)).toBe('slotTaken');
    expect(page.text).toContain('Orario non più libero');
    const again = offeredTimes(page.text);
    expect(again.length).toBeGreaterThan(3);
    expect(again).not.toContain(wanted);
    expect((await stored(appointment.id)).startsAt.toISOString()).toBe('2026-04-03T07:05:00.000Z');
  });

  it('say a time that is not offered is not available', async () => {
    const customer = await linkCustomer(stores, 'it-IT', ['email']);
    const { appointment, reschedule } = await booked(customer, '2026-04-08T07:05:00Z');
    for (const startsAt of ['2026-04-08T19:00:00Z', 'tomorrow']) {
      const page = await postForm(app, reschedule, { startsAt }).expect(400);
      expect(stateOf(page.text)).toBe('notASlot');
      expect(offeredTimes(page.text).length).toBeGreaterThan(3);
    }
    expect((await stored(appointment.id)).startsAt.toISOString()).toBe('2026-04-08T07:05:00.000Z');
  });
});

describe('requests from outsiders', () => {
  it('answer 400 to a malformed percent-encoding or a NUL character in the link', async () => {
    for (const path of ['/reschedule/abc%E0%A4%A', '/cancel/%ZZtoken', '/reschedule/abc%00def.x.y.z']) {
      await request(app).get(path).expect(400);
      await postForm(app, path, { startsAt: '2026-04-07T07:05:00Z' }).expect(400);
    }
  });

  it('refuse a form from another site, a body that is not a form, a huge body and a NUL in a field, changing nothing', async () => {
    const customer = await linkCustomer(stores, 'it-IT', ['email']);
    const { appointment, reschedule, cancel } = await booked(customer, '2026-04-07T07:05:00Z');
    const crossSite = await request(app)
      .post(cancel)
      .set('Origin', 'https://evil.example')
      .type('form')
      .send({ reason: '' })
      .expect(403);
    expect(crossSite.text).toContain('Il modulo è arrivato da un altro sito');
    await request(app)
      .post(reschedule)
      .set('Origin', 'https://evil.example')
      .type('form')
      .send({ startsAt: '2026-04-08T07:05:00Z' })
      .expect(403);
    await request(app).post(cancel).set('Origin', SITE).send({ reason: 'json' }).expect(415);
    await request(app)
      .post(cancel)
      .set('Origin', SITE)
      .set('Content-Type', 'text/plain')
      .send('reason=x')
      .expect(415);
    await request(app).post(cancel).set('Origin', SITE).field('reason', 'multipart').expect(415);
    const huge = await postForm(app, cancel, { reason: 'x'.repeat(20_000) }).expect(413);
    expect(huge.text).toContain('<html lang="it">');
    await postForm(app, cancel, { reason: 'bad\u0000reason' }).expect(400);
    const long = await postForm(app, cancel, { reason: 'y'.repeat(600) }).expect(400);
    expect(stateOf(long.text)).toBe('reasonTooLong');
    await postForm(app, reschedule, { startsAt: '2026-04-08T07:05:00Z\u0000' }).expect(400);
    const kept = await stored(appointment.id);
    expect([kept.status, kept.startsAt.toISOString()]).toEqual(['booked', '2026-04-07T07:05:00.000Z']);
  });
});
