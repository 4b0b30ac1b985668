import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { locales } from '../../core/index.ts';
import { customerIntentNames } from '../../voice/alexa/alexa-skill.ts';
import { alexaIntentName } from '../../voice/alexa/alexa-turns.ts';
import { matchParaphrases, paraphraseCorpus, summarize } from '../support/paraphrase-corpus.ts';

// The paraphrase corpus: what customers say, written apart from the samples. The README reports
// how much of it the simulated Alexa recognises; this keeps that report true.

const intents = [...customerIntentNames, 'LinkAccount'].map(alexaIntentName).sort();

describe('the paraphrase corpus', () => {
  for (const set of ['dev', 'held-out'] as const) {
    for (const locale of locales) {
      it(`has at least 25 different sentences for every intent in the ${set} set, ${locale}`, async () => {
        const corpus = await paraphraseCorpus(locale, set);
        expect(Object.keys(corpus).sort()).toEqual(intents);
        for (const [intent, sentences] of Object.entries(corpus)) {
          expect(
            new Set(sentences.map((s) => s.toLowerCase())).size,
            `${set} ${locale} ${intent}`,
          ).toBeGreaterThanOrEqual(25);
        }
      });
    }
  }

  it('is recognised at the rates the README reports, per set and locale', async () => {
    const readme = await readFile(new URL('../../README.md', import.meta.url), 'utf8');
    for (const set of ['held-out', 'dev'] as const) {
      for (const locale of locales) {
        const summary = summarize(await matchParaphrases(locale, set));
        const recognised = summary.sentences - summary.missed.length;
        const reported = `${set} ${locale}: ${recognised}/${summary.sentences} (${(summary.rate * 100).toFixed(1)}%)`;
        expect(readme, `README should report "${reported}"`).toContain(reported);
      }
    }
  });

  it('keeps a held-out sentence from being heard as another intent more than once per locale', async () => {
    for (const locale of locales) {
      const { wrong } = summarize(await matchParaphrases(locale, 'held-out'));
      expect(wrong.length, JSON.stringify(wrong)).toBeLessThanOrEqual(1);
    }
  });
});
