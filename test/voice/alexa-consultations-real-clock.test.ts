import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock, type StorageHandle, type Stores } from '../../core/index.ts';
import { startAlexaApp } from '../support/alexa-app.ts';
import { alexaSession, heard, intent, linkedUser } from '../support/alexa-session.ts';
import { openTestDatabase } from '../support/database.ts';
import { advisorOnDays } from '../support/fixtures.ts';
import { dualFuelEnglish, dualFuelTurin } from '../support/households.ts';

// Booking, moving and cancelling by voice on the real clock (no fixed time anywhere): what the
// skill says was sent is checked against the outbox, what it says was booked against the
// appointment. Consultations are three and four days from today, which the advisor works whatever
// the weekday.

let storage: StorageHandle;
let stores: Stores;
let alexa: Awaited<ReturnType<typeof startAlexaApp>>;
const today = DateTime.now().setZone('Europe/Rome');
const first = today.plus({ days: 3 }).toISODate() as string;
const second = today.plus({ days: 4 }).toISODate() as string;

beforeAll(async () => {
  storage = await openTestDatabase();
  alexa = await startAlexaApp({ storage, clock: systemClock });
  stores = alexa.composed.stores;
  // Consultations start on the hour and three quarters past: 09:00, 09:45, 10:30, 11:15 …
  await advisorOnDays(stores, [first, second], { name: 'Sara Fontana' });
});

afterAll(async () => {
  await storage?.close();
});

const rome = (day: string, time: string) =>
  DateTime.fromISO(`${day}T${time}`, { zone: 'Europe/Rome' }).toJSDate();
const confirmed = (name: string, slots: Record<string, string> = {}, resolved?: Record<string, string>) =>
  intent(name, {
    slots,
    ...(resolved ? { resolved } : {}),
    confirmationStatus: 'CONFIRMED',
    dialogState: 'IN_PROGRESS',
  });

describe('consultations by voice on the real clock', () => {
  for (const [locale, make] of [
    ['it-IT', dualFuelTurin],
    ['en-US', dualFuelEnglish],
  ] as const) {
    const italian = locale === 'it-IT';
    it(`books, moves and cancels in ${locale}, each notice queued and due at once, as the skill says`, async () => {
      const home = await make(stores);
      const who = await linkedUser(alexa, home.customer);
      const { say } = alexaSession(alexa, who);
      const medium = italian ? 'sms' : 'email';
      const recipient = italian ? home.customer.phone : home.customer.email;
      const notice = async (kind: string) => {
        const rows = await stores.outbox.recent({ limit: 30, customerId: home.customer.id });
        return rows.filter((m) => m.kind === kind);
      };

      const before = Date.now();
      const booked = await say(
        confirmed('BookConsultationIntent', { date: first, time: '10:30' }, { topic: 'billing' }),
      );
      expect(heard(booked)).toMatch(
        italian
          ? /^Fatto: videoconsulenza su bollette prenotata .* alle 10:30\. Ti ho mandato il link per collegarti via SMS\.$/
          : /^Done: your video consultation about bills is booked .* at 10:30 AM\. I sent you the link to join by e-mail\.$/,
      );
      const [appointment, ...more] = await stores.advisors.upcomingAppointments(home.customer.id, new Date());
      expect(more).toEqual([]);
      expect(appointment).toMatchObject({
        status: 'booked',
        startsAt: rome(first, '10:30'),
        bookedVia: 'voice_assistant',
      });
      const [confirmation] = await notice('confirmation');
      expect(confirmation).toMatchObject({
        medium,
        recipient,
        status: 'pending',
        appointmentId: appointment?.id,
      });
      expect(confirmation?.body).toContain('/join/');
      expect(confirmation?.sendAfter.getTime()).toBeGreaterThanOrEqual(before - 1000);
      expect(confirmation?.sendAfter.getTime()).toBeLessThanOrEqual(Date.now());

      const moved = await say(confirmed('MoveAppointmentIntent', { date: second, time: '11:15' }));
      expect(heard(moved)).toMatch(
        italian
          ? / alle 11:15\. Ti ho mandato la conferma\.$/
          : / at 11:15 AM\. I sent you a confirmation\.$/,
      );
      expect((await stores.appointments.appointment(appointment?.id ?? ''))?.startsAt).toEqual(
        rome(second, '11:15'),
      );
      const [rescheduled] = await notice('rescheduled');
      expect(rescheduled).toMatchObject({ medium, recipient, status: 'pending' });
      expect(rescheduled?.sendAfter.getTime()).toBeLessThanOrEqual(Date.now());

      const cancelled = await say(confirmed('CancelAppointmentIntent'));
      expect(heard(cancelled)).toBe(
        italian
          ? 'Fatto: la videoconsulenza è annullata. Ti ho mandato la conferma.'
          : 'Done: your video consultation is cancelled. I sent you a confirmation.',
      );
      expect((await stores.appointments.appointment(appointment?.id ?? ''))?.status).toBe('cancelled');
      const [told] = await notice('cancelled');
      expect(told).toMatchObject({ medium, recipient, status: 'pending' });
      expect(told?.sendAfter.getTime()).toBeLessThanOrEqual(Date.now());
    });

    it(`puts a consultation booked in ${locale} in the journey of the turns that booked it`, async () => {
      const home = await make(stores);
      const { say } = alexaSession(alexa, await linkedUser(alexa, home.customer));
      const time = italian ? '12:45' : '13:30';
      // The topic first, then day and time: the booking spans turns of one journey.
      const asked = await say(intent('BookConsultationIntent', { resolved: { topic: 'billing' } }));
      expect(heard(asked)).toBe(
        italian
          ? 'Per quale giorno vuoi la videoconsulenza?'
          : 'Which day would you like the video consultation?',
      );
      const booked = await say(
        confirmed('BookConsultationIntent', { date: first, time }, { topic: 'billing' }),
      );
      expect(heard(booked)).toMatch(italian ? /^Fatto: / : /^Done: /);

      const turns = await stores.interactions.forCustomer(home.customer.id, { limit: 10 });
      const booking = turns.find((t) => t.details.intent === 'BookConsultation' && t.outcome === 'resolved');
      const question = turns.find(
        (t) => t.details.intent === 'BookConsultation' && t.outcome === 'continued',
      );
      expect(booking?.journeyId).toBeDefined();
      expect(question?.journeyId).toBe(booking?.journeyId);
      const [appointment] = await stores.advisors.upcomingAppointments(home.customer.id, new Date());
      expect(appointment).toMatchObject({ bookedVia: 'voice_assistant', startsAt: rome(first, time) });
      expect((await stores.appointments.appointment(appointment?.id ?? ''))?.journeyId).toBe(
        booking?.journeyId,
      );
    });
  }
});
