import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StorageHandle, Stores } from '../../core/index.ts';
import { startAlexaApp } from '../support/alexa-app.ts';
import { linkedUser, typedConversation } from '../support/alexa-session.ts';
import { openTestDatabase } from '../support/database.ts';
import { officeHoursAdvisor } from '../support/fixtures.ts';
import { dualFuelEnglish, dualFuelTurin } from '../support/households.ts';

// The day of a booking said the way customers say it ("l'8 aprile", "fra due settimane", "in two
// weeks"), typed through a simulated Alexa that matches the shipped interaction models and posts
// signed requests to /alexa. The app's day is Monday 16 March 2026, 09:00 in Rome; bookings open
// 30 days ahead and the advisor works on weekdays.

const clock = { now: () => new Date('2026-03-16T08:00:00Z') };
const today = () => '2026-03-16';

let storage: StorageHandle;
let stores: Stores;
let alexa: Awaited<ReturnType<typeof startAlexaApp>>;

beforeAll(async () => {
  storage = await openTestDatabase();
  alexa = await startAlexaApp({ storage, clock });
  stores = alexa.composed.stores;
  await officeHoursAdvisor(stores, { name: 'Chiara Neri' });
});

afterAll(async () => {
  await storage?.close();
});

/** What the skill answers to `day` said after asking to book, and the date Alexa sent for it. */
async function afterAskingToBook(make: typeof dualFuelTurin, opening: string, day: string) {
  const home = await make(stores);
  const who = await linkedUser(alexa, home.customer);
  const chat = await typedConversation(alexa, who, today);
  await chat.say(opening);
  const turn = await chat.say(day);
  const intent = (turn.request.request as { intent?: { slots?: Record<string, { value?: string }> } }).intent;
  return { speech: turn.speech, date: intent?.slots?.date?.value, chat, customer: home.customer };
}

describe('the day of a booking, said as customers say it', () => {
  it.each([
    ["l'8 aprile", '2026-04-08', "A che ora, l'8 aprile?"],
    ["l'8", '2026-04-08', "A che ora, l'8 aprile?"],
    ['il primo aprile', '2026-04-01', 'A che ora, il primo aprile?'],
    ['fra due settimane', '2026-03-30', 'A che ora, il 30 marzo?'],
    ['tra una settimana', '2026-03-23', 'A che ora, lunedì 23 marzo?'],
    ['tra dieci giorni', '2026-03-26', 'A che ora, il 26 marzo?'],
  ])('understands "%s" in Italian as %s and asks the time that day', async (said, date, question) => {
    const asked = await afterAskingToBook(dualFuelTurin, 'prenota una videoconsulenza su bollette', said);
    expect(asked.date).toBe(date);
    expect(asked.speech.startsWith(`${question} Per esempio alle 9:05`)).toBe(true);
  });

  it.each([
    ['in two weeks', '2026-03-30', 'At what time on March 30?'],
    ['a week from today', '2026-03-23', 'At what time on Monday, March 23?'],
    ['April 8th', '2026-04-08', 'At what time on April 8?'],
  ])('understands "%s" in English as %s and asks the time that day', async (said, date, question) => {
    const asked = await afterAskingToBook(dualFuelEnglish, 'book a video consultation about bills', said);
    expect(asked.date).toBe(date);
    expect(asked.speech.startsWith(`${question} For example 9:05`)).toBe(true);
  });

  it('takes "il 15 gennaio", gone by this year, as next January, beyond the days bookings open', async () => {
    const asked = await afterAskingToBook(
      dualFuelTurin,
      'prenota una videoconsulenza su bollette',
      'il 15 gennaio',
    );
    expect(asked.date).toBe('2027-01-15');
    expect(asked.speech).toBe(
      'Si può prenotare al massimo 30 giorni in anticipo. Per quale giorno vuoi la videoconsulenza?',
    );
  });

  it('books "fra due settimane alle 10:35" on that day once confirmed, as the stored appointment shows', async () => {
    const asked = await afterAskingToBook(
      dualFuelTurin,
      'prenota una videoconsulenza su bollette',
      'fra due settimane',
    );
    expect((await asked.chat.say('alle 10:35')).speech).toBe(
      'Prenoto una videoconsulenza su bollette, il 30 marzo alle 10:35. Va bene?',
    );
    expect((await asked.chat.say('sì')).speech).toMatch(/^Fatto: videoconsulenza su bollette prenotata/);
    const [appointment, ...more] = await stores.advisors.upcomingAppointments(asked.customer.id, clock.now());
    expect(more).toEqual([]);
    expect(appointment?.startsAt).toEqual(
      DateTime.fromISO('2026-03-30T10:35', { zone: 'Europe/Rome' }).toJSDate(),
    );
  });
});
