import { DateTime } from 'luxon';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeApp } from '../../app/compose.ts';
import type { Locale, StorageHandle } from '../../core/index.ts';
import { loadInteractionModel } from '../../voice/alexa/intent-models.ts';
import { createDialogflowConversation } from '../../voice/dialogflow/chat/dialogflow-conversation.ts';
import type { WebhookResponse } from '../../voice/dialogflow/dialogflow-request.ts';
import { openTestDatabase } from '../support/database.ts';
import { composeDialogflowApp, CX_AGENT, CX_SECRET } from '../support/dialogflow-app.ts';
import { officeHoursAdvisor } from '../support/fixtures.ts';
import {
  HOUSEHOLD_NOW,
  dualFuelEnglish,
  dualFuelTurin,
  threeSuppliesBologna,
  threeSuppliesEnglish,
  type Household,
} from '../support/households.ts';

// Customers' own words (none of them a sample utterance) through CX, played by the simulator with
// the agent made from the interaction models, to the real webhook route. The app's day is Monday
// 20 April 2026, 10:00 in Rome; the pilot asks its closing question.

const SECRET = CX_SECRET;
const AGENT = CX_AGENT;
let storage: StorageHandle;
let composed: Awaited<ReturnType<typeof composeApp>>;

beforeAll(async () => {
  storage = await openTestDatabase();
  composed = await composeDialogflowApp({
    storage,
    voiceAccess: { permit: async () => ({ allowed: true, closingSurvey: true }) },
  });
  await officeHoursAdvisor(composed.stores, { name: 'Chiara Neri' });
});

afterAll(async () => {
  await composed?.voice.close();
  await storage?.close();
});

const samples = new Map<Locale, Set<string>>();

/** A CX conversation in `locale`; every sentence is checked not to be one of the model's samples. */
async function conversation(locale: Locale) {
  const model = await loadInteractionModel(locale);
  samples.set(locale, new Set(model.intents.flatMap((i) => i.samples.map((s) => s.toLowerCase()))));
  const cx = createDialogflowConversation({
    locale,
    model,
    agent: AGENT,
    today: () => '2026-04-20',
    send: async (body) => {
      const response = await request(composed.app)
        .post('/dialogflow/webhook')
        .set('x-channel-pilot-secret', SECRET)
        .send(body as object);
      expect(response.status, response.text).toBe(200);
      expect(Buffer.byteLength(response.text)).toBeLessThan(64 * 1024);
      return response.body as WebhookResponse;
    },
  });
  const say = async (text: string) => {
    expect(samples.get(locale)?.has(text.toLowerCase()), `"${text}" is a sample`).toBe(false);
    return cx.say(text);
  };
  return { ...cx, say };
}

/** A customer who says the code they received: the CX session is linked to them. */
async function linked(home: Household, locale: Locale, words: (code: string) => string) {
  const cx = await conversation(locale);
  const open = await cx.open();
  expect(open.tag).toBe('open');
  const { code } = await composed.voice.linking.issueCode(home.customer.id);
  const said = await cx.say(words(code));
  expect(said.tag).toBe('LinkAccount');
  expect(await composed.voice.linking.linkedCustomer('dialogflow', cx.session() as string)).toBe(
    home.customer.id,
  );
  return cx;
}

const voiceTurns = async (customerId: string) =>
  (await composed.stores.interactions.forCustomer(customerId, { limit: 100 })).filter(
    (t) => t.channel === 'voice_assistant',
  );

const rome = (day: string, time: string) =>
  DateTime.fromISO(`${day}T${time}`, { zone: 'Europe/Rome' }).toJSDate().toISOString();
const upcoming = async (customerId: string) =>
  (await composed.stores.advisors.upcomingAppointments(customerId, HOUSEHOLD_NOW)).map((a) => ({
    startsAt: a.startsAt.toISOString(),
    topic: a.topic,
  }));

const scripts = {
  'it-IT': {
    home: threeSuppliesBologna,
    other: dualFuelTurin,
    code: (code: string) => `ti dico il codice ${code}`,
    owe: 'quanto devo per ciascuna fornitura',
    why: 'come mai la bolletta della luce è aumentata',
    detail: 'quanto era la bolletta di marzo',
    which: 'quella della luce',
    last: "scusa quando ho pagato l'ultima volta",
    pay: 'vorrei pagare la bolletta del gas',
    person: 'passami un operatore per favore',
    help: 'cosa sai fare',
    nonsense: 'ordina una pizza margherita',
    yes: 'sì grazie',
    no: 'no grazie',
    score: 'direi otto',
    cancel: 'lascia perdere',
    stop: 'basta',
    money: /euro/,
    book: 'fissami un appuntamento per giovedì',
    topic: 'per le bollette',
    time: 'alle due e venti del pomeriggio',
    booked: ['2026-04-23', '14:20'],
    next: 'quando ho la consulenza per favore',
    move: 'sposta la consulenza a lunedì',
    moveTime: 'alle dieci e trentacinque',
    moved: ['2026-04-27', '10:35'],
    drop: "annulla l'appuntamento per favore",
  },
  'en-US': {
    home: threeSuppliesEnglish,
    other: dualFuelEnglish,
    code: (code: string) => `the code i got is ${code}`,
    owe: 'how much do i owe altogether',
    why: 'why did my electric bill go up',
    detail: 'how much was my february bill',
    which: 'the electric one',
    last: 'when did i last pay please',
    pay: 'pay my electric bill',
    person: 'please call me back',
    help: 'what can you do',
    nonsense: 'order me a pizza',
    yes: 'yes please',
    no: 'nope',
    score: "i'd say nine",
    cancel: 'forget it',
    stop: "that's all",
    money: /euro|€/,
    book: 'schedule an appointment for friday',
    topic: "it's about my bill",
    time: 'at 2:20 pm',
    booked: ['2026-04-24', '14:20'],
    next: "when's my video call please",
    move: 'move my appointment to monday',
    moveTime: 'at 10:35 am',
    moved: ['2026-04-27', '10:35'],
    drop: 'cancel my appointment please',
  },
} as const;

/** Says each sentence and checks the tag CX fulfilled it with; what was heard is kept for failures. */
function dialogue(cx: Awaited<ReturnType<typeof conversation>>) {
  const heard: string[] = [];
  return {
    heard,
    ask: async (text: string, tag: string) => {
      const answer = await cx.say(text);
      heard.push(`> ${text}\n${answer.tag}: ${answer.text}`);
      expect(answer.tag, heard.join('\n')).toBe(tag);
      return answer;
    },
  };
}

describe('customers talking to the Dialogflow CX agent in their own words', () => {
  for (const locale of ['it-IT', 'en-US'] as const) {
    const words = scripts[locale];

    it(`answers every bill, service and conversation tag in ${locale} for a three-supply customer, sends what it says it sent, and logs each turn`, async () => {
      const home = await words.home(composed.stores);
      const customerId = home.customer.id;
      const cx = await linked(home, locale, words.code);
      const { ask, heard } = dialogue(cx);
      const links = async () =>
        (await composed.stores.outbox.recent({ limit: 50, customerId })).filter(
          (m) => m.kind === 'payment_link',
        );

      expect((await ask(words.owe, 'WhatDoIOwe')).text).toMatch(words.money);
      expect((await ask(words.why, 'WhyHigher')).text).toMatch(words.money);
      const which = await ask(words.detail, 'BillDetail');
      expect(which.response.pageInfo?.formInfo?.parameterInfo).toEqual([
        { displayName: 'supply', required: true, state: 'INVALID' },
      ]);
      expect((await ask(words.which, 'BillDetail')).text).toMatch(words.money);
      expect((await ask(words.last, 'LastPayment')).text).toMatch(words.money);

      const before = (await links()).length;
      await ask(words.pay, 'PayBill');
      expect(await links(), heard.join('\n')).toHaveLength(before + 1);
      // What is owed comes with the offer of the link; yes sends it.
      await ask(words.owe, 'WhatDoIOwe');
      await ask(words.yes, 'yes');
      expect(await links()).toHaveLength(before + 2);

      expect((await ask(words.help, 'help')).ended).toBe(false);
      expect((await ask(words.nonsense, 'fallback')).text).not.toMatch(words.money);
      // No to "anything else?": the pilot's closing question, then the score.
      const closing = await ask(words.no, 'no');
      expect(closing.response.pageInfo?.formInfo?.parameterInfo?.[0]?.displayName, heard.join('\n')).toBe(
        'score',
      );
      await ask(words.score, 'Satisfaction');
      // The score is kept against the conversation's last answered turn.
      const scores = [];
      for (const turn of await voiceTurns(customerId))
        scores.push(...(await composed.stores.surveys.forInteraction(turn.id)).map((a) => a.score));
      expect(scores, heard.join('\n')).toEqual([locale === 'it-IT' ? 8 : 9]);

      // A new session: cancel with nothing to cancel, and stop, each end the conversation.
      expect((await ask(words.cancel, 'cancel')).ended).toBe(true);
      expect((await ask(words.stop, 'stop')).ended).toBe(true);

      // Asking for a person ends the conversation with a callback queued for the advisors.
      const again = dialogue(await linked(home, locale, words.code));
      const callbacks = async () =>
        (await composed.stores.callbacks.open({ limit: 100 })).filter((c) => c.customerId === customerId);
      expect((await again.ask(words.person, 'TalkToPerson')).ended).toBe(true);
      expect(await callbacks(), again.heard.join('\n')).toHaveLength(1);

      await composed.voice.close();
      const logged = await voiceTurns(customerId);
      expect(new Set(logged.map((t) => t.touchpoint))).toEqual(new Set(['dialogflow']));
      for (const intent of [
        'LinkAccount',
        'WhatDoIOwe',
        'WhyHigher',
        'BillDetail',
        'LastPayment',
        'PayBill',
        'TalkToPerson',
        'Fallback',
        'Satisfaction',
      ])
        expect(
          logged.map((t) => t.details.intent),
          intent,
        ).toContain(intent);
    });

    it(`books, tells, moves and cancels a consultation in ${locale} over several turns for a two-supply customer, as the appointment rows show`, async () => {
      const home = await words.other(composed.stores);
      const customerId = home.customer.id;
      const cx = await linked(home, locale, words.code);
      const { ask, heard } = dialogue(cx);

      const topic = await ask(words.book, 'BookConsultation');
      expect(topic.response.sessionInfo?.parameters?.channel_pilot_asking).toBe('BookConsultation.topic');
      const time = await ask(words.topic, 'BookConsultation');
      expect(time.response.sessionInfo?.parameters?.channel_pilot_asking).toBe('BookConsultation.time');
      const confirm = await ask(words.time, 'BookConsultation');
      expect(await upcoming(customerId), 'nothing is booked before the yes').toEqual([]);
      expect(confirm.text).toMatch(/14[:.]20|2:20/);
      await ask(words.yes, 'yes');
      expect(await upcoming(customerId), heard.join('\n')).toEqual([
        { startsAt: rome(words.booked[0], words.booked[1]), topic: 'billing' },
      ]);
      expect((await ask(words.next, 'NextAppointment')).text).toMatch(/14[:.]20|2:20/);

      await ask(words.move, 'MoveAppointment');
      await ask(words.moveTime, 'MoveAppointment');
      await ask(words.yes, 'yes');
      expect(await upcoming(customerId), heard.join('\n')).toEqual([
        { startsAt: rome(words.moved[0], words.moved[1]), topic: 'billing' },
      ]);

      await ask(words.drop, 'CancelAppointment');
      await ask(words.yes, 'yes');
      expect(await upcoming(customerId), heard.join('\n')).toEqual([]);

      // A booking left in the middle when the caller goes silent is logged as abandoned.
      await ask(words.book, 'BookConsultation');
      const silent = await cx.end();
      expect(silent?.tag).toBe('ended');
      await composed.voice.close();
      const abandoned = (await voiceTurns(customerId)).filter((t) => t.outcome === 'abandoned');
      expect(abandoned.map((t) => t.details.intent)).toEqual(['BookConsultation']);
    });
  }
});
