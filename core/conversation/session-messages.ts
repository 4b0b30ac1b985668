import type { Locale } from '../vocabulary.ts';
import { speak } from './messages.ts';

/** What the conversation says around the intents' answers (welcome, help, fallbacks, goodbye), as SSML. */
export interface SessionMessages {
  welcome: () => string;
  welcomeReprompt: () => string;
  help: () => string;
  helpReprompt: () => string;
  goodbye: () => string;
  fallback: () => string;
  fallbackReprompt: () => string;
  /** Said instead of a third "I didn't understand": the session ends rather than loop. */
  fallbackGiveUp: () => string;
  /** For a customer the voice pilot does not serve (a pilot closed to its cohort). */
  notInPilot: () => string;
  /** "No" to an offer: the conversation goes on. */
  noOffer: () => string;
  /** "Yes" with nothing offered. */
  yesToNothing: () => string;
  apology: () => string;
}

const it: SessionMessages = {
  welcome: () =>
    speak(
      'Ciao! Posso dirti quanto devi pagare e perché la bolletta è cambiata, mandarti il link per pagare, o prenotare una videoconsulenza. Cosa ti serve?',
    ),
  welcomeReprompt: () => speak('Puoi chiedere, per esempio: quanto devo pagare?'),
  help: () =>
    speak(
      'Posso aiutarti con la tua bolletta e con le videoconsulenze. Prova a chiedere: quanto devo pagare, perché la bolletta è più alta, voglio pagare, prenota una videoconsulenza, o voglio parlare con un operatore.',
    ),
  helpReprompt: () => speak('Cosa vuoi sapere della tua bolletta?'),
  goodbye: () => speak('A presto!'),
  fallback: () =>
    speak(
      'Scusa, non ho capito. Posso aiutarti con la tua bolletta e con le videoconsulenze. Per esempio, chiedi: quanto devo pagare?',
    ),
  fallbackReprompt: () => speak('Puoi chiedere: quanto devo pagare?'),
  fallbackGiveUp: () =>
    speak('Scusa, continuo a non capire. Riprova quando vuoi chiedendo della tua bolletta. A presto!'),
  notInPilot: () =>
    speak(
      "Questo assistente è in prova solo per alcuni clienti e non posso ancora aiutarti qui. Puoi chiamare il servizio clienti o usare l'area clienti.",
    ),
  noOffer: () => speak('Va bene. Posso fare altro per te?'),
  yesToNothing: () => speak('Dimmi pure: cosa ti serve?'),
  apology: () => speak('Mi dispiace, qualcosa è andato storto. Riprova tra poco.'),
};

const en: SessionMessages = {
  welcome: () =>
    speak(
      'Hi! I can tell you what you owe and why your bill changed, send you a link to pay, or book a video consultation. What do you need?',
    ),
  welcomeReprompt: () => speak('You can ask, for example: what do I owe?'),
  help: () =>
    speak(
      'I can help with your bill and with video consultations. Try asking: what do I owe, why is my bill higher, I want to pay, book a video consultation, or let me talk to a person.',
    ),
  helpReprompt: () => speak('What would you like to know about your bill?'),
  goodbye: () => speak('Goodbye!'),
  fallback: () =>
    speak(
      "Sorry, I didn't get that. I can help with your bill and with video consultations. For example, ask: what do I owe?",
    ),
  fallbackReprompt: () => speak('You can ask: what do I owe?'),
  fallbackGiveUp: () => speak("Sorry, I still didn't get that. Ask me about your bill any time. Goodbye!"),
  notInPilot: () =>
    speak(
      "This assistant is a trial for some customers only, and I can't help you here yet. You can call customer service or use your online account.",
    ),
  noOffer: () => speak('OK. Anything else I can do for you?'),
  yesToNothing: () => speak('Sure, what do you need?'),
  apology: () => speak('Sorry, something went wrong. Please try again in a moment.'),
};

export const sessionMessages: Record<Locale, SessionMessages> = { 'it-IT': it, 'en-US': en };
