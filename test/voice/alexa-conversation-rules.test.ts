import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { calendarDate, type Customer, type StorageHandle, type Stores } from '../../core/index.ts';
import { type Advisor } from '../../core/services.ts';
import { startAlexaApp } from '../support/alexa-app.ts';
import {
  alexaSession,
  directiveOf,
  heard,
  intent,
  linkedUser,
  typedConversation,
} from '../support/alexa-session.ts';
import { openTestDatabase } from '../support/database.ts';
import { officeHoursAdvisor } from '../support/fixtures.ts';
import {
  HOUSEHOLD_NOW,
  dualFuelEnglish,
  dualFuelTurin,
  threeSuppliesBologna,
  threeSuppliesEnglish,
} from '../support/households.ts';

// How the conversation behaves as Alexa's rules and customers' words expect, through /alexa with
// signed requests, for customers with two and three supplies. The app's day is Monday 20 April
// 2026, 10:00 in Rome; the closing survey is on.

const clock = { now: () => HOUSEHOLD_NOW };
const today = () => calendarDate(clock.now());

let storage: StorageHandle;
let stores: Stores;
let alexa: Awaited<ReturnType<typeof startAlexaApp>>;
let advisor: Advisor;

beforeAll(async () => {
  storage = await openTestDatabase();
  // The operator closes Monday 4 May as well (a patron saint's day, say).
  alexa = await startAlexaApp({
    storage,
    clock,
    config: { VOICE_CLOSING_SURVEY: true, CLOSED_DAYS: ['05-04'] },
  });
  stores = alexa.composed.stores;
  advisor = await officeHoursAdvisor(stores, { name: 'Chiara Neri' });
  // On Monday 27 April consultations start on the hour: 09:00, 09:45 … 15:00, 15:45.
  await stores.appointments.addOverride({
    advisorId: advisor.id,
    day: '2026-04-27',
    hours: [{ start: '08:55', end: '17:00' }],
    reason: 'early shift',
  });
});

afterAll(async () => {
  await storage?.close();
});

const rome = (day: string, time: string) =>
  DateTime.fromISO(`${day}T${time}`, { zone: 'Europe/Rome' }).toJSDate();

const households = {
  'it-IT': { two: dualFuelTurin, three: threeSuppliesBologna },
  'en-US': { two: dualFuelEnglish, three: threeSuppliesEnglish },
};

/** A linked household of the locale (two supplies, or three when `three`), with a session. */
async function householdOf(locale: 'it-IT' | 'en-US', three = false) {
  const home = await households[locale][three ? 'three' : 'two'](stores);
  const who = await linkedUser(alexa, home.customer);
  return { ...home, who, ...alexaSession(alexa, who) };
}

/** A consultation booked for the customer on another channel, through the same desk. */
const booked = async (customer: Customer, day: string, time: string) =>
  (
    await alexa.composed.desk.book({
      customerId: customer.id,
      topic: 'billing',
      locale: customer.locale,
      startsAt: rome(day, time),
      bookedVia: 'web',
    })
  ).appointment;

const surveysOf = async (customerId: string) => {
  const contacts = await stores.interactions.forCustomer(customerId, { limit: 50 });
  return (await Promise.all(contacts.map((c) => stores.surveys.forInteraction(c.id)))).flat();
};

describe('stop and cancel', () => {
  for (const locale of ['it-IT', 'en-US'] as const) {
    const italian = locale === 'it-IT';
    it(`end the skill at once in ${locale}, even after an answer with the closing survey on`, async () => {
      for (const leave of ['AMAZON.StopIntent', 'AMAZON.CancelIntent']) {
        const home = await householdOf(locale, leave === 'AMAZON.CancelIntent');
        await home.say(intent('WhatDoIOweIntent'));
        const bye = await home.say(intent(leave));
        expect(heard(bye)).toBe(italian ? 'A presto!' : 'Goodbye!');
        expect(bye.response.shouldEndSession).toBe(true);
        expect(bye.response.directives ?? []).toEqual([]);
        expect(await surveysOf(home.customer.id)).toEqual([]);
      }
    });
  }
});

describe('the closing question', () => {
  for (const locale of ['it-IT', 'en-US'] as const) {
    const italian = locale === 'it-IT';
    it(`is asked in ${locale} once, when a conversation that answered something comes to its natural end`, async () => {
      const home = await householdOf(locale, true);
      await home.say(intent('WhatDoIOweIntent'));
      // "No" to the offered link: the conversation goes on.
      const declined = await home.say(intent('AMAZON.NoIntent'));
      expect(heard(declined)).toBe(
        italian ? 'Va bene. Posso fare altro per te?' : 'OK. Anything else I can do for you?',
      );
      expect(declined.response.shouldEndSession).toBe(false);
      // "No" to "anything else?": the natural end, and the one closing question.
      const question = await home.say(intent('AMAZON.NoIntent'));
      expect(heard(question)).toBe(
        italian
          ? 'Prima di salutarci: da zero a dieci, quanto consiglieresti questo assistente a un amico?'
          : 'Before you go: from zero to ten, how likely are you to recommend this assistant to a friend?',
      );
      expect(directiveOf(question)).toMatchObject({
        type: 'Dialog.ElicitSlot',
        slot: 'score',
        intent: 'SatisfactionIntent',
      });
      const thanks = await home.say(intent('SatisfactionIntent', { slots: { score: '9' } }));
      expect(thanks.response.shouldEndSession).toBe(true);
      const answers = await surveysOf(home.customer.id);
      expect(answers.map((a) => [a.metric, a.score])).toEqual([['nps', 9]]);
      const owedTurn = (await stores.interactions.forCustomer(home.customer.id, { limit: 50 })).find(
        (c) => c.details.intent === 'WhatDoIOwe',
      );
      expect(answers[0]?.interactionId).toBe(owedTurn?.id);
    });

    it(`is not asked in ${locale} when nothing was answered`, async () => {
      const home = await householdOf(locale);
      await home.say({ type: 'LaunchRequest' });
      const bye = await home.say(intent('AMAZON.NoIntent'));
      expect(heard(bye)).toBe(italian ? 'A presto!' : 'Goodbye!');
      expect(bye.response.shouldEndSession).toBe(true);
    });
  }
});

describe('"cancel it" right after talking about an appointment', () => {
  it('cancels in it-IT the appointment just heard about, once confirmed, and says so only once the notice is queued', async () => {
    const home = await householdOf('it-IT');
    const first = await booked(home.customer, '2026-04-21', '10:35');
    await home.say(intent('NextAppointmentIntent'));
    const confirm = await home.say(intent('AMAZON.CancelIntent'));
    expect(heard(confirm)).toBe('Annullo la videoconsulenza di martedì 21 aprile alle 10:35. Confermi?');
    expect(directiveOf(confirm)).toMatchObject({
      type: 'Dialog.ConfirmIntent',
      intent: 'CancelAppointmentIntent',
    });
    const done = await home.say(
      intent('CancelAppointmentIntent', { confirmationStatus: 'CONFIRMED', dialogState: 'IN_PROGRESS' }),
    );
    expect(heard(done)).toBe('Fatto: la videoconsulenza è annullata. Ti ho mandato la conferma.');
    expect((await stores.appointments.appointment(first.id))?.status).toBe('cancelled');
    const notice = (await stores.outbox.recent({ limit: 20, customerId: home.customer.id })).find(
      (m) => m.appointmentId === first.id && m.kind === 'cancelled',
    );
    expect(notice).toMatchObject({ status: 'pending', medium: 'sms', recipient: home.customer.phone });
  });

  it('cancels in en-US the consultation just booked, not the one before it', async () => {
    const home = await householdOf('en-US', true);
    const earlier = await booked(home.customer, '2026-04-21', '09:50');
    const made = await home.say(
      intent('BookConsultationIntent', {
        slots: { date: '2026-04-22', time: '11:20' },
        resolved: { topic: 'billing' },
        confirmationStatus: 'CONFIRMED',
        dialogState: 'IN_PROGRESS',
      }),
    );
    expect(heard(made)).toBe(
      'Done: your video consultation about bills is booked on Wednesday, April 22 at 11:20 AM. I sent you the link to join by text message.',
    );
    const confirm = await home.say(intent('AMAZON.CancelIntent'));
    expect(heard(confirm)).toBe('Shall I cancel your video consultation on Wednesday, April 22 at 11:20 AM?');
    const done = await home.say(
      intent('CancelAppointmentIntent', { confirmationStatus: 'CONFIRMED', dialogState: 'IN_PROGRESS' }),
    );
    expect(heard(done)).toBe('Done: your video consultation is cancelled. I sent you a confirmation.');
    // Cancelled appointments are no longer upcoming: only the earlier one is left.
    const left = await stores.advisors.upcomingAppointments(home.customer.id, clock.now());
    expect(left.map((a) => a.id)).toEqual([earlier.id]);
    const notices = await stores.outbox.recent({ limit: 20, customerId: home.customer.id });
    const cancelled = notices.filter((m) => m.kind === 'cancelled');
    expect(cancelled.map((m) => m.appointmentId)).not.toContain(earlier.id);
    expect(cancelled).toHaveLength(1);
    expect((await stores.appointments.appointment(cancelled[0]?.appointmentId ?? ''))?.startsAt).toEqual(
      rome('2026-04-22', '11:20'),
    );
  });

  it('ends the session on cancel when the last answer was not about an appointment', async () => {
    const home = await householdOf('it-IT', true);
    await booked(home.customer, '2026-04-23', '09:05');
    await home.say(intent('NextAppointmentIntent'));
    await home.say(intent('WhatDoIOweIntent'));
    const bye = await home.say(intent('AMAZON.CancelIntent'));
    expect(heard(bye)).toBe('A presto!');
    expect(bye.response.shouldEndSession).toBe(true);
    expect((await stores.advisors.upcomingAppointments(home.customer.id, clock.now()))[0]?.status).toBe(
      'booked',
    );
  });
});

describe('moving a consultation', () => {
  it('states the current appointment first and asks for the new day in moving words, in both languages', async () => {
    const italian = await householdOf('it-IT', true);
    await booked(italian.customer, '2026-04-21', '10:35');
    const asked = await italian.say(intent('MoveAppointmentIntent', { dialogState: 'STARTED' }));
    expect(heard(asked)).toBe(
      'La tua videoconsulenza è martedì 21 aprile alle 10:35. A quale giorno vuoi spostarla?',
    );
    expect(directiveOf(asked)).toMatchObject({ type: 'Dialog.ElicitSlot', slot: 'date' });
    const english = await householdOf('en-US');
    await booked(english.customer, '2026-04-21', '12:05');
    expect(heard(await english.say(intent('MoveAppointmentIntent', { dialogState: 'STARTED' })))).toBe(
      'Your video consultation is on Tuesday, April 21 at 12:05 PM. Which day would you like to move it to?',
    );
  });

  it('takes day and time from one answer: "lunedì alle 15" and "Monday at 3 pm", typed through a simulated Alexa', async () => {
    const turin = await householdOf('it-IT');
    await booked(turin.customer, '2026-04-21', '12:50');
    const italian = await typedConversation(alexa, turin.who, today);
    expect((await italian.say('sposta il mio appuntamento')).speech).toBe(
      'La tua videoconsulenza è martedì 21 aprile alle 12:50. A quale giorno vuoi spostarla?',
    );
    expect((await italian.say('lunedì alle 15')).speech).toBe(
      'Sposto la videoconsulenza di martedì 21 aprile alle 12:50 a lunedì 27 aprile alle 15:00. Confermi?',
    );

    const michael = await householdOf('en-US');
    const english = await typedConversation(alexa, michael.who, today);
    expect((await english.say('book a video consultation about bills')).speech).toBe(
      'Which day would you like the video consultation?',
    );
    expect((await english.say('Monday at 3 pm')).speech).toBe(
      'Shall I book a video consultation about bills on Monday, April 27 at 3:00 PM?',
    );
    expect((await english.say('yes')).speech).toMatch(/^Done: your video consultation about bills is booked/);
    const [appointment] = await stores.advisors.upcomingAppointments(michael.customer.id, clock.now());
    expect(appointment?.startsAt).toEqual(rome('2026-04-27', '15:00'));
  });
});

describe('public holidays and closed days', () => {
  it('offers no time on Labour Day nor on the operator’s closed day after it, in both languages', async () => {
    const italian = await householdOf('it-IT', true);
    const asked = await italian.say(
      intent('BookConsultationIntent', {
        slots: { date: '2026-05-01' },
        resolved: { topic: 'billing' },
        dialogState: 'IN_PROGRESS',
      }),
    );
    expect(heard(asked)).toBe(
      'Il primo maggio non ci sono orari liberi. Il primo giorno libero è il 5 maggio, alle 9:05, 9:50 o 10:35. Che ora preferisci?',
    );
    expect(directiveOf(asked)).toMatchObject({
      slot: 'time',
      values: { date: '2026-05-05', topic: 'billing' },
    });
    const english = await householdOf('en-US', true);
    const told = await english.say(
      intent('BookConsultationIntent', {
        slots: { date: '2026-05-01' },
        resolved: { topic: 'billing' },
        dialogState: 'IN_PROGRESS',
      }),
    );
    expect(heard(told)).toBe(
      'There are no free times on May 1. The first free day is May 5, at 9:05 AM, 9:50 AM or 10:35 AM. Which time would you like?',
    );
  });
});

describe('linking by code', () => {
  for (const locale of ['it-IT', 'en-US'] as const) {
    it(`keeps the session open in ${locale} after telling an unlinked user to say their code, and hears it`, async () => {
      const make = locale === 'it-IT' ? threeSuppliesBologna : threeSuppliesEnglish;
      const home = await make(stores);
      const who = { userId: `amzn1.ask.account.unlinked-${home.customer.id}`, locale };
      const chat = await typedConversation(alexa, who, today);
      const opened = await chat.launch();
      expect(opened.speech).toContain(locale === 'it-IT' ? 'dimmi: il mio codice è' : 'say: my code is');
      expect(opened.ended).toBe(false);
      expect(opened.response.response.reprompt).toBeDefined();

      await alexa.composed.voice.linking.issueCode(home.customer.id);
      const [message] = (await stores.outbox.recent({ limit: 5, customerId: home.customer.id })).filter(
        (m) => m.kind === 'link_code',
      );
      const code = /\d{6}/.exec(message?.body ?? '')?.[0] ?? 'missing';
      const linked = await chat.say(`${locale === 'it-IT' ? 'il mio codice è' : 'my code is'} ${code}`);
      expect(linked.speech).toMatch(
        locale === 'it-IT' ? /^Fatto, il tuo account è collegato/ : /^Done, your account is linked/,
      );
      expect(await alexa.composed.voice.linking.linkedCustomer('alexa', who.userId)).toBe(home.customer.id);
    });
  }
});

describe('a callback', () => {
  it('asked before any question claims no summary, in both languages, and the request says so', async () => {
    const turin = await householdOf('it-IT');
    const italian = await turin.say(intent('TalkToPersonIntent'));
    expect(heard(italian)).toBe(
      "Ho chiesto a un collega di richiamarti al numero che finisce con 3 3 4, in orario d'ufficio.",
    );
    const jennifer = await householdOf('en-US', true);
    const english = await jennifer.say(intent('TalkToPersonIntent'));
    expect(heard(english)).toBe(
      "I've asked a colleague to call you back on the number ending in 1 2 3, during office hours.",
    );
    const open = await stores.callbacks.open({ limit: 500 });
    expect(open.find((c) => c.customerId === turin.customer.id)?.summary).toBe(
      "Ha chiesto subito all'assistente vocale di parlare con una persona.",
    );
    expect(open.find((c) => c.customerId === jennifer.customer.id)?.summary).toBe(
      'Asked the voice assistant straight away to talk to a person.',
    );
  });

  it('asked after a question says it left a summary, which the request carries', async () => {
    const bologna = await householdOf('it-IT', true);
    await bologna.say(intent('WhyHigherIntent'));
    const answer = await bologna.say(intent('TalkToPersonIntent'));
    expect(heard(answer)).toBe(
      "Ho chiesto a un collega di richiamarti al numero che finisce con 5 4 3, in orario d'ufficio. Gli ho lasciato un riassunto di quello che mi hai chiesto.",
    );
    const open = await stores.callbacks.open({ limit: 500 });
    expect(open.find((c) => c.customerId === bologna.customer.id)?.summary).toBe(
      "Ha chiesto all'assistente vocale: perché la bolletta è cambiata; poi ha chiesto di parlare con una persona.",
    );
  });
});
