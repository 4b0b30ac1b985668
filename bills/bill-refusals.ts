import type { ErrorRequestHandler, Request } from 'express';
import {
  ChannelPilotError,
  errorStatus,
  FORM_PAGE_REFERRER_POLICY,
  type Locale,
  type PageKit,
} from '../core/index.ts';
import type { BillLinks } from '../core/services.ts';
import { billStepPage, paperlessForm } from './bill-page.ts';

// What a customer's browser is told when a step under a bill's link cannot be done: a page in
// their language (both languages when the link names no one), never problem details, an internal
// id or a hint meant for staff. Programs that ask for JSON still get problem details.

type Refusal =
  | 'invalidLink'
  | 'badEmail'
  | 'noEmail'
  | 'slotTaken'
  | 'notASlot'
  | 'noCodeMedium'
  | 'tooMany'
  | 'badRequest'
  | 'tooLong'
  | 'otherSite';

const refusalTexts: Record<Locale, Record<Refusal, { title: string; body: string }>> = {
  'it-IT': {
    invalidLink: {
      title: 'Link non valido',
      body: 'Questo link alla bolletta non è valido o è scaduto. Usa il link della tua ultima bolletta, o chiedine uno nuovo al servizio clienti.',
    },
    badEmail: {
      title: 'Bolletta digitale',
      body: 'Questo indirizzo e-mail non sembra completo: controllalo e riprova.',
    },
    noEmail: {
      title: 'Bolletta digitale',
      body: 'Scrivi la tua e-mail: è lì che ti manderemo le bollette.',
    },
    slotTaken: {
      title: 'Orario non più libero',
      body: 'Quell’orario non è più libero: scegline un altro.',
    },
    notASlot: { title: 'Orario non disponibile', body: 'Scegli uno degli orari proposti.' },
    noCodeMedium: {
      title: 'Collega Alexa',
      body: 'Il codice per collegare Alexa si manda per e-mail o SMS, e non abbiamo un tuo indirizzo e-mail o numero di cellulare. Chiedilo al servizio clienti, oppure passa alla bolletta digitale con la tua e-mail.',
    },
    tooMany: {
      title: 'Troppe richieste',
      body: 'Hai fatto molte richieste in poco tempo: riprova tra qualche minuto.',
    },
    badRequest: {
      title: 'Richiesta non valida',
      body: 'La richiesta non è arrivata completa: torna alla bolletta e riprova.',
    },
    tooLong: {
      title: 'Richiesta troppo lunga',
      body: 'Il testo inviato è troppo lungo: accorcialo e riprova.',
    },
    otherSite: {
      title: 'Richiesta non accettata',
      body: 'Il modulo è arrivato da un altro sito. Apri il link della tua bolletta e riprova da lì.',
    },
  },
  'en-US': {
    invalidLink: {
      title: 'Link not valid',
      body: 'This link to your bill is not valid or has expired. Use the link of your latest bill, or ask customer service for a new one.',
    },
    badEmail: {
      title: 'Paperless bills',
      body: 'This e-mail address does not look complete: check it and try again.',
    },
    noEmail: { title: 'Paperless bills', body: 'Enter your e-mail: that is where your bills will go.' },
    slotTaken: { title: 'Time no longer free', body: 'That time is no longer free: pick another one.' },
    notASlot: { title: 'Time not available', body: 'Pick one of the times offered.' },
    noCodeMedium: {
      title: 'Link Alexa',
      body: 'The code that links Alexa is sent by e-mail or text message, and we have no e-mail address or mobile number of yours. Ask customer service for it, or go paperless with your e-mail.',
    },
    tooMany: {
      title: 'Too many requests',
      body: 'You made many requests in a short time: try again in a few minutes.',
    },
    badRequest: {
      title: 'Request not valid',
      body: 'The request did not arrive whole: go back to your bill and try again.',
    },
    tooLong: { title: 'Request too long', body: 'What you sent is too long: shorten it and try again.' },
    otherSite: {
      title: 'Request not accepted',
      body: 'The form came from another site. Open the link of your bill and try again from there.',
    },
  },
};

const freeTimes: Record<Locale, string> = { 'it-IT': 'Vedi gli orari liberi', 'en-US': 'See the free times' };

/** The 4xx status of what went wrong on the customer's side; undefined for a fault of ours. */
function clientStatus(error: unknown): number | undefined {
  if (error instanceof ChannelPilotError) {
    const status = errorStatus[error.code];
    return status < 500 ? status : undefined;
  }
  const status = (error as { status?: unknown; expose?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

function refusalOf(error: unknown, step: string | undefined, status: number, emailGiven: boolean): Refusal {
  const code = error instanceof ChannelPilotError ? error.code : undefined;
  if (code === 'unauthenticated' || (code === 'not_found' && step === undefined)) return 'invalidLink';
  if (status === 413) return 'tooLong';
  if (code === 'rate_limited') return 'tooMany';
  if (code === 'forbidden') return 'otherSite';
  if (code === undefined) return 'badRequest';
  if (step === 'paperless' && code === 'invalid_input') return emailGiven ? 'badEmail' : 'noEmail';
  if (step === 'book' && code === 'conflict') return 'slotTaken';
  if (step === 'book' && code === 'invalid_input') return 'notASlot';
  if (step === 'linking-code' && code === 'conflict') return 'noCodeMedium';
  return 'badRequest';
}

/** A browser asking for a page (its Accept prefers HTML to JSON). */
const wantsPage = (req: Request) => req.accepts(['json', 'html']) === 'html';

/**
 * The bill routes' error handler: a browser gets a page in the customer's language (the link's
 * customer's, or both when the link opens nothing), with the way back; others go on to the app's
 * problem details. Faults of ours (5xx) go on too.
 */
export function billRefusals(options: { billLinks: BillLinks; kit: PageKit }): ErrorRequestHandler {
  const { billLinks, kit } = options;
  const text = kit.escape;
  return async (error, req, res, next) => {
    const match = /^\/b\/([^/]+)(?:\/([\w.-]+))?\/?$/.exec(req.path);
    const status = clientStatus(error);
    if (!match || status === undefined || !wantsPage(req)) return next(error);
    try {
      const token = decodeURIComponent(match[1] as string);
      const step = match[2];
      const base = `/b/${encodeURIComponent(token)}`;
      const view = await billLinks
        .communicationOf(token)
        .then((c) => billLinks.view(c))
        .catch(() => undefined);
      const typed = typeof req.body?.email === 'string' ? (req.body.email as string) : '';
      const refusal = refusalOf(error, step, status, typed.trim() !== '');
      res
        .status(status)
        .setHeader(
          'Content-Security-Policy',
          "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
        )
        .setHeader('Referrer-Policy', FORM_PAGE_REFERRER_POLICY)
        .setHeader('Cache-Control', 'no-store')
        .type('html');
      if (!view || refusal === 'invalidLink') {
        // Nothing says whose link it was: both languages.
        const [it, en] = [refusalTexts['it-IT'].invalidLink, refusalTexts['en-US'].invalidLink];
        const body = `<p>${text(it.body)}</p><h2 lang="en-US">${text(en.title)}</h2><p lang="en-US">${text(en.body)}</p>`;
        return void res.send(billStepPage(kit, 'it-IT', it.title, body, null));
      }
      const t = refusalTexts[view.locale][refusal];
      let body = `<p>${text(t.body)}</p>`;
      if (refusal === 'badEmail' || refusal === 'noEmail')
        body += paperlessForm(kit, view.locale, `${base}/paperless`, view.emailOnFile, typed);
      if (refusal === 'slotTaken' || refusal === 'notASlot')
        body += `<p><a class="button secondary" href="${text(`${base}/book`)}">${text(freeTimes[view.locale])}</a></p>`;
      res.send(billStepPage(kit, view.locale, t.title, body, base));
    } catch (failed) {
      next(failed);
    }
  };
}
