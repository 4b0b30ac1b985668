import type { Locale } from '../core/index.ts';

/** What the chat says to the customer about hours, the wait, callbacks and transcripts. */
export interface CustomerTexts {
  /** `when` is the next opening in the channel's zone, written out; null: not in the next weeks. */
  closedNow: (p: { when: string | null }) => string;
  callbackButton: string;
  emailButton: string;
  /** What an anonymous visitor is told instead of the offers. */
  identifyForOffers: () => string;
  callbackQueued: (p: { phoneEnd: string }) => string;
  emailContinued: (p: { masked: string }) => string;
  estimate: (p: { minutes: number | null }) => string;
  transcriptSubject: string;
  transcriptIntro: (p: { started: string }) => string;
  /** Who wrote a line of the transcript. */
  authors: { visitor: string; bot: string; advisor: string; system: string };
  dateFormat: string;
  /** How the next opening is written in `closedNow` (Luxon format). */
  whenFormat: string;
}

const it: CustomerTexts = {
  closedNow: ({ when }) =>
    `I consulenti della chat ora non sono disponibili${when ? `: torniamo ${when}` : ''}. Se vuoi ti richiamiamo noi, oppure continuiamo per e-mail.`,
  callbackButton: 'Richiamatemi',
  emailButton: 'Continuiamo per e-mail',
  identifyForOffers: () =>
    'Per richiamarti o scriverti dobbiamo sapere chi sei: apri la chat dalla tua area clienti, oppure riscrivici quando siamo aperti.',
  callbackQueued: ({ phoneEnd }) =>
    `Fatto: ti richiamiamo al numero che finisce con ${phoneEnd} appena apriamo. La chat ora è chiusa.`,
  emailContinued: ({ masked }) =>
    `Fatto: ti abbiamo mandato questa conversazione a ${masked} e ti risponderemo lì. La chat ora è chiusa.`,
  estimate: ({ minutes }) =>
    minutes === null
      ? 'Non sappiamo ancora stimare l’attesa.'
      : minutes === 1
        ? 'Attesa stimata: circa 1 minuto.'
        : `Attesa stimata: circa ${minutes} minuti.`,
  transcriptSubject: 'La tua conversazione in chat',
  transcriptIntro: ({ started }) => `Ecco la conversazione in chat iniziata il ${started}.`,
  authors: { visitor: 'Tu', bot: 'Assistente virtuale', advisor: 'Consulente', system: 'Chat' },
  dateFormat: "d LLLL yyyy 'alle' HH:mm",
  whenFormat: "cccc d LLLL 'alle' HH:mm",
};

const en: CustomerTexts = {
  closedNow: ({ when }) =>
    `Our chat advisors are not available now${when ? `: we are back ${when}` : ''}. We can call you back, or carry on by e-mail.`,
  callbackButton: 'Call me back',
  emailButton: 'Carry on by e-mail',
  identifyForOffers: () =>
    'To call you back or write to you we need to know who you are: open the chat from your customer area, or write to us again when we are open.',
  callbackQueued: ({ phoneEnd }) =>
    `Done: we will call you back on the number ending in ${phoneEnd} as soon as we open. This chat is now closed.`,
  emailContinued: ({ masked }) =>
    `Done: we sent this conversation to ${masked} and will answer you there. This chat is now closed.`,
  estimate: ({ minutes }) =>
    minutes === null
      ? 'We cannot estimate the wait yet.'
      : minutes === 1
        ? 'Estimated wait: about 1 minute.'
        : `Estimated wait: about ${minutes} minutes.`,
  transcriptSubject: 'Your chat conversation',
  transcriptIntro: ({ started }) => `Here is the chat conversation you started on ${started}.`,
  authors: { visitor: 'You', bot: 'Virtual assistant', advisor: 'Advisor', system: 'Chat' },
  dateFormat: "LLLL d, yyyy 'at' h:mm a",
  whenFormat: "'on' cccc, LLLL d 'at' h:mm a",
};

export const customerTexts: Record<Locale, CustomerTexts> = { 'it-IT': it, 'en-US': en };
