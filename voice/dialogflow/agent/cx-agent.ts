import { createHash } from 'node:crypto';
import { strToU8, zipSync } from 'fflate';
import type { Locale } from '../../../core/index.ts';
import { builtinPhrases, invocationForms } from '../../alexa/chat/builtin-phrases.ts';
import {
  loadInteractionModel,
  slotReferences,
  type InteractionModel,
  type LoadOptions,
} from '../../alexa/intent-models.ts';
import { ASKING_PARAMETER, END_PARAMETER } from '../dialogflow-webhook.ts';
import { cxEntityType, cxIntentName, cxLanguages, tagOf } from './agent-tags.ts';

// The Dialogflow CX agent as CX's JSON package (the layout ExportAgent writes and RestoreAgent and
// the console's Restore read), made from the Alexa interaction models: the same intents, samples
// as training phrases, slot types as entity types, and the webhook with one tag per step.

const WEBHOOK = 'channel-pilot';
const WELCOME = 'Default Welcome Intent';
const START_FLOW = 'Default Start Flow';

/** Example words a training phrase annotates for a system entity (CX learns the slot's place from them). */
const examples: Record<Locale, Record<string, string[]>> = {
  'en-US': {
    '@sys.date': ['tomorrow', 'friday', 'may 4'],
    '@sys.time': ['10:30', '3 pm', 'noon'],
    '@sys.number': ['8', 'nine'],
    '@sys.number-sequence': ['482913', '105577'],
  },
  'it-IT': {
    '@sys.date': ['domani', 'venerdì', '4 maggio'],
    '@sys.time': ['10:30', 'le 15', 'mezzogiorno'],
    '@sys.number': ['8', 'nove'],
    '@sys.number-sequence': ['482913', '105577'],
  },
};

export interface CxAgentOptions {
  displayName: string;
  /** The webhook's address: the public URL's `/dialogflow/webhook`. */
  webhookUrl: string;
  /**
   * The header the webhook's secret travels in and the Secret Manager version holding it
   * (`projects/P/secrets/S/versions/V`); without it the header is set in the console.
   */
  secretHeader?: { name: string; secretVersion: string } | undefined;
}

/** A stable resource id for a display name: the same package restores to the same resources. */
function idOf(kind: string, displayName: string): string {
  const hex = createHash('sha256').update(`${kind}:${displayName}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const fulfil = (tag: string) => ({ webhook: WEBHOOK, tag });

/** A training phrase of plain words. */
const plainPhrase = (locale: Locale, intent: string, text: string) => ({
  id: idOf('phrase', `${locale}:${intent}:${text}`),
  parts: [{ text }],
  repeatCount: 1,
  languageCode: cxLanguages[locale],
});

/** The questions the conversation asks, `Intent.slot`: one page each, whose form takes the answer. */
function questions(model: InteractionModel): { intent: string; slot: string; entityType: string }[] {
  return Object.keys(model.prompts)
    .map((id) => /^Elicit\.Slot\.(\w+)\.(\w+)$/.exec(id))
    .filter((match) => match !== null)
    .map(([, intent = '', slot = '']) => {
      const type = model.intents
        .find((i) => i.name === `${intent}Intent`)
        ?.slots.find((s) => s.name === slot);
      return { intent, slot, entityType: cxEntityType(type ?? { name: slot, type: '' }) };
    });
}

/** A sample as a CX training phrase: its `{slot}` references as annotated example words. */
function trainingPhrase(
  model: InteractionModel,
  intent: InteractionModel['intents'][number],
  sample: string,
  index: number,
) {
  const parts = sample
    .split(/(\{[^{}]+\})/)
    .filter((piece) => piece !== '')
    .map((piece) => {
      const [slotName] = /^\{[^{}]+\}$/.test(piece) ? slotReferences(piece) : [];
      const slot = intent.slots.find((s) => s.name === slotName);
      if (!slot) return { text: piece };
      const entityType = cxEntityType(slot);
      const values = model.slotTypes.find((t) => t.name === slot.type)?.values.map((v) => v.value) ??
        examples[model.locale][entityType] ?? [slot.name];
      return { text: values[index % values.length] ?? slot.name, parameterId: slot.name };
    });
  return {
    id: idOf('phrase', `${model.locale}:${intent.name}:${sample}`),
    parts,
    repeatCount: 1,
    languageCode: cxLanguages[model.locale],
  };
}

/**
 * The agent's files by path in the package, made from the interaction models (the first is the
 * agent's default language). `agent.json` names the package's digest, so that a provisioned
 * agent tells whether it is up to date.
 */
export function cxAgentFiles(
  models: readonly InteractionModel[],
  options: CxAgentOptions,
): Map<string, object> {
  const [main] = models;
  if (!main) throw new Error('an agent needs at least one interaction model');
  const files = new Map<string, object>();
  const intents = main.intents.filter((intent) => intent.name !== 'AMAZON.FallbackIntent');

  for (const intent of intents) {
    const displayName = cxIntentName(intent.name);
    files.set(`intents/${displayName}/${displayName}.json`, {
      name: idOf('intent', displayName),
      displayName,
      priority: 500000,
      parameters: intent.slots.map((slot) => ({ id: slot.name, entityType: cxEntityType(slot) })),
    });
    for (const model of models) {
      const same = model.intents.find((i) => i.name === intent.name);
      const phrases = intent.name.startsWith('AMAZON.')
        ? (builtinPhrases[model.locale][intent.name] ?? []).map((text) =>
            plainPhrase(model.locale, intent.name, text),
          )
        : (same?.samples ?? []).map((sample, index) => trainingPhrase(model, same ?? intent, sample, index));
      files.set(`intents/${displayName}/trainingPhrases/${cxLanguages[model.locale]}.json`, {
        trainingPhrases: phrases,
      });
    }
  }

  // Opening the agent is what opens the skill: "open bill assistant", "apri assistente bollette".
  files.set(`intents/${WELCOME}/${WELCOME}.json`, {
    name: '00000000-0000-0000-0000-000000000000',
    displayName: WELCOME,
    priority: 500000,
  });
  for (const model of models)
    files.set(`intents/${WELCOME}/trainingPhrases/${cxLanguages[model.locale]}.json`, {
      trainingPhrases: invocationForms[model.locale].launch.map((form) =>
        plainPhrase(model.locale, WELCOME, form.replace('{name}', model.invocationName)),
      ),
    });

  for (const type of main.slotTypes) {
    files.set(`entityTypes/${type.name}/${type.name}.json`, {
      name: idOf('entityType', type.name),
      displayName: type.name,
      kind: 'KIND_MAP',
      autoExpansionMode: 'AUTO_EXPANSION_MODE_UNSPECIFIED',
      enableFuzzyExtraction: true,
    });
    for (const model of models) {
      const values = model.slotTypes.find((t) => t.name === type.name)?.values ?? [];
      files.set(`entityTypes/${type.name}/entities/${cxLanguages[model.locale]}.json`, {
        entities: values.map((value) => ({
          value: value.id,
          synonyms: [...new Set([value.value, ...value.synonyms])],
          languageCode: cxLanguages[model.locale],
        })),
      });
    }
  }

  files.set(`webhooks/${WEBHOOK}.json`, {
    name: idOf('webhook', WEBHOOK),
    displayName: WEBHOOK,
    timeout: '5s',
    genericWebService: {
      uri: options.webhookUrl,
      ...(options.secretHeader
        ? {
            secretVersionsForRequestHeaders: {
              [options.secretHeader.name]: { secretVersion: options.secretHeader.secretVersion },
            },
          }
        : {}),
    },
  });

  const asked = questions(main);
  const flowDir = `flows/${START_FLOW}`;
  for (const question of asked) {
    const page = `${question.intent} ${question.slot}`;
    files.set(`${flowDir}/pages/${page}.json`, {
      name: idOf('page', page),
      displayName: page,
      form: {
        parameters: [
          {
            displayName: question.slot,
            entityType: question.entityType,
            required: true,
            // The webhook asked the question already; CX only listens for the answer.
            fillBehavior: { initialPromptFulfillment: {} },
          },
        ],
      },
      transitionRoutes: [
        {
          name: idOf('route', `${page}:answered`),
          condition: '$page.params.status = "FINAL"',
          triggerFulfillment: fulfil(question.intent),
        },
      ],
    });
  }
  files.set(`${flowDir}/${START_FLOW}.json`, {
    name: '00000000-0000-0000-0000-000000000000',
    displayName: START_FLOW,
    transitionRoutes: [
      {
        name: idOf('route', 'welcome'),
        intent: WELCOME,
        triggerFulfillment: fulfil('open'),
      },
      ...intents.map((intent) => ({
        name: idOf('route', intent.name),
        intent: cxIntentName(intent.name),
        triggerFulfillment: fulfil(tagOf(intent.name)),
      })),
      {
        name: idOf('route', 'end'),
        condition: `$session.params.${END_PARAMETER} = true`,
        targetPage: 'END_SESSION',
      },
      ...asked.map((question) => ({
        name: idOf('route', `ask ${question.intent} ${question.slot}`),
        condition: `$session.params.${ASKING_PARAMETER} = "${question.intent}.${question.slot}"`,
        targetPage: `${question.intent} ${question.slot}`,
      })),
    ],
    eventHandlers: [
      {
        name: idOf('event', 'no-match'),
        event: 'sys.no-match-default',
        triggerFulfillment: fulfil('fallback'),
      },
      // The caller went silent: what was left open is logged as abandoned.
      { name: idOf('event', 'no-input'), event: 'sys.no-input-default', triggerFulfillment: fulfil('ended') },
    ],
    nluSettings: { modelType: 'MODEL_TYPE_ADVANCED', classificationThreshold: 0.3 },
  });

  const digest = createHash('sha256')
    .update(JSON.stringify([...files.entries()].sort(([a], [b]) => a.localeCompare(b))))
    .digest('hex')
    .slice(0, 16);
  files.set('agent.json', {
    displayName: options.displayName,
    defaultLanguageCode: cxLanguages[main.locale],
    supportedLanguageCodes: models.slice(1).map((model) => cxLanguages[model.locale]),
    timeZone: 'Europe/Rome',
    description: agentDescription(digest),
    startFlow: START_FLOW,
    enableSpellCorrection: true,
  });
  return files;
}

/** The agent's description: names the package it was restored from. */
export const agentDescription = (digest: string) => `channel-pilot voice assistant, package ${digest}`;

/** The package's digest as the agent's description names it; undefined for another description. */
export const packageDigest = (description: string | null | undefined) =>
  /channel-pilot voice assistant, package ([0-9a-f]{16})$/.exec(description ?? '')?.[1];

/** The files zipped, as the console's Restore and RestoreAgent's `agentContent` take them. */
export function zipAgent(files: ReadonlyMap<string, object>): Uint8Array {
  const entries = Object.fromEntries(
    [...files.entries()].map(([path, json]) => [path, strToU8(`${JSON.stringify(json, null, 2)}\n`)]),
  );
  // A fixed time for every entry: the same agent zips to the same bytes.
  return zipSync(entries, { mtime: new Date('2026-01-01T00:00:00Z') });
}

/**
 * The agent made from the skill package's interaction models (English the default language,
 * Italian beside it): its files, zipped, and the digest its description names.
 */
export async function agentPackage(options: CxAgentOptions & LoadOptions) {
  const models = await Promise.all(
    (['en-US', 'it-IT'] as const).map((locale) => loadInteractionModel(locale, options)),
  );
  const files = cxAgentFiles(models, options);
  const { description } = files.get('agent.json') as { description: string };
  return { files, content: zipAgent(files), digest: packageDigest(description) ?? '' };
}
