import { beforeAll, describe, expect, it } from 'vitest';
import { locales, type Locale } from '../../../core/index.ts';
import {
  createUtteranceMatcher,
  type UtteranceMatcher,
} from '../../../voice/alexa/chat/utterance-matcher.ts';
import { loadInteractionModel, type InteractionModel } from '../../../voice/alexa/intent-models.ts';

const models = {} as Record<Locale, InteractionModel>;
const matchers = {} as Record<Locale, UtteranceMatcher>;

beforeAll(async () => {
  for (const locale of locales) {
    models[locale] = await loadInteractionModel(locale);
    matchers[locale] = createUtteranceMatcher(models[locale]);
  }
});

// What a user would say for a slot of each type; chosen so that no two types could read the same words.
function sensibleValue(model: InteractionModel, type: string): string {
  const italian = model.locale === 'it-IT';
  const byType: Record<string, string> = {
    'AMAZON.DATE': italian ? 'domani' : 'tomorrow',
    'AMAZON.TIME': '10:30',
    'AMAZON.NUMBER': '8',
  };
  return byType[type] ?? model.slotTypes.find((slotType) => slotType.name === type)?.values[0]?.value ?? 'x';
}

describe('the utterance matcher on the shipped interaction models', () => {
  for (const locale of locales) {
    it(`matches every sample of every custom intent in ${locale} to its own intent and slots`, () => {
      const model = models[locale];
      const failures: string[] = [];
      for (const intent of model.intents.filter((candidate) => !candidate.name.startsWith('AMAZON.'))) {
        for (const sample of intent.samples) {
          const slots: Record<string, string> = {};
          const said = sample.replace(/\{(\w+)\}/g, (_, name: string) => {
            const type = intent.slots.find((slot) => slot.name === name)?.type ?? '';
            slots[name] = sensibleValue(model, type);
            return slots[name];
          });
          const found = matchers[locale].match(said);
          if (found?.intent !== intent.name || JSON.stringify(found.slots) !== JSON.stringify(slots)) {
            failures.push(
              `"${said}" → ${JSON.stringify(found)}, expected ${intent.name} ${JSON.stringify(slots)}`,
            );
          }
        }
      }
      expect(failures).toEqual([]);
    });

    it(`matches every slot sample in ${locale} while that slot is being elicited`, () => {
      const model = models[locale];
      for (const intent of model.intents) {
        for (const slot of intent.slots) {
          for (const sample of slot.samples) {
            // A slot sample may carry other slots of the intent too: "{date} at {time}".
            const filled: Record<string, string> = {};
            const said = sample.replace(/\{(\w+)\}/g, (_, name: string) => {
              const type = intent.slots.find((s) => s.name === name)?.type ?? '';
              filled[name] = sensibleValue(model, type);
              return filled[name];
            });
            expect(matchers[locale].matchSlot(intent.name, slot.name, said), said).toEqual(filled);
          }
        }
      }
    });
  }
});

describe('matching Italian sentences', () => {
  const match = (text: string) => matchers['it-IT'].match(text);

  it('ignores case, punctuation and accents but captures the words as typed', () => {
    expect(match('Qual e il mio saldo?')).toEqual({ intent: 'WhatDoIOweIntent', slots: {} });
    expect(match('PERCHE la bolletta è così alta!!')).toEqual({ intent: 'WhyHigherIntent', slots: {} });
    expect(match('Prenota un appuntamento per Lunedì')).toEqual({
      intent: 'BookConsultationIntent',
      slots: { date: 'Lunedì' },
    });
  });

  it('captures several slots, keeping the words of each', () => {
    expect(match('prenotami una consulenza su cambio casa domani alle dieci e mezza')).toEqual({
      intent: 'BookConsultationIntent',
      slots: { topic: 'cambio casa', date: 'domani', time: 'dieci e mezza' },
    });
    expect(match('il mio codice è 1 2 3 4 5 6')).toEqual({
      intent: 'LinkAccountIntent',
      slots: { code: '1 2 3 4 5 6' },
    });
  });

  it('splits adjacent slots where each part makes sense for its type', () => {
    expect(match('voglio un appuntamento per lettura del contatore lunedì prossimo')).toEqual({
      intent: 'BookConsultationIntent',
      slots: { topic: 'lettura del contatore', date: 'lunedì prossimo' },
    });
    // A topic followed at once by its day, with or without "per", as customers say it.
    for (const said of [
      'prenota una videoconsulenza su bollette mercoledì alle 11:05',
      'prenota una videoconsulenza sulle bollette per mercoledì alle 11:05',
    ]) {
      expect(match(said)).toEqual({
        intent: 'BookConsultationIntent',
        slots: { topic: 'bollette', date: 'mercoledì', time: '11:05' },
      });
    }
    expect(match('prenota una videoconsulenza su bollette mercoledì')).toEqual({
      intent: 'BookConsultationIntent',
      slots: { topic: 'bollette', date: 'mercoledì' },
    });
  });

  it('prefers a full sample to a built-in keyword: "annulla l\'appuntamento" is not Cancel', () => {
    expect(match("Annulla l'appuntamento")?.intent).toBe('CancelAppointmentIntent');
    expect(match('annulla')?.intent).toBe('AMAZON.CancelIntent');
  });

  it.each([
    ['sì', 'AMAZON.YesIntent'],
    ['si certo', 'AMAZON.YesIntent'],
    ['va bene, grazie', 'AMAZON.YesIntent'],
    ['confermo', 'AMAZON.YesIntent'],
    ['no grazie', 'AMAZON.NoIntent'],
    ['aiuto', 'AMAZON.HelpIntent'],
    ['cosa sai fare?', 'AMAZON.HelpIntent'],
    ['Alexa, basta', 'AMAZON.StopIntent'],
    ['arrivederci', 'AMAZON.StopIntent'],
    ['torna alla home', 'AMAZON.NavigateHomeIntent'],
    ['vorrei una pizza', 'AMAZON.FallbackIntent'],
    ['sì e no', 'AMAZON.FallbackIntent'],
  ])('recognises "%s" as %s', (text, intent) => {
    expect(match(text)).toEqual({ intent, slots: {} });
  });

  // Everyday words customers tried that the assistant did not understand, as they said them.
  it.each([
    ["ma l'ho pagata o no", 'LastPaymentIntent', {}],
    ['ho pagato la bolletta?', 'LastPaymentIntent', {}],
    ['quanto pago di luce', 'WhatDoIOweIntent', { supply: 'luce' }],
    ["quant'è la bolletta della luce", 'BillDetailIntent', { supply: 'della luce' }],
    [
      'la bolletta della luce del mese scorso',
      'BillDetailIntent',
      { supply: 'della luce', period: 'mese scorso' },
    ],
    ['mandami il link per pagare la bolletta', 'PayBillIntent', {}],
    ['fammi parlare con una persona', 'TalkToPersonIntent', {}],
    ['vorrei una videochiamata con un consulente', 'BookConsultationIntent', {}],
  ])('understands "%s" as %s', (text, intent, slots) => {
    expect(match(text)).toEqual({ intent, slots });
  });

  it('strips the invocation and recognises a bare invocation as opening the skill', () => {
    expect(match('apri assistente bollette')).toBeUndefined();
    expect(match('Alexa, chiedi ad assistente bollette')).toBeUndefined();
    expect(match('chiedi a assistente bollette quanto devo pagare')?.intent).toBe('WhatDoIOweIntent');
    expect(match('chiedi ad assistente bollette se ho bollette da pagare')?.intent).toBe('WhatDoIOweIntent');
    expect(match('chiedi a assistente bollette di che tempo fa')?.intent).toBe('AMAZON.FallbackIntent');
  });
});

describe('matching English sentences', () => {
  const match = (text: string) => matchers['en-US'].match(text);

  it('prefers a full sample to a built-in keyword: "cancel my appointment" is not Cancel', () => {
    expect(match('Cancel my appointment.')?.intent).toBe('CancelAppointmentIntent');
    expect(match('cancel')?.intent).toBe('AMAZON.CancelIntent');
  });

  it.each([
    ['yes please', 'AMAZON.YesIntent'],
    ['okay', 'AMAZON.YesIntent'],
    ['nope', 'AMAZON.NoIntent'],
    ['no thank you', 'AMAZON.NoIntent'],
    ['what can you do', 'AMAZON.HelpIntent'],
    ['goodbye', 'AMAZON.StopIntent'],
    ['home', 'AMAZON.NavigateHomeIntent'],
    ['sing me a song', 'AMAZON.FallbackIntent'],
  ])('recognises "%s" as %s', (text, intent) => {
    expect(match(text)).toEqual({ intent, slots: {} });
  });

  it('strips the invocation and its joining word', () => {
    expect(match('open bill assistant')).toBeUndefined();
    expect(match('ask bill assistant to pay my bill')?.intent).toBe('PayBillIntent');
    expect(match("Alexa, ask bill assistant what's my balance")?.intent).toBe('WhatDoIOweIntent');
    expect(match('tell bill assistant my code is 4 2')).toEqual({
      intent: 'LinkAccountIntent',
      slots: { code: '4 2' },
    });
  });

  it('captures a time with its am or pm', () => {
    expect(match('book an appointment on Monday at 3 pm')).toEqual({
      intent: 'BookConsultationIntent',
      slots: { date: 'Monday', time: '3 pm' },
    });
  });
});

describe('matching the answer to an elicited slot', () => {
  it('takes the bare value, a slot sample, or a full sample of the same intent', () => {
    const it_ = matchers['it-IT'];
    expect(it_.matchSlot('BookConsultationIntent', 'date', 'domani')).toEqual({ date: 'domani' });
    expect(it_.matchSlot('BookConsultationIntent', 'time', 'verso le 10')).toEqual({ time: '10' });
    expect(it_.matchSlot('BookConsultationIntent', 'topic', 'si tratta di un guasto')).toEqual({
      topic: 'un guasto',
    });
    expect(it_.matchSlot('BookConsultationIntent', 'date', 'prenota un appuntamento per domani')).toEqual({
      date: 'domani',
    });
    expect(
      it_.matchSlot('BookConsultationIntent', 'date', 'fissa una videoconsulenza per venerdì alle 11'),
    ).toEqual({ date: 'venerdì', time: '11' });
    expect(matchers['en-US'].matchSlot('MoveAppointmentIntent', 'time', 'around half past two')).toEqual({
      time: 'half past two',
    });
  });

  it('gives way to a built-in or another request said instead of the value', () => {
    const it_ = matchers['it-IT'];
    expect(it_.matchSlot('BookConsultationIntent', 'topic', 'stop')).toBeUndefined();
    expect(it_.matchSlot('LinkAccountIntent', 'code', 'quanto devo pagare')).toBeUndefined();
    expect(matchers['en-US'].matchSlot('BookConsultationIntent', 'date', 'help')).toBeUndefined();
  });

  it('still captures words that make no value when they are nothing else, as Alexa sends an empty slot', () => {
    expect(matchers['it-IT'].matchSlot('BookConsultationIntent', 'date', 'boh')).toEqual({ date: 'boh' });
    expect(matchers['it-IT'].matchSlot('BookConsultationIntent', 'topic', 'astrologia')).toEqual({
      topic: 'astrologia',
    });
  });

  it('refuses a slot the intent does not have', () => {
    expect(() => matchers['it-IT'].matchSlot('PayBillIntent', 'date', 'domani')).toThrow(/no slot date/);
  });
});

describe('a slot that would take another slot’s words', () => {
  /** The shipped model with only the bill-detail samples that name a period and no supply. */
  function periodOnly(locale: Locale): UtteranceMatcher {
    const model = models[locale];
    const intents = model.intents.map((intent) =>
      intent.name === 'BillDetailIntent'
        ? {
            ...intent,
            samples: intent.samples.filter((s) => s.includes('{period}') && !s.includes('{supply}')),
          }
        : intent,
    );
    return createUtteranceMatcher({ ...model, intents });
  }

  it('never reads a supply as part of a date, in either language', () => {
    expect(periodOnly('en-US').match('tell me about the november water bill')).toEqual({
      intent: 'AMAZON.FallbackIntent',
      slots: {},
    });
    expect(periodOnly('it-IT').match("la bolletta di novembre dell'acqua")).toEqual({
      intent: 'AMAZON.FallbackIntent',
      slots: {},
    });
    expect(periodOnly('en-US').match('tell me about the november bill')).toEqual({
      intent: 'BillDetailIntent',
      slots: { period: 'november' },
    });
  });

  it('still hands over words that make no date when they name nothing else, as Alexa sends an empty slot', () => {
    expect(periodOnly('en-US').match('tell me about the harvest moon bill')).toEqual({
      intent: 'BillDetailIntent',
      slots: { period: 'harvest moon' },
    });
  });

  it('gives the supply its own slot when a sample names both', () => {
    expect(matchers['en-US'].match('tell me about the november water bill')).toEqual({
      intent: 'BillDetailIntent',
      slots: { period: 'november', supply: 'water' },
    });
    expect(matchers['it-IT'].match("la bolletta di novembre dell'acqua")).toEqual({
      intent: 'BillDetailIntent',
      slots: { period: 'novembre', supply: "dell'acqua" },
    });
  });
});
