import { describe, expect, it } from 'vitest';
import { signVisit, type Stores } from '../../core/index.ts';
import { dualFuelTurin, HOUSEHOLD_NOW, threeSuppliesBologna, type Household } from '../support/households.ts';
import {
  chatInstancesForFile,
  signedIdentity,
  visitor,
  type ChatInstance,
  type Visitor,
} from '../support/chat.ts';

// The bot answers per supply as the voice assistant does, from lines typed the way customers type
// them. Amounts are worked out here from the households' bills, not taken from the answers.

let a: ChatInstance;
let b: ChatInstance;
let stores: Stores;
const inADay = new Date(HOUSEHOLD_NOW.getTime() + 86_400_000);

chatInstancesForFile({ count: 2, clock: { now: () => HOUSEHOLD_NOW } }, (instances) => {
  [a, b] = instances as [ChatInstance, ChatInstance];
  stores = a.stores;
});

const euro = (cents: number) => `${(cents / 100).toFixed(2).replace('.', ',')} euro`;
const owedOn = (home: Household, supply: string) =>
  home.bills[supply]!.reduce((sum, bill) => sum + bill.amountCents - bill.paidCents, 0);

async function chatAs(home: Household, instance = a) {
  const chat = await visitor(instance.url, {
    locale: 'it-IT',
    identity: signedIdentity(home.customer.id, inADay),
  });
  await chat.next('bot', 0);
  return chat;
}

/** Types a line and waits for the bot's answer to it. */
async function ask(chat: Visitor, text: string) {
  const before = chat.lastSeq();
  chat.send({ type: 'message', text });
  const line = await chat.next('visitor', before);
  return chat.next('bot', line.seq);
}

async function press(chat: Visitor, value: string) {
  const before = chat.lastSeq();
  chat.send({ type: 'quick', value });
  const line = await chat.next('visitor', before);
  return chat.next('bot', line.seq);
}

const paymentLinks = async (home: Household) =>
  (await stores.outbox.recent({ limit: 20, customerId: home.customer.id })).filter(
    (m) => m.kind === 'payment_link',
  );

describe('what is owed, per supply, typed', () => {
  it('tells a dual-fuel customer what the gas and then the electricity owe, and sends a link only once asked', async () => {
    const turin = await dualFuelTurin(stores);
    const chat = await chatAs(turin);
    const gas = await ask(chat, 'qnt devo pagare x il gas 🔥');
    expect(gas.body).toContain(`Per il gas devi ${euro(owedOn(turin, 'gas'))}`);
    expect(gas.body).not.toContain('In tutto');
    expect(gas.body).not.toContain('/pay/');
    const light = await ask(chat, 'e x la luce??');
    expect(light.body).toContain(`Per la luce devi ${euro(owedOn(turin, 'electricity'))}`);
    const each = await ask(chat, 'quanto devo per ogni fornitura');
    expect(each.body).toContain(`Per la luce devi ${euro(owedOn(turin, 'electricity'))}`);
    expect(each.body).toContain(`Per il gas devi ${euro(owedOn(turin, 'gas'))}`);
    // Nothing was asked to be sent: no link in the outbox.
    expect(await paymentLinks(turin)).toEqual([]);
    const sent = await ask(chat, 'sì grazie');
    expect(sent.body).toContain('Paga da qui: http://localhost:3000/pay/');
    const links = await paymentLinks(turin);
    expect(links).toHaveLength(1);
    expect(links[0]).toMatchObject({ medium: 'sms', recipient: turin.customer.phone });
    await chat.close();
  });

  it('breaks down what a customer with three supplies owes, and says the paid one owes nothing', async () => {
    const bologna = await threeSuppliesBologna(stores);
    const chat = await chatAs(bologna, b);
    const each = await ask(chat, 'qnt devo x ciascuna fornitura??');
    expect(each.body).toContain(`Per il gas devi ${euro(owedOn(bologna, 'gas'))}`);
    expect(each.body).toContain(`Per l'acqua devi ${euro(owedOn(bologna, 'water'))}`);
    expect(each.body).not.toContain('In tutto');
    const water = await ask(chat, "quanto devo pagà x l'acqua 💧");
    expect(water.body).toContain(`Per l'acqua devi ${euro(owedOn(bologna, 'water'))}`);
    expect(water.body).not.toContain('gas');
    expect(owedOn(bologna, 'electricity')).toBe(0);
    const light = await ask(chat, 'e la corrente?');
    expect(light.body).toBe('Per la luce non devi niente: è tutto pagato.');
    expect(await paymentLinks(bologna)).toEqual([]);
    await chat.close();
  });
});

describe('a month’s bill with several supplies', () => {
  it('asks a dual-fuel customer which supply with a button for each, and answers the one pressed', async () => {
    const turin = await dualFuelTurin(stores);
    const chat = await chatAs(turin);
    const which = await ask(chat, "com'era la bolleta di marzo?");
    expect(which.body).toBe('Di quale fornitura: luce o gas?');
    expect(which.quickReplies).toEqual([
      { label: 'Luce', value: 'slot:electricity' },
      { label: 'Gas', value: 'slot:gas' },
    ]);
    const march = turin.bills.gas!.find((bill) => bill.issuedOn.startsWith('2026-03'))!;
    const gas = await press(chat, 'slot:gas');
    expect(gas.body).toContain('del gas');
    expect(gas.body).toContain(euro(march.amountCents));
    await chat.close();
  });

  it('offers a customer with three supplies three buttons and takes the supply typed instead', async () => {
    const bologna = await threeSuppliesBologna(stores);
    const chat = await chatAs(bologna, b);
    const which = await ask(chat, 'la bolletta di marzo x favore');
    expect(which.body).toBe('Di quale fornitura: luce, gas o acqua?');
    expect(which.quickReplies.map((q) => q.value)).toEqual(['slot:electricity', 'slot:gas', 'slot:water']);
    const water = await ask(chat, "quella dell'acqua 💧");
    expect(water.body).toContain("dell'acqua");
    expect(water.body).not.toContain('Di quale fornitura');
    await chat.close();
  });
});

describe('when the bot does not understand', () => {
  it('offers a person after two misunderstood lines instead of saying goodbye, and queues the chat on "sì"', async () => {
    const turin = await dualFuelTurin(stores);
    const chat = await chatAs(turin);
    const first = await ask(chat, "mo quant'aggia pavà?");
    expect(first.body).toContain('non ho capito');
    const second = await ask(chat, 'boh 🤷‍♀️ nn so');
    expect(second.body).toContain('Vuoi parlare con una persona?');
    expect(second.body).not.toContain('A presto');
    expect(second.quickReplies[0]).toEqual({ label: 'Parla con una persona', value: 'person' });
    const third = await ask(chat, 'uffa');
    expect(third.body).toContain('Vuoi parlare con una persona?');
    const before = chat.lastSeq();
    chat.send({ type: 'message', text: 'sì' });
    const queued = await chat.next('system', before);
    expect(queued.body).toContain('Ti passo a un consulente');
    expect((await stores.chats.conversation(chat.ready.conversationId))?.status).toBe('waiting');
    await chat.close();
  });
});

describe('the payment link in the chat', () => {
  it('shows it to a customer who allows no SMS or e-mail, says it was not sent, and sends nothing', async () => {
    const turin = await dualFuelTurin(stores);
    for (const medium of ['sms', 'email'] as const)
      await stores.customers.recordConsent(turin.customer.id, {
        purpose: 'contact',
        medium,
        granted: false,
        givenAt: HOUSEHOLD_NOW,
        source: 'web_form',
      });
    const chat = await chatAs(turin);
    const shown = await ask(chat, 'voglio pagare la bolletta');
    const owed = owedOn(turin, 'gas') + owedOn(turin, 'electricity');
    expect(shown.body).toMatch(
      new RegExp(`^Da pagare: ${euro(owed)}\\. Paga da qui: http://localhost:3000/pay/\\S+ Non te lo mando`),
    );
    expect(await stores.outbox.recent({ limit: 20, customerId: turin.customer.id })).toEqual([]);
    await chat.close();
  });
});

describe('the chat on a bill’s page', () => {
  it('explains the bill the page shows first, though another rose more', async () => {
    const turin = await dualFuelTurin(stores);
    const shownBill = turin.bills.electricity!.at(-1)!;
    const opening = await stores.interactions.record({
      customerId: turin.customer.id,
      channel: 'web',
      touchpoint: 'bill_page',
      direction: 'inbound',
      reason: 'billing',
      startedAt: HOUSEHOLD_NOW,
      outcome: 'resolved',
      details: { billId: shownBill.id },
    });
    const visit = signVisit(
      a.links,
      { customerId: turin.customer.id, touchpoint: 'bill_page', contactId: opening.id },
      HOUSEHOLD_NOW,
    );
    const chat = await visitor(b.url, { visit });
    await chat.next('bot', 0);
    const why = await ask(chat, 'perché è aumentata la bolletta?');
    expect(why.body).toMatch(/^La tua ultima bolletta della luce è di/);
    expect(why.body).toContain(euro(shownBill.amountCents));
    expect(why.body).not.toContain('del gas');
    await chat.close();

    // The same question in the widget elsewhere starts with the bill that rose most (gas).
    const elsewhere = await chatAs(turin);
    expect((await ask(elsewhere, 'perché è aumentata la bolletta?')).body).toMatch(
      /^Sono aumentate due bollette/,
    );
    await elsewhere.close();
  });
});
