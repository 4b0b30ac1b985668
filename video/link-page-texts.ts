import type { MessageMedium } from '../core/index.ts';
import type { PageLocale } from './browser/consultation-texts.ts';

// What the pages behind a consultation's customer links say (booking, moving, cancelling), in
// each language the product speaks.

/** Why a link's page cannot do what it was asked, each said as a title and what to do. */
export type LinkRefusal =
  | 'invalidLink'
  | 'expired'
  | 'expiredBooking'
  | 'cancelled'
  | 'over'
  | 'underWay'
  | 'tooLate'
  | 'slotTaken'
  | 'notASlot'
  | 'notATopic'
  | 'tooMany'
  | 'reasonTooLong'
  | 'otherSite'
  | 'notAForm'
  | 'badRequest'
  | 'tooLarge';

export interface LinkPageTexts {
  zone: string;
  summary: (a: { topic: string; when: string; advisor: string }) => string;
  noSlots: string;
  later: string;
  join: string;
  told: (medium: MessageMedium) => string;
  notTold: string;
  reschedule: {
    title: string;
    intro: string;
    choose: string;
    movedTitle: string;
    moved: (when: string) => string;
    /** A move to the time it already had (a second click): nothing changed. */
    unchanged: (when: string) => string;
  };
  cancel: {
    title: string;
    intro: string;
    reason: string;
    reasonHint: string;
    defaultReason: string;
    confirm: string;
    keep: string;
    cancelledTitle: string;
    cancelled: (when: string) => string;
  };
  book: {
    title: string;
    chooseTopic: string;
    noTopics: string;
    choose: (topic: string) => string;
    otherTopic: string;
    bookedTitle: string;
    booked: (summary: string) => string;
  };
  refusals: Record<LinkRefusal, { title: string; body: string }>;
}

const it: LinkPageTexts = {
  zone: 'Gli orari sono quelli di Roma.',
  summary: ({ topic, when, advisor }) =>
    advisor
      ? `Consulenza video su ${topic}, ${when}, con ${advisor}.`
      : `Consulenza video su ${topic}, ${when}.`,
  noSlots: 'Nei prossimi giorni non ci sono orari liberi: riprovi più tardi o ci chiami.',
  later: 'Orari dei giorni successivi',
  join: 'Entra nella consulenza video',
  told: (medium) =>
    `Le abbiamo mandato la conferma ${medium === 'sms' ? 'per SMS' : 'per e-mail'}, con il link per collegarsi.`,
  notTold: 'Non le abbiamo mandato conferme: tenga questo link, serve per collegarsi.',
  reschedule: {
    title: 'Sposta la consulenza video',
    intro: 'La sua consulenza:',
    choose: 'Scelga un nuovo orario tra quelli liberi:',
    movedTitle: 'Consulenza spostata',
    moved: (when) => `La sua consulenza video è ora fissata per ${when}.`,
    unchanged: (when) => `La sua consulenza video era già fissata per ${when}: non è cambiato nulla.`,
  },
  cancel: {
    title: 'Annulla la consulenza video',
    intro: 'Vuole annullare questa consulenza?',
    reason: 'Motivo (facoltativo)',
    reasonHint: 'Ci aiuta a migliorare; può lasciarlo vuoto.',
    defaultReason: 'annullata dal cliente',
    confirm: 'Sì, annulla la consulenza',
    keep: 'Se vuole tenerla, chiuda questa pagina: la consulenza resta fissata.',
    cancelledTitle: 'Consulenza annullata',
    cancelled: (when) => `La consulenza video di ${when} è annullata.`,
  },
  book: {
    title: 'Prenota una consulenza video',
    chooseTopic: 'Di che cosa vuole parlare?',
    noTopics: 'In questo momento non è possibile prenotare consulenze video: riprovi più tardi o ci chiami.',
    choose: (topic) => `Scelga un orario per la consulenza su ${topic}:`,
    otherTopic: 'Scegli un altro argomento',
    bookedTitle: 'Consulenza prenotata',
    booked: (summary) => `Fatto. ${summary}`,
  },
  refusals: {
    invalidLink: {
      title: 'Questo link non è valido',
      body: 'Controlli di aver aperto il link completo ricevuto nel messaggio, oppure ci chieda un nuovo link.',
    },
    expired: {
      title: 'Questo link è scaduto',
      body: 'È arrivata l’ora della consulenza, quindi non si può più spostare né annullare. Per collegarsi usi il link di collegamento del messaggio; per un nuovo appuntamento ci contatti.',
    },
    expiredBooking: {
      title: 'Questo link è scaduto',
      body: 'Il link per prenotare vale sette giorni. Ci chieda un nuovo link, oppure ci chiami per prenotare.',
    },
    cancelled: {
      title: 'Questa consulenza è stata annullata',
      body: 'Non c’è più nulla da spostare o annullare. Se vuole parlare con un consulente, ci chieda un nuovo appuntamento.',
    },
    over: {
      title: 'Questa consulenza si è già svolta',
      body: 'Non si può più spostare né annullare. Per parlare ancora con un consulente ci chieda un nuovo appuntamento.',
    },
    underWay: {
      title: 'Questa consulenza è in corso',
      body: 'Non si può più spostare né annullare: si colleghi con il link di collegamento del messaggio.',
    },
    tooLate: {
      title: 'È troppo tardi per spostarla',
      body: 'Manca poco all’inizio e la consulenza non si può più spostare. Può ancora annullarla con il link «Per annullarla» della conferma, oppure collegarsi all’ora fissata.',
    },
    slotTaken: {
      title: 'Orario non più libero',
      body: 'Quell’orario è stato appena preso: ne scelga un altro.',
    },
    notASlot: { title: 'Orario non disponibile', body: 'Scelga uno degli orari proposti.' },
    notATopic: { title: 'Argomento non disponibile', body: 'Scelga uno degli argomenti proposti.' },
    tooMany: {
      title: 'Ha già il massimo di consulenze in programma',
      body: 'Per prenotarne un’altra, prima ne annulli una con il link del suo messaggio di conferma.',
    },
    reasonTooLong: {
      title: 'Motivo troppo lungo',
      body: 'Il motivo può essere lungo al massimo 500 caratteri.',
    },
    otherSite: {
      title: 'Richiesta non accettata',
      body: 'Il modulo è arrivato da un altro sito. Apra il link del messaggio e riprovi da lì.',
    },
    notAForm: {
      title: 'Richiesta non valida',
      body: 'La richiesta non è arrivata come un modulo di questa pagina: apra di nuovo il link e riprovi.',
    },
    badRequest: {
      title: 'Richiesta non valida',
      body: 'La richiesta non è arrivata completa: apra di nuovo il link e riprovi.',
    },
    tooLarge: {
      title: 'Richiesta troppo lunga',
      body: 'Il testo inviato è troppo lungo: lo accorci e riprovi.',
    },
  },
};

const en: LinkPageTexts = {
  zone: 'Times are Rome times.',
  summary: ({ topic, when, advisor }) =>
    advisor
      ? `Video consultation about ${topic}, ${when}, with ${advisor}.`
      : `Video consultation about ${topic}, ${when}.`,
  noSlots: 'There are no free times in the next days: try again later or call us.',
  later: 'Times of the following days',
  join: 'Join the video consultation',
  told: (medium) =>
    `We sent you the confirmation by ${medium === 'sms' ? 'text message' : 'e-mail'}, with the link to join.`,
  notTold: 'We sent you no confirmation: keep this link, you need it to join.',
  reschedule: {
    title: 'Move your video consultation',
    intro: 'Your consultation:',
    choose: 'Pick a new time among the free ones:',
    movedTitle: 'Consultation moved',
    moved: (when) => `Your video consultation is now on ${when}.`,
    unchanged: (when) => `Your video consultation was already on ${when}: nothing has changed.`,
  },
  cancel: {
    title: 'Cancel your video consultation',
    intro: 'Do you want to cancel this consultation?',
    reason: 'Reason (optional)',
    reasonHint: 'It helps us improve; you may leave it empty.',
    defaultReason: 'cancelled by the customer',
    confirm: 'Yes, cancel the consultation',
    keep: 'To keep it, just close this page: the consultation stays booked.',
    cancelledTitle: 'Consultation cancelled',
    cancelled: (when) => `The video consultation on ${when} is cancelled.`,
  },
  book: {
    title: 'Book a video consultation',
    chooseTopic: 'What would you like to talk about?',
    noTopics: 'Video consultations cannot be booked right now: try again later or call us.',
    choose: (topic) => `Pick a time for the consultation about ${topic}:`,
    otherTopic: 'Choose another topic',
    bookedTitle: 'Consultation booked',
    booked: (summary) => `Done. ${summary}`,
  },
  refusals: {
    invalidLink: {
      title: 'This link is not valid',
      body: 'Check that you opened the whole link from your message, or ask us for a new one.',
    },
    expired: {
      title: 'This link has expired',
      body: 'The time of the consultation has come, so it can no longer be moved or cancelled. To join, use the join link of your message; for a new appointment, contact us.',
    },
    expiredBooking: {
      title: 'This link has expired',
      body: 'A booking link works for seven days. Ask us for a new one, or call us to book.',
    },
    cancelled: {
      title: 'This consultation was cancelled',
      body: 'There is nothing left to move or cancel. To talk to an advisor, ask us for a new appointment.',
    },
    over: {
      title: 'This consultation has already taken place',
      body: 'It can no longer be moved or cancelled. To talk to an advisor again, ask us for a new appointment.',
    },
    underWay: {
      title: 'This consultation is under way',
      body: 'It can no longer be moved or cancelled: join it with the join link of your message.',
    },
    tooLate: {
      title: 'It is too late to move it',
      body: 'The consultation starts soon and can no longer be moved. You can still cancel it with the “Cancel” link of your confirmation, or join at the time booked.',
    },
    slotTaken: { title: 'Time no longer free', body: 'That time was taken a moment ago: pick another one.' },
    notASlot: { title: 'Time not available', body: 'Pick one of the times offered.' },
    notATopic: { title: 'Topic not available', body: 'Pick one of the topics offered.' },
    tooMany: {
      title: 'You already have as many consultations booked as allowed',
      body: 'To book another one, first cancel one with the link of its confirmation.',
    },
    reasonTooLong: { title: 'Reason too long', body: 'The reason can be at most 500 characters long.' },
    otherSite: {
      title: 'Request not accepted',
      body: 'The form came from another site. Open the link of your message and try again from there.',
    },
    notAForm: {
      title: 'Request not valid',
      body: 'The request did not come as a form of this page: open the link again and try again.',
    },
    badRequest: {
      title: 'Request not valid',
      body: 'The request did not arrive whole: open the link again and try again.',
    },
    tooLarge: { title: 'Request too long', body: 'What you sent is too long: shorten it and try again.' },
  },
};

export const linkPageTexts: Record<PageLocale, LinkPageTexts> = { 'it-IT': it, 'en-US': en };
