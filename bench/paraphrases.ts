// How many sentences of the paraphrase corpus (test/voice/paraphrases/) the simulated Alexa of
// `channel-pilot voice chat` recognises as the intent they were written for, on the shipped
// interaction models: per set, locale and intent. No database: run it on its own with
//   node bin/run-ts.mjs bench/paraphrases.ts
import { pathToFileURL } from 'node:url';
import { locales } from '../core/index.ts';
import { matchParaphrases, summarize, type CorpusSet } from '../test/support/paraphrase-corpus.ts';

const percent = (share: number) => `${(share * 100).toFixed(1)}%`;

export async function paraphraseFigures(): Promise<string[]> {
  const lines: string[] = [];
  for (const set of ['held-out', 'dev'] as CorpusSet[]) {
    for (const locale of locales) {
      const s = summarize(await matchParaphrases(locale, set));
      const recognised = s.sentences - s.missed.length;
      lines.push(
        `paraphrases ${set} ${locale}: ${recognised}/${s.sentences} recognised (${percent(s.rate)}), ${s.wrong.length} as another intent`,
      );
      lines.push(
        `  by intent: ${Object.entries(s.byIntent)
          .map(([intent, rate]) => `${intent.replace(/Intent$/, '')} ${percent(rate)}`)
          .join(', ')}`,
      );
      for (const wrong of s.wrong) lines.push(`  heard as ${wrong.heard}: "${wrong.text}" (${wrong.intent})`);
    }
  }
  return lines;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  for (const line of await paraphraseFigures()) console.log(line);
}
