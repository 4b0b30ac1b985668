import { readFile } from 'node:fs/promises';
import type { Locale } from '../../core/index.ts';
import { createUtteranceMatcher } from '../../voice/alexa/chat/utterance-matcher.ts';
import { loadInteractionModel } from '../../voice/alexa/intent-models.ts';

/**
 * Sentences customers would say for each intent, written apart from the interaction models'
 * samples (colloquial, indirect, regional), by intent and locale, in two sets
 * (`test/voice/paraphrases/`): `dev`, whose misses the samples were then revised against, and
 * `held-out`, written after that revision and never used to change the samples.
 */
export type CorpusSet = 'dev' | 'held-out';

export async function paraphraseCorpus(locale: Locale, set: CorpusSet): Promise<Record<string, string[]>> {
  const file = new URL(`../voice/paraphrases/${set}/${locale}.json`, import.meta.url);
  return JSON.parse(await readFile(file, 'utf8')) as Record<string, string[]>;
}

/** What the simulated Alexa made of one sentence of the corpus. */
export interface ParaphraseResult {
  intent: string;
  text: string;
  /** The intent it was recognised as (`AMAZON.FallbackIntent` when none). */
  heard: string;
}

/**
 * Matches every sentence of the locale's corpus with the simulated Alexa on the shipped model.
 * A score is only ever said as the answer to the closing question, so those sentences are heard
 * as Alexa hears them then: as the answer to the elicited `score`.
 */
export async function matchParaphrases(locale: Locale, set: CorpusSet): Promise<ParaphraseResult[]> {
  const matcher = createUtteranceMatcher(await loadInteractionModel(locale));
  const corpus = await paraphraseCorpus(locale, set);
  return Object.entries(corpus).flatMap(([intent, sentences]) =>
    sentences.map((text) => {
      if (intent === 'SatisfactionIntent') {
        const answer = matcher.matchSlot(intent, 'score', text);
        return { intent, text, heard: answer?.score ? intent : 'AMAZON.FallbackIntent' };
      }
      return { intent, text, heard: matcher.match(text)?.intent ?? 'LaunchRequest' };
    }),
  );
}

/** Match rate overall and per intent, with the sentences heard as another intent. */
export function summarize(results: readonly ParaphraseResult[]) {
  const rate = (of: readonly ParaphraseResult[]) => of.filter((r) => r.heard === r.intent).length / of.length;
  const intents = [...new Set(results.map((r) => r.intent))];
  return {
    sentences: results.length,
    rate: rate(results),
    byIntent: Object.fromEntries(intents.map((i) => [i, rate(results.filter((r) => r.intent === i))])),
    /** Heard as another custom intent: worse than not understood, since the skill acts on it. */
    wrong: results.filter(
      (r) => r.heard !== r.intent && !/^(AMAZON\.FallbackIntent|LaunchRequest)$/.test(r.heard),
    ),
    missed: results.filter((r) => r.heard !== r.intent),
  };
}
