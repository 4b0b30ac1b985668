import { topicName, type Locale } from '../vocabulary.ts';
import { itJoined, sayList, sayOn, sayTime } from './messages.ts';

/** A consultation time as the customer hears it. */
export interface When {
  /** ISO calendar date in the reference zone. */
  day: string;
  at: Date;
}

/** Every spoken string of the consultation intents, in every locale; figures arrive raw and are said here. */
export interface AppointmentMessages {
  title: () => string;
  topic: (id: string) => string;
  askTopic: () => string;
  /** Words taken for the topic that name none; `choices`: the topics served in the language. */
  topicNotUnderstood: (p: { choices: string[] }) => string;
  /** A topic nobody serves in the language now: the others, or none at all. */
  noAdvisorFor: (p: { topic: string; choices: string[] }) => string;
  askDay: () => string;
  /** Moving: the appointment as it is, then the question for the new day. */
  askMoveDay: (p: { from: When; today: string }) => string;
  dayNotUnderstood: () => string;
  dayPassed: (p: { moving: boolean }) => string;
  askTime: (p: { day: string; today: string; free: Date[] }) => string;
  noSlotsOn: (p: { day: string; today: string; next: When[] }) => string;
  taken: (p: { when: When; today: string; free: Date[] }) => string;
  nothingNear: () => string;
  beyondHorizon: (p: { days: number; moving: boolean }) => string;
  confirmBook: (p: { topic: string; when: When; today: string }) => string;
  booked: (p: { topic: string; when: When; today: string; medium: 'email' | 'sms' | null }) => string;
  notBooked: () => string;
  tooMany: (p: { max: number }) => string;
  next: (p: { topic: string; when: When; today: string; advisor: string; more: number }) => string;
  none: () => string;
  noneOn: (p: { day: string; today: string }) => string;
  confirmMove: (p: { from: When; to: When; today: string }) => string;
  moved: (p: { when: When; today: string; medium: 'email' | 'sms' | null }) => string;
  notMoved: () => string;
  tooSoonToMove: () => string;
  confirmCancel: (p: { when: When; today: string }) => string;
  cancelled: (p: { medium: 'email' | 'sms' | null }) => string;
  notCancelled: () => string;
  apology: () => string;
}

const at = (locale: Locale, when: When, today: string) =>
  `${sayOn(locale, when.day, today)} ${locale === 'it-IT' ? 'alle' : 'at'} ${sayTime(locale, when.at)}`;
/** The topics a consultation can be booked on, as a choice, or the only one. */
const offered = (locale: Locale, ids: string[]) => {
  const names = ids.map((id) => topicName(id, locale));
  if (locale === 'it-IT')
    return names.length === 1
      ? `Per ora posso fissarla solo su ${names[0]}.`
      : `Puoi scegliere tra ${sayList(locale, names, 'and')}.`;
  return names.length === 1
    ? `For now I can only book one about ${names[0]}.`
    : `You can choose ${sayList(locale, names, 'or')}.`;
};
const times = (locale: Locale, free: Date[]) =>
  sayList(
    locale,
    free.map((t) => sayTime(locale, t)),
    'or',
  );

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

const it = (locale: 'it-IT'): AppointmentMessages => ({
  title: () => 'Videoconsulenza',
  topic: (id) => topicName(id, locale),
  askTopic: () =>
    'Di cosa vuoi parlare con il consulente? Per esempio bollette, pagamenti, contratto, trasloco o assistenza tecnica.',
  topicNotUnderstood: ({ choices }) => `Non ho capito l'argomento. ${offered(locale, choices)}`,
  noAdvisorFor: ({ topic, choices }) =>
    choices.length === 0
      ? 'Al momento non ho consulenti disponibili per una videoconsulenza.'
      : `Su ${topicName(topic, locale)} al momento non ho consulenti disponibili. ${offered(locale, choices)}`,
  askDay: () => 'Per quale giorno vuoi la videoconsulenza?',
  askMoveDay: ({ from, today }) =>
    `La tua videoconsulenza è ${at(locale, from, today)}. A quale giorno vuoi spostarla?`,
  dayNotUnderstood: () => 'Non ho capito il giorno. Dimmi per esempio: domani, oppure lunedì.',
  dayPassed: ({ moving }) =>
    `Quel giorno è già passato. ${moving ? 'A quale giorno vuoi spostarla?' : 'Per quale giorno vuoi la videoconsulenza?'}`,
  askTime: ({ day, today, free }) =>
    `A che ora, ${sayOn(locale, day, today)}? Per esempio alle ${times(locale, free)}.`,
  noSlotsOn: ({ day, today, next }) => {
    const first = next[0] as When;
    return `${capitalized(sayOn(locale, day, today))} non ci sono orari liberi. Il primo giorno libero è ${sayOn(locale, first.day, today)}, alle ${times(
      locale,
      next.map((w) => w.at),
    )}. Che ora preferisci?`;
  },
  taken: ({ when, today, free }) =>
    `${capitalized(at(locale, when, today))} i consulenti non sono liberi. Gli orari più vicini sono alle ${times(locale, free)}. Quale preferisci?`,
  nothingNear: () => 'Non ci sono orari liberi in quei giorni. Prova un altro giorno: quale?',
  beyondHorizon: ({ days, moving }) =>
    `Si può prenotare al massimo ${days} giorni in anticipo. ${moving ? 'A quale giorno vuoi spostarla?' : 'Per quale giorno vuoi la videoconsulenza?'}`,
  confirmBook: ({ topic, when, today }) =>
    `Prenoto una videoconsulenza su ${topic}, ${at(locale, when, today)}. Va bene?`,
  booked: ({ topic, when, today, medium }) =>
    `Fatto: videoconsulenza su ${topic} prenotata ${at(locale, when, today)}. ${
      medium === 'sms'
        ? 'Ti ho mandato il link per collegarti via SMS.'
        : medium === 'email'
          ? 'Ti ho mandato il link per collegarti via e-mail.'
          : 'Non posso mandarti messaggi: chiedi il link al servizio clienti.'
    }`,
  notBooked: () => 'Va bene, non ho prenotato niente.',
  tooMany: ({ max }) =>
    `Hai già ${max} videoconsulenze prenotate. Per prenotarne un'altra, sposta o annulla una di quelle.`,
  next: ({ topic, when, today, advisor, more }) =>
    `La tua prossima videoconsulenza è ${at(locale, when, today)}, su ${topic}, con ${advisor}.${
      more > 0 ? ` Dopo questa ne hai ${more === 1 ? "un'altra" : `altre ${more}`}.` : ''
    }`,
  none: () => 'Non hai videoconsulenze prenotate. Se vuoi, dimmi: prenota una videoconsulenza.',
  noneOn: ({ day, today }) => `Non hai videoconsulenze prenotate per ${sayOn(locale, day, today)}.`,
  confirmMove: ({ from, to, today }) =>
    `Sposto la videoconsulenza ${itJoined('di', at(locale, from, today))} ${itJoined('a', at(locale, to, today))}. Confermi?`,
  moved: ({ when, today, medium }) =>
    `Fatto: la videoconsulenza è ora ${at(locale, when, today)}.${medium ? ' Ti ho mandato la conferma.' : ''}`,
  notMoved: () => "Va bene, l'appuntamento resta com'era.",
  tooSoonToMove: () =>
    'La videoconsulenza inizia tra poco e non si può più spostare. Se vuoi, posso annullarla.',
  confirmCancel: ({ when, today }) =>
    `Annullo la videoconsulenza ${itJoined('di', at(locale, when, today))}. Confermi?`,
  cancelled: ({ medium }) =>
    `Fatto: la videoconsulenza è annullata.${medium ? ' Ti ho mandato la conferma.' : ''}`,
  notCancelled: () => "Va bene, l'appuntamento resta confermato.",
  apology: () => 'Mi dispiace, in questo momento non riesco a gestire gli appuntamenti. Riprova tra poco.',
});

const en = (locale: 'en-US'): AppointmentMessages => ({
  title: () => 'Video consultation',
  topic: (id) => topicName(id, locale),
  askTopic: () =>
    'What would you like to talk about with the advisor? For example bills, payments, your contract, moving home or technical support.',
  topicNotUnderstood: ({ choices }) => `I didn't catch the topic. ${offered(locale, choices)}`,
  noAdvisorFor: ({ topic, choices }) =>
    choices.length === 0
      ? 'No advisor is available for a video consultation at the moment.'
      : `No advisor covers ${topicName(topic, locale)} at the moment. ${offered(locale, choices)}`,
  askDay: () => 'Which day would you like the video consultation?',
  askMoveDay: ({ from, today }) =>
    `Your video consultation is ${at(locale, from, today)}. Which day would you like to move it to?`,
  dayNotUnderstood: () => "I didn't catch the day. Say for example: tomorrow, or Monday.",
  dayPassed: ({ moving }) =>
    `That day has passed. ${moving ? 'Which day would you like to move it to?' : 'Which day would you like?'}`,
  askTime: ({ day, today, free }) =>
    `At what time ${sayOn(locale, day, today)}? For example ${times(locale, free)}.`,
  noSlotsOn: ({ day, today, next }) => {
    const first = next[0] as When;
    return `There are no free times ${sayOn(locale, day, today)}. The first free day is ${sayDateOnly(first, today)}, at ${times(
      locale,
      next.map((w) => w.at),
    )}. Which time would you like?`;
  },
  taken: ({ when, today, free }) =>
    `The advisors are not free ${at(locale, when, today)}. The nearest free times are ${times(locale, free)}. Which one would you like?`,
  nothingNear: () => 'There are no free times around then. Try another day: which one?',
  beyondHorizon: ({ days, moving }) =>
    `Bookings open at most ${days} days ahead. ${moving ? 'Which day would you like to move it to?' : 'Which day would you like?'}`,
  confirmBook: ({ topic, when, today }) =>
    `Shall I book a video consultation about ${topic} ${at(locale, when, today)}?`,
  booked: ({ topic, when, today, medium }) =>
    `Done: your video consultation about ${topic} is booked ${at(locale, when, today)}. ${
      medium === 'sms'
        ? 'I sent you the link to join by text message.'
        : medium === 'email'
          ? 'I sent you the link to join by e-mail.'
          : 'I cannot send you messages: ask customer service for the link.'
    }`,
  notBooked: () => "OK, I haven't booked anything.",
  tooMany: ({ max }) =>
    `You already have ${max} video consultations booked. To book another, move or cancel one of them.`,
  next: ({ topic, when, today, advisor, more }) =>
    `Your next video consultation is ${at(locale, when, today)}, about ${topic}, with ${advisor}.${
      more > 0 ? ` You have ${more === 1 ? 'one more' : `${more} more`} after it.` : ''
    }`,
  none: () => 'You have no video consultations booked. If you like, say: book a video consultation.',
  noneOn: ({ day, today }) => `You have no video consultation booked ${sayOn(locale, day, today)}.`,
  confirmMove: ({ from, to, today }) =>
    `Shall I move your video consultation from ${at(locale, from, today).replace(/^on /, '')} to ${at(locale, to, today).replace(/^on /, '')}?`,
  moved: ({ when, today, medium }) =>
    `Done: your video consultation is now ${at(locale, when, today)}.${medium ? ' I sent you a confirmation.' : ''}`,
  notMoved: () => 'OK, your appointment stays as it was.',
  tooSoonToMove: () =>
    'Your video consultation starts soon and can no longer be moved. I can cancel it if you like.',
  confirmCancel: ({ when, today }) => `Shall I cancel your video consultation ${at(locale, when, today)}?`,
  cancelled: ({ medium }) =>
    `Done: your video consultation is cancelled.${medium ? ' I sent you a confirmation.' : ''}`,
  notCancelled: () => 'OK, your appointment stays booked.',
  apology: () => "Sorry, I can't manage appointments right now. Please try again in a moment.",
});

const sayDateOnly = (when: When, today: string) => sayOn('en-US', when.day, today).replace(/^on /, '');

export const appointmentMessages: Record<Locale, AppointmentMessages> = {
  'it-IT': it('it-IT'),
  'en-US': en('en-US'),
};
