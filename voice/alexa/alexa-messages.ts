import { locales, type Locale } from '../../core/index.ts';
import { speak } from '../fulfilment/messages.ts';

/** Alexa's `request.locale` as a locale the product speaks; anything else is answered in en-US. */
export function localeOf(requestLocale: string | undefined): Locale {
  return (locales as readonly string[]).includes(requestLocale ?? '') ? (requestLocale as Locale) : 'en-US';
}

/** Every string the Alexa adapter says itself (the bill answers come from the fulfilment), as SSML. */
export interface AlexaMessages {
  welcome: () => string;
  welcomeReprompt: () => string;
  help: () => string;
  helpReprompt: () => string;
  goodbye: () => string;
  fallback: () => string;
  fallbackReprompt: () => string;
  /** Said instead of a third "I didn't understand": the session ends rather than loop. */
  fallbackGiveUp: () => string;
  linkAccount: () => string;
  /** Heard when an unlinked user says nothing after being told how to link. */
  linkAccountReprompt: () => string;
  /** For a customer the voice pilot does not serve (a pilot closed to its cohort). */
  notInPilot: () => string;
  /** "No" to an offer: the conversation goes on. */
  noOffer: () => string;
  /** "Yes" with nothing offered. */
  yesToNothing: () => string;
  apology: () => string;
}

const it: AlexaMessages = {
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
  linkAccount: () =>
    speak(
      "Per parlarti della tua bolletta devo prima sapere chi sei. Apri l'app Alexa e collega il tuo account: ti ho mandato una scheda con il collegamento. Se invece hai ricevuto un codice, dimmi: il mio codice è, e poi il codice.",
    ),
  linkAccountReprompt: () => speak('Se hai un codice, dimmi: il mio codice è, e poi le sei cifre.'),
  notInPilot: () =>
    speak(
      "Questo assistente è in prova solo per alcuni clienti e non posso ancora aiutarti qui. Puoi chiamare il servizio clienti o usare l'area clienti.",
    ),
  noOffer: () => speak('Va bene. Posso fare altro per te?'),
  yesToNothing: () => speak('Dimmi pure: cosa ti serve?'),
  apology: () => speak('Mi dispiace, qualcosa è andato storto. Riprova tra poco.'),
};

const en: AlexaMessages = {
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
  linkAccount: () =>
    speak(
      'To talk about your bill I first need to know who you are. Open the Alexa app and link your account: I sent a card there with the link. Or, if you received a code, say: my code is, and then the code.',
    ),
  linkAccountReprompt: () => speak('If you have a code, say: my code is, and then the six digits.'),
  notInPilot: () =>
    speak(
      "This assistant is a trial for some customers only, and I can't help you here yet. You can call customer service or use your online account.",
    ),
  noOffer: () => speak('OK. Anything else I can do for you?'),
  yesToNothing: () => speak('Sure, what do you need?'),
  apology: () => speak('Sorry, something went wrong. Please try again in a moment.'),
};

export const alexaMessages: Record<Locale, AlexaMessages> = { 'it-IT': it, 'en-US': en };
