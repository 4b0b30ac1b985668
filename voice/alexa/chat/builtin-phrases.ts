import type { Locale } from '../../../core/index.ts';

/**
 * What people say for the built-in intents, which have no samples in the interaction model because
 * Alexa supplies them. Folded (lower case, no accents, apostrophes as spaces), in the order they are tried.
 */
export const builtinPhrases: Record<Locale, Record<string, string[]>> = {
  'en-US': {
    'AMAZON.YesIntent': ['yes', 'yeah', 'yep', 'sure', 'ok', 'okay', 'of course', 'correct', 'that s right'],
    'AMAZON.NoIntent': ['no', 'nope', 'nah', 'no thanks', 'no thank you'],
    'AMAZON.HelpIntent': ['help', 'help me', 'what can you do', 'what can i say', 'how does this work'],
    'AMAZON.StopIntent': ['stop', 'goodbye', 'good bye', 'bye', 'exit', 'quit', 'that s all'],
    'AMAZON.CancelIntent': ['cancel', 'cancel it', 'cancel that', 'never mind', 'nevermind', 'forget it'],
    'AMAZON.NavigateHomeIntent': ['home', 'go home', 'go back home'],
  },
  'it-IT': {
    'AMAZON.YesIntent': [
      'si',
      'certo',
      'certamente',
      'va bene',
      'ok',
      'okay',
      'confermo',
      'esatto',
      'giusto',
      'd accordo',
    ],
    'AMAZON.NoIntent': ['no', 'no grazie', 'non confermo', 'assolutamente no'],
    'AMAZON.HelpIntent': ['aiuto', 'aiutami', 'cosa sai fare', 'cosa posso dire', 'come funziona'],
    'AMAZON.StopIntent': ['stop', 'basta', 'ciao', 'arrivederci', 'esci', 'fine'],
    'AMAZON.CancelIntent': [
      'annulla',
      'annullalo',
      'annullala',
      'cancellalo',
      'cancellala',
      'lascia perdere',
      'lascia stare',
    ],
    'AMAZON.NavigateHomeIntent': ['home', 'torna alla home', 'vai alla home'],
  },
};

/** Words around a built-in phrase that do not change it: "yes please", "no grazie", "alexa stop". */
export const politeWords: Record<Locale, string[]> = {
  'en-US': ['please', 'thanks', 'thank you', 'alexa'],
  'it-IT': ['grazie', 'per favore', 'pure', 'alexa'],
};

/** Words people open a request with that say nothing of what they want: "so, what do I owe", "senti, quanto devo". */
export const openingWords: Record<Locale, string[]> = {
  'en-US': ['so', 'um', 'uh', 'well', 'hey', 'okay', 'ok', 'excuse me'],
  'it-IT': ['senti', 'scusa', 'scusi', 'allora', 'ma', 'ehm', 'dunque', 'ok'],
};

/**
 * How Alexa is told to open a skill, `{name}` standing for the invocation name. `launch` forms open the
 * skill; `ask` forms carry a request after the name, possibly joined by one of `joiners`.
 */
export const invocationForms: Record<Locale, { launch: string[]; ask: string[]; joiners: string[] }> = {
  'en-US': {
    launch: ['open {name}', 'launch {name}', 'start {name}', 'talk to {name}', 'use {name}'],
    ask: ['ask {name}', 'tell {name}', 'open {name} and'],
    joiners: ['to', 'for', 'about', 'if', 'whether', 'that'],
  },
  'it-IT': {
    launch: ['apri {name}', 'avvia {name}', 'lancia {name}', 'parla con {name}', 'usa {name}'],
    ask: ['chiedi a {name}', 'chiedi ad {name}', 'di a {name}', 'domanda a {name}', 'apri {name} e'],
    joiners: ['di', 'se', 'che'],
  },
};
