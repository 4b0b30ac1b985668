import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeApp } from '../../app/compose.ts';
import { runVoiceChat } from '../../voice/index.ts';
import {
  createPostgresStores,
  openDatabase,
  type Customer,
  type Locale,
  type StorageHandle,
  type Stores,
} from '../../core/index.ts';
import { runCli as cli } from '../support/app-process.ts';
import { openTestDatabase } from '../support/database.ts';
import { americanCustomer, gasCustomer, officeHoursAdvisor } from '../support/fixtures.ts';

// Monday 23 March 2026, 09:00 in Rome.
const now = new Date('2026-03-23T08:00:00Z');
const clock = { now: () => now };
const config = { PUBLIC_URL: 'http://localhost:3000', SESSION_TTL_HOURS: 1, COOKIE_SECURE: false };

let storage: StorageHandle;
let stores: Stores;

beforeAll(async () => {
  storage = await openTestDatabase();
  ({ stores } = await composeApp({ storage, config, logger: pino({ level: 'silent' }), clock }));
  await officeHoursAdvisor(stores, { name: 'Carla Neri' });
});

afterAll(async () => {
  await storage?.close();
});

/** Types `lines` to the skill as `customer`, the way `channel-pilot voice chat` does; returns what was printed. */
async function chat(customer: Customer, locale: Locale, lines: string[]): Promise<string[]> {
  const { voice } = await composeApp({
    storage,
    config,
    logger: pino({ level: 'silent' }),
    clock,
    voiceIdentify: async () => ({ customerId: customer.id }),
  });
  const printed: string[] = [];
  async function* typed() {
    yield* lines;
  }
  await runVoiceChat({
    skill: voice.skill,
    locale,
    userId: `amzn1.ask.account.chat-${customer.id}`,
    clock,
    lines: typed(),
    write: (line) => printed.push(line),
  });
  await voice.turnLog.drained();
  return printed;
}

/** The customer's voice turns by journey reason, each journey in step order: [intent, outcome]. */
async function voiceJourneys(customerId: string) {
  const turns = (await stores.interactions.forCustomer(customerId, { limit: 50 })).filter(
    (i) => i.channel === 'voice_assistant',
  );
  const journeys: Record<string, [unknown, string][]> = {};
  for (const journeyId of new Set(turns.map((t) => t.journeyId))) {
    const steps = await stores.interactions.journey(journeyId);
    journeys[steps[0]?.reason ?? ''] = steps.map((t) => [t.details.intent, t.outcome]);
  }
  return journeys;
}

const payCard = (amount: string) =>
  expect.stringMatching(
    new RegExp(
      `^ {2}\\[card\\] (Paga la bolletta: Da pagare|Pay your bill: To pay): ${amount}\\. (Paga da qui|Pay here): http://localhost:3000/pay/\\S+$`,
    ),
  );

describe('the typed voice chat', () => {
  it('answers Italian lines from the model’s samples, sends the link on “sì”, and logs the turns in the journey', async () => {
    const { customer, current } = await gasCustomer(stores);
    const printed = await chat(customer, 'it-IT', [
      'quanto devo pagare',
      'sì',
      'perché la bolletta è più alta',
      'dimmi della bolletta di gennaio',
    ]);
    // Owed: the current bill, 420 + 65 euros plus 10% VAT. Against the previous bill (335 euros plus
    // VAT) it is 165 euros more, 145 of them energy; against a year ago (360 plus VAT) 137,50 more.
    expect(printed).toEqual([
      'Alexa: Ciao! Posso dirti quanto devi pagare e perché la bolletta è cambiata, mandarti il link per pagare, o prenotare una videoconsulenza. Cosa ti serve?',
      'Alexa: In tutto devi pagare 533,50 euro, per il gas. La prossima scadenza è mercoledì 25 marzo, per 533,50 euro. Vuoi che ti mandi il link per pagare?',
      "Alexa: Con Alexa non si può pagare a voce, quindi ti ho mandato via SMS il link per pagare 533,50 euro. Lo trovi anche nell'app Alexa.",
      payCard('533,50 euro'),
      expect.stringMatching(
        /^Alexa: La tua ultima bolletta del gas è di 533,50 euro, 165 euro in più rispetto alla precedente\. .*137,50 euro\. .*145 euro in più\./,
      ),
      // "Gennaio" in March is the January just gone (Alexa itself resolves it to the coming one).
      'Alexa: La bolletta del gas emessa a gennaio, dal primo novembre 2025 al 31 dicembre 2025, è di 368,50 euro. È pagata.',
    ]);
    expect(current.amountCents).toBe(53350);

    // Asking what is owed and taking the link are one payment journey; the two bill questions another.
    expect(await voiceJourneys(customer.id)).toEqual({
      payment: [
        ['WhatDoIOwe', 'resolved'],
        ['PayBill', 'resolved'],
      ],
      bill_explanation: [
        ['WhyHigher', 'resolved'],
        ['BillDetail', 'resolved'],
      ],
    });
    const [link, ...more] = (await stores.outbox.recent({ limit: 10, customerId: customer.id })).filter(
      (m) => m.kind === 'payment_link',
    );
    expect(more).toEqual([]);
    expect(link).toMatchObject({ medium: 'sms', recipient: '+393331234567' });
    expect(printed[3]).toContain(/http\S+/.exec(link?.body ?? '')?.[0]);
  });

  it('books a video consultation typed in Italian for tomorrow, offering the nearest times to one that is not free', async () => {
    const { customer } = await gasCustomer(stores);
    const printed = await chat(customer, 'it-IT', [
      'prenota una videoconsulenza su bollette per domani alle 10',
      // A "yes" that picks no time: the question again, the topic and day kept.
      'sì',
      'alle 10:35',
      'sì',
    ]);
    // Slots are 30 minutes with 5 minutes before and 10 after: 9:05, 9:50, 10:35… from 9:00.
    expect(printed.slice(1)).toEqual([
      'Alexa: Martedì 24 marzo alle 10:00 i consulenti non sono liberi. Gli orari più vicini sono alle 9:05, 9:50 o 10:35. Quale preferisci?',
      'Alexa: A che ora, martedì 24 marzo? Per esempio alle 9:05, 9:50 o 10:35.',
      'Alexa: Prenoto una videoconsulenza su bollette, martedì 24 marzo alle 10:35. Va bene?',
      'Alexa: Fatto: videoconsulenza su bollette prenotata martedì 24 marzo alle 10:35. Ti ho mandato il link per collegarti via SMS.',
    ]);
    const booked = await stores.advisors.upcomingAppointments(customer.id, now);
    expect(booked).toHaveLength(1);
    expect(booked[0]).toMatchObject({
      topic: 'billing',
      locale: 'it-IT',
      startsAt: new Date('2026-03-24T09:35:00Z'),
      endsAt: new Date('2026-03-24T10:05:00Z'),
    });
    expect(await voiceJourneys(customer.id)).toEqual({
      video_consultation: [
        ['BookConsultation', 'continued'],
        ['BookConsultation', 'continued'],
        ['BookConsultation', 'continued'],
        ['BookConsultation', 'resolved'],
      ],
    });
  });

  it('answers English lines, leaves the link unsent on “no”, and says goodbye', async () => {
    const { customer } = await americanCustomer(stores, { januaryDue: '2026-04-20' });
    const printed = await chat(customer, 'en-US', [
      'how much do i owe',
      'no',
      'tell me about my december bill',
      'send me a payment link',
      'goodbye',
    ]);
    expect(printed).toEqual([
      'Alexa: Hi! I can tell you what you owe and why your bill changed, send you a link to pay, or book a video consultation. What do you need?',
      'Alexa: In total you owe 93.78 euros, for electricity. The next payment is due on April 20, for 93.78 euros. Shall I send you the link to pay?',
      'Alexa: OK. Anything else I can do for you?',
      'Alexa: No electricity bill was issued in December 2025. The one covering December 2025, from December 1, 2025 to December 31, 2025, issued on January 8, is 79.20 euros. It is paid.',
      "Alexa: You can't pay by voice on Alexa, so I sent you the link to pay 93.78 euros by e-mail. It's in the Alexa app too.",
      payCard('93.78 euros'),
      'Alexa: Goodbye!',
      '  (the session ended; the next line opens the skill again)',
    ]);
    const sent = (await stores.outbox.recent({ limit: 10, customerId: customer.id })).filter(
      (m) => m.kind === 'payment_link',
    );
    expect(sent.map((m) => [m.medium, m.recipient])).toEqual([['email', customer.email]]);
    expect(await voiceJourneys(customer.id)).toEqual({
      payment: [
        ['WhatDoIOwe', 'resolved'],
        ['PayBill', 'resolved'],
      ],
      bill_explanation: [['BillDetail', 'resolved']],
    });
  });

  it('ends without promising another session when the typing stops mid-conversation', async () => {
    const { customer } = await gasCustomer(stores);
    const printed = await chat(customer, 'it-IT', ['quanto devo pagare']);
    expect(printed.at(-1)).toMatch(/Vuoi che ti mandi il link per pagare\?$/);
  });
});

describe('channel-pilot voice chat', () => {
  let dataDir: string;
  let customerId: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'channel-pilot-voice-chat-'));
    const handle = await openDatabase({ kind: 'embedded', dataDir });
    try {
      ({
        customer: { id: customerId },
      } = await americanCustomer(createPostgresStores(handle.db), { januaryDue: '2026-04-20' }));
    } finally {
      await handle.close();
    }
  }, 60_000);

  afterAll(async () => {
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  // DATABASE_URL is blanked so that the embedded database in DATA_DIR is used however the tests run.
  const env = () => ({ DATA_DIR: dataDir, DATABASE_URL: '' });

  it('talks to the skill as the customer over standard input and exits 0', async () => {
    const { code, stdout, stderr } = await cli(
      ['voice', 'chat', '--customer', customerId, '--locale', 'en-US'],
      env(),
      'what do i owe\n',
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('Alexa: Hi! I can tell you what you owe');
    expect(stdout).toContain('Alexa: In total you owe 93.78 euros, for electricity.');
  }, 60_000);

  it('talks to the Dialogflow webhook over HTTP as CX would, and sends the link it says it sent', async () => {
    const { code, stdout, stderr } = await cli(
      ['voice', 'chat', '--platform', 'dialogflow', '--customer', customerId, '--locale', 'en-US'],
      env(),
      'how much do i owe altogether\nyes please\n',
    );
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout).toContain('Dialogflow: Hi! I can tell you what you owe');
    expect(stdout).toContain('Dialogflow: In total you owe 93.78 euros, for electricity.');
    expect(stdout).toMatch(/Dialogflow: To pay: 93\.78 euros\. Pay here: \S+\/pay\//);
    const handle = await openDatabase({ kind: 'embedded', dataDir });
    try {
      const sent = await createPostgresStores(handle.db).outbox.recent({ limit: 10, customerId });
      expect(sent.filter((m) => m.kind === 'payment_link')).toHaveLength(1);
      const turns = await createPostgresStores(handle.db).interactions.forCustomer(customerId, { limit: 10 });
      expect(
        turns
          .filter((t) => t.touchpoint === 'dialogflow')
          .map((t) => t.details.intent)
          .sort(),
      ).toEqual(['PayBill', 'WhatDoIOwe']);
    } finally {
      await handle.close();
    }
  }, 120_000);

  it('queues a linking code, saying so and until when in Rome time, on the real clock', async () => {
    const before = Date.now();
    const { code, stdout, stderr } = await cli(['voice', 'link-code', '--customer', customerId], env());
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const said =
      /^linking code (\d{6}) queued for \S+ \S+ by (email|sms), valid until (\d\d:\d\d) \(Europe\/Rome time\)$/m.exec(
        stdout,
      );
    expect(said, stdout).not.toBeNull();
    const handle = await openDatabase({ kind: 'embedded', dataDir });
    try {
      const [message] = (
        await createPostgresStores(handle.db).outbox.recent({ limit: 5, customerId })
      ).filter((m) => m.kind === 'link_code');
      // The row behind "queued": pending, on the medium said, with the code in it.
      expect(message).toMatchObject({ status: 'pending', medium: said![2], bulk: false });
      expect(message!.body).toContain(said![1]);
      const tenMinutes = new Date(before + 10 * 60_000).toLocaleTimeString('it-IT', {
        timeZone: 'Europe/Rome',
        hour: '2-digit',
        minute: '2-digit',
      });
      const tenMinutesLater = new Date(Date.now() + 10 * 60_000).toLocaleTimeString('it-IT', {
        timeZone: 'Europe/Rome',
        hour: '2-digit',
        minute: '2-digit',
      });
      expect([tenMinutes, tenMinutesLater]).toContain(said![3]);
    } finally {
      await handle.close();
    }
  }, 60_000);

  it('exits 1 naming the customer when there is no such customer', async () => {
    const unknown = '00000000-0000-4000-8000-00000000dead';
    const { code, stdout, stderr } = await cli(
      ['voice', 'chat', '--customer', unknown, '--locale', 'en-US'],
      env(),
      'what do i owe\n',
    );
    expect(code).toBe(1);
    expect(stderr).toContain(`error: customer ${unknown} does not exist`);
    expect(stdout).not.toContain('Alexa:');
  }, 60_000);
});
