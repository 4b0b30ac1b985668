import { describe, expect, it } from 'vitest';
import type { Bill, Stores } from '../../core/index.ts';
import { withHouseholdsAlexaApp, type AlexaApp } from '../support/alexa-app.ts';
import { linkedUser, spokenEuros, typedConversation } from '../support/alexa-session.ts';
import {
  dualFuelTurin,
  threeSuppliesBologna,
  threeSuppliesEnglish,
  twoHomesMilan,
  type Household,
} from '../support/households.ts';

// A bill asked for by a month, in customers' words ("di luglio dell'anno scorso", "del mese
// scorso", "from July last year"), typed through a simulated Alexa that matches them against the
// shipped interaction models and posts signed requests to /alexa, for households with two and
// three supplies. A month no bill was issued in or covers is said to have none, by name, and the
// nearest bill is offered; never is another bill read as if it were the one asked for. The app's
// day is Monday 20 April 2026; the households' electricity and gas bills run January–February
// 2025, then November 2025 on.

let stores: Stores;
let alexa: AlexaApp;

withHouseholdsAlexaApp((opened) => {
  ({ alexa, stores } = opened);
});

/** The household's bill of `account` issued on `day`. */
function issuedOn(home: Household, account: string, day: string): Bill {
  const bill = home.bills[account]?.find((b) => b.issuedOn === day);
  if (!bill) throw new Error(`no ${account} bill issued on ${day}`);
  return bill;
}

/** One Alexa session of the household, sentence by sentence, with the slots Alexa sent. */
async function talking(make: (stores: Stores) => Promise<Household>) {
  const home = await make(stores);
  const chat = await typedConversation(alexa, await linkedUser(alexa, home.customer), () => '2026-04-20');
  const say = async (text: string) => {
    const turn = await chat.say(text);
    const request = turn.request.request as {
      intent?: {
        name: string;
        slots?: Record<string, { value?: string; resolutions?: unknown }>;
      };
    };
    const slots = Object.fromEntries(
      Object.entries(request.intent?.slots ?? {})
        .filter(([, slot]) => slot.value !== undefined)
        .map(([name, slot]) => [name, slot.value]),
    );
    return { speech: turn.speech ?? '', intent: request.intent?.name, slots };
  };
  return { home, say };
}

describe('a bill asked for by a month that has none', () => {
  it('tells an Italian customer with three supplies there is no electricity bill of July last year, offers the nearest, and reads it on "sì"', async () => {
    const { home, say } = await talking(threeSuppliesBologna);
    const asked = await say("la bolletta della luce di luglio dell'anno scorso");
    expect(asked).toMatchObject({ intent: 'BillDetailIntent', slots: { period: '2025-07' } });
    expect(asked.speech).toBe(
      'Non ho una bolletta della luce di luglio 2025. La bolletta della luce più vicina è quella dal primo novembre 2025 al 31 dicembre 2025, emessa il 7 gennaio. Vuoi che te la legga?',
    );
    const offered = issuedOn(home, 'electricity', '2026-01-07');
    expect((await say('sì')).speech).toBe(
      `La bolletta della luce emessa il 7 gennaio, dal primo novembre 2025 al 31 dicembre 2025, è di ${spokenEuros(offered.amountCents, 'it-IT')}. È pagata.`,
    );
  });

  it('says which supply its first bill is of when the month asked is before every bill, no supply named', async () => {
    const { say } = await talking(threeSuppliesBologna);
    const asked = await say('la bolletta di luglio 2024');
    expect(asked.slots).toEqual({ period: '2024-07' });
    expect(asked.speech).toBe(
      'Non ho bollette di luglio 2024. La prima bolletta della luce che ho è quella dal primo gennaio 2025 al 28 febbraio 2025, emessa il 5 marzo 2025. Vuoi che te la legga?',
    );
  });

  it('reads the electricity bill offered to a dual-fuel customer whose gas bill was issued the same day', async () => {
    const { home, say } = await talking(dualFuelTurin);
    expect((await say("com'era la bolletta di luglio dell'anno scorso")).speech).toBe(
      'Non ho bollette di luglio 2025. La bolletta della luce più vicina è quella dal primo novembre 2025 al 31 dicembre 2025, emessa il 7 gennaio. Vuoi che te la legga?',
    );
    const electricity = issuedOn(home, 'electricity', '2026-01-07');
    const gas = issuedOn(home, 'gas', '2026-01-07');
    expect(electricity.amountCents).not.toBe(gas.amountCents);
    const read = (await say('sì')).speech;
    expect(read).toContain(`è di ${spokenEuros(electricity.amountCents, 'it-IT')}.`);
    expect(read).not.toContain(spokenEuros(gas.amountCents, 'it-IT'));
  });

  it('names the month for two electricity supplies and offers the first bill of one by its street', async () => {
    const { say } = await talking(twoHomesMilan);
    expect((await say("la bolletta della luce di luglio dell'anno scorso")).speech).toBe(
      'Non ho una bolletta della luce di luglio 2025. La prima bolletta della luce di Via Dante 3 che ho è quella dal primo novembre 2025 al 31 dicembre 2025, emessa il 7 gennaio. Vuoi che te la legga?',
    );
  });

  it('tells an English-speaking customer with three supplies the same in English, and reads the bill on "yes"', async () => {
    const { home, say } = await talking(threeSuppliesEnglish);
    const asked = await say('my electricity bill from july last year');
    expect(asked).toMatchObject({ intent: 'BillDetailIntent', slots: { period: '2025-07' } });
    expect(asked.speech).toBe(
      'I have no electricity bill for July 2025. The first electricity bill I have is the one from November 1, 2025 to December 31, 2025, issued on January 7. Shall I read it to you?',
    );
    const offered = issuedOn(home, 'electricity', '2026-01-07');
    expect((await say('yes')).speech).toMatch(
      new RegExp(
        `^Your electricity bill issued on January 7, from November 1, 2025 to December 31, 2025, is ${spokenEuros(offered.amountCents, 'en-US').replace('.', '\\.')}\\.`,
      ),
    );
  });
});

describe('a bill asked for by the month before this one', () => {
  it('reads the gas bill issued last month to an Italian customer with three supplies', async () => {
    const { home, say } = await talking(threeSuppliesBologna);
    const asked = await say('la bolletta del gas del mese scorso');
    expect(asked).toMatchObject({ intent: 'BillDetailIntent', slots: { period: '2026-03' } });
    const gas = issuedOn(home, 'gas', '2026-03-04');
    expect(asked.speech).toBe(
      `La bolletta del gas emessa a marzo, dal primo gennaio al 28 febbraio, è di ${spokenEuros(gas.amountCents, 'it-IT')}. Restano da pagare ${spokenEuros(gas.amountCents - gas.paidCents, 'it-IT')}, scaduti il 24 marzo.`,
    );
  });

  it('asks which supply when last month has bills of several, electricity and gas issued the same day', async () => {
    const { say } = await talking(dualFuelTurin);
    expect((await say('la bolletta del mese scorso')).speech).toBe('Di quale fornitura: luce o gas?');
    const { say: english } = await talking(threeSuppliesEnglish);
    expect((await english('what was my bill from last month')).speech).toBe(
      'Which supply: electricity, gas or water?',
    );
  });
});
