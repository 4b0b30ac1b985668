import type { Locale } from '../../core/index.ts';
import { speak } from '../../core/services.ts';

/** What the Dialogflow adapter says itself, as SSML. */
export interface DialogflowMessages {
  /** Nobody is linked to this conversation, and no caller number proposes anyone. */
  linkAccount: () => string;
  /** The caller's number proposes a customer: a code was sent to them. */
  codeSentToCaller: () => string;
  /** A webhook tag the agent sent that is no step of the conversation (an agent out of date). */
  notAStep: () => string;
}

export const dialogflowMessages: Record<Locale, DialogflowMessages> = {
  'it-IT': {
    linkAccount: () =>
      speak(
        'Per parlarti della tua bolletta devo prima sapere chi sei. Se hai ricevuto un codice, dimmi: il mio codice è, e poi le sei cifre.',
      ),
    codeSentToCaller: () =>
      speak(
        'Prima di parlare del tuo conto devo essere sicuro che sei tu: ti ho appena mandato un codice di sei cifre. Dimmi il codice che hai ricevuto.',
      ),
    notAStep: () => speak('Scusa, questo non lo so ancora fare. Posso aiutarti con la tua bolletta.'),
  },
  'en-US': {
    linkAccount: () =>
      speak(
        'To talk about your bill I first need to know who you are. If you received a code, say: my code is, and then the six digits.',
      ),
    codeSentToCaller: () =>
      speak(
        "Before we talk about your account I need to be sure it's you: I've just sent you a six-digit code. Tell me the code you received.",
      ),
    notAStep: () => speak("Sorry, I can't do that yet. I can help you with your bill."),
  },
};
