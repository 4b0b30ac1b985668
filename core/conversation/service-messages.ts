import type { Locale } from '../vocabulary.ts';
import { sayMoney } from './messages.ts';

type Medium = 'email' | 'sms';

/** Every spoken string of the payment, callback, linking and survey intents. */
export interface ServiceMessages {
  payTitle: () => string;
  nothingToPay: () => string;
  linkSent: (p: { owedCents: number; medium: Medium }) => string;
  payCard: (p: { owedCents: number; url: string }) => string;
  cannotMessage: () => string;
  /** After the link, on a channel that shows it, to a customer who may not be messaged. */
  shownNotSent: () => string;
  offerPaymentLink: () => string;
  callbackTitle: () => string;
  /** `summarized`: earlier questions went to the colleague with the request. */
  callbackRequested: (p: { phoneEnd: string; summarized: boolean }) => string;
  noPhone: () => string;
  callbackSummary: (p: { asked: string[] }) => string;
  linkTitle: () => string;
  askCode: () => string;
  linked: () => string;
  codeWrong: () => string;
  codeExpired: () => string;
  codeUsed: () => string;
  tooManyCodes: () => string;
  surveyTitle: () => string;
  surveyQuestion: () => string;
  surveyOutOfRange: () => string;
  surveyThanks: () => string;
  apology: () => string;
}

const it = (locale: 'it-IT'): ServiceMessages => ({
  payTitle: () => 'Paga la bolletta',
  nothingToPay: () => 'Non hai niente da pagare: tutte le tue bollette sono saldate.',
  linkSent: ({ owedCents, medium }) =>
    `Con Alexa non si può pagare a voce, quindi ti ho mandato ${medium === 'sms' ? 'via SMS' : 'via e-mail'} il link per pagare ${sayMoney(locale, owedCents)}. Lo trovi anche nell'app Alexa.`,
  payCard: ({ owedCents, url }) => `Da pagare: ${sayMoney(locale, owedCents)}. Paga da qui: ${url}`,
  cannotMessage: () =>
    'Non posso mandarti il link: non ci hai autorizzato a scriverti via SMS o e-mail. Puoi pagare dall’area clienti o chiamando il servizio clienti.',
  shownNotSent: () =>
    'Non te lo mando via SMS o e-mail, perché non ci hai autorizzato a scriverti: aprilo da qui.',
  offerPaymentLink: () => 'Vuoi che ti mandi il link per pagare?',
  callbackTitle: () => 'Richiamata',
  callbackRequested: ({ phoneEnd, summarized }) =>
    `Ho chiesto a un collega di richiamarti al numero che finisce con ${phoneEnd.split('').join(' ')}, in orario d'ufficio.${summarized ? ' Gli ho lasciato un riassunto di quello che mi hai chiesto.' : ''}`,
  noPhone: () =>
    'Non ho un tuo numero di telefono per farti richiamare. Chiama il servizio clienti quando vuoi.',
  callbackSummary: ({ asked }) =>
    asked.length > 0
      ? `Ha chiesto all'assistente vocale: ${asked.join(', ')}; poi ha chiesto di parlare con una persona.`
      : "Ha chiesto subito all'assistente vocale di parlare con una persona.",
  linkTitle: () => 'Collega il tuo account',
  askCode: () => 'Dimmi il codice di collegamento che hai ricevuto per SMS o e-mail.',
  linked: () => 'Fatto, il tuo account è collegato. Ora puoi chiedermi, per esempio: quanto devo pagare?',
  codeWrong: () => 'Questo codice non è giusto. Controlla il messaggio e ripetimelo.',
  codeExpired: () =>
    'Questo codice è scaduto. Chiedine uno nuovo al servizio clienti e dimmelo entro dieci minuti.',
  codeUsed: () => 'Questo codice è già stato usato. Chiedine uno nuovo al servizio clienti.',
  tooManyCodes: () => 'Hai provato troppi codici sbagliati. Riprova tra un quarto d’ora.',
  surveyTitle: () => 'La tua opinione',
  surveyQuestion: () =>
    'Prima di salutarci: da zero a dieci, quanto consiglieresti questo assistente a un amico?',
  surveyOutOfRange: () => 'Mi serve un numero da zero a dieci. Che voto dai?',
  surveyThanks: () => 'Grazie per la tua risposta. A presto!',
  apology: () => 'Mi dispiace, in questo momento non riesco a farlo. Riprova tra poco.',
});

const en = (locale: 'en-US'): ServiceMessages => ({
  payTitle: () => 'Pay your bill',
  nothingToPay: () => 'You have nothing to pay: all your bills are settled.',
  linkSent: ({ owedCents, medium }) =>
    `You can't pay by voice on Alexa, so I sent you the link to pay ${sayMoney(locale, owedCents)} ${medium === 'sms' ? 'by text message' : 'by e-mail'}. It's in the Alexa app too.`,
  payCard: ({ owedCents, url }) => `To pay: ${sayMoney(locale, owedCents)}. Pay here: ${url}`,
  cannotMessage: () =>
    "I can't send you the link: you haven't allowed us to text or e-mail you. You can pay in your online account or by calling customer service.",
  shownNotSent: () =>
    "I'm not sending it by text or e-mail, since you haven't allowed us to write to you: open it from here.",
  offerPaymentLink: () => 'Shall I send you the link to pay?',
  callbackTitle: () => 'Call back',
  callbackRequested: ({ phoneEnd, summarized }) =>
    `I've asked a colleague to call you back on the number ending in ${phoneEnd.split('').join(' ')}, during office hours.${summarized ? ' I left them a summary of what you asked me.' : ''}`,
  noPhone: () => "I don't have a phone number to call you back on. Call customer service any time.",
  callbackSummary: ({ asked }) =>
    asked.length > 0
      ? `Asked the voice assistant: ${asked.join(', ')}; then asked to talk to a person.`
      : 'Asked the voice assistant straight away to talk to a person.',
  linkTitle: () => 'Link your account',
  askCode: () => 'Tell me the linking code you received by text message or e-mail.',
  linked: () => 'Done, your account is linked. Now you can ask me, for example: what do I owe?',
  codeWrong: () => "That code isn't right. Check the message and say it again.",
  codeExpired: () =>
    'That code has expired. Ask customer service for a new one and say it within ten minutes.',
  codeUsed: () => 'That code has already been used. Ask customer service for a new one.',
  tooManyCodes: () => 'Too many wrong codes. Please try again in fifteen minutes.',
  surveyTitle: () => 'Your opinion',
  surveyQuestion: () =>
    'Before you go: from zero to ten, how likely are you to recommend this assistant to a friend?',
  surveyOutOfRange: () => 'I need a number from zero to ten. What score would you give?',
  surveyThanks: () => 'Thanks for your answer. Goodbye!',
  apology: () => "Sorry, I can't do that right now. Please try again in a moment.",
});

export const serviceMessages: Record<Locale, ServiceMessages> = {
  'it-IT': it('it-IT'),
  'en-US': en('en-US'),
};
