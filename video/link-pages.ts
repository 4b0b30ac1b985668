import { Router, type Response } from 'express';
import { FORM_PAGE_REFERRER_POLICY, Instant, unstorableIssues } from '../core/index.ts';
import { toldOn, type Appointment, type ConsultationLinks } from '../core/services.ts';
import type { PageLocale } from './browser/consultation-texts.ts';
import { consultationLinkPath } from './link-paths.ts';
import { linkPageTexts } from './link-page-texts.ts';
import { createLinkPageViews } from './link-page-views.ts';
import {
  clientStatus,
  createLinkSteps,
  offerSpan,
  Refused,
  type LinkPagesOptions,
  type PageHandler,
  type PageRoute,
} from './link-page-steps.ts';
import { registerBookingPage } from './booking-page.ts';

/** Inline styles only, forms to this site only. */
const PAGE_POLICY =
  "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/** The longest reason a cancellation keeps (as the API's). */
const REASON_MAX = 500;

/**
 * The pages behind a consultation's customer links: `/reschedule/:token` (the free times, then
 * the move), `/cancel/:token` (confirm, then cancel) and `/book/:token` (a topic, a free time,
 * then the booking). Plain forms, posted to the page's own address; the signed link is the
 * credential. What cannot be done is said as a page in the customer's language, with a 4xx.
 */
export function createLinkPages(options: LinkPagesOptions): Router {
  const { customerLinks, stores, booking, clock, kit } = options;
  const { html } = kit;
  const router = Router();
  const views = createLinkPageViews(kit, options.timeZone);
  const steps = createLinkSteps(options);

  /** Runs a page's step; a refusal, or a mistake of the requester's, becomes its page. */
  const serve =
    (handler: PageHandler): PageRoute =>
    async (req, res) => {
      res.setHeader('Content-Security-Policy', PAGE_POLICY);
      res.setHeader('X-Content-Type-Options', 'nosniff');
      // The link is a credential: sent to no other site. This site's own forms keep their origin.
      res.setHeader('Referrer-Policy', FORM_PAGE_REFERRER_POLICY);
      res.setHeader('Cache-Control', 'no-store');
      const token = String(req.params.token);
      try {
        await handler(req, res, token);
      } catch (error) {
        const refused =
          error instanceof Refused
            ? error
            : clientStatus(error) !== undefined
              ? new Refused('badRequest', clientStatus(error) as number, null)
              : null;
        if (!refused) throw error;
        res
          .status(refused.status)
          .type('html')
          .send(views.refusal(refused.locale, refused.refusal, refused.more));
      }
    };
  const send = (res: Response, status: number, page: string) =>
    void res.status(status).type('html').send(page);
  const advisorName = async (a: Appointment) => (await stores.advisors.advisor(a.advisorId))?.name ?? '';

  /** The times a consultation may move to (its topic and language), other than its own. */
  async function moveChoices(appointment: Appointment, locale: PageLocale, token: string, query?: unknown) {
    const slots = await booking.slots({
      topic: appointment.topic,
      locale: appointment.locale,
      ...offerSpan(query, clock.now(), options.timeZone),
      moving: appointment.id,
    });
    const t = linkPageTexts[locale].reschedule;
    const path = consultationLinkPath('reschedule', token);
    return html`<h2>${t.choose}</h2>
      ${views.slots(
        locale,
        slots.filter((s) => s.startsAt.getTime() !== appointment.startsAt.getTime()),
        path,
        { later: (day) => `${path}?from=${day}` },
      )}`;
  }

  async function movable(token: string) {
    const opened = await steps.appointment(token, 'reschedule');
    if (steps.tooLateToMove(opened.appointment)) throw new Refused('tooLate', 409, opened.locale);
    return opened;
  }

  router.get(
    '/reschedule/:token',
    serve(async (req, res, token) => {
      const { appointment, locale } = await movable(token);
      const t = linkPageTexts[locale].reschedule;
      const body = html`<h1>${t.title}</h1>
        <p>${t.intro}</p>
        <p class="card" id="appointment">
          ${views.summary(locale, appointment, await advisorName(appointment))}
        </p>
        ${await moveChoices(appointment, locale, token, req.query)}`;
      send(res, 200, views.page({ locale, state: 'reschedule', title: t.title, body }));
    }),
  );

  router.post(
    '/reschedule/:token',
    serve(async (req, res, token) => {
      const { appointment, locale } = await movable(token);
      const form = await steps.readForm(req, res, locale);
      const startsAt = Instant.safeParse(form.startsAt);
      const choices = () => moveChoices(appointment, locale, token);
      if (!startsAt.success) throw new Refused('notASlot', 400, locale, await choices());
      let moved: Awaited<ReturnType<ConsultationLinks['reschedule']>>;
      try {
        moved = await customerLinks.reschedule(token, startsAt.data);
      } catch (error) {
        throw await steps.explainChange(error, token, 'reschedule', locale, choices);
      }
      const t = linkPageTexts[locale].reschedule;
      const now = moved.appointment;
      const when = views.when(locale, now.startsAt);
      const body = html`<h1>${t.movedTitle}</h1>
        <p id="result">${moved.notice !== null ? t.moved(when) : t.unchanged(when)}</p>
        <p class="card" id="appointment">${views.summary(locale, now, await advisorName(now))}</p>
        ${views.join(locale, options.joinUrl(now))}
        ${moved.notice !== null ? views.told(locale, toldOn(moved)) : ''}`;
      send(res, 200, views.page({ locale, state: 'moved', title: t.movedTitle, body }));
    }),
  );

  const cancelForm = (locale: PageLocale, token: string, reason = '') => {
    const t = linkPageTexts[locale].cancel;
    return html`<form method="post" action="${consultationLinkPath('cancel', token)}">
      <label for="reason">${t.reason}</label>
      <textarea id="reason" name="reason" maxlength="${REASON_MAX}" aria-describedby="reason-hint">
${reason}</textarea>
      <p class="muted" id="reason-hint">${t.reasonHint}</p>
      <p><button class="danger" type="submit">${t.confirm}</button></p>
    </form>`;
  };

  router.get(
    '/cancel/:token',
    serve(async (_req, res, token) => {
      const { appointment, locale } = await steps.appointment(token, 'cancel');
      const t = linkPageTexts[locale].cancel;
      const body = html`<h1>${t.title}</h1>
        <p>${t.intro}</p>
        <p class="card" id="appointment">
          ${views.summary(locale, appointment, await advisorName(appointment))}
        </p>
        ${cancelForm(locale, token)}
        <p class="muted">${t.keep}</p>`;
      send(res, 200, views.page({ locale, state: 'cancel', title: t.title, body }));
    }),
  );

  router.post(
    '/cancel/:token',
    serve(async (req, res, token) => {
      const { locale } = await steps.appointment(token, 'cancel');
      const form = await steps.readForm(req, res, locale);
      const t = linkPageTexts[locale].cancel;
      const given = form.reason === undefined ? '' : form.reason;
      if (typeof given !== 'string' || unstorableIssues(given).length > 0) {
        throw new Refused('badRequest', 400, locale);
      }
      if (given.trim().length > REASON_MAX) {
        throw new Refused('reasonTooLong', 400, locale, cancelForm(locale, token, given));
      }
      let cancelled: Awaited<ReturnType<ConsultationLinks['cancel']>>;
      try {
        cancelled = await customerLinks.cancel(token, given.trim() || t.defaultReason);
      } catch (error) {
        throw await steps.explainChange(error, token, 'cancel', locale, async () => html``);
      }
      const body = html`<h1>${t.cancelledTitle}</h1>
        <p id="result">${t.cancelled(views.when(locale, cancelled.appointment.startsAt))}</p>
        ${views.told(locale, toldOn(cancelled))}`;
      send(res, 200, views.page({ locale, state: 'cancelled', title: t.cancelledTitle, body }));
    }),
  );

  registerBookingPage(router, { ...options, views, steps, serve, send });
  return router;
}
