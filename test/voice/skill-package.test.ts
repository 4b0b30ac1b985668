import { beforeAll, describe, expect, it } from 'vitest';
import { locales, type Locale } from '../../core/index.ts';
import {
  loadInteractionModel,
  loadSkillManifest,
  slotReferences,
  type IntentModel,
  type InteractionModel,
} from '../../voice/alexa/intent-models.ts';

// What the issue asks the skill to understand; the handlers' own test will compare against the code.
const customIntents = [
  'WhatDoIOweIntent',
  'LastPaymentIntent',
  'WhyHigherIntent',
  'BillDetailIntent',
  'PayBillIntent',
  'BookConsultationIntent',
  'NextAppointmentIntent',
  'MoveAppointmentIntent',
  'CancelAppointmentIntent',
  'TalkToPersonIntent',
  'LinkAccountIntent',
  'SatisfactionIntent',
];
const builtInIntents = [
  'AMAZON.HelpIntent',
  'AMAZON.StopIntent',
  'AMAZON.CancelIntent',
  'AMAZON.FallbackIntent',
  'AMAZON.NavigateHomeIntent',
  'AMAZON.YesIntent',
  'AMAZON.NoIntent',
];

const models = {} as Record<Locale, InteractionModel>;

beforeAll(async () => {
  for (const locale of locales) models[locale] = await loadInteractionModel(locale);
});

const names = (model: InteractionModel) => model.intents.map((intent) => intent.name).sort();
const intent = (model: InteractionModel, name: string): IntentModel => {
  const found = model.intents.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`${model.locale} has no ${name}`);
  return found;
};
// The shape that must not differ between languages: slots, their types and the dialog rules.
const shape = (model: InteractionModel) =>
  Object.fromEntries(
    model.intents.map((intent) => [
      intent.name,
      {
        confirmationRequired: intent.confirmationRequired,
        slots: intent.slots.map(({ name, type, elicitationRequired, confirmationRequired }) => ({
          name,
          type,
          elicitationRequired,
          confirmationRequired,
        })),
      },
    ]),
  );

describe('skill package', () => {
  it('lists both locales in skill.json with a privacy policy, an HTTPS endpoint and no permissions', async () => {
    const { manifest } = await loadSkillManifest();
    expect(Object.keys(manifest.publishingInformation.locales).sort()).toEqual([...locales].sort());
    expect(Object.keys(manifest.privacyAndCompliance.locales).sort()).toEqual([...locales].sort());
    expect(manifest.privacyAndCompliance.usesPersonalInfo).toBe(true);
    expect(manifest.privacyAndCompliance.allowsPurchases).toBe(false);
    expect(manifest.apis.custom.endpoint).toEqual({
      uri: 'https://pilot.example.com/alexa',
      sslCertificateType: 'Wildcard',
    });
    expect(manifest.permissions).toEqual([]);
  });

  it('defines the issue’s intents and the required built-ins, the same set in both languages', () => {
    for (const locale of locales) {
      expect(names(models[locale])).toEqual([...customIntents, ...builtInIntents].sort());
    }
  });

  it('gives every intent the same slots, slot types and dialog rules in both languages', () => {
    expect(shape(models['it-IT'])).toEqual(shape(models['en-US']));
    expect(models['it-IT'].file.interactionModel.dialog?.delegationStrategy).toBe(
      models['en-US'].file.interactionModel.dialog?.delegationStrategy,
    );
  });

  it('elicits topic, date and time for a booking and confirms it; confirms a cancellation', () => {
    for (const locale of locales) {
      const book = intent(models[locale], 'BookConsultationIntent');
      expect(book.confirmationRequired).toBe(true);
      expect(book.slots.map((slot) => [slot.name, slot.type, slot.elicitationRequired])).toEqual([
        ['topic', 'CONSULTATION_TOPIC', true],
        ['date', 'AMAZON.DATE', true],
        ['time', 'AMAZON.TIME', true],
      ]);
      expect(intent(models[locale], 'CancelAppointmentIntent').confirmationRequired).toBe(true);
      expect(intent(models[locale], 'LinkAccountIntent').slots).toMatchObject([
        { name: 'code', type: 'AMAZON.NUMBER' },
      ]);
      expect(intent(models[locale], 'SatisfactionIntent').slots).toMatchObject([
        { name: 'score', type: 'AMAZON.NUMBER' },
      ]);
    }
  });

  it('has at least eight sample utterances for every custom intent, in each language', () => {
    for (const locale of locales) {
      for (const name of customIntents) {
        expect(intent(models[locale], name).samples.length, `${locale} ${name}`).toBeGreaterThanOrEqual(8);
      }
    }
  });

  it('has the same custom slot values in both languages, each with synonyms', () => {
    const values = (locale: Locale) =>
      models[locale].slotTypes.map((type) => ({ name: type.name, ids: type.values.map((v) => v.id).sort() }));
    expect(values('it-IT')).toEqual(values('en-US'));
    expect(values('en-US')).toEqual([
      { name: 'CONSULTATION_TOPIC', ids: ['billing', 'contract', 'moving', 'payments', 'technical'] },
      { name: 'SUPPLY', ids: ['broadband', 'each', 'electricity', 'gas', 'telecom', 'water'] },
    ]);
    for (const locale of locales) {
      for (const type of models[locale].slotTypes) {
        for (const value of type.values) {
          expect(value.synonyms.length, `${locale} ${type.name}.${value.id}`).toBeGreaterThan(0);
        }
      }
    }
  });

  it('uses only slot types that are built in or defined by the model', () => {
    for (const locale of locales) {
      const custom = new Set(models[locale].slotTypes.map((type) => type.name));
      for (const { slots } of models[locale].intents) {
        for (const slot of slots) expect(slot.type.startsWith('AMAZON.') || custom.has(slot.type)).toBe(true);
      }
    }
  });

  it('references in each utterance, slot sample and prompt only slots its intent declares', () => {
    for (const locale of locales) {
      const model = models[locale];
      for (const { name, samples, slots } of model.intents) {
        const declared = slots.map((slot) => slot.name);
        for (const sample of samples) {
          for (const ref of slotReferences(sample))
            expect(declared, `${locale} ${name}: "${sample}"`).toContain(ref);
        }
        for (const slot of slots) {
          for (const sample of slot.samples) {
            expect(
              slotReferences(sample).length,
              `${locale} ${name}.${slot.name}: "${sample}"`,
            ).toBeGreaterThan(0);
            for (const ref of slotReferences(sample)) expect(declared).toContain(ref);
          }
        }
      }
      for (const rules of model.file.interactionModel.dialog?.intents ?? []) {
        const declared = intent(model, rules.name).slots.map((slot) => slot.name);
        const ids = [
          rules.prompts.confirmation,
          ...rules.slots.flatMap((slot) => [
            slot.prompts.elicitation,
            slot.prompts.confirmation,
            ...slot.validations.map((validation) => validation.prompt),
          ]),
        ].filter((id): id is string => id !== undefined);
        for (const slot of rules.slots) expect(declared, `${locale} ${rules.name}`).toContain(slot.name);
        for (const id of ids) {
          const texts = model.prompts[id];
          expect(texts, `${locale} prompt ${id}`).toBeDefined();
          for (const text of texts ?? []) {
            for (const ref of slotReferences(text))
              expect(declared, `${locale} ${id}: "${text}"`).toContain(ref);
          }
        }
      }
    }
  });

  it('writes utterances as Alexa accepts them: lower case words, no digits or punctuation', () => {
    for (const locale of locales) {
      for (const { name, samples, slots } of models[locale].intents) {
        for (const sample of [...samples, ...slots.flatMap((slot) => slot.samples)]) {
          expect(sample, `${locale} ${name}`).toMatch(
            /^(?:[\p{Ll}'.]+|\{[A-Za-z]\w*\})(?: (?:[\p{Ll}'.]+|\{[A-Za-z]\w*\}))*$/u,
          );
        }
      }
    }
  });

  it('never gives two intents the same utterance, even when only the slot names differ', () => {
    for (const locale of locales) {
      const model = models[locale];
      const owner = new Map<string, string>();
      for (const { name, samples, slots } of model.intents) {
        const types = new Map(slots.map((slot) => [slot.name, slot.type]));
        for (const sample of samples) {
          // Alexa matches on the slot's type, so "{code}" and "{score}" (both numbers) are the same utterance.
          const key = sample.replace(/\{(\w+)\}/g, (_, slot: string) => `{${types.get(slot)}}`);
          const previous = owner.get(key);
          expect(previous, `${locale}: "${sample}" in ${name} and ${previous}`).toBeUndefined();
          owner.set(key, name);
        }
      }
    }
  });

  it('calls the skill by an invocation name of its own in each language', () => {
    expect(models['it-IT'].invocationName).toBe('assistente bollette');
    expect(models['en-US'].invocationName).toBe('bill assistant');
  });
});
