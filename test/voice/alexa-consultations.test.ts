import { randomUUID } from 'node:crypto';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { locales, type Locale, type StorageHandle, type Stores } from '../../core/index.ts';
import { type Advisor } from '../../core/services.ts';
import { startAlexaApp, type AlexaAnswer } from '../support/alexa-app.ts';
import type { AlexaRequestBody } from '../support/alexa-requests.ts';
import { openTestDatabase } from '../support/database.ts';
import { gasCustomer, officeHoursAdvisor } from '../support/fixtures.ts';

// Monday 16 March 2026, 09:00 in Rome. Bookings need 120 minutes' notice and open 30 days ahead.
const clock = { now: () => new Date('2026-03-16T08:00:00Z') };

let storage: StorageHandle;
let stores: Stores;
let alexa: Awaited<ReturnType<typeof startAlexaApp>>;
let advisor: Advisor;

beforeAll(async () => {
  storage = await openTestDatabase();
  alexa = await startAlexaApp({ storage, clock });
  stores = alexa.composed.stores;
  // The only advisor, for bills in both languages: consultations start every 45 minutes from 09:05
  // (5 minutes before, 30 of consultation, 10 after), the last at 15:50.
  advisor = await officeHoursAdvisor(stores, { name: 'Chiara Neri' });
});

afterAll(async () => {
  await storage?.close();
});

/** An instant given as a wall-clock time in Rome. */
const rome = (day: string, time: string) =>
  DateTime.fromISO(`${day}T${time}`, { zone: 'Europe/Rome' }).toJSDate();

let serial = 0;

/** A linked customer of the locale: the Italian one hears from us by SMS, the American one by e-mail. */
async function linkedCustomer(locale: Locale) {
  const customer =
    locale === 'it-IT'
      ? (await gasCustomer(stores)).customer
      : await stores.customers.create({
          firstName: 'Emily',
          lastName: `Clark-${serial++}`,
          locale: 'en-US',
          phone: '+12025550143',
          email: `emily.clark.${serial}@example.com`,
          segment: 'family',
          preferredMedium: 'email',
          consents: [
            {
              purpose: 'data_processing',
              granted: true,
              givenAt: '2025-05-02T09:00:00Z',
              source: 'web_form',
            },
            {
              purpose: 'contact',
              medium: 'email',
              granted: true,
              givenAt: '2025-05-02T09:00:00Z',
              source: 'web_form',
            },
          ],
        });
  const userId = `amzn1.ask.account.${customer.id}`;
  await alexa.link(customer, userId);
  const medium = locale === 'it-IT' ? 'sms' : 'email';
  const recipient = locale === 'it-IT' ? customer.phone : customer.email;
  return { customer, userId, locale, medium, recipient };
}
type Who = Awaited<ReturnType<typeof linkedCustomer>>;

/** One Alexa session: every request carries the session attributes of the previous answer. */
function session(who: Who) {
  const sessionId = `amzn1.echo-api.session.${randomUUID()}`;
  let attributes: Record<string, unknown> | undefined;
  const say = async (request: AlexaRequestBody) => {
    const answer = await alexa.ask({
      request,
      locale: who.locale,
      userId: who.userId,
      sessionId,
      ...(attributes ? { attributes } : {}),
    });
    attributes = answer.sessionAttributes;
    return answer;
  };
  return { say, attributes: () => attributes };
}

type Said = { topic?: string; date?: string; time?: string };
const book = (slots: Said, more: Partial<Extract<AlexaRequestBody, { type: 'IntentRequest' }>> = {}) =>
  ({
    type: 'IntentRequest',
    intent: 'BookConsultationIntent',
    dialogState: 'IN_PROGRESS',
    // The customer says "bollette" or "bills"; the model resolves either to the id `billing`.
    slots: {
      date: slots.date,
      time: slots.time,
      ...(slots.topic === 'billing' ? {} : { topic: slots.topic }),
    },
    ...(slots.topic === 'billing' ? { resolved: { topic: 'billing' } } : {}),
    ...more,
  }) as AlexaRequestBody;
const intent = (name: string, more: Partial<Extract<AlexaRequestBody, { type: 'IntentRequest' }>> = {}) =>
  ({ type: 'IntentRequest', intent: name, dialogState: 'IN_PROGRESS', ...more }) as AlexaRequestBody;

/** What the customer heard (the card shows the same words), as SSML escapes it. */
function expectSaid(answer: AlexaAnswer, text: string) {
  expect(answer.response.card?.content).toBe(text);
  expect(answer.response.outputSpeech?.ssml).toBe(`<speak>${text.replace(/'/g, '&apos;')}</speak>`);
}

/** The one dialog directive of an answer, with the slot values it carries on. */
function directive(answer: AlexaAnswer) {
  const directives = answer.response.directives ?? [];
  expect(directives).toHaveLength(1);
  const [d] = directives;
  const values = Object.fromEntries(
    Object.values(d?.updatedIntent?.slots ?? {})
      .filter((s) => s.value !== undefined)
      .map((s) => [s.name, s.value]),
  );
  return { type: d?.type, slot: d?.slotToElicit, intent: d?.updatedIntent?.name, values };
}

/** Books for a customer as another channel would, through the same desk. */
const deskBooking = async (customerId: string, locale: Locale, startsAt: Date) =>
  (await alexa.composed.desk.book({ customerId, topic: 'billing', locale, startsAt, bookedVia: 'web' }))
    .appointment;

/** Someone else, on the web, takes the advisor at this time. */
async function someoneElseBooks(day: string, time: string) {
  const { customer } = await gasCustomer(stores);
  return deskBooking(customer.id, 'it-IT', rome(day, time));
}

const upcoming = (customerId: string) => stores.advisors.upcomingAppointments(customerId, clock.now());

/** The voice turns of the customer's consultation journey, in order: [intent, outcome, next step]. */
async function consultationTurns(customerId: string) {
  const contacts = await stores.interactions.forCustomer(customerId, { limit: 50 });
  const first = contacts.find((c) => c.reason === 'video_consultation');
  if (!first) return [];
  return (await stores.interactions.journey(first.journeyId))
    .filter((c) => c.channel === 'voice_assistant')
    .map((c) => [c.details.intent, c.outcome, c.details.next ?? null]);
}

describe('booking a video consultation through /alexa', () => {
  for (const locale of locales) {
    const italian = locale === 'it-IT';

    it(`books in ${locale} over several turns, offering the nearest free times when the one asked for is taken`, async () => {
      const who = await linkedCustomer(locale);
      const { say } = session(who);
      // Italian: Monday 23 March; English: Friday 20 March — both within a week, so the weekday is said.
      const day = italian ? '2026-03-23' : '2026-03-20';

      const topic = await say(intent('BookConsultationIntent', { dialogState: 'STARTED' }));
      expectSaid(
        topic,
        italian
          ? 'Di cosa vuoi parlare con il consulente? Per esempio bollette, pagamenti, contratto, trasloco o assistenza tecnica.'
          : 'What would you like to talk about with the advisor? For example bills, payments, your contract, moving home or technical support.',
      );
      expect(directive(topic)).toEqual({
        type: 'Dialog.ElicitSlot',
        slot: 'topic',
        intent: 'BookConsultationIntent',
        values: {},
      });
      expect(topic.response.shouldEndSession).not.toBe(true);

      const date = await say(book({ topic: 'billing' }));
      expectSaid(
        date,
        italian
          ? 'Per quale giorno vuoi la videoconsulenza?'
          : 'Which day would you like the video consultation?',
      );
      expect(directive(date)).toMatchObject({
        type: 'Dialog.ElicitSlot',
        slot: 'date',
        values: { topic: 'billing' },
      });

      const time = await say(book({ topic: 'billing', date: day }));
      expectSaid(
        time,
        italian
          ? 'A che ora, lunedì 23 marzo? Per esempio alle 9:05, 9:50 o 10:35.'
          : 'At what time on Friday, March 20? For example 9:05 AM, 9:50 AM or 10:35 AM.',
      );
      expect(directive(time)).toEqual({
        type: 'Dialog.ElicitSlot',
        slot: 'time',
        intent: 'BookConsultationIntent',
        values: { topic: 'billing', date: day },
      });

      // While the customer thinks, someone else takes 9:50 with the only advisor.
      await someoneElseBooks(day, '09:50');
      const taken = await say(book({ topic: 'billing', date: day, time: '09:50' }));
      expectSaid(
        taken,
        italian
          ? 'Lunedì 23 marzo alle 9:50 i consulenti non sono liberi. Gli orari più vicini sono alle 9:05, 10:35 o 11:20. Quale preferisci?'
          : 'The advisors are not free on Friday, March 20 at 9:50 AM. The nearest free times are 9:05 AM, 10:35 AM or 11:20 AM. Which one would you like?',
      );
      expect(directive(taken)).toEqual({
        type: 'Dialog.ElicitSlot',
        slot: 'time',
        intent: 'BookConsultationIntent',
        values: { topic: 'billing', date: day },
      });

      const confirm = await say(book({ topic: 'billing', date: day, time: '10:35' }));
      expectSaid(
        confirm,
        italian
          ? 'Prenoto una videoconsulenza su bollette, lunedì 23 marzo alle 10:35. Va bene?'
          : 'Shall I book a video consultation about bills on Friday, March 20 at 10:35 AM?',
      );
      expect(directive(confirm)).toEqual({
        type: 'Dialog.ConfirmIntent',
        slot: undefined,
        intent: 'BookConsultationIntent',
        values: { topic: 'billing', date: day, time: '10:35' },
      });
      expect(await upcoming(who.customer.id)).toEqual([]);

      const booked = await say(
        book(
          { topic: 'billing', date: day, time: '10:35' },
          { confirmationStatus: 'CONFIRMED', dialogState: 'COMPLETED' },
        ),
      );
      expectSaid(
        booked,
        italian
          ? 'Fatto: videoconsulenza su bollette prenotata lunedì 23 marzo alle 10:35. Ti ho mandato il link per collegarti via SMS.'
          : 'Done: your video consultation about bills is booked on Friday, March 20 at 10:35 AM. I sent you the link to join by e-mail.',
      );
      expect(booked.response.directives ?? []).toEqual([]);

      const [appointment, ...others] = await upcoming(who.customer.id);
      expect(others).toEqual([]);
      expect(appointment).toMatchObject({
        advisorId: advisor.id,
        topic: 'billing',
        locale,
        startsAt: rome(day, '10:35'),
        endsAt: rome(day, '11:05'),
        bookedVia: 'voice_assistant',
        status: 'booked',
      });
      const sent = await stores.outbox.recent({ limit: 20, customerId: who.customer.id });
      expect(sent.filter((m) => m.kind === 'confirmation')).toEqual([
        expect.objectContaining({
          appointmentId: appointment?.id,
          medium: who.medium,
          recipient: who.recipient,
        }),
      ]);

      expect(await consultationTurns(who.customer.id)).toEqual([
        ['BookConsultation', 'continued', 'elicit'],
        ['BookConsultation', 'continued', 'elicit'],
        ['BookConsultation', 'continued', 'elicit'],
        ['BookConsultation', 'continued', 'elicit'],
        ['BookConsultation', 'continued', 'confirm'],
        ['BookConsultation', 'resolved', null],
      ]);
    });

    it(`books nothing in ${locale} when the customer says no to the confirmation, and logs the turn abandoned`, async () => {
      const who = await linkedCustomer(locale);
      const { say } = session(who);
      const day = italian ? '2026-03-17' : '2026-03-18';
      const confirm = await say(book({ topic: 'billing', date: day, time: '10:35' }));
      expect(directive(confirm).type).toBe('Dialog.ConfirmIntent');
      const denied = await say(
        book(
          { topic: 'billing', date: day, time: '10:35' },
          { confirmationStatus: 'DENIED', dialogState: 'COMPLETED' },
        ),
      );
      expectSaid(denied, italian ? 'Va bene, non ho prenotato niente.' : "OK, I haven't booked anything.");
      expect(denied.response.directives ?? []).toEqual([]);
      expect(await upcoming(who.customer.id)).toEqual([]);
      expect(
        (await stores.outbox.recent({ limit: 20, customerId: who.customer.id })).filter(
          (m) => m.kind === 'confirmation',
        ),
      ).toEqual([]);
      expect(await consultationTurns(who.customer.id)).toEqual([
        ['BookConsultation', 'continued', 'confirm'],
        ['BookConsultation', 'abandoned', null],
      ]);
    });

    it(`asks again in ${locale} for a day that is not one day or has passed, keeping the topic`, async () => {
      const who = await linkedCustomer(locale);
      const { say } = session(who);
      // "This weekend" reaches the skill as a week's weekend, not as a day.
      const weekend = await say(book({ topic: 'billing', date: '2026-W13-WE' }));
      expectSaid(
        weekend,
        italian
          ? 'Non ho capito il giorno. Dimmi per esempio: domani, oppure lunedì.'
          : "I didn't catch the day. Say for example: tomorrow, or Monday.",
      );
      expect(directive(weekend)).toMatchObject({ slot: 'date', values: { topic: 'billing' } });

      const past = await say(book({ topic: 'billing', date: '2026-03-13', time: '10:35' }));
      expectSaid(
        past,
        italian
          ? 'Quel giorno è già passato. Per quale giorno vuoi la videoconsulenza?'
          : 'That day has passed. Which day would you like?',
      );
      expect(directive(past)).toEqual({
        type: 'Dialog.ElicitSlot',
        slot: 'date',
        intent: 'BookConsultationIntent',
        values: { topic: 'billing' },
      });
    });

    it(`offers in ${locale} only this morning's times that respect the notice when asked for "this morning"`, async () => {
      const who = await linkedCustomer(locale);
      const { say } = session(who);
      // It is 09:00: 09:05, 09:50 and 10:35 are too close; 11:20 is the only morning time left.
      const morning = await say(book({ topic: 'billing', date: '2026-03-16', time: 'MO' }));
      expectSaid(
        morning,
        italian
          ? 'A che ora, lunedì 16 marzo? Per esempio alle 11:20.'
          : 'At what time on Monday, March 16? For example 11:20 AM.',
      );
      expect(directive(morning)).toMatchObject({
        slot: 'time',
        values: { topic: 'billing', date: '2026-03-16' },
      });

      const afternoon = await say(book({ topic: 'billing', date: '2026-03-16', time: 'AF' }));
      expectSaid(
        afternoon,
        italian
          ? 'A che ora, lunedì 16 marzo? Per esempio alle 12:05, 12:50 o 13:35.'
          : 'At what time on Monday, March 16? For example 12:05 PM, 12:50 PM or 1:35 PM.',
      );
    });

    it(`offers in ${locale} the nearest real times for a time no consultation starts at`, async () => {
      const who = await linkedCustomer(locale);
      const { say } = session(who);
      const answer = await say(book({ topic: 'billing', date: '2026-03-24', time: '10:00' }));
      expectSaid(
        answer,
        italian
          ? 'Il 24 marzo alle 10:00 i consulenti non sono liberi. Gli orari più vicini sono alle 9:05, 9:50 o 10:35. Quale preferisci?'
          : 'The advisors are not free on March 24 at 10:00 AM. The nearest free times are 9:05 AM, 9:50 AM or 10:35 AM. Which one would you like?',
      );
      expect(directive(answer)).toMatchObject({
        slot: 'time',
        values: { topic: 'billing', date: '2026-03-24' },
      });
    });

    it(`offers in ${locale} the first free day when the day asked for has no free times`, async () => {
      const who = await linkedCustomer(locale);
      const { say } = session(who);
      // Saturday 28 March: nobody works. The Monday after is the first day after the switch to summer time.
      const answer = await say(book({ topic: 'billing', date: '2026-03-28', time: '10:00' }));
      expectSaid(
        answer,
        italian
          ? 'Il 28 marzo non ci sono orari liberi. Il primo giorno libero è il 30 marzo, alle 9:05, 9:50 o 10:35. Che ora preferisci?'
          : 'There are no free times on March 28. The first free day is March 30, at 9:05 AM, 9:50 AM or 10:35 AM. Which time would you like?',
      );
      expect(directive(answer)).toEqual({
        type: 'Dialog.ElicitSlot',
        slot: 'time',
        intent: 'BookConsultationIntent',
        values: { topic: 'billing', date: '2026-03-30' },
      });
      const confirm = await say(book({ topic: 'billing', date: '2026-03-30', time: '09:05' }));
      expect(directive(confirm).type).toBe('Dialog.ConfirmIntent');
      expect(confirm.response.card?.content).toContain(
        italian ? 'il 30 marzo alle 9:05' : 'on March 30 at 9:05 AM',
      );
    });

    it(`says in ${locale} how far ahead bookings open when the day is beyond the horizon`, async () => {
      const who = await linkedCustomer(locale);
      const { say } = session(who);
      // The horizon ends on 15 April; 20 April is a Monday the advisor works.
      const answer = await say(book({ topic: 'billing', date: '2026-04-20' }));
      expectSaid(
        answer,
        italian
          ? 'Si può prenotare al massimo 30 giorni in anticipo. Per quale giorno vuoi la videoconsulenza?'
          : 'Bookings open at most 30 days ahead. Which day would you like?',
      );
      expect(directive(answer)).toEqual({
        type: 'Dialog.ElicitSlot',
        slot: 'date',
        intent: 'BookConsultationIntent',
        values: { topic: 'billing' },
      });
    });

    it(`asks in ${locale} for another topic when the one said is not understood or no advisor covers it`, async () => {
      const who = await linkedCustomer(locale);
      const { say } = session(who);
      // The advisors here serve bills only: that is what is offered, not the whole catalogue.
      const only = italian
        ? 'Per ora posso fissarla solo su bollette.'
        : 'For now I can only book one about bills.';
      // A word the model could not resolve, and a topic of the model that nobody serves yet.
      for (const [request, text] of [
        [
          book({ topic: italian ? 'giardinaggio' : 'gardening', date: '2026-03-24' }),
          `${italian ? "Non ho capito l'argomento." : "I didn't catch the topic."} ${only}`,
        ],
        [
          intent('BookConsultationIntent', { resolved: { topic: 'moving' }, slots: { date: '2026-03-24' } }),
          italian
            ? `Su trasloco al momento non ho consulenti disponibili. ${only}`
            : `No advisor covers moving home at the moment. ${only}`,
        ],
      ] as const) {
        const answer = await say(request);
        expectSaid(answer, text);
        expect(directive(answer)).toEqual({
          type: 'Dialog.ElicitSlot',
          slot: 'topic',
          intent: 'BookConsultationIntent',
          values: { date: '2026-03-24' },
        });
      }
    });

    it(`refuses in ${locale} a third upcoming consultation, and says which is next and that one more follows`, async () => {
      const who = await linkedCustomer(locale);
      const day = italian ? '2026-04-02' : '2026-04-03';
      await deskBooking(who.customer.id, locale, rome(day, '09:50'));
      await deskBooking(who.customer.id, locale, rome(day, '09:05'));
      const { say } = session(who);
      const refused = await say(intent('BookConsultationIntent', { dialogState: 'STARTED' }));
      expectSaid(
        refused,
        italian
          ? "Hai già 2 videoconsulenze prenotate. Per prenotarne un'altra, sposta o annulla una di quelle."
          : 'You already have 2 video consultations booked. To book another, move or cancel one of them.',
      );
      expect(refused.response.directives ?? []).toEqual([]);
      expect(refused.response.shouldEndSession).toBe(false);
      expect(await upcoming(who.customer.id)).toHaveLength(2);

      const next = await say(intent('NextAppointmentIntent', { dialogState: 'COMPLETED' }));
      expectSaid(
        next,
        italian
          ? "La tua prossima videoconsulenza è il 2 aprile alle 9:05, su bollette, con Chiara Neri. Dopo questa ne hai un'altra."
          : 'Your next video consultation is on April 3 at 9:05 AM, about bills, with Chiara Neri. You have one more after it.',
      );
      expect(await consultationTurns(who.customer.id)).toEqual([
        ['BookConsultation', 'failed', null],
        ['NextAppointment', 'resolved', null],
      ]);
    });

    it(`offers other times in ${locale} when the slot is taken between the question and the yes`, async () => {
      const who = await linkedCustomer(locale);
      const { say } = session(who);
      const day = italian ? '2026-03-26' : '2026-03-27';
      const confirm = await say(book({ topic: 'billing', date: day, time: '10:35' }));
      expect(directive(confirm).type).toBe('Dialog.ConfirmIntent');

      const other = await someoneElseBooks(day, '10:35');
      const yes = await say(
        book(
          { topic: 'billing', date: day, time: '10:35' },
          { confirmationStatus: 'CONFIRMED', dialogState: 'COMPLETED' },
        ),
      );
      // 09:50 and 11:20 are 45 minutes away; of 09:05 and 12:05, both 90 minutes away, the earlier.
      expectSaid(
        yes,
        italian
          ? 'Il 26 marzo alle 10:35 i consulenti non sono liberi. Gli orari più vicini sono alle 9:05, 9:50 o 11:20. Quale preferisci?'
          : 'The advisors are not free on March 27 at 10:35 AM. The nearest free times are 9:05 AM, 9:50 AM or 11:20 AM. Which one would you like?',
      );
      expect(directive(yes)).toEqual({
        type: 'Dialog.ElicitSlot',
        slot: 'time',
        intent: 'BookConsultationIntent',
        values: { topic: 'billing', date: day },
      });
      expect(await upcoming(who.customer.id)).toEqual([]);
      expect(await upcoming(other.customerId)).toEqual([expect.objectContaining({ id: other.id })]);

      const confirmAgain = await say(book({ topic: 'billing', date: day, time: '11:20' }));
      expect(directive(confirmAgain).type).toBe('Dialog.ConfirmIntent');
      await say(
        book(
          { topic: 'billing', date: day, time: '11:20' },
          { confirmationStatus: 'CONFIRMED', dialogState: 'COMPLETED' },
        ),
      );
      expect(await upcoming(who.customer.id)).toEqual([
        expect.objectContaining({ startsAt: rome(day, '11:20'), bookedVia: 'voice_assistant' }),
      ]);
    });

    it(`logs in ${locale} a booking left in the middle, when the session ends, as abandoned`, async () => {
      const who = await linkedCustomer(locale);
      const { say } = session(who);
      await say(intent('BookConsultationIntent', { dialogState: 'STARTED' }));
      await say(book({ topic: 'billing' }));
      const ended = await say({ type: 'SessionEndedRequest', reason: 'EXCEEDED_MAX_REPROMPTS' });
      expect(ended.response.outputSpeech).toBeUndefined();
      expect(await consultationTurns(who.customer.id)).toEqual([
        ['BookConsultation', 'continued', 'elicit'],
        ['BookConsultation', 'continued', 'elicit'],
        ['BookConsultation', 'abandoned', null],
      ]);
      expect(await upcoming(who.customer.id)).toEqual([]);
    });

    it(`logs in ${locale} a booking the customer stops in the middle as abandoned, once`, async () => {
      const who = await linkedCustomer(locale);
      const { say } = session(who);
      await say(intent('BookConsultationIntent', { dialogState: 'STARTED' }));
      const stopped = await say(intent('AMAZON.StopIntent'));
      expect(stopped.response.shouldEndSession).toBe(true);
      // Alexa sends no SessionEndedRequest after the skill ended the session itself.
      expect(await consultationTurns(who.customer.id)).toEqual([
        ['BookConsultation', 'continued', 'elicit'],
        ['BookConsultation', 'abandoned', null],
      ]);
    });
  }
});

describe('the next, moved and cancelled consultation through /alexa', () => {
  for (const locale of locales) {
    const italian = locale === 'it-IT';

    it(`tells in ${locale} that there is no consultation, and then the one there is`, async () => {
      const who = await linkedCustomer(locale);
      const { say } = session(who);
      const none = await say(intent('NextAppointmentIntent', { dialogState: 'COMPLETED' }));
      expectSaid(
        none,
        italian
          ? 'Non hai videoconsulenze prenotate. Se vuoi, dimmi: prenota una videoconsulenza.'
          : 'You have no video consultations booked. If you like, say: book a video consultation.',
      );
      await deskBooking(who.customer.id, locale, rome('2026-04-01', italian ? '09:05' : '09:50'));
      const one = await say(intent('NextAppointmentIntent', { dialogState: 'COMPLETED' }));
      expectSaid(
        one,
        italian
          ? 'La tua prossima videoconsulenza è il primo aprile alle 9:05, su bollette, con Chiara Neri.'
          : 'Your next video consultation is on April 1 at 9:50 AM, about bills, with Chiara Neri.',
      );
      expect(one.response.shouldEndSession).toBe(false);
    });

    it(`moves in ${locale} the consultation over several turns once the customer confirms`, async () => {
      const who = await linkedCustomer(locale);
      const [from, to] = italian ? ['2026-04-07', '2026-04-08'] : ['2026-04-09', '2026-04-10'];
      const booked = await deskBooking(who.customer.id, locale, rome(from, '09:05'));
      const { say } = session(who);
      const move = (slots: Said, more = {}) =>
        intent('MoveAppointmentIntent', { slots: { date: slots.date, time: slots.time }, ...more });

      // The appointment as it is, then the question in moving words.
      const day = await say(move({}, { dialogState: 'STARTED' }));
      expectSaid(
        day,
        italian
          ? 'La tua videoconsulenza è il 7 aprile alle 9:05. A quale giorno vuoi spostarla?'
          : 'Your video consultation is on April 9 at 9:05 AM. Which day would you like to move it to?',
      );
      expect(directive(day)).toMatchObject({
        type: 'Dialog.ElicitSlot',
        slot: 'date',
        intent: 'MoveAppointmentIntent',
      });

      const time = await say(move({ date: to }));
      expectSaid(
        time,
        italian
          ? "A che ora, l'8 aprile? Per esempio alle 9:05, 9:50 o 10:35."
          : 'At what time on April 10? For example 9:05 AM, 9:50 AM or 10:35 AM.',
      );
      expect(directive(time)).toMatchObject({ slot: 'time', values: { date: to } });

      const confirm = await say(move({ date: to, time: '09:50' }));
      expectSaid(
        confirm,
        italian
          ? "Sposto la videoconsulenza del 7 aprile alle 9:05 all'8 aprile alle 9:50. Confermi?"
          : 'Shall I move your video consultation from April 9 at 9:05 AM to April 10 at 9:50 AM?',
      );
      expect(directive(confirm)).toEqual({
        type: 'Dialog.ConfirmIntent',
        slot: undefined,
        intent: 'MoveAppointmentIntent',
        values: { date: to, time: '09:50' },
      });
      expect((await upcoming(who.customer.id))[0]?.startsAt).toEqual(rome(from, '09:05'));

      const moved = await say(
        move({ date: to, time: '09:50' }, { confirmationStatus: 'CONFIRMED', dialogState: 'COMPLETED' }),
      );
      expectSaid(
        moved,
        italian
          ? "Fatto: la videoconsulenza è ora l'8 aprile alle 9:50. Ti ho mandato la conferma."
          : 'Done: your video consultation is now on April 10 at 9:50 AM. I sent you a confirmation.',
      );
      expect(await upcoming(who.customer.id)).toEqual([
        expect.objectContaining({ id: booked.id, startsAt: rome(to, '09:50'), status: 'booked' }),
      ]);
      const sent = await stores.outbox.recent({ limit: 20, customerId: who.customer.id });
      expect(sent.filter((m) => m.kind === 'rescheduled')).toEqual([
        expect.objectContaining({ appointmentId: booked.id, medium: who.medium, status: 'pending' }),
      ]);
      expect(await consultationTurns(who.customer.id)).toEqual([
        ['MoveAppointment', 'continued', 'elicit'],
        ['MoveAppointment', 'continued', 'elicit'],
        ['MoveAppointment', 'continued', 'confirm'],
        ['MoveAppointment', 'resolved', null],
      ]);
    });

    it(`keeps the time in ${locale} when the customer says no to the move`, async () => {
      const who = await linkedCustomer(locale);
      const start = rome(italian ? '2026-04-07' : '2026-04-09', '10:35');
      await deskBooking(who.customer.id, locale, start);
      const { say } = session(who);
      const denied = await say(
        intent('MoveAppointmentIntent', {
          slots: { date: italian ? '2026-04-08' : '2026-04-10', time: '10:35' },
          confirmationStatus: 'DENIED',
          dialogState: 'COMPLETED',
        }),
      );
      expectSaid(
        denied,
        italian ? "Va bene, l'appuntamento resta com'era." : 'OK, your appointment stays as it was.',
      );
      expect(await upcoming(who.customer.id)).toEqual([expect.objectContaining({ startsAt: start })]);
    });

    it(`says in ${locale} that a consultation starting soon can no longer move, and cancels it on yes`, async () => {
      const who = await linkedCustomer(locale);
      // Starting within the notice: written straight to the roster, as the booking rules would refuse it now.
      const time = italian ? '10:35' : '09:50';
      const soon = await stores.advisors.addAppointment({
        customerId: who.customer.id,
        advisorId: advisor.id,
        topic: 'billing',
        locale,
        startsAt: rome('2026-03-16', time),
        endsAt: DateTime.fromJSDate(rome('2026-03-16', time)).plus({ minutes: 30 }).toJSDate(),
        bookedVia: 'web',
      });
      const { say, attributes } = session(who);
      const tooSoon = await say(
        intent('MoveAppointmentIntent', {
          slots: { date: '2026-03-18', time: '10:35' },
          dialogState: 'COMPLETED',
        }),
      );
      expectSaid(
        tooSoon,
        italian
          ? 'La videoconsulenza inizia tra poco e non si può più spostare. Se vuoi, posso annullarla.'
          : 'Your video consultation starts soon and can no longer be moved. I can cancel it if you like.',
      );
      expect(tooSoon.response.directives ?? []).toEqual([]);
      expect(tooSoon.response.shouldEndSession).not.toBe(true);
      expect(attributes()).toMatchObject({ offer: { intent: 'CancelAppointment' } });

      const yes = await say(intent('AMAZON.YesIntent', { dialogState: 'COMPLETED' }));
      expectSaid(
        yes,
        italian
          ? 'Annullo la videoconsulenza di lunedì 16 marzo alle 10:35. Confermi?'
          : 'Shall I cancel your video consultation on Monday, March 16 at 9:50 AM?',
      );
      expect(directive(yes)).toEqual({
        type: 'Dialog.ConfirmIntent',
        slot: undefined,
        intent: 'CancelAppointmentIntent',
        values: {},
      });
      const cancelled = await say(
        intent('CancelAppointmentIntent', { confirmationStatus: 'CONFIRMED', dialogState: 'COMPLETED' }),
      );
      expectSaid(
        cancelled,
        italian
          ? 'Fatto: la videoconsulenza è annullata. Ti ho mandato la conferma.'
          : 'Done: your video consultation is cancelled. I sent you a confirmation.',
      );
      expect(await upcoming(who.customer.id)).toEqual([]);
      expect(
        (await stores.outbox.recent({ limit: 20, customerId: who.customer.id })).filter(
          (m) => m.kind === 'cancelled',
        ),
      ).toEqual([expect.objectContaining({ appointmentId: soon.id, medium: who.medium })]);
      expect(await consultationTurns(who.customer.id)).toEqual([
        ['MoveAppointment', 'failed', 'offer'],
        ['CancelAppointment', 'continued', 'confirm'],
        ['CancelAppointment', 'resolved', null],
      ]);
    });

    it(`does not tell a customer in ${locale} who may not be contacted that a confirmation was sent`, async () => {
      const who = await linkedCustomer(locale);
      // After linking, the customer withdraws every contact consent: no notice can go out.
      for (const medium of ['email', 'sms'] as const)
        await stores.customers.recordConsent(who.customer.id, {
          purpose: 'contact',
          medium,
          granted: false,
          givenAt: '2026-03-15T12:00:00Z',
          source: 'web_form',
        });
      const day = italian ? '2026-04-08' : '2026-04-10';
      const { say } = session(who);
      const booked = await say(
        book(
          { topic: 'billing', date: day, time: '12:05' },
          { confirmationStatus: 'CONFIRMED', dialogState: 'COMPLETED' },
        ),
      );
      expect(booked.response.card?.content).toMatch(
        italian
          ? /Non posso mandarti messaggi: chiedi il link al servizio clienti\.$/
          : /I cannot send you messages: ask customer service for the link\.$/,
      );
      const moved = await say(
        intent('MoveAppointmentIntent', {
          slots: { date: day, time: '12:50' },
          confirmationStatus: 'CONFIRMED',
          dialogState: 'COMPLETED',
        }),
      );
      expectSaid(
        moved,
        italian
          ? "Fatto: la videoconsulenza è ora l'8 aprile alle 12:50."
          : 'Done: your video consultation is now on April 10 at 12:50 PM.',
      );
      const cancelled = await say(
        intent('CancelAppointmentIntent', { confirmationStatus: 'CONFIRMED', dialogState: 'COMPLETED' }),
      );
      expectSaid(
        cancelled,
        italian ? 'Fatto: la videoconsulenza è annullata.' : 'Done: your video consultation is cancelled.',
      );
      expect(await upcoming(who.customer.id)).toEqual([]);
      expect(
        (await stores.outbox.recent({ limit: 20, customerId: who.customer.id })).filter(
          (m) => m.kind !== 'link_code',
        ),
      ).toEqual([]);
    });

    it(`cancels in ${locale} once confirmed and queues the cancellation notice; a no keeps it booked`, async () => {
      const day = italian ? '2026-04-13' : '2026-04-14';
      const keeper = await linkedCustomer(locale);
      const kept = await deskBooking(keeper.customer.id, locale, rome(day, '09:50'));
      const denied = await session(keeper).say(
        intent('CancelAppointmentIntent', { confirmationStatus: 'DENIED', dialogState: 'COMPLETED' }),
      );
      expectSaid(
        denied,
        italian ? "Va bene, l'appuntamento resta confermato." : 'OK, your appointment stays booked.',
      );
      expect(await upcoming(keeper.customer.id)).toEqual([
        expect.objectContaining({ id: kept.id, status: 'booked' }),
      ]);

      const who = await linkedCustomer(locale);
      const booked = await deskBooking(who.customer.id, locale, rome(day, '09:05'));
      const { say } = session(who);
      const confirm = await say(intent('CancelAppointmentIntent', { dialogState: 'STARTED' }));
      expectSaid(
        confirm,
        italian
          ? 'Annullo la videoconsulenza del 13 aprile alle 9:05. Confermi?'
          : 'Shall I cancel your video consultation on April 14 at 9:05 AM?',
      );
      expect(directive(confirm)).toMatchObject({
        type: 'Dialog.ConfirmIntent',
        intent: 'CancelAppointmentIntent',
      });
      expect(await upcoming(who.customer.id)).toHaveLength(1);

      const done = await say(
        intent('CancelAppointmentIntent', { confirmationStatus: 'CONFIRMED', dialogState: 'COMPLETED' }),
      );
      expectSaid(
        done,
        italian
          ? 'Fatto: la videoconsulenza è annullata. Ti ho mandato la conferma.'
          : 'Done: your video consultation is cancelled. I sent you a confirmation.',
      );
      expect(await upcoming(who.customer.id)).toEqual([]);
      const messages = await stores.outbox.recent({ limit: 20, customerId: who.customer.id });
      expect(messages.filter((m) => m.kind === 'cancelled')).toEqual([
        expect.objectContaining({ appointmentId: booked.id, medium: who.medium, recipient: who.recipient }),
      ]);
      // The reminders of the cancelled consultation will not go out.
      expect(
        messages.filter(
          (m) => m.appointmentId === booked.id && m.kind.startsWith('reminder') && m.status === 'pending',
        ),
      ).toEqual([]);
      expect(await consultationTurns(who.customer.id)).toEqual([
        ['CancelAppointment', 'continued', 'confirm'],
        ['CancelAppointment', 'resolved', null],
      ]);
    });
  }
});
