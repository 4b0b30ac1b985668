import { DateTime } from 'luxon';
import { REFERENCE_ZONE, type Locale, type MessageMedium, type PageKit } from '../core/index.ts';
import { billStepPage } from './bill-page.ts';

// The pages the bill's page leads to: choosing a consultation, the booking, the linking code, paperless.

const when = (locale: Locale, at: Date) =>
  DateTime.fromJSDate(at, { zone: REFERENCE_ZONE }).setLocale(locale).toLocaleString({
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    hour: '2-digit',
    minute: '2-digit',
  });

const stepTexts = {
  'it-IT': {
    chooseTitle: 'Prenota una videoconsulenza sulla bolletta',
    choose: 'Scegli un orario: un consulente ti chiama in video, senza installare nulla.',
    noSlots: 'Nessun orario libero nei prossimi giorni: riprova più tardi o chiamaci.',
    bookedTitle: 'Videoconsulenza prenotata',
    booked: (at: string) => `Ti aspettiamo ${at}.`,
    join: 'Entra nella videoconsulenza',
    joinNote: 'All’ora della consulenza entri da questo link, senza installare nulla.',
    told: (medium: MessageMedium) =>
      `Ti abbiamo mandato la conferma con lo stesso link ${medium === 'sms' ? 'per SMS' : 'per e-mail'}.`,
    notTold: 'Non ti abbiamo mandato conferme: salva questo link, ti serve per entrare.',
    codeTitle: 'Collega Alexa',
    code: 'Di’ ad Alexa: “apri Channel Pilot” e poi questo codice. Vale per poco tempo.',
    codeSent: (medium: MessageMedium) =>
      `Te l’abbiamo mandato anche ${medium === 'sms' ? 'per SMS' : 'per e-mail'}.`,
    paperlessTitle: 'Bolletta digitale',
    paperless: 'Fatto: dalla prossima bolletta niente carta, la riceverai per e-mail.',
    alreadyPaperless: 'Ricevi già le bollette senza carta.',
  },
  'en-US': {
    chooseTitle: 'Book a video consultation about your bill',
    choose: 'Pick a time: an advisor will see you on video, nothing to install.',
    noSlots: 'No free time in the next days: try again later or call us.',
    bookedTitle: 'Video consultation booked',
    booked: (at: string) => `See you ${at}.`,
    join: 'Join the video consultation',
    joinNote: 'At the time of the consultation you join from this link, nothing to install.',
    told: (medium: MessageMedium) =>
      `We sent you the confirmation with the same link by ${medium === 'sms' ? 'text message' : 'e-mail'}.`,
    notTold: 'We sent you no confirmation: keep this link, you need it to join.',
    codeTitle: 'Link Alexa',
    code: 'Say to Alexa: “open Channel Pilot”, then this code. It is valid for a short time.',
    codeSent: (medium: MessageMedium) =>
      `We also sent it to you by ${medium === 'sms' ? 'text message' : 'e-mail'}.`,
    paperlessTitle: 'Paperless bills',
    paperless: 'Done: from your next bill on, no paper; it will come by e-mail.',
    alreadyPaperless: 'Your bills already come without paper.',
  },
} as const;

export function slotsPage(
  kit: PageKit,
  locale: Locale,
  slots: readonly { startsAt: Date }[],
  book: string,
  back: string,
) {
  const t = stepTexts[locale];
  const text = kit.escape;
  const body =
    slots.length === 0
      ? `<p>${text(t.noSlots)}</p>`
      : `<p>${text(t.choose)}</p><div class="actions">${slots
          .map(
            (s) =>
              `<form method="post" action="${text(book)}"><input type="hidden" name="startsAt" value="${s.startsAt.toISOString()}"><button class="button secondary" type="submit">${text(when(locale, s.startsAt))}</button></form>`,
          )
          .join('')}</div>`;
  return billStepPage(kit, locale, t.chooseTitle, body, back);
}

/**
 * The booking made: when, the link that joins it, and that the confirmation was sent only when it
 * was queued (`told`); otherwise the link on the page is the customer's only copy.
 */
export function bookedPage(
  kit: PageKit,
  locale: Locale,
  booked: { startsAt: Date; joinUrl: string; told: MessageMedium | null },
  back: string,
) {
  const t = stepTexts[locale];
  const text = kit.escape;
  const body = `<p>${text(t.booked(when(locale, booked.startsAt)))}</p>
<p>${text(t.joinNote)}</p>
<p><a id="join" class="button primary" href="${text(booked.joinUrl)}">${text(t.join)}</a></p>
<p class="muted" id="confirmation">${text(booked.told ? t.told(booked.told) : t.notTold)}</p>`;
  return billStepPage(kit, locale, t.bookedTitle, body, back);
}

export function linkingCodePage(
  kit: PageKit,
  locale: Locale,
  code: string,
  medium: MessageMedium,
  back: string,
) {
  const t = stepTexts[locale];
  const text = kit.escape;
  return billStepPage(
    kit,
    locale,
    t.codeTitle,
    `<p>${text(t.code)}</p><p class="code">${text(code)}</p><p class="muted">${text(t.codeSent(medium))}</p>`,
    back,
  );
}

export function paperlessPage(kit: PageKit, locale: Locale, already: boolean, back: string) {
  const t = stepTexts[locale];
  const text = kit.escape;
  return billStepPage(
    kit,
    locale,
    t.paperlessTitle,
    `<p>${text(already ? t.alreadyPaperless : t.paperless)}</p>`,
    back,
  );
}
