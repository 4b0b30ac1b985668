import { locales, type Locale } from '../../core/index.ts';
import { speak } from '../../core/services.ts';
import { sessionMessages, type SessionMessages } from '../../core/services.ts';

/** Alexa's `request.locale` as a locale the product speaks; anything else is answered in en-US. */
export function localeOf(requestLocale: string | undefined): Locale {
  return (locales as readonly string[]).includes(requestLocale ?? '') ? (requestLocale as Locale) : 'en-US';
}

/** What Alexa says beyond the conversation's words: how to link an account in the Alexa app. */
export interface AlexaMessages extends SessionMessages {
  linkAccount: () => string;
  /** Heard when an unlinked user says nothing after being told how to link. */
  linkAccountReprompt: () => string;
}

export const alexaMessages: Record<Locale, AlexaMessages> = {
  'it-IT': {
    ...sessionMessages['it-IT'],
    linkAccount: () =>
      speak(
        "Per parlarti della tua bolletta devo prima sapere chi sei. Apri l'app Alexa e collega il tuo account: ti ho mandato una scheda con il collegamento. Se invece hai ricevuto un codice, dimmi: il mio codice è, e poi il codice.",
      ),
    linkAccountReprompt: () => speak('Se hai un codice, dimmi: il mio codice è, e poi le sei cifre.'),
  },
  'en-US': {
    ...sessionMessages['en-US'],
    linkAccount: () =>
      speak(
        'To talk about your bill I first need to know who you are. Open the Alexa app and link your account: I sent a card there with the link. Or, if you received a code, say: my code is, and then the code.',
      ),
    linkAccountReprompt: () => speak('If you have a code, say: my code is, and then the six digits.'),
  },
};
