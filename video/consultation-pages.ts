import { Router, type Response } from 'express';
import {
  can,
  topicName,
  type Clock,
  type CustomerVisit,
  type Markup,
  type PageKit,
  type SignedLinks,
  type Stores,
} from '../core/index.ts';
import { consultationEntry, type Appointment } from '../core/services.ts';
import { CALL_STYLES } from './browser/call-styles.ts';
import {
  consultationTexts,
  formatWhen,
  pageLocale,
  type ConsultationPageData,
  type PageLocale,
} from './browser/consultation-texts.ts';

export interface ConsultationPagesOptions {
  links: SignedLinks;
  stores: Pick<Stores, 'appointments' | 'advisors' | 'interactions' | 'surveys'>;
  kit: PageKit;
  clock: Clock;
  /** When a consultation's room may be joined (the video policy's window). */
  window(appointment: Appointment): { opensAt: Date; closesAt: Date };
  /** The organisation's time zone: times are shown in it. */
  timeZone: string;
  /** The LiveKit server's address now, which the pages' scripts connect to; null without video. */
  mediaUrl: () => string | null;
}

/**
 * The browser side of consultations: the customer's page behind the join link (`/join/:token`),
 * and the advisor console (`/console`).
 */
export function createConsultationPages(options: ConsultationPagesOptions): Router {
  const { links, stores, clock, kit } = options;
  const { html } = kit;
  const router = Router();
  const csp = () => contentSecurityPolicy(options.mediaUrl());
  /** The customer on the page, continuing the journey the consultation was booked in (if any). */
  const visitOf = async (appointment: Appointment): Promise<CustomerVisit> => {
    const journey = appointment.journeyId ? await stores.interactions.journey(appointment.journeyId) : [];
    return {
      customerId: appointment.customerId,
      touchpoint: 'consultation_page',
      contactId: journey.at(-1)?.id ?? null,
    };
  };
  /**
   * Whether the customer's rating of the consultation is stored. Its journey entry is written a
   * moment after the call ends: until then nothing can be.
   */
  const rated = async (appointment: Appointment): Promise<boolean> => {
    const entry = await consultationEntry(stores.interactions, appointment.id);
    return entry !== undefined && (await stores.surveys.forInteraction(entry.id)).length > 0;
  };
  const customerPage = (input: {
    locale: PageLocale;
    state: string;
    body: Markup;
    title?: string;
    refreshSeconds?: number | undefined;
    script?: { name: string; data: unknown };
    scripts?: readonly string[];
    visit?: CustomerVisit | undefined;
  }) =>
    kit.document({
      ...input,
      title: input.title ?? consultationTexts[input.locale].title,
      styles: CALL_STYLES,
    });

  router.get('/join/:token', async (req, res) => {
    secure(res, csp());
    const inspection = links.inspect(req.params.token, 'join', clock.now());
    if (inspection.status === 'invalid') {
      const t = consultationTexts['en-US'];
      const it = consultationTexts['it-IT'];
      // Nothing says whose link it was: both languages.
      res
        .status(404)
        .type('html')
        .send(
          customerPage({
            locale: 'it-IT',
            state: 'invalid',
            body: html`<h1>${it.invalidLink.title}</h1>
              <p>${it.invalidLink.body}</p>
              <h1 lang="en-US">${t.invalidLink.title}</h1>
              <p lang="en-US">${t.invalidLink.body}</p>`,
          }),
        );
      return;
    }
    const appointment = await stores.appointments.appointment(inspection.claims.subject);
    const locale = pageLocale(appointment?.locale ?? 'en-US');
    const t = consultationTexts[locale];
    const when = (at: Date) => formatWhen(at, locale, options.timeZone);
    // While the link is good, a chat started here is the consultation's customer's, in its journey.
    const visit = appointment && inspection.status === 'valid' ? await visitOf(appointment) : undefined;
    const data: ConsultationPageData = { token: req.params.token, locale };
    const message = (
      state: string,
      title: string,
      body: string,
      more: { status?: number; after?: Markup; script?: { name: string; data: unknown } } = {},
    ) => {
      const status = more.status ?? 200;
      res
        .status(status)
        .type('html')
        .send(
          customerPage({
            locale,
            state,
            body: html`<h1>${title}</h1>
              <p>${body}</p>
              ${more.after}`,
            ...(more.script ? { script: more.script } : {}),
            visit: status === 200 ? visit : undefined,
          }),
        );
    };
    if (!appointment) return message('invalid', t.invalidLink.title, t.invalidLink.body, { status: 404 });
    if (appointment.status === 'cancelled') {
      return message('cancelled', t.cancelled.title, t.cancelled.body(when(appointment.startsAt)));
    }
    if (inspection.status === 'expired')
      return message('expired', t.expiredLink.title, t.expiredLink.body, { status: 410 });
    const { opensAt, closesAt } = options.window(appointment);
    const now = clock.now();
    if (appointment.status === 'completed') {
      if (await rated(appointment)) {
        return message('over', t.over.title, t.over.body, { after: html`<p>${t.survey.thanks}</p>` });
      }
      // A customer who left the call before rating it (a closed tab) rates it here.
      return message('survey', t.over.title, t.over.body, {
        after: html`<div id="app"></div>`,
        script: { name: 'rating', data },
      });
    }
    if (appointment.status === 'no_show' || now > closesAt) return message('over', t.over.title, t.over.body);
    const advisor = await stores.advisors.advisor(appointment.advisorId);
    const summary = t.appointment({
      advisor: advisor?.name ?? '',
      when: when(appointment.startsAt),
      topic: topicName(appointment.topic, locale),
    });
    if (now < opensAt) {
      // Refresh at the opening, or every minute until then.
      const seconds = Math.max(5, Math.min(60, Math.ceil((opensAt.getTime() - now.getTime()) / 1000)));
      return res.type('html').send(
        customerPage({
          locale,
          state: 'too_early',
          refreshSeconds: seconds,
          visit,
          body: html`<h1>${t.tooEarly.title}</h1>
            <p>${summary}</p>
            <p>${t.tooEarly.body(when(opensAt))}</p>`,
        }),
      );
    }
    res.type('html').send(
      customerPage({
        locale,
        state: 'open',
        body: html`<h1>${t.title}</h1>
          <p id="appointment">${summary}</p>
          <p id="status" class="status-line" role="status" aria-live="polite"></p>
          <div id="app"><noscript>JavaScript is needed for the video call.</noscript></div>`,
        script: { name: 'consultation', data },
        visit,
      }),
    );
  });

  router.get('/console', async (req, res) => {
    secure(res, csp());
    const user = await kit.staff(req);
    if (!user) {
      res.redirect(303, kit.loginPath(req.originalUrl));
      return;
    }
    if (!can(user.role, 'customers:write')) {
      res
        .status(403)
        .type('html')
        .send(
          customerPage({
            locale: 'en-US',
            state: 'forbidden',
            body: html`<h1>Not allowed</h1>
              <p>
                The advisor console is for advisors; your role is ${user.role.replace('_', ' ')}.
                <a href="${kit.loginPath('/console')}">Log in as someone else</a>.
              </p>`,
          }),
        );
      return;
    }
    res.type('html').send(
      customerPage({
        locale: 'en-US',
        state: 'console',
        title: 'Advisor console',
        body: html`<div id="app"><noscript>The console needs JavaScript.</noscript></div>
          ${kit.consoleScripts().map((name) => html`<section id="console-${name}"></section>`)}`,
        script: { name: 'console', data: { user: { displayName: user.displayName, role: user.role } } },
        scripts: kit.consoleScripts(),
      }),
    );
  });

  return router;
}

function secure(res: Response, csp: string) {
  res.setHeader('Content-Security-Policy', csp);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Referrer-Policy', 'no-referrer');
  // A join link is a credential; what the pages show is personal.
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Permissions-Policy', 'camera=(self), microphone=(self), display-capture=(self)');
}

function contentSecurityPolicy(mediaUrl: string | null): string {
  const media = mediaUrl ? new URL(mediaUrl) : null;
  const secure = media?.protocol === 'wss:' || media?.protocol === 'https:';
  // livekit-client signals over WebSocket and checks the server over HTTP(S) when a connection fails.
  const mediaOrigins = media
    ? [`${secure ? 'wss' : 'ws'}://${media.host}`, `${secure ? 'https' : 'http'}://${media.host}`]
    : [];
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'unsafe-inline'",
    'img-src data: blob:',
    'media-src blob: mediastream:',
    `connect-src 'self' ${mediaOrigins.join(' ')}`.trim(),
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}
