import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bill, Locale, StorageHandle, Stores } from '../../core/index.ts';
import { loadInteractionModel } from '../../voice/alexa/intent-models.ts';
import { createDialogflowConversation } from '../../voice/dialogflow/chat/dialogflow-conversation.ts';
import type { WebhookResponse } from '../../voice/dialogflow/dialogflow-request.ts';
import { startAlexaApp } from '../support/alexa-app.ts';
import { linkedUser, typedConversation } from '../support/alexa-session.ts';
import { openTestDatabase } from '../support/database.ts';
import { CX_AGENT, CX_SECRET, composeDialogflowApp } from '../support/dialogflow-app.ts';
import {
  HOUSEHOLD_NOW,
  dualFuelEnglish,
  dualFuelTurin,
  threeSuppliesBologna,
  threeSuppliesEnglish,
  type Household,
} from '../support/households.ts';

// What customers say about their bills in their own words, typed through a simulated Alexa that
// matches them against the shipped interaction models and posts signed requests to /alexa, for
// households with two and three supplies. Amounts are read from the bills the households hold.
// The app's day is Monday 20 April 2026.

let storage: StorageHandle;
let stores: Stores;
let alexa: Awaited<ReturnType<typeof startAlexaApp>>;

beforeAll(async () => {
  storage = await openTestDatabase();
  alexa = await startAlexaApp({ storage, clock: { now: () => HOUSEHOLD_NOW } });
  stores = alexa.composed.stores;
});

afterAll(async () => {
  await storage?.close();
});

/** Euros as the assistant says them: "110 euros", "382.25 euros"; "111,10 euro". */
function euros(cents: number, locale: Locale): string {
  if (locale === 'en-US') return `${(cents / 100).toFixed(cents % 100 === 0 ? 0 : 2)} euros`;
  return `${(cents / 100).toFixed(2).replace('.', ',')} euro`;
}

/** The household's bill of `supply` whose period covers `month` (YYYY-MM). */
function billCovering(home: Household, supply: string, month: string): Bill {
  const bill = home.bills[supply]?.find(
    (b) => b.periodStart.slice(0, 7) <= month && b.periodEnd.slice(0, 7) >= month,
  );
  if (!bill) throw new Error(`no ${supply} bill covers ${month}`);
  return bill;
}

const latest = (home: Household, supply: string) => home.bills[supply]?.at(-1) as Bill;
const previous = (home: Household, supply: string) => home.bills[supply]?.at(-2) as Bill;

/** A household linked to its own Alexa user; `ask` types one sentence in a new session. */
async function typing(home: Household) {
  const who = await linkedUser(alexa, home.customer);
  const model = await loadInteractionModel(who.locale);
  const ask = async (text: string) => {
    const turn = await (await typedConversation(alexa, who, () => '2026-04-20')).say(text);
    const request = turn.request.request as { intent?: { name: string; slots?: Record<string, unknown> } };
    return { speech: turn.speech ?? '', intent: request.intent?.name, slots: slotIds(request.intent?.slots) };
  };
  return { ask, model };
}

/** Each slot's resolved id (custom types) or value (dates), as the handler receives it. */
function slotIds(slots: Record<string, unknown> = {}): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(slots).map(([name, slot]) => {
      const s = slot as {
        value?: string;
        resolutions?: { resolutionsPerAuthority: { values?: { value: { id: string } }[] }[] };
      };
      return [name, s.resolutions?.resolutionsPerAuthority[0]?.values?.[0]?.value.id ?? s.value];
    }),
  );
}

describe('a bill of one month and one supply, named together', () => {
  it('reads the November water bill to an English customer with three supplies, without asking which supply', async () => {
    const home = await threeSuppliesEnglish(stores);
    const { ask } = await typing(home);
    const water = billCovering(home, 'water', '2025-11');
    const told = await ask('tell me about the november water bill');
    expect(told).toMatchObject({ intent: 'BillDetailIntent', slots: { period: '2026-11', supply: 'water' } });
    expect(told.speech).toContain('water bill');
    expect(told.speech).toContain(`is ${euros(water.amountCents, 'en-US')}`);
    expect(told.speech).not.toMatch(/which supply/i);

    const gas = billCovering(home, 'gas', '2025-11');
    const again = await ask('what was the gas bill in november');
    expect(again.slots).toEqual({ period: '2026-11', supply: 'gas' });
    expect(again.speech).toContain(`gas bill`);
    expect(again.speech).toContain(euros(gas.amountCents, 'en-US'));
  });

  it("reads la bolletta di novembre dell'acqua, and the gas one, to an Italian customer with three supplies", async () => {
    const home = await threeSuppliesBologna(stores);
    const { ask } = await typing(home);
    const water = billCovering(home, 'water', '2025-11');
    const told = await ask("la bolletta di novembre dell'acqua");
    expect(told).toMatchObject({ intent: 'BillDetailIntent', slots: { period: '2026-11', supply: 'water' } });
    expect(told.speech).toContain("bolletta dell'acqua");
    expect(told.speech).toContain(`è di ${euros(water.amountCents, 'it-IT')}`);
    expect(told.speech).not.toMatch(/quale fornitura/i);

    const gas = billCovering(home, 'gas', '2025-11');
    const again = await ask('parlami della bolletta di novembre del gas');
    expect(again.slots).toEqual({ period: '2026-11', supply: 'gas' });
    expect(again.speech).toContain(`è di ${euros(gas.amountCents, 'it-IT')}`);
  });
});

describe('what is owed, in colloquial words', () => {
  it("answers what's the damage this month with the total of the open bills, naming the three supplies", async () => {
    const home = await threeSuppliesEnglish(stores);
    const { ask } = await typing(home);
    const open = Object.values(home.bills).flatMap((bills) => bills.filter((b) => b.paidCents === 0));
    const total = open.reduce((sum, b) => sum + b.amountCents, 0);
    const told = await ask("what's the damage this month");
    expect(told.intent).toBe('WhatDoIOweIntent');
    expect(told.speech).toContain(
      `In total you owe ${euros(total, 'en-US')}, for electricity, gas and water.`,
    );
  });

  it('answers how much is the internet bill with the internet supply only, beside electricity and gas', async () => {
    const home = await dualFuelEnglish(stores);
    const account = await stores.customers.addAccount({
      customerId: home.customer.id,
      number: `FTTH-${home.customer.id.slice(0, 8)}`,
      kind: 'broadband',
      supplyAddress: home.accounts.electricity?.supplyAddress ?? 'Via Roma 1, 10121 Torino TO',
      tariff: 'Fibre 1 Gbps',
      startedOn: '2024-05-01',
    });
    const fibre = await stores.billing.issueBill({
      accountId: account.id,
      number: `NET-0412-${home.customer.id.slice(0, 6)}`,
      periodStart: '2026-04-01',
      periodEnd: '2026-04-30',
      issuedOn: '2026-04-02',
      dueOn: '2026-04-28',
      consumption: null,
      lines: [
        { code: 'subscription', description: 'Fibre 1 Gbps, April', amountCents: 2450 },
        { code: 'vat', description: 'VAT 22%', amountCents: 539 },
      ],
    });
    const { ask } = await typing(home);
    for (const text of ['how much is the internet bill', 'how much is the wifi bill right now']) {
      const told = await ask(text);
      expect(told, text).toMatchObject({ intent: 'WhatDoIOweIntent', slots: { supply: 'broadband' } });
      expect(told.speech, text).toContain(euros(fibre.amountCents, 'en-US'));
      expect(told.speech, text).toMatch(/internet/i);
      expect(told.speech, text).not.toMatch(/electricity|gas/);
    }
  });

  it('answers quanto mi tocca pagare per la luce, and per il gas, for an Italian dual-fuel customer', async () => {
    const home = await dualFuelTurin(stores);
    const { ask } = await typing(home);
    const luce = await ask('quanto mi tocca pagare per la luce');
    expect(luce).toMatchObject({ intent: 'WhatDoIOweIntent', slots: { supply: 'electricity' } });
    expect(luce.speech).toContain(
      `Per la luce devi ${euros(latest(home, 'electricity').amountCents, 'it-IT')}`,
    );
    const gas = await ask('quanto mi tocca per il gas adesso');
    expect(gas.slots).toEqual({ supply: 'gas' });
    expect(gas.speech).toContain(`Per il gas devi ${euros(latest(home, 'gas').amountCents, 'it-IT')}`);
  });
});

describe('why the bill went up, in colloquial words', () => {
  it('answers come mai la bolletta è aumentata così tanto with the increase of each supply', async () => {
    const home = await dualFuelTurin(stores);
    const { ask } = await typing(home);
    const rise = (supply: string) => latest(home, supply).amountCents - previous(home, supply).amountCents;
    const told = await ask('come mai la bolletta è aumentata così tanto');
    expect(told.intent).toBe('WhyHigherIntent');
    expect(told.speech).toContain(`quella del gas, di ${euros(rise('gas'), 'it-IT')}`);
    expect(told.speech).toContain(`quella della luce, di ${euros(rise('electricity'), 'it-IT')}`);
  });

  it('answers why did the gas bill go up so much for the gas supply of an English customer with three supplies', async () => {
    const home = await threeSuppliesEnglish(stores);
    const { ask } = await typing(home);
    const rise = latest(home, 'gas').amountCents - previous(home, 'gas').amountCents;
    const told = await ask('why did the gas bill go up so much');
    expect(told).toMatchObject({ intent: 'WhyHigherIntent', slots: { supply: 'gas' } });
    expect(told.speech).toContain(euros(rise, 'en-US'));
    expect(told.speech).toMatch(/gas bill/);
  });
});

describe('the same words through the Dialogflow CX webhook', () => {
  /** A CX session, played by the simulator with the agent made from the same models, linked by code. */
  async function cxLinked(home: Household) {
    const dialogflow = await composeDialogflowApp({ storage });
    const locale = home.customer.locale as Locale;
    const cx = createDialogflowConversation({
      locale,
      model: await loadInteractionModel(locale),
      agent: CX_AGENT,
      today: () => '2026-04-20',
      send: async (body) => {
        const response = await request(dialogflow.app)
          .post('/dialogflow/webhook')
          .set('x-channel-pilot-secret', CX_SECRET)
          .send(body as object);
        expect(response.status, response.text).toBe(200);
        return response.body as WebhookResponse;
      },
    });
    await cx.open();
    const { code } = await dialogflow.voice.linking.issueCode(home.customer.id);
    const linked = await cx.say(locale === 'it-IT' ? `il mio codice è ${code}` : `my code is ${code}`);
    expect(linked.tag).toBe('LinkAccount');
    return { cx, close: () => dialogflow.voice.close() };
  }

  it('reads the November water bill in both languages, the supply not taken for part of the date', async () => {
    for (const [make, text, locale] of [
      [threeSuppliesEnglish, 'tell me about the november water bill', 'en-US'],
      [threeSuppliesBologna, "la bolletta di novembre dell'acqua", 'it-IT'],
    ] as const) {
      const home = await make(stores);
      const { cx, close } = await cxLinked(home);
      const told = await cx.say(text);
      await close();
      const water = billCovering(home, 'water', '2025-11');
      expect(told.tag, text).toBe('BillDetail');
      expect(told.request.intentInfo?.parameters).toMatchObject({
        supply: { resolvedValue: 'water' },
      });
      expect(told.text, text).toContain(euros(water.amountCents, locale));
      expect(told.text, text).toMatch(/water bill|bolletta dell'acqua/);
    }
  });
});
