import request from 'supertest';
import { describe, expect, it } from 'vitest';
import type { Bill, Locale, StorageHandle, Stores } from '../../core/index.ts';
import { loadInteractionModel } from '../../voice/alexa/intent-models.ts';
import { createDialogflowConversation } from '../../voice/dialogflow/chat/dialogflow-conversation.ts';
import type { WebhookResponse } from '../../voice/dialogflow/dialogflow-request.ts';
import { withHouseholdsAlexaApp, type AlexaApp } from '../support/alexa-app.ts';
import { linkedUser, spokenEuros, typedConversation } from '../support/alexa-session.ts';
import { CX_AGENT, CX_SECRET, composeDialogflowApp } from '../support/dialogflow-app.ts';
import { threeSuppliesBologna, threeSuppliesEnglish, type Household } from '../support/households.ts';

// A bill named by its month and its supply together, in customers' own words, typed through a simulated Alexa that
// matches them against the shipped interaction models and posts signed requests to /alexa, for
// households with two and three supplies. Amounts are read from the bills the households hold.
// The app's day is Monday 20 April 2026.

let storage: StorageHandle;
let stores: Stores;
let alexa: AlexaApp;

withHouseholdsAlexaApp((opened) => {
  ({ storage, alexa, stores } = opened);
});

/** The household's bill of `supply` whose period covers `month` (YYYY-MM). */
function billCovering(home: Household, supply: string, month: string): Bill {
  const bill = home.bills[supply]?.find(
    (b) => b.periodStart.slice(0, 7) <= month && b.periodEnd.slice(0, 7) >= month,
  );
  if (!bill) throw new Error(`no ${supply} bill covers ${month}`);
  return bill;
}

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
    expect(told.speech).toContain(`is ${spokenEuros(water.amountCents, 'en-US')}`);
    expect(told.speech).not.toMatch(/which supply/i);

    const gas = billCovering(home, 'gas', '2025-11');
    const again = await ask('what was the gas bill in november');
    expect(again.slots).toEqual({ period: '2026-11', supply: 'gas' });
    expect(again.speech).toContain(`gas bill`);
    expect(again.speech).toContain(spokenEuros(gas.amountCents, 'en-US'));
  });

  it("reads la bolletta di novembre dell'acqua, and the gas one, to an Italian customer with three supplies", async () => {
    const home = await threeSuppliesBologna(stores);
    const { ask } = await typing(home);
    const water = billCovering(home, 'water', '2025-11');
    const told = await ask("la bolletta di novembre dell'acqua");
    expect(told).toMatchObject({ intent: 'BillDetailIntent', slots: { period: '2026-11', supply: 'water' } });
    expect(told.speech).toContain("bolletta dell'acqua");
    expect(told.speech).toContain(`è di ${spokenEuros(water.amountCents, 'it-IT')}`);
    expect(told.speech).not.toMatch(/quale fornitura/i);

    const gas = billCovering(home, 'gas', '2025-11');
    const again = await ask('parlami della bolletta di novembre del gas');
    expect(again.slots).toEqual({ period: '2026-11', supply: 'gas' });
    expect(again.speech).toContain(`è di ${spokenEuros(gas.amountCents, 'it-IT')}`);
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
      expect(told.text, text).toContain(spokenEuros(water.amountCents, locale));
      expect(told.text, text).toMatch(/water bill|bolletta dell'acqua/);
    }
  });
});
