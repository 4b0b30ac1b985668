import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { Locale } from '../../core/index.ts';

/** The ASK CLI skill package this module reads: skill.json and one interaction model per locale. */
export const skillPackageDir = fileURLToPath(new URL('../skill-package/', import.meta.url));

// Only the parts of the ASK schemas this product uses; strict where a typo would silently drop data.
const SlotName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/);
const Utterance = z.string().trim().min(1);

const LanguageModelSlot = z.strictObject({
  name: SlotName,
  type: z.string().min(1),
  /** Utterances Alexa accepts while it elicits this slot. */
  samples: z.array(Utterance).default([]),
});

const LanguageModelIntent = z.strictObject({
  name: z.string().regex(/^(AMAZON\.)?[A-Za-z][A-Za-z0-9_]*$/),
  slots: z.array(LanguageModelSlot).default([]),
  samples: z.array(Utterance).default([]),
});

const SlotTypeValue = z.strictObject({
  id: z.string().min(1),
  name: z.strictObject({ value: z.string().min(1), synonyms: z.array(z.string().min(1)).default([]) }),
});

const SlotType = z.strictObject({ name: z.string().min(1), values: z.array(SlotTypeValue).min(1) });

const DialogSlot = z.object({
  name: SlotName,
  type: z.string().min(1),
  elicitationRequired: z.boolean().default(false),
  confirmationRequired: z.boolean().default(false),
  prompts: z.object({ elicitation: z.string().optional(), confirmation: z.string().optional() }).default({}),
  validations: z
    .array(z.object({ type: z.string().min(1), prompt: z.string().min(1), value: z.string().optional() }))
    .default([]),
});

const DialogIntent = z.object({
  name: z.string().min(1),
  confirmationRequired: z.boolean().default(false),
  prompts: z.object({ confirmation: z.string().optional() }).default({}),
  slots: z.array(DialogSlot).default([]),
});

const Prompt = z.object({
  id: z.string().min(1),
  variations: z.array(z.object({ type: z.enum(['PlainText', 'SSML']), value: z.string().min(1) })).min(1),
});

/** The JSON of `interactionModels/custom/<locale>.json`, as `ask deploy` uploads it. */
export const InteractionModelFile = z.object({
  interactionModel: z.object({
    languageModel: z.object({
      invocationName: z.string().regex(/^[\p{Ll}' ]+$/u, 'lower case words'),
      intents: z.array(LanguageModelIntent).min(1),
      types: z.array(SlotType).default([]),
    }),
    dialog: z
      .object({
        intents: z.array(DialogIntent).default([]),
        delegationStrategy: z.enum(['ALWAYS', 'SKILL_RESPONSE']).default('ALWAYS'),
      })
      .optional(),
    prompts: z.array(Prompt).default([]),
  }),
});
export type InteractionModelFile = z.infer<typeof InteractionModelFile>;

/** A slot of an intent, with how the dialog model treats it. */
export interface SlotModel {
  name: string;
  /** `AMAZON.DATE`, `AMAZON.NUMBER`, … or a custom type named in {@link InteractionModel.slotTypes}. */
  type: string;
  /** Utterances accepted while the slot is being elicited, e.g. `at {time}`. */
  samples: string[];
  /** The dialog model elicits this slot when it is missing. */
  elicitationRequired: boolean;
  confirmationRequired: boolean;
}

export interface IntentModel {
  /** `WhatDoIOweIntent`, `AMAZON.HelpIntent`, … */
  name: string;
  /** Sample utterances with `{slot}` references; empty for built-ins that Alexa supplies. */
  samples: string[];
  slots: SlotModel[];
  /** The dialog model asks the user to confirm the whole intent before it is fulfilled. */
  confirmationRequired: boolean;
}

/** A value of a custom slot type; `id` is the stable key handlers receive through entity resolution. */
export interface SlotTypeValueModel {
  id: string;
  value: string;
  synonyms: string[];
}

export interface InteractionModel {
  locale: Locale;
  invocationName: string;
  intents: IntentModel[];
  slotTypes: { name: string; values: SlotTypeValueModel[] }[];
  /** Prompt texts by id (first variation first), as the dialog model speaks them. */
  prompts: Record<string, string[]>;
  /** The raw, validated file, for checks that need every field. */
  file: InteractionModelFile;
}

/** The `{slot}` names an utterance or prompt references, in order. */
export function slotReferences(text: string): string[] {
  return [...text.matchAll(/\{([^{}]*)\}/g)].map((match) => match[1] ?? '');
}

/** Validates an interaction model's JSON and flattens it: each intent with its samples, slots and dialog rules. */
export function parseInteractionModel(locale: Locale, json: unknown): InteractionModel {
  const file = InteractionModelFile.parse(json);
  const { languageModel, dialog, prompts } = file.interactionModel;
  const dialogIntents = new Map((dialog?.intents ?? []).map((intent) => [intent.name, intent]));
  return {
    locale,
    invocationName: languageModel.invocationName,
    intents: languageModel.intents.map((intent) => {
      const rules = dialogIntents.get(intent.name);
      return {
        name: intent.name,
        samples: intent.samples,
        confirmationRequired: rules?.confirmationRequired ?? false,
        slots: intent.slots.map((slot) => {
          const slotRules = rules?.slots.find((candidate) => candidate.name === slot.name);
          return {
            name: slot.name,
            type: slot.type,
            samples: slot.samples,
            elicitationRequired: slotRules?.elicitationRequired ?? false,
            confirmationRequired: slotRules?.confirmationRequired ?? false,
          };
        }),
      };
    }),
    slotTypes: languageModel.types.map((type) => ({
      name: type.name,
      values: type.values.map((value) => ({ id: value.id, ...value.name })),
    })),
    prompts: Object.fromEntries(
      prompts.map((prompt) => [prompt.id, prompt.variations.map((variation) => variation.value)]),
    ),
    file,
  };
}

export interface LoadOptions {
  /** Another skill package folder (tests, a customised copy); defaults to the one shipped in voice/. */
  dir?: string;
}

/** Reads and validates the interaction model the skill package ships for `locale`. */
export async function loadInteractionModel(
  locale: Locale,
  options: LoadOptions = {},
): Promise<InteractionModel> {
  const path = join(options.dir ?? skillPackageDir, 'interactionModels', 'custom', `${locale}.json`);
  return parseInteractionModel(locale, JSON.parse(await readFile(path, 'utf8')));
}

/** The parts of skill.json the product relies on. */
export const SkillManifestFile = z.object({
  manifest: z.object({
    manifestVersion: z.string(),
    publishingInformation: z.object({
      locales: z.record(
        z.string(),
        z.object({
          name: z.string().min(1),
          summary: z.string().min(1),
          examplePhrases: z.array(z.string()),
        }),
      ),
    }),
    privacyAndCompliance: z.object({
      usesPersonalInfo: z.boolean(),
      allowsPurchases: z.boolean(),
      isChildDirected: z.boolean(),
      containsAds: z.boolean(),
      locales: z.record(
        z.string(),
        z.object({ privacyPolicyUrl: z.url(), termsOfUseUrl: z.url().optional() }),
      ),
    }),
    permissions: z.array(z.object({ name: z.string() })).default([]),
    apis: z.object({
      custom: z.object({
        endpoint: z.object({
          uri: z.url(),
          sslCertificateType: z.enum(['SelfSigned', 'Wildcard', 'Trusted']),
        }),
      }),
    }),
  }),
});
export type SkillManifestFile = z.infer<typeof SkillManifestFile>;

/** Reads and validates the skill package's skill.json. */
export async function loadSkillManifest(options: LoadOptions = {}): Promise<SkillManifestFile> {
  const path = join(options.dir ?? skillPackageDir, 'skill.json');
  return SkillManifestFile.parse(JSON.parse(await readFile(path, 'utf8')));
}
