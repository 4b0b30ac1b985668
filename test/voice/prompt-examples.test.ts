import { beforeAll, describe, expect, it } from 'vitest';
import { locales, type Locale, type Supply } from '../../core/index.ts';
import { alexaMessages } from '../../voice/alexa/alexa-messages.ts';
import { customerIntentNames } from '../../voice/alexa/alexa-skill.ts';
import { alexaIntentName } from '../../voice/alexa/alexa-turns.ts';
import { spokenSlotValue } from '../../voice/alexa/chat/slot-values.ts';
import { createUtteranceMatcher, type UtteranceMatcher } from '../../voice/alexa/chat/utterance-matcher.ts';
import { loadInteractionModel, type InteractionModel } from '../../voice/alexa/intent-models.ts';
import { appointmentMessages } from '../../core/conversation/appointment-messages.ts';
import { billMessages } from '../../core/conversation/bill-messages.ts';
import { serviceMessages } from '../../core/conversation/service-messages.ts';

// Every example a prompt puts in the customer's mouth must work when said back: a value (or a
// synonym) of the slot the prompt asks for, or a sentence the model understands. Walked for
// every prompt that suggests something, in both languages, through the simulated Alexa.

const today = '2026-03-16';
const models = {} as Record<Locale, InteractionModel>;
const matchers = {} as Record<Locale, UtteranceMatcher>;

beforeAll(async () => {
  for (const locale of locales) {
    models[locale] = await loadInteractionModel(locale);
    matchers[locale] = createUtteranceMatcher(models[locale]);
  }
});

/** What a prompt's examples must be: values of a slot being elicited, or requests of their own. */
type Target = { slot: [intent: string, slot: string] } | { request: 'custom' | string };

interface Prompt {
  name: string;
  text: string;
  /** The words after which the examples are listed. */
  after: RegExp;
  target: Target;
  /** Examples said with a value after them ("say: my code is, and then the code"). */
  completedWith?: string;
}

const supply = (kind: Supply['kind']): Supply => ({ accountId: kind, kind, street: '', sharesKind: false });
const at = (time: string) => new Date(`2026-03-23T${time}:00+01:00`);

function prompts(locale: Locale): Prompt[] {
  const a = appointmentMessages[locale];
  const b = billMessages[locale];
  const s = serviceMessages[locale];
  const x = alexaMessages[locale];
  const it = locale === 'it-IT';
  const plain = (ssml: string) => ssml.replace(/<[^>]+>/g, '').replace(/&apos;/g, "'");
  const book = (slot: string): Target => ({ slot: ['BookConsultationIntent', slot] });
  const free = [at('09:05'), at('09:50'), at('10:35')];
  const when = { day: '2026-03-23', at: at('09:50') };
  const model = models[locale].prompts;
  return [
    {
      name: 'askTopic',
      text: a.askTopic(),
      after: it ? /per esempio/i : /for example/i,
      target: book('topic'),
    },
    {
      name: 'topicNotUnderstood',
      text: a.topicNotUnderstood({ choices: ['billing', 'payments', 'contract', 'moving', 'technical'] }),
      after: it ? /scegliere tra/ : /choose/,
      target: book('topic'),
    },
    {
      name: 'noAdvisorFor',
      text: a.noAdvisorFor({ topic: 'moving', choices: ['billing', 'payments', 'contract', 'technical'] }),
      after: it ? /scegliere tra/ : /choose/,
      target: book('topic'),
    },
    {
      name: 'dayNotUnderstood',
      text: a.dayNotUnderstood(),
      after: it ? /per esempio:/ : /for example:/,
      target: book('date'),
    },
    {
      name: 'askTime',
      text: a.askTime({ day: when.day, today, free }),
      after: it ? /per esempio/i : /for example/i,
      target: book('time'),
    },
    {
      name: 'taken',
      text: a.taken({ when, today, free }),
      after: it ? /vicini sono/ : /times are/,
      target: book('time'),
    },
    {
      name: 'noSlotsOn',
      text: a.noSlotsOn({ day: '2026-03-22', today, next: free.map((t) => ({ day: when.day, at: t })) }),
      after: it ? /marzo, alle/ : /, at/,
      target: book('time'),
    },
    {
      name: 'none',
      text: a.none(),
      after: it ? /dimmi:/ : /say:/,
      target: { request: 'BookConsultationIntent' },
    },
    {
      name: 'askSupply',
      text: b.askSupply({ supplies: [supply('electricity'), supply('gas'), supply('water')] }),
      after: it ? /fornitura:/ : /supply:/,
      target: { slot: ['BillDetailIntent', 'supply'] },
    },
    {
      name: 'offerBreakdown',
      text: b.offerBreakdown(),
      after: it ? /ti dico/ : /tell you/,
      target: { request: 'WhatDoIOweIntent' },
    },
    {
      name: 'linked',
      text: s.linked(),
      after: it ? /per esempio:/ : /for example:/,
      target: { request: 'WhatDoIOweIntent' },
    },
    {
      name: 'welcomeReprompt',
      text: plain(x.welcomeReprompt()),
      after: it ? /per esempio:/ : /for example:/,
      target: { request: 'custom' },
    },
    {
      name: 'help',
      text: plain(x.help()),
      after: it ? /chiedere:/ : /asking:/,
      target: { request: 'custom' },
    },
    {
      name: 'fallback',
      text: plain(x.fallback()),
      after: it ? /chiedi:/ : /ask:/,
      target: { request: 'custom' },
    },
    {
      name: 'fallbackReprompt',
      text: plain(x.fallbackReprompt()),
      after: it ? /chiedere:/ : /ask:/,
      target: { request: 'custom' },
    },
    {
      name: 'linkAccount',
      text: plain(x.linkAccount()),
      after: it ? /dimmi:/ : /say:/,
      target: { request: 'LinkAccountIntent' },
      completedWith: '482913',
    },
    {
      name: 'linkAccountReprompt',
      text: plain(x.linkAccountReprompt()),
      after: it ? /dimmi:/ : /say:/,
      target: { request: 'LinkAccountIntent' },
      completedWith: '482913',
    },
    {
      name: 'model: Elicit.Slot.BookConsultation.topic',
      text: model['Elicit.Slot.BookConsultation.topic']?.[0] ?? '',
      after: it ? /per esempio/i : /for example/i,
      target: book('topic'),
    },
    {
      name: 'model: Elicit.Slot.BillDetail.supply',
      text: model['Elicit.Slot.BillDetail.supply']?.[0] ?? '',
      after: it ? /fornitura:/ : /supply:/,
      target: { slot: ['BillDetailIntent', 'supply'] },
    },
  ];
}

/** The examples listed after the marker, up to the end of that sentence. */
function examples(prompt: Prompt, locale: Locale): string[] {
  const found = prompt.after.exec(prompt.text);
  if (!found) return [];
  let list = prompt.text.slice(found.index + found[0].length).split(/[.?!](?:\s|$)/)[0] ?? '';
  if (prompt.completedWith) list = `${list.split(/,\s*(?:e poi|and then)\b/)[0]} ${prompt.completedWith}`;
  const joiners = locale === 'it-IT' ? '(?:o|e|oppure)' : '(?:or|and)';
  return list
    .split(new RegExp(`\\s*,\\s*(?:${joiners}\\s+)?|\\s+${joiners}\\s+`))
    .map((example) => example.trim())
    .filter(Boolean);
}

const customIntents = new Set(customerIntentNames.map(alexaIntentName));

describe('examples a prompt suggests', () => {
  for (const locale of locales) {
    it(`are all understood when said back, in every ${locale} prompt`, () => {
      const model = models[locale];
      const matcher = matchers[locale];
      const checked: string[] = [];
      for (const prompt of prompts(locale)) {
        const said = examples(prompt, locale);
        expect(said.length, `${prompt.name}: no examples found in "${prompt.text}"`).toBeGreaterThan(0);
        for (const example of said) {
          const where = `${locale} ${prompt.name}: "${example}"`;
          if ('slot' in prompt.target) {
            const [intent, slot] = prompt.target.slot;
            const captured = matcher.matchSlot(intent, slot, example)?.[slot];
            expect(captured, `${where} is not heard as the ${slot} of ${intent}`).toBeDefined();
            const type = model.intents.find((i) => i.name === intent)?.slots.find((s) => s.name === slot)
              ?.type as string;
            const value = spokenSlotValue(type, captured ?? '', {
              locale,
              today,
              slotTypes: model.slotTypes,
            });
            if (value.resolution)
              expect(value.resolution.match, `${where} is no ${type} value or synonym`).toBeDefined();
            else expect(value.value, `${where} is no ${type}`).toBeDefined();
          } else {
            const heard = matcher.match(example)?.intent ?? 'none';
            if (prompt.target.request === 'custom')
              expect(customIntents.has(heard), `${where} heard as ${heard}`).toBe(true);
            else expect(heard, where).toBe(prompt.target.request);
          }
          checked.push(example);
        }
      }
      // Each prompt listed its examples: the walk saw them all.
      expect(checked.length).toBeGreaterThan(30);
    });
  }
});
