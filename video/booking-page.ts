import type { Router } from 'express';
import { ChannelPilotError, Instant, topicName, type Markup } from '../core/index.ts';
import { toldOn } from '../core/services.ts';
import type { PageLocale } from './browser/consultation-texts.ts';
import { consultationLinkPath } from './link-paths.ts';
import { linkPageTexts } from './link-page-texts.ts';
import type { LinkPageViews } from './link-page-views.ts';
import {
  clientStatus,
  offerSpan,
  Refused,
  type LinkPagesOptions,
  type LinkSteps,
  type PageHandler,
  type PageRoute,
} from './link-page-steps.ts';

/**
 * `/book/:token`, the page behind a booking link: the topics the advisors serve in the
 * customer's language, the free times of the one chosen, and the booking, which shows the join
 * link and says whether the confirmation went out.
 */
export function registerBookingPage(
  router: Router,
  deps: LinkPagesOptions & {
    views: LinkPageViews;
    steps: LinkSteps;
    serve: (handler: PageHandler) => PageRoute;
    send: (res: Parameters<PageHandler>[1], status: number, page: string) => void;
  },
): void {
  const { customerLinks, clock, kit, views, steps, serve, send } = deps;
  const { html } = kit;
  const path = (token: string) => consultationLinkPath('book', token);

  const topicList = (locale: PageLocale, token: string, topics: readonly string[]) => {
    const t = linkPageTexts[locale].book;
    return html`<h2>${t.chooseTopic}</h2>
      <ul class="topics">
        ${topics.map(
          (topic) =>
            html`<li>
              <a class="button" href="${path(token)}?topic=${encodeURIComponent(topic)}">
                ${topicName(topic, locale)}
              </a>
            </li>`,
        )}
      </ul>`;
  };

  async function slotChoices(
    token: string,
    locale: PageLocale,
    topic: string,
    topics: readonly string[],
    query?: unknown,
  ) {
    const t = linkPageTexts[locale].book;
    const slots = await customerLinks.slots(token, {
      topic,
      ...offerSpan(query, clock.now(), deps.timeZone),
    });
    const later = (day: string) => `${path(token)}?topic=${encodeURIComponent(topic)}&from=${day}`;
    return html`<h2>${t.choose(topicName(topic, locale))}</h2>
      ${views.slots(locale, slots, path(token), { fields: { topic }, later })}
      ${topics.length > 1 ? html`<p><a href="${path(token)}">${t.otherTopic}</a></p>` : ''}`;
  }

  /** Why a booking was refused, for the customer: the link first, then their own limit, then the slot. */
  async function explain(error: unknown, token: string, locale: PageLocale, choices: () => Promise<Markup>) {
    if (!(error instanceof ChannelPilotError)) return error;
    if (error.code === 'unauthenticated' || error.code === 'not_found') {
      try {
        await steps.customer(token);
      } catch (refused) {
        return refused;
      }
    }
    if (error.code === 'conflict' && error.issues.some((issue) => issue.path === 'customerId')) {
      return new Refused('tooMany', 409, locale);
    }
    if (error.code === 'conflict') return new Refused('slotTaken', 409, locale, await choices());
    if (error.code === 'invalid_input') return new Refused('notASlot', 400, locale, await choices());
    const status = clientStatus(error);
    return status === undefined ? error : new Refused('badRequest', status, locale);
  }

  router.get(
    '/book/:token',
    serve(async (req, res, token) => {
      const { customer, locale } = await steps.customer(token);
      const t = linkPageTexts[locale].book;
      const topics = await customerLinks.topics(customer.locale);
      const asked = typeof req.query.topic === 'string' ? req.query.topic : undefined;
      if (asked !== undefined && !topics.includes(asked)) {
        throw new Refused('notATopic', 400, locale, topicList(locale, token, topics));
      }
      const topic = asked ?? (topics.length === 1 ? topics[0] : undefined);
      const body = html`<h1>${t.title}</h1>
        ${
          topics.length === 0
            ? html`<p id="no-topics">${t.noTopics}</p>`
            : topic
              ? await slotChoices(token, locale, topic, topics, req.query)
              : topicList(locale, token, topics)
        }`;
      send(res, 200, views.page({ locale, state: 'book', title: t.title, body }));
    }),
  );

  router.post(
    '/book/:token',
    serve(async (req, res, token) => {
      const { customer, locale } = await steps.customer(token);
      const form = await steps.readForm(req, res, locale);
      const topics = await customerLinks.topics(customer.locale);
      const topic = typeof form.topic === 'string' && topics.includes(form.topic) ? form.topic : undefined;
      if (!topic) throw new Refused('notATopic', 400, locale, topicList(locale, token, topics));
      const choices = () => slotChoices(token, locale, topic, topics);
      const startsAt = Instant.safeParse(form.startsAt);
      if (!startsAt.success) throw new Refused('notASlot', 400, locale, await choices());
      let booked: Awaited<ReturnType<typeof customerLinks.book>>;
      try {
        booked = await customerLinks.book(token, { topic, startsAt: startsAt.data });
      } catch (error) {
        throw await explain(error, token, locale, choices);
      }
      const t = linkPageTexts[locale].book;
      const { appointment } = booked;
      const advisor = (await deps.stores.advisors.advisor(appointment.advisorId))?.name ?? '';
      const body = html`<h1>${t.bookedTitle}</h1>
        <p id="result">${t.booked(views.summary(locale, appointment, advisor))}</p>
        ${views.join(locale, deps.joinUrl(appointment))} ${views.told(locale, toldOn(booked))}`;
      // The page holds the join link: not kept by the browser's cache (serve says no-store).
      send(res, 201, views.page({ locale, state: 'booked', title: t.bookedTitle, body }));
    }),
  );
}
