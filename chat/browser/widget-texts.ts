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
  closed: string;
  you: string;
  bot: string;
  advisor: string;
  /** Under the visitor's last message the advisor has read. */
  read: string;
}

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
    closed: 'The chat is closed.',
    you: 'You',
    bot: 'Virtual assistant',
    advisor: 'Advisor',
    read: 'Read',
  },
};
