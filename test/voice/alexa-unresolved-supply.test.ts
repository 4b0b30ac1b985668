import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StorageHandle, Stores } from '../../core/index.ts';
import { householdsAlexaApp, type startAlexaApp } from '../support/alexa-app.ts';
import { alexaSession, heard, intent, linkedUser } from '../support/alexa-session.ts';
import {
  dualFuelTurin,
  threeSuppliesBologna,
  threeSuppliesEnglish,
  type Household,
} from '../support/households.ts';

// Customers naming a supply in words the interaction model does not hold: Alexa then sends the
// words as said, resolved to no value of the SUPPLY type. The app's day is Monday 20 April 2026.

let storage: StorageHandle;
let stores: Stores;
let alexa: Awaited<ReturnType<typeof startAlexaApp>>;

beforeAll(async () => {
  ({ storage, alexa, stores } = await householdsAlexaApp());
});

afterAll(async () => {
  await storage?.close();
});

async function talkingTo(make: (stores: Stores) => Promise<Household>) {
  const home = await make(stores);
  const who = await linkedUser(alexa, home.customer);
  return { ...home, ...alexaSession(alexa, who) };
}

const euros = (cents: number) => (cents / 100).toFixed(2).replace('.', ',');

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
