import type { Locale } from '../core/index.ts';

/** What the chat itself says (the bot's answers come from the shared conversations). */
export interface ChatTexts {
  menu: { owed: string; why: string; pay: string; book: string; person: string };
  yes: string;
  no: string;
  parts: { MO: string; AF: string; EV: string };
  /** After misunderstanding twice in a row: a person is offered. */
  stillNotUnderstood: () => string;
  identifyFirst: () => string;
  /** For an identified customer the live chat pilot does not serve yet. */
  notInPilot: () => string;
  queued: (p: { position: number }) => string;
  joined: (p: { name: string }) => string;
  closedByAdvisor: () => string;
  closedByVisitor: () => string;
  alreadyWithPerson: () => string;
  transferred: (p: { name: string }) => string;
  videoReady: (p: { name: string; url: string }) => string;
  continuePage: { title: string; intro: string; expired: string; invalid: string };
  byEmail: {
    subject: string;
    body: (p: { name: string; advisor: string; text: string; link: string }) => string;
  };
}

const it: ChatTexts = {
  menu: {
    owed: 'Quanto devo pagare?',
    why: 'Perché la bolletta è cambiata?',
    pay: 'Link per pagare',
    book: 'Prenota una consulenza',
    person: 'Parla con una persona',
  },
  yes: 'Sì',
  no: 'No',
  parts: { MO: 'Mattina', AF: 'Pomeriggio', EV: 'Sera' },
  stillNotUnderstood: () =>
    'Scusa, continuo a non capire. Vuoi parlare con una persona? Scrivi «sì» o tocca il pulsante; oppure scegli una domanda qui sotto.',
  identifyFirst: () =>
    'Per parlarti delle tue bollette devo sapere chi sei: apri la chat dalla tua area clienti o dal link personale che ti abbiamo mandato. Intanto puoi chiedere di parlare con una persona.',
  notInPilot: () =>
    'La chat con l’assistente virtuale è in prova solo per alcuni clienti e per ora non posso rispondere sulle tue bollette qui. Puoi chiedere di parlare con una persona, chiamare il servizio clienti o usare la tua area clienti.',
  queued: ({ position }) =>
    position === 1
      ? 'Ti passo a un consulente: sei il prossimo in coda.'
      : `Ti passo a un consulente: ci sono ${position - 1} persone prima di te.`,
  joined: ({ name }) => `${name} è entrato in chat.`,
  closedByAdvisor: () => 'Il consulente ha chiuso la chat. Grazie per averci scritto.',
  closedByVisitor: () => 'Hai chiuso la chat.',
  alreadyWithPerson: () => 'Sei già in coda per parlare con un consulente.',
  transferred: ({ name }) => `Ti passo a ${name}, che continua la chat con te.`,
  videoReady: ({ name, url }) => `${name} ti aspetta in videochiamata: ${url}`,
  continuePage: {
    title: 'La tua chat',
    intro: 'Qui trovi la conversazione con il consulente: puoi rispondere e continuare.',
    expired: 'Questo link è scaduto: apri una nuova chat dal nostro sito.',
    invalid: 'Questo link non apre nessuna chat.',
  },
  byEmail: {
    subject: 'Risposta alla tua chat',
    body: ({ name, advisor, text, link }) =>
      `Ciao ${name},\n\nhai lasciato la chat prima che ti rispondessimo. ${advisor} ti ha scritto:\n\n${text}\n\nPer rispondere e continuare la conversazione: ${link}\n`,
  },
};

const en: ChatTexts = {
  menu: {
    owed: 'What do I owe?',
    why: 'Why did my bill change?',
    pay: 'Link to pay',
    book: 'Book a consultation',
    person: 'Talk to a person',
  },
  yes: 'Yes',
  no: 'No',
  parts: { MO: 'Morning', AF: 'Afternoon', EV: 'Evening' },
  stillNotUnderstood: () =>
    'Sorry, I still don’t understand. Would you like to talk to a person? Write “yes” or tap the button, or pick a question below.',
  identifyFirst: () =>
    'To talk about your bills I need to know who you are: open the chat from your customer area or from the personal link we sent you. Meanwhile you can ask to talk to a person.',
  notInPilot: () =>
    'Chatting with our virtual assistant is a trial for some customers only, so I cannot answer about your bills here yet. You can ask to talk to a person, call customer service or use your customer area.',
  queued: ({ position }) =>
    position === 1
      ? 'I am passing you to an advisor: you are next in the queue.'
      : `I am passing you to an advisor: there are ${position - 1} people ahead of you.`,
  joined: ({ name }) => `${name} joined the chat.`,
  closedByAdvisor: () => 'The advisor closed the chat. Thank you for writing to us.',
  closedByVisitor: () => 'You closed the chat.',
  alreadyWithPerson: () => 'You are already in the queue for an advisor.',
  transferred: ({ name }) => `I am passing you to ${name}, who carries on the chat with you.`,
  videoReady: ({ name, url }) => `${name} is waiting for you on a video call: ${url}`,
  continuePage: {
    title: 'Your chat',
    intro: 'Here is your conversation with the advisor: you can answer and carry on.',
    expired: 'This link has expired: open a new chat from our site.',
    invalid: 'This link opens no chat.',
  },
  byEmail: {
    subject: 'A reply to your chat',
    body: ({ name, advisor, text, link }) =>
      `Hello ${name},\n\nyou left the chat before we could answer. ${advisor} wrote:\n\n${text}\n\nTo answer and carry on the conversation: ${link}\n`,
  },
};

export const chatTexts: Record<Locale, ChatTexts> = { 'it-IT': it, 'en-US': en };
