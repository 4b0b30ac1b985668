import type { IntentModel, InteractionModel } from '../intent-models.ts';
import { builtinPhrases, invocationForms, openingWords, politeWords } from './builtin-phrases.ts';
import { customSlotMatch, isSpokenValueOf, type SpokenSlotValueOptions } from './slot-values.ts';
import { foldText } from './spoken-words.ts';

/** An intent recognised in a sentence, with the words captured for each slot as the user typed them. */
export interface UtteranceMatch {
  intent: string;
  slots: Record<string, string>;
}

/** Recognises sentences against an interaction model's sample utterances, the way Alexa's NLU would. */
export interface UtteranceMatcher {
  /**
   * The intent of a sentence. Undefined when the sentence only opens the skill ("apri assistente
   * bollette", "open bill assistant"): Alexa sends a LaunchRequest then. Anything not understood is
   * `AMAZON.FallbackIntent`.
   */
  match(text: string): UtteranceMatch | undefined;
  /**
   * The slots captured while Alexa elicits `slotName` of `intent`: the bare value, one of the slot's own
   * samples ("alle {time}") or a full sample of the intent. Undefined when the sentence is not an answer,
   * e.g. "stop" or another request: Alexa then matches it as a new request.
   */
  matchSlot(intent: string, slotName: string, text: string): Record<string, string> | undefined;
}

interface Token {
  /** Folded, for comparing. */
  key: string;
  start: number;
  end: number;
}

type Part = { literal: string } | { slot: string };

interface Pattern {
  intent: IntentModel;
  parts: Part[];
  literals: number;
}

interface Candidate {
  intent: string;
  slots: Record<string, string>;
  implausible: number;
  literals: number;
}

const fallbackIntent = 'AMAZON.FallbackIntent';

// Plausibility does not depend on the day; a fixed one keeps matching free of clocks.
const referenceDay = '2026-01-01';

function tokenize(text: string): Token[] {
  return [...text.matchAll(/\p{N}+(?:[:.]\p{N}+)*|[\p{L}\p{M}]+/gu)].map((found) => ({
    key: foldText(found[0]),
    start: found.index,
    end: found.index + found[0].length,
  }));
}

const keys = (text: string): string[] => tokenize(text).map((token) => token.key);

function patternOf(intent: IntentModel, sample: string): Pattern {
  const parts: Part[] = [];
  for (const piece of sample.split(/(\{[^{}]+\})/)) {
    const slot = /^\{([^{}]+)\}$/.exec(piece)?.[1];
    if (slot) parts.push({ slot });
    else parts.push(...keys(piece).map((literal) => ({ literal })));
  }
  return { intent, parts, literals: parts.filter((part) => 'literal' in part).length };
}

/** Every way the tokens fill the pattern, a slot taking one or more words; as token spans per slot. */
function* fillings(
  parts: Part[],
  tokens: Token[],
  at = 0,
  from = 0,
): Generator<Record<string, [number, number]>> {
  const part = parts[at];
  if (!part) {
    if (from === tokens.length) yield {};
    return;
  }
  if ('literal' in part) {
    if (tokens[from]?.key === part.literal) yield* fillings(parts, tokens, at + 1, from + 1);
    return;
  }
  const rest = parts.length - at - 1;
  for (let end = from + 1; end <= tokens.length - rest; end += 1) {
    for (const filled of fillings(parts, tokens, at + 1, end)) yield { [part.slot]: [from, end], ...filled };
  }
}

/** Creates a matcher for one locale's interaction model (see {@link UtteranceMatcher}). */
export function createUtteranceMatcher(model: InteractionModel): UtteranceMatcher {
  const { locale } = model;
  const valueOptions: SpokenSlotValueOptions = { locale, today: referenceDay, slotTypes: model.slotTypes };
  const intents = new Map(model.intents.map((intent) => [intent.name, intent]));
  const samplePatterns = model.intents.flatMap((intent) =>
    intent.samples.map((sample) => patternOf(intent, sample)),
  );
  const invocation = keys(model.invocationName).join(' ');
  const forms = invocationForms[locale];
  const formKeys = (form: string) => keys(form.replace('{name}', invocation));

  /** Per intent and slot: the custom types of the intent's other slots. */
  const otherTypes = new Map(
    model.intents.flatMap((intent) =>
      intent.slots.map((own) => [
        `${intent.name} ${own.name}`,
        intent.slots
          .filter((slot) => slot.name !== own.name)
          .map((slot) => model.slotTypes.find((type) => type.name === slot.type))
          .filter((type) => type !== undefined),
      ]),
    ),
  );

  /** Whether some of the words a slot took are a value of another custom-typed slot of the intent. */
  function holdsOtherSlot(intent: IntentModel, slotName: string, taken: Token[]): boolean {
    const others = otherTypes.get(`${intent.name} ${slotName}`) ?? [];
    if (others.length === 0) return false;
    for (let from = 0; from < taken.length; from += 1) {
      for (let to = from + 1; to <= taken.length; to += 1) {
        const words = taken
          .slice(from, to)
          .map((token) => token.key)
          .join(' ');
        if (others.some((type) => customSlotMatch(words, type, locale))) return true;
      }
    }
    return false;
  }

  function best(patterns: Pattern[], text: string, tokens: Token[]): Candidate | undefined {
    let chosen: Candidate | undefined;
    for (const pattern of patterns) {
      for (const spans of fillings(pattern.parts, tokens)) {
        const slots = Object.fromEntries(
          Object.entries(spans).map(([slot, [from, to]]) => [
            slot,
            text.slice(tokens[from]?.start, tokens[to - 1]?.end),
          ]),
        );
        const wrong = Object.entries(slots).filter(([slot, said]) => {
          const type = pattern.intent.slots.find((candidate) => candidate.name === slot)?.type;
          return type !== undefined && !isSpokenValueOf(type, said, valueOptions);
        });
        // Words that name another slot's value are that slot's: "the november water bill" is no date.
        if (
          wrong.some(([slot]) =>
            holdsOtherSlot(pattern.intent, slot, tokens.slice(...(spans[slot] ?? [0, 0]))),
          )
        )
          continue;
        const implausible = wrong.length;
        const candidate = { intent: pattern.intent.name, slots, implausible, literals: pattern.literals };
        // Words that make sense as the slot's type first, then the sample that explains most words itself.
        if (
          !chosen ||
          implausible < chosen.implausible ||
          (implausible === chosen.implausible && pattern.literals > chosen.literals)
        ) {
          chosen = candidate;
        }
      }
    }
    return chosen;
  }

  function builtin(tokenKeys: string[]): string | undefined {
    const polite = politeWords[locale].map((phrase) => phrase.split(' '));
    for (const [intent, phrases] of Object.entries(builtinPhrases[locale])) {
      if (!intents.has(intent)) continue;
      const own = phrases.map((phrase) => phrase.split(' '));
      // The sentence must be made only of this intent's phrases and polite words, with one phrase at least.
      const covered = (from: number, said: boolean): boolean => {
        if (from === tokenKeys.length) return said;
        const fits = (phrase: string[]) => phrase.every((word, index) => tokenKeys[from + index] === word);
        return (
          own.some((phrase) => fits(phrase) && covered(from + phrase.length, true)) ||
          polite.some((phrase) => fits(phrase) && covered(from + phrase.length, said))
        );
      };
      if (covered(0, false)) return intent;
    }
    return undefined;
  }

  const phrasesOf = (list: string[]) => list.map((phrase) => phrase.split(' '));
  const leading = phrasesOf([...openingWords[locale], ...politeWords[locale]]);
  const trailing = phrasesOf(politeWords[locale]);

  /** The tokens without the courtesies and openers around a request ("senti, …, per favore"). */
  function trimmed(tokens: Token[]): Token[] {
    const startsWith = (at: number, phrase: string[]) =>
      phrase.every((word, i) => tokens[at + i]?.key === word);
    let from = 0;
    let to = tokens.length;
    for (let found = true; found && from < to;) {
      const phrase = leading.find((p) => startsWith(from, p));
      found = phrase !== undefined && from + phrase.length < to;
      if (phrase && found) from += phrase.length;
    }
    for (let found = true; found && from < to;) {
      const phrase = trailing.find((p) => to - p.length > from && startsWith(to - p.length, p));
      found = phrase !== undefined;
      if (phrase) to -= phrase.length;
    }
    return tokens.slice(from, to);
  }

  function request(text: string, tokens: Token[]): UtteranceMatch | undefined {
    const sample = best(samplePatterns, text, tokens);
    if (sample) return { intent: sample.intent, slots: sample.slots };
    const name = builtin(tokens.map((token) => token.key));
    if (name) return { intent: name, slots: {} };
    // As Alexa does, a request wrapped in courtesies is still the request.
    const bare = trimmed(tokens);
    const again = bare.length < tokens.length ? best(samplePatterns, text, bare) : undefined;
    return again && { intent: again.intent, slots: again.slots };
  }

  const startsWith = (tokens: Token[], words: string[]) =>
    words.every((word, index) => tokens[index]?.key === word);

  function match(text: string): UtteranceMatch | undefined {
    let tokens = tokenize(text);
    if (tokens[0]?.key === 'alexa') tokens = tokens.slice(1);
    for (const form of forms.launch) {
      const words = formKeys(form);
      if (words.length === tokens.length && startsWith(tokens, words)) return undefined;
    }
    for (const form of forms.ask) {
      const words = formKeys(form);
      if (!startsWith(tokens, words)) continue;
      const rest = tokens.slice(words.length);
      if (rest.length === 0) return undefined;
      const joined = forms.joiners.includes(rest[0]?.key ?? '') ? request(text, rest.slice(1)) : undefined;
      return request(text, rest) ?? joined ?? { intent: fallbackIntent, slots: {} };
    }
    return request(text, tokens) ?? { intent: fallbackIntent, slots: {} };
  }

  function matchSlot(intentName: string, slotName: string, text: string): Record<string, string> | undefined {
    const intent = intents.get(intentName);
    const slot = intent?.slots.find((candidate) => candidate.name === slotName);
    if (!intent || !slot) throw new Error(`${intentName} has no slot ${slotName} in the ${locale} model`);
    const tokens = tokenize(text);
    const patterns = [...slot.samples, ...intent.samples]
      .map((sample) => patternOf(intent, sample))
      .filter((pattern) => pattern.parts.some((part) => 'slot' in part && part.slot === slotName));
    const answer = best(patterns, text, tokens);
    if (answer && answer.implausible === 0) return answer.slots;
    const other = request(text, tokens);
    if (other && other.intent !== fallbackIntent) return undefined;
    if (answer) return answer.slots;
    return isSpokenValueOf(slot.type, text, valueOptions) ? { [slotName]: text.trim() } : undefined;
  }

  return { match, matchSlot };
}
