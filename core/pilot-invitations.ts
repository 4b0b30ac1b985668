import type { Locale } from './vocabulary.ts';

// What a customer drawn into a pilot is told, once, on their consented medium.

const invitations: Record<
  Locale,
  { subject: string; voice: string; video: string; other: (name: string) => string }
> = {
  'it-IT': {
    subject: 'Un nuovo modo per parlare con noi',
    voice:
      'da oggi può chiedere ad Alexa della sua bolletta, ricevere il link per pagarla e prenotare una videoconsulenza. Colleghi il suo account dall’app Alexa.',
    video:
      'da oggi può parlare con un nostro consulente in videochiamata, senza installare nulla: prenoti una videoconsulenza dal sito o chiedendolo al servizio clienti.',
    other: (name) => `la invitiamo a provare il nostro nuovo canale: ${name}.`,
  },
  'en-US': {
    subject: 'A new way to reach us',
    voice:
      'you can now ask Alexa about your bill, get a link to pay it and book a video consultation. Link your account in the Alexa app.',
    video:
      'you can now talk to one of our advisors by video, with nothing to install: book a video consultation on our website or through customer care.',
    other: (name) => `we invite you to try our new channel: ${name}.`,
  },
};

/** The invitation to a pilot, in the customer's language. */
export function invitationText(locale: Locale, channel: string, channelName: string) {
  const catalog = invitations[locale];
  const body =
    channel === 'voice_assistant'
      ? catalog.voice
      : channel === 'video'
        ? catalog.video
        : catalog.other(channelName);
  return { subject: catalog.subject, body };
}
