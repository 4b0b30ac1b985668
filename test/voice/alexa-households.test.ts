import { describe, expect, it } from 'vitest';
import type { Stores } from '../../core/index.ts';
import { withHouseholdsAlexaApp, type AlexaAnswer, type AlexaApp } from '../support/alexa-app.ts';
import { alexaSession, directiveOf, heard, intent, linkedUser } from '../support/alexa-session.ts';
import {
  dualFuelEnglish,
  dualFuelTurin,
  threeSuppliesBologna,
  threeSuppliesEnglish,
  twoHomesMilan,
  type Household,
} from '../support/households.ts';

// Customers with two and three supplies asking about their bills through /alexa, with signed
// requests, in Italian and English. The app's day is Monday 20 April 2026.

let stores: Stores;
let alexa: AlexaApp;
const households: Household[] = [];

withHouseholdsAlexaApp((opened) => {
  ({ alexa, stores } = opened);
});

/** A household linked to its own Alexa user, with one session to talk in. */
async function talkingTo(make: (stores: Stores) => Promise<Household>) {
  const home = await make(stores);
  households.push(home);
  const who = await linkedUser(alexa, home.customer);
  return { ...home, ...alexaSession(alexa, who) };
}

/** Every bill number of every household, whole and as its issuing system's prefix. */
const billNumbers = () =>
  households.flatMap((h) => Object.values(h.bills).flatMap((bills) => bills.map((b) => b.number)));

/** What was said, checked never to read a bill number aloud. */
function said(answer: AlexaAnswer): string {
  const text = heard(answer);
  for (const number of billNumbers()) {
    expect(text).not.toContain(number);
    expect(text).not.toContain(number.split('-')[0]);
  }
  return text;
}

const owe = (resolved?: Record<string, string>) => intent('WhatDoIOweIntent', resolved ? { resolved } : {});

describe('what is owed, for a customer with several supplies', () => {
  it('gives an Italian dual-fuel customer the total naming both supplies, then each supply on request', async () => {
    const turin = await talkingTo(dualFuelTurin);
    expect(said(await turin.say(owe()))).toBe(
      'In tutto devi pagare 494,23 euro, per luce e gas. Sono tutti già scaduti. Se vuoi, ti dico quanto per ogni fornitura. Vuoi che ti mandi il link per pagare?',
    );
    expect(said(await turin.say(owe({ supply: 'each' })))).toBe(
      'Per la luce devi 130,46 euro, scaduti il 24 marzo. Per il gas devi 363,77 euro, scaduti il 24 marzo. Vuoi che ti mandi il link per pagare?',
    );
    expect(said(await turin.say(owe({ supply: 'gas' })))).toBe(
      'Per il gas devi 363,77 euro, scaduti il 24 marzo. Vuoi che ti mandi il link per pagare?',
    );
  });

  it('tells an Italian customer with three supplies what is overdue and what falls due next, on which supply', async () => {
    const bologna = await talkingTo(threeSuppliesBologna);
    expect(said(await bologna.say(owe()))).toBe(
      "In tutto devi pagare 413,27 euro, per gas e acqua. Di questi, 286,99 euro sono già scaduti. La prossima scadenza è l'11 maggio: 126,28 euro per l'acqua. Se vuoi, ti dico quanto per ogni fornitura. Vuoi che ti mandi il link per pagare?",
    );
    expect(said(await bologna.say(owe({ supply: 'electricity' })))).toBe(
      'Per la luce non devi niente: è tutto pagato.',
    );
  });

  it('names the street of each of two electricity supplies when breaking the total down', async () => {
    const milan = await talkingTo(twoHomesMilan);
    expect(said(await milan.say(owe({ supply: 'each' })))).toBe(
      'Per la luce di Via Dante 3 devi 117,26 euro, scaduti il 24 marzo. Per la luce di Via Lungomare Cristoforo Colombo 21 devi 64,02 euro, scaduti il 24 marzo. Per il gas devi 353,43 euro, scaduti il 24 marzo. Vuoi che ti mandi il link per pagare?',
    );
  });

  it('gives English-speaking customers with two and three supplies the same, in English', async () => {
    const michael = await talkingTo(dualFuelEnglish);
    expect(said(await michael.say(owe()))).toBe(
      'In total you owe 339.24 euros, for electricity and gas. The next payment is due on May 3: 339.24 euros for electricity and gas. I can also tell you how much for each supply. Shall I send you the link to pay?',
    );
    expect(said(await michael.say(owe({ supply: 'each' })))).toBe(
      'For electricity you owe 98.34 euros, due on May 3. For gas you owe 240.90 euros, due on May 3. Shall I send you the link to pay?',
    );
    const jennifer = await talkingTo(threeSuppliesEnglish);
    expect(said(await jennifer.say(owe()))).toBe(
      'In total you owe 382.25 euros, for electricity, gas and water. The next payment is due on May 3: 277.75 euros for electricity and gas. I can also tell you how much for each supply. Shall I send you the link to pay?',
    );
  });

  for (const [locale, make, told, owed, due] of [
    [
      'it-IT',
      dualFuelTurin,
      "Con Alexa non si può pagare a voce, quindi ti ho mandato via SMS il link per pagare 494,23 euro. Lo trovi anche nell'app Alexa.",
      '494,23',
      'scaduti dal 24 marzo 2026',
    ],
    [
      'en-US',
      threeSuppliesEnglish,
      "You can't pay by voice on Alexa, so I sent you the link to pay 382.25 euros by text message. It's in the Alexa app too.",
      '€382.25',
      'due May 3, 2026',
    ],
  ] as const) {
    it(`sends in ${locale} the payment link it says it sent, for the whole amount, stating amount and due date`, async () => {
      const home = await talkingTo(make);
      await home.say(owe());
      expect(said(await home.say(intent('AMAZON.YesIntent')))).toBe(told);
      const [message, ...more] = (
        await stores.outbox.recent({ limit: 10, customerId: home.customer.id })
      ).filter((m) => m.kind === 'payment_link');
      expect(more).toEqual([]);
      expect(message).toMatchObject({ medium: 'sms', recipient: home.customer.phone, status: 'pending' });
      expect(message?.body).toContain(owed);
      expect(message?.body).toContain(due);
    });
  }
});

describe('why the bill is higher, for a customer with several supplies', () => {
  it('explains in Italian the bill that rose most first, says the other rose too, and explains it on "yes"', async () => {
    const turin = await talkingTo(dualFuelTurin);
    const first = await turin.say(intent('WhyHigherIntent'));
    expect(said(first)).toBe(
      "Sono aumentate due bollette: quella del gas, di 61,05 euro, e quella della luce, di 18,04 euro. Comincio dal gas. La tua ultima bolletta del gas è di 363,77 euro, 61,05 euro in più rispetto alla precedente. Rispetto allo stesso periodo dell'anno scorso è più alta di 3,52 euro. La voce cambiata di più è la materia prima: 55,25 euro in più. Hai consumato 65 standard metri cubi in più rispetto al periodo precedente. Vuoi che ti spieghi anche la bolletta della luce?",
    );
    expect(first.response.shouldEndSession).not.toBe(true);
    const second = await turin.say(intent('AMAZON.YesIntent'));
    expect(said(second)).toBe(
      "La tua ultima bolletta della luce è di 130,46 euro, 18,04 euro in più rispetto alla precedente. Rispetto allo stesso periodo dell'anno scorso è più alta di 9,13 euro. La voce cambiata di più è la materia prima: 12,96 euro in più. Hai consumato 72 chilowattora in più rispetto al periodo precedente.",
    );
  });

  it('leaves out the supply whose bill fell, and starts with water when water rose most', async () => {
    const bologna = await talkingTo(threeSuppliesBologna);
    expect(said(await bologna.say(intent('WhyHigherIntent')))).toBe(
      "Sono aumentate due bollette: quella dell'acqua, di 15,18 euro, e quella della luce, di 9,46 euro. Comincio dall'acqua. La tua ultima bolletta dell'acqua è di 126,28 euro, 15,18 euro in più rispetto alla precedente. Rispetto allo stesso periodo dell'anno scorso è più alta di 6,93 euro. La voce cambiata di più è il consumo d'acqua: 13,50 euro in più. Hai consumato 9 metri cubi in più rispetto al periodo precedente. Vuoi che ti spieghi anche la bolletta della luce?",
    );
    // Asked about the gas, which fell, the customer hears about the gas.
    expect(said(await bologna.say(intent('WhyHigherIntent', { resolved: { supply: 'gas' } })))).toMatch(
      /^La tua ultima bolletta del gas è di 286,99 euro, 24,86 euro in meno rispetto alla precedente\./,
    );
  });

  it('tells two electricity supplies apart by their street', async () => {
    const milan = await talkingTo(twoHomesMilan);
    expect(said(await milan.say(intent('WhyHigherIntent')))).toBe(
      "Sono aumentate due bollette: quella del gas, di 27,83 euro, e quella della luce di Via Lungomare Cristoforo Colombo 21, di 4,84 euro. Comincio dal gas. La tua ultima bolletta del gas è di 353,43 euro, 27,83 euro in più rispetto alla precedente. Non ho una bolletta dello stesso periodo dell'anno scorso. La voce cambiata di più è la materia prima: 23,80 euro in più. Hai consumato 28 standard metri cubi in più rispetto al periodo precedente. Vuoi che ti spieghi anche la bolletta della luce di Via Lungomare Cristoforo Colombo 21?",
    );
  });

  it('does the same in English for customers with two and three supplies', async () => {
    const michael = await talkingTo(dualFuelEnglish);
    expect(said(await michael.say(intent('WhyHigherIntent')))).toBe(
      "Two of your bills went up: gas by 39.60 euros and electricity by 7.92 euros. Let's start with gas. Your latest gas bill is 240.90 euros, 39.60 euros more than the previous one. Compared with the same period last year, it is 20.90 euros higher. What changed most is the energy itself: 36 euros more. You used 42 standard cubic meters more than in the previous period. Shall I explain the electricity bill too?",
    );
    expect(said(await michael.say(intent('AMAZON.YesIntent')))).toBe(
      'Your latest electricity bill is 98.34 euros, 7.92 euros more than the previous one. Compared with the same period last year, it is 9.90 euros higher. What changed most is the energy itself: 7.20 euros more. You used 40 kilowatt hours more than in the previous period.',
    );
    const jennifer = await talkingTo(threeSuppliesEnglish);
    expect(said(await jennifer.say(intent('WhyHigherIntent')))).toBe(
      "Two of your bills went up: gas by 26.40 euros and electricity by 2.20 euros. Let's start with gas. Your latest gas bill is 196.35 euros, 26.40 euros more than the previous one. I have no bill for the same period last year. What changed most is the energy itself: 24 euros more. You used 28 standard cubic meters more than in the previous period. Shall I explain the electricity bill too?",
    );
  });
});

describe('the bill of a month, for a customer with several supplies', () => {
  const march = (resolved?: Record<string, string>) =>
    intent('BillDetailIntent', { slots: { period: '2026-03' }, ...(resolved ? { resolved } : {}) });

  it('asks an Italian customer with three supplies which one, then says which reading it used', async () => {
    const bologna = await talkingTo(threeSuppliesBologna);
    const asked = await bologna.say(march());
    expect(said(asked)).toBe('Di quale fornitura: luce, gas o acqua?');
    expect(directiveOf(asked)).toEqual({
      type: 'Dialog.ElicitSlot',
      slot: 'supply',
      intent: 'BillDetailIntent',
      values: { period: '2026-03' },
    });
    expect(said(await bologna.say(march({ supply: 'water' })))).toBe(
      "Non ho una bolletta dell'acqua emessa a marzo. Quella che copre marzo, dal primo gennaio al 31 marzo, emessa l'8 aprile, è di 126,28 euro. Restano da pagare 126,28 euro, con scadenza l'11 maggio.",
    );
    expect(said(await bologna.say(march({ supply: 'electricity' })))).toBe(
      'La bolletta della luce emessa a marzo, dal primo gennaio al 28 febbraio, è di 102,41 euro. È pagata.',
    );
  });

  it('asks a dual-fuel customer which supply for "the March bill" and for "my last bill"', async () => {
    const turin = await talkingTo(dualFuelTurin);
    expect(said(await turin.say(march()))).toBe('Di quale fornitura: luce o gas?');
    expect(said(await turin.say(intent('BillDetailIntent')))).toBe('Di quale fornitura: luce o gas?');
    expect(said(await turin.say(intent('BillDetailIntent', { resolved: { supply: 'gas' } })))).toBe(
      "L'ultima bolletta del gas, emessa il 4 marzo, dal primo gennaio al 28 febbraio, è di 363,77 euro. Restano da pagare 363,77 euro, scaduti il 24 marzo.",
    );
  });

  it('reads both electricity bills of two homes, each by its street', async () => {
    const milan = await talkingTo(twoHomesMilan);
    expect(said(await milan.say(march({ supply: 'electricity' })))).toBe(
      'La bolletta della luce di Via Dante 3 emessa a marzo, dal primo gennaio al 28 febbraio, è di 117,26 euro. Restano da pagare 117,26 euro, scaduti il 24 marzo. La bolletta della luce di Via Lungomare Cristoforo Colombo 21 emessa a marzo, dal primo gennaio al 28 febbraio, è di 64,02 euro. Restano da pagare 64,02 euro, scaduti il 24 marzo.',
    );
  });

  it('asks an English-speaking customer with three supplies which one, then says which reading it used', async () => {
    const jennifer = await talkingTo(threeSuppliesEnglish);
    expect(said(await jennifer.say(march()))).toBe('Which supply: electricity, gas or water?');
    expect(said(await jennifer.say(march({ supply: 'water' })))).toBe(
      'No water bill was issued in March. The one covering March, from January 1 to March 31, issued on April 8, is 104.50 euros. 104.50 euros is due on May 11.',
    );
    expect(said(await jennifer.say(march({ supply: 'electricity' })))).toBe(
      'Your electricity bill issued in March, from January 1 to February 28, is 81.40 euros. 81.40 euros is due on May 3.',
    );
    const michael = await talkingTo(dualFuelEnglish);
    expect(said(await michael.say(march()))).toBe('Which supply: electricity or gas?');
  });
});

describe('the last payment, for a customer with several supplies', () => {
  it('names the supply the payment was for, in both languages', async () => {
    const bologna = await talkingTo(threeSuppliesBologna);
    expect(said(await bologna.say(intent('LastPaymentIntent')))).toBe(
      'Il tuo ultimo pagamento è di 102,41 euro per la bolletta della luce, ricevuto il 20 marzo, con carta.',
    );
    const jennifer = await talkingTo(threeSuppliesEnglish);
    expect(said(await jennifer.say(intent('LastPaymentIntent')))).toBe(
      'Your last payment was 110 euros for the water bill, received on February 10, by direct debit.',
    );
  });
});

/** Euros as the Italian answers say them, before "euro": 382,25. */
const euros = (cents: number) => (cents / 100).toFixed(2).replace('.', ',');

// A supply named in words the interaction model does not hold: Alexa then sends the words as
// said, resolved to no value of the SUPPLY type.
describe('a supply named in words the model does not hold', () => {
  it('never tells a dual-fuel customer they have no such supply, and answers what they owe on both', async () => {
    const turin = await talkingTo(dualFuelTurin);
    const open = await stores.billing.openBills(turin.customer.id);
    expect(open.map((b) => b.accountId).sort()).toEqual(
      [turin.accounts.electricity?.id, turin.accounts.gas?.id].sort(),
    );
    const total = open.reduce((sum, b) => sum + b.amountCents, 0);

    const unresolved = heard(
      await turin.say(intent('WhatDoIOweIntent', { slots: { supply: 'la bolletta del metano' } })),
    );
    expect(unresolved).not.toContain('Non ho una fornitura');
    expect(unresolved).toContain(`In tutto devi pagare ${euros(total)} euro, per luce e gas.`);
    expect(unresolved).toBe(heard(await turin.say(intent('WhatDoIOweIntent'))));
  });

  it('asks an Italian customer with three supplies which one they mean for the March bill', async () => {
    const bologna = await talkingTo(threeSuppliesBologna);
    const asked = await bologna.say(
      intent('BillDetailIntent', { slots: { period: '2026-03', supply: 'la corrente di casa' } }),
    );
    expect(heard(asked)).toBe('Di quale fornitura: luce, gas o acqua?');
    // A kind the model knows and the customer lacks is still said to be none of theirs.
    expect(heard(await bologna.say(intent('WhatDoIOweIntent', { resolved: { supply: 'broadband' } })))).toBe(
      'Non ho una fornitura di questo tipo a tuo nome.',
    );
  });

  it('explains to an English-speaking customer with three supplies the bills that rose', async () => {
    const jennifer = await talkingTo(threeSuppliesEnglish);
    const unresolved = heard(
      await jennifer.say(intent('WhyHigherIntent', { slots: { supply: 'my heating thing' } })),
    );
    expect(unresolved).not.toContain("I don't have a supply of that kind");
    expect(unresolved).toBe(heard(await jennifer.say(intent('WhyHigherIntent'))));
    expect(unresolved).toMatch(/bills? (went up|rose)|higher/);
  });
});
