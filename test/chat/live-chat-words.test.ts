import { describe, expect, it } from 'vitest';
import { understand } from '../../chat/chat-words.ts';

// Lines as customers type them in a chat: shorthand, missing accents, typos, emojis. The chat has
// no platform's language model, so each must reach the question (and the supply, the month) that
// the voice assistant's model would hear in it.

const today = '2026-04-20';

describe('what a typed Italian line asks', () => {
  it('hears what is owed on the supply named, however it is written', () => {
    for (const [line, supply] of [
      ['quanto devo per il gas', 'gas'],
      ['qnt devo pagare x il gas', 'gas'],
      ['qnt devo pagà x la luce??', 'electricity'],
      ['Quanto devo pagare per la corrente? 😩', 'electricity'],
      ["quanto vi devo per l'acqua", 'water'],
      ['quanto devo ancora x il metano 🔥🔥', 'gas'],
      ['quanto devo per ogni fornitura', 'each'],
      ['qnt devo x ciascuna utenza', 'each'],
      ['mi dite il saldo diviso per fornitura?', 'each'],
    ] as const) {
      expect(understand(line, 'it-IT', today), line).toEqual({
        kind: 'intent',
        intent: 'WhatDoIOwe',
        slots: { supply },
      });
    }
  });

  it('asks nothing of a supply when none or two are named, and never takes "quanto devo pagare" for a request to pay', () => {
    expect(understand('quanto devo pagare in tutto?', 'it-IT', today)).toEqual({
      kind: 'intent',
      intent: 'WhatDoIOwe',
      slots: {},
    });
    expect(understand('quanto devo x luce e gas', 'it-IT', today)).toEqual({
      kind: 'intent',
      intent: 'WhatDoIOwe',
      slots: {},
    });
    expect(understand('ho pagato la bolletta', 'it-IT', today).kind).not.toBe('intent');
    expect(understand('voglio pagare con la carta', 'it-IT', today)).toMatchObject({ intent: 'PayBill' });
    expect(understand('mandami il link x pagà', 'it-IT', today)).toMatchObject({ intent: 'PayBill' });
  });

  it('hears why a bill rose with the usual typos, on the supply named', () => {
    expect(understand('perke la bolleta e cosi alta 😡😡', 'it-IT', today)).toEqual({
      kind: 'intent',
      intent: 'WhyHigher',
      slots: {},
    });
    expect(understand('xke la luce è aumentata??', 'it-IT', today)).toEqual({
      kind: 'intent',
      intent: 'WhyHigher',
      slots: { supply: 'electricity' },
    });
    expect(understand('come mai il gas costa di più', 'it-IT', today)).toMatchObject({
      intent: 'WhyHigher',
      slots: { supply: 'gas' },
    });
  });

  it('takes a month for the latest one past, or the year written, and a few words on a supply as a follow-up', () => {
    expect(understand('bolletta di novembre', 'it-IT', today)).toEqual({
      kind: 'intent',
      intent: 'BillDetail',
      slots: { period: '2025-11' },
    });
    expect(understand('la bolletta della luce di marzo', 'it-IT', today)).toEqual({
      kind: 'intent',
      intent: 'BillDetail',
      slots: { supply: 'electricity', period: '2026-03' },
    });
    expect(understand("la bolletta della luce di marzo dell'anno scorso", 'it-IT', today)).toMatchObject({
      intent: 'BillDetail',
      slots: { supply: 'electricity', period: '2025-03' },
    });
    expect(understand('my water bill from march last year', 'en-US', today)).toMatchObject({
      intent: 'BillDetail',
      slots: { supply: 'water', period: '2025-03' },
    });
    expect(understand('fattura gas gennaio 2025', 'it-IT', today)).toMatchObject({
      intent: 'BillDetail',
      slots: { supply: 'gas', period: '2025-01' },
    });
    expect(understand('e x il gas 🔥', 'it-IT', today)).toEqual({ kind: 'supply', slots: { supply: 'gas' } });
    expect(understand("e l'acqua?", 'it-IT', today)).toEqual({ kind: 'supply', slots: { supply: 'water' } });
  });

  it('leaves dialect and noise not understood, and hears yes, no and a person', () => {
    expect(understand("mo quant'aggia pavà?", 'it-IT', today)).toEqual({ kind: 'fallback' });
    expect(understand('🤷‍♀️🤷‍♀️', 'it-IT', today)).toEqual({ kind: 'fallback' });
    expect(understand('sì grazie', 'it-IT', today)).toEqual({ kind: 'yes' });
    expect(understand('no grazie', 'it-IT', today)).toEqual({ kind: 'no' });
    expect(understand('fatemi parlare con un operatore x favore', 'it-IT', today)).toEqual({
      kind: 'person',
    });
  });
});

describe('what a typed English line asks', () => {
  it('hears what is owed on each supply or the one named', () => {
    expect(understand('how much do I owe for gas?', 'en-US', today)).toEqual({
      kind: 'intent',
      intent: 'WhatDoIOwe',
      slots: { supply: 'gas' },
    });
    expect(understand('how much do i owe u for each supply', 'en-US', today)).toMatchObject({
      intent: 'WhatDoIOwe',
      slots: { supply: 'each' },
    });
    expect(understand("what's my balance for power 💡", 'en-US', today)).toMatchObject({
      intent: 'WhatDoIOwe',
      slots: { supply: 'electricity' },
    });
    expect(understand('my november bill', 'en-US', today)).toMatchObject({
      intent: 'BillDetail',
      slots: { period: '2025-11' },
    });
  });
});
