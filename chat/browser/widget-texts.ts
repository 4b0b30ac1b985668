/** What the widget itself says, in each language the chat speaks. */
export interface WidgetTexts {
  open: string;
  title: string;
  close: string;
  messages: string;
  suggestions: string;
  yourMessage: string;
  send: string;
  end: string;
  newChat: string;
  typing: string;
  connecting: string;
  reconnecting: string;
  waiting: (position: number) => string;
  estimate: (minutes: number | null) => string;
  advisorsClosed: (opensAt: Date | null) => string;
  csatQuestion: string;
  csatScore: (score: number) => string;
  csatScale: string;
  csatThanks: string;
  transcript: string;
  transcriptSent: (to: string) => string;
  closed: string;
  you: string;
  bot: string;
  advisor: string;
  /** Under the visitor's last message the advisor has read. */
  read: string;
}

/** A moment in the visitor's own zone and language. */
const when = (locale: string, at: Date) =>
  new Intl.DateTimeFormat(locale, {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    hour: 'numeric',
    minute: '2-digit',
  }).format(at);

export const widgetTexts: Record<'it-IT' | 'en-US', WidgetTexts> = {
  'it-IT': {
    open: 'Chatta con noi',
    title: 'Assistenza clienti',
    close: 'Chiudi la finestra della chat',
    messages: 'Messaggi della chat',
    suggestions: 'Risposte suggerite',
    yourMessage: 'Il tuo messaggio',
    send: 'Invia',
    end: 'Termina la chat',
    newChat: 'Nuova chat',
    typing: 'Il consulente sta scrivendo…',
    connecting: 'Connessione in corso…',
    reconnecting: 'Connessione persa: riprovo…',
    waiting: (position) =>
      position === 1 ? 'Sei il prossimo in coda.' : `In coda: ${position - 1} persone prima di te.`,
    estimate: (minutes) =>
      minutes === null ? 'Non sappiamo ancora stimare l’attesa.' : `Attesa stimata: circa ${minutes} min.`,
    advisorsClosed: (opensAt) =>
      `I consulenti ora non rispondono${opensAt ? ` (di nuovo dal ${when('it-IT', opensAt)})` : ''}; l’assistente virtuale sì.`,
    csatQuestion: 'Quanto sei soddisfatto di questa chat?',
    csatScore: (score) => `${score} su 5`,
    csatScale: '1 = per niente, 5 = del tutto',
    csatThanks: 'Grazie per la tua risposta.',
    transcript: 'Mandami la conversazione per e-mail',
    transcriptSent: (to) => `Conversazione inviata a ${to}.`,
    closed: 'La chat è chiusa.',
    you: 'Tu',
    bot: 'Assistente virtuale',
    advisor: 'Consulente',
    read: 'Letto',
  },
  'en-US': {
    open: 'Chat with us',
    title: 'Customer service',
    close: 'Close the chat window',
    messages: 'Chat messages',
    suggestions: 'Suggested replies',
    yourMessage: 'Your message',
    send: 'Send',
    end: 'End the chat',
    newChat: 'New chat',
    typing: 'The advisor is typing…',
    connecting: 'Connecting…',
    reconnecting: 'Connection lost: trying again…',
    waiting: (position) =>
      position === 1 ? 'You are next in the queue.' : `In the queue: ${position - 1} people ahead of you.`,
    estimate: (minutes) =>
      minutes === null ? 'We cannot estimate the wait yet.' : `Estimated wait: about ${minutes} min.`,
    advisorsClosed: (opensAt) =>
      `Our advisors are not answering now${opensAt ? ` (back ${when('en-US', opensAt)})` : ''}; the virtual assistant is.`,
    csatQuestion: 'How satisfied are you with this chat?',
    csatScore: (score) => `${score} out of 5`,
    csatScale: '1 = not at all, 5 = completely',
    csatThanks: 'Thank you for your answer.',
    transcript: 'E-mail me this conversation',
    transcriptSent: (to) => `Conversation sent to ${to}.`,
    closed: 'The chat is closed.',
    you: 'You',
    bot: 'Virtual assistant',
    advisor: 'Advisor',
    read: 'Read',
  },
};
