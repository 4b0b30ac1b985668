// What the customer's consultation page says, in each language the product speaks. Used by the
// server (the page's states) and by the page's script (the call), so both say the same thing.

export type PageLocale = 'it-IT' | 'en-US';

/** What either side's call shows and its controls say (see call-screen.ts). */
export interface CallLabels {
  remoteVideo: string;
  yourVideo: string;
  sharedScreen: string;
  toolbar: string;
  mute: string;
  unmute: string;
  cameraOff: string;
  cameraOn: string;
  share: string;
  stopShare: string;
  leave: string;
  chat: string;
  message: string;
  send: string;
  you: string;
}

/** What the server hands the page's script. */
export interface ConsultationPageData {
  token: string;
  locale: PageLocale;
}

export interface ConsultationTexts {
  title: string;
  appointment: (a: { advisor: string; when: string; topic: string }) => string;
  invalidLink: { title: string; body: string };
  expiredLink: { title: string; body: string };
  cancelled: { title: string; body: (when: string) => string };
  over: { title: string; body: string };
  tooEarly: { title: string; body: (opensAt: string) => string };
  preJoin: {
    heading: string;
    camera: string;
    microphone: string;
    noDevice: string;
    previewOff: string;
    join: string;
    joinCameraOff: string;
    asking: string;
    refused: string;
    refusedHelp: string;
    notFound: string;
    retry: string;
  };
  lobby: { heading: string; body: string };
  call: CallLabels & {
    reconnecting: string;
    reconnected: string;
    advisorLeft: string;
    disconnected: string;
    joinFailed: string;
    /** The app or the video service failed: the customer's connection is not the problem. */
    serviceUnavailable: string;
  };
  survey: {
    heading: string;
    nps: string;
    npsLow: string;
    npsHigh: string;
    csat: string;
    csatScale: readonly [string, string, string, string, string];
    comment: string;
    submit: string;
    thanks: string;
    /** Not stored for a reason a retry can fix: the network, the app's own fault. */
    failed: string;
    /** The app refused the comment (too long, or a character it cannot store): it can be changed. */
    commentRefused: string;
    /** The consultation was rated already (another tab, a second send). */
    alreadyAnswered: string;
    /** The join link no longer opens the consultation. */
    linkExpired: string;
    /** Any other refusal: sending the same answers again will not help. */
    refused: string;
    missing: string;
  };
}

const it: ConsultationTexts = {
  title: 'Consulenza video',
  appointment: ({ advisor, when, topic }) => `Con ${advisor}, ${when}. Argomento: ${topic}.`,
  invalidLink: {
    title: 'Questo link non è valido',
    body: 'Controlli di aver aperto il link completo ricevuto nel messaggio, oppure ci chieda un nuovo link.',
  },
  expiredLink: {
    title: 'Questo link è scaduto',
    body: 'La consulenza a cui si riferiva è passata. Per parlare con un consulente prenoti un nuovo appuntamento.',
  },
  cancelled: {
    title: 'Questa consulenza è stata annullata',
    body: (when) => `La consulenza prevista per ${when} non si terrà. Può prenotarne un'altra quando vuole.`,
  },
  over: {
    title: 'Questa consulenza è terminata',
    body: 'Non è più possibile collegarsi. Per parlare ancora con un consulente prenoti un nuovo appuntamento.',
  },
  tooEarly: {
    title: 'È ancora presto',
    body: (opensAt) => `Potrà collegarsi da ${opensAt}. Questa pagina si aggiorna da sola.`,
  },
  preJoin: {
    heading: 'Prima di entrare',
    camera: 'Fotocamera',
    microphone: 'Microfono',
    noDevice: 'Nessun dispositivo',
    previewOff: 'Fotocamera spenta',
    join: 'Entra',
    joinCameraOff: 'Entra senza video',
    asking: 'Il browser le chiede il permesso di usare fotocamera e microfono.',
    refused:
      'Il browser non ci permette di usare fotocamera e microfono, quindi il consulente non potrebbe sentirla.',
    refusedHelp:
      "Apra le impostazioni del sito (l'icona accanto all'indirizzo), consenta fotocamera e microfono e tocchi «Riprova».",
    notFound: 'Non troviamo né una fotocamera né un microfono. Ne colleghi uno e tocchi «Riprova».',
    retry: 'Riprova',
  },
  lobby: {
    heading: 'Sala d’attesa',
    body: 'Il consulente la farà entrare tra poco. Resti su questa pagina.',
  },
  call: {
    remoteVideo: 'Video del consulente',
    sharedScreen: 'Schermo condiviso',
    toolbar: 'Comandi della chiamata',
    yourVideo: 'Il suo video',
    mute: 'Disattiva microfono',
    unmute: 'Attiva microfono',
    cameraOff: 'Spegni fotocamera',
    cameraOn: 'Accendi fotocamera',
    share: 'Condividi schermo',
    stopShare: 'Interrompi condivisione',
    leave: 'Esci',
    chat: 'Chat',
    message: 'Messaggio',
    send: 'Invia',
    you: 'Lei',
    reconnecting: 'Connessione persa, ci stiamo ricollegando…',
    reconnected: 'Di nuovo collegati.',
    advisorLeft: 'Il consulente ha lasciato la chiamata.',
    disconnected: 'La chiamata è terminata.',
    joinFailed: 'Non siamo riusciti a collegarla. Controlli la connessione e riprovi.',
    serviceUnavailable:
      'Il servizio video non è disponibile in questo momento: il problema è nostro, non della sua connessione. Riprovi tra qualche minuto.',
  },
  survey: {
    heading: 'Com’è andata?',
    nps: 'Quanto è probabile che consigli questo servizio a un amico o a un collega?',
    npsLow: '0 = per niente',
    npsHigh: '10 = sicuramente',
    csat: 'Quanto è soddisfatto della consulenza?',
    csatScale: ['Per niente', 'Poco', 'Abbastanza', 'Molto', 'Del tutto'],
    comment: 'Vuole aggiungere qualcosa? (facoltativo)',
    submit: 'Invia le risposte',
    thanks: 'Grazie! Le sue risposte ci aiutano a migliorare.',
    failed: 'Non siamo riusciti a salvare le risposte. Riprovi tra poco.',
    commentRefused:
      'Non possiamo salvare il commento così com’è: è troppo lungo o contiene caratteri che non accettiamo. Lo modifichi e invii di nuovo.',
    alreadyAnswered: 'Le sue risposte a questa consulenza erano già state salvate. Grazie!',
    linkExpired: 'Il link di questa consulenza non è più valido, quindi non possiamo salvare le risposte.',
    refused: 'Non possiamo accettare queste risposte. Ci scusi per l’inconveniente.',
    missing: 'Risponda a entrambe le domande, per favore.',
  },
};

const en: ConsultationTexts = {
  title: 'Video consultation',
  appointment: ({ advisor, when, topic }) => `With ${advisor}, ${when}. Topic: ${topic}.`,
  invalidLink: {
    title: 'This link is not valid',
    body: 'Check that you opened the whole link from your message, or ask us for a new one.',
  },
  expiredLink: {
    title: 'This link has expired',
    body: 'The consultation it was for has passed. To talk to an advisor, book a new appointment.',
  },
  cancelled: {
    title: 'This consultation was cancelled',
    body: (when) =>
      `The consultation planned for ${when} will not take place. You can book another one any time.`,
  },
  over: {
    title: 'This consultation has ended',
    body: 'It can no longer be joined. To talk to an advisor again, book a new appointment.',
  },
  tooEarly: {
    title: 'It is a little early',
    body: (opensAt) => `You can join from ${opensAt}. This page refreshes by itself.`,
  },
  preJoin: {
    heading: 'Before you join',
    camera: 'Camera',
    microphone: 'Microphone',
    noDevice: 'No device',
    previewOff: 'Camera off',
    join: 'Join',
    joinCameraOff: 'Join without video',
    asking: 'Your browser is asking whether we may use your camera and microphone.',
    refused:
      'Your browser does not let us use your camera and microphone, so the advisor could not hear you.',
    refusedHelp:
      'Open the site settings (the icon next to the address), allow the camera and microphone, then press “Try again”.',
    notFound: 'We cannot find a camera or a microphone. Connect one and press “Try again”.',
    retry: 'Try again',
  },
  lobby: {
    heading: 'Waiting room',
    body: 'Your advisor will let you in shortly. Please stay on this page.',
  },
  call: {
    remoteVideo: 'Advisor’s video',
    sharedScreen: 'Shared screen',
    toolbar: 'Call controls',
    yourVideo: 'Your video',
    mute: 'Mute',
    unmute: 'Unmute',
    cameraOff: 'Turn camera off',
    cameraOn: 'Turn camera on',
    share: 'Share screen',
    stopShare: 'Stop sharing',
    leave: 'Leave',
    chat: 'Chat',
    message: 'Message',
    send: 'Send',
    you: 'You',
    reconnecting: 'Connection lost, reconnecting…',
    reconnected: 'Connected again.',
    advisorLeft: 'Your advisor has left the call.',
    disconnected: 'The call has ended.',
    joinFailed: 'We could not connect you. Check your connection and try again.',
    serviceUnavailable:
      'The video service is not available right now. The problem is on our side, not your connection: please try again in a few minutes.',
  },
  survey: {
    heading: 'How did it go?',
    nps: 'How likely are you to recommend this service to a friend or colleague?',
    npsLow: '0 = not at all likely',
    npsHigh: '10 = extremely likely',
    csat: 'How satisfied are you with the consultation?',
    csatScale: ['Not at all', 'Slightly', 'Moderately', 'Very', 'Completely'],
    comment: 'Anything you would like to add? (optional)',
    submit: 'Send answers',
    thanks: 'Thank you! Your answers help us improve.',
    failed: 'We could not save your answers. Please try again in a moment.',
    commentRefused:
      'We cannot save your comment as it is: it is too long or has characters we cannot accept. Please change it and send again.',
    alreadyAnswered: 'Your answers about this consultation were already saved. Thank you!',
    linkExpired: 'The link of this consultation no longer works, so we cannot save your answers.',
    refused: 'We cannot accept these answers. We are sorry for the trouble.',
    missing: 'Please answer both questions.',
  },
};

export const consultationTexts: Record<PageLocale, ConsultationTexts> = { 'it-IT': it, 'en-US': en };

export const pageLocale = (locale: string): PageLocale => (locale === 'it-IT' ? 'it-IT' : 'en-US');

/** A moment as the customer reads it: their language, the organisation's time zone. */
export function formatWhen(at: Date | string, locale: PageLocale, timeZone: string): string {
  return new Intl.DateTimeFormat(locale, {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    hour: '2-digit',
    minute: '2-digit',
    timeZone,
  }).format(new Date(at));
}
