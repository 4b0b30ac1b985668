import { DateTime } from 'luxon';
import { topicName, type Markup, type MessageMedium, type PageKit } from '../core/index.ts';
import type { Appointment } from '../core/services.ts';
import { CALL_STYLES } from './browser/call-styles.ts';
import { formatWhen, type PageLocale } from './browser/consultation-texts.ts';
import { linkPageTexts, type LinkRefusal } from './link-page-texts.ts';

// How the pages behind a consultation's customer links look: the consultation, the free times
// as forms (no script needed), what a change did, and what went wrong.

const LINK_STYLES = `${CALL_STYLES}
.slots { display: flex; flex-wrap: wrap; gap: .5rem; }
.slots form { margin: 0; }
textarea { width: 100%; min-height: 5rem; }
ul.topics { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: .5rem; }`;

/** How many days of free times a page offers (the first days that have any). */
const DAYS_SHOWN = 5;

export interface LinkPageViews {
  /** A whole page in the customer's language (both languages when `locale` is null). */
  page(input: { locale: PageLocale; state: string; title: string; body: Markup }): string;
  /** The consultation as the customer reads it: topic, time in the organisation's zone, advisor. */
  summary(locale: PageLocale, appointment: Appointment, advisor: string): string;
  /**
   * The free slots of the first days that have any, by day, each a form posting `startsAt` (and
   * `fields`) to `action`; with a link to the later ones, `later(day)` given the first day left out.
   */
  slots(
    locale: PageLocale,
    slots: readonly { startsAt: Date }[],
    action: string,
    options: { fields?: Record<string, string>; later: (day: string) => string },
  ): Markup;
  /** What the customer was sent about a change: the desk's `told`. */
  told(locale: PageLocale, told: MessageMedium | null): Markup;
  /** The join link's button. */
  join(locale: PageLocale, url: string): Markup;
  /** A refusal: its title and what to do, with `more` after it (the free times again). */
  refusal(locale: PageLocale | null, refusal: LinkRefusal, more?: Markup): string;
  when(locale: PageLocale, at: Date): string;
}

export function createLinkPageViews(kit: PageKit, timeZone: string): LinkPageViews {
  const { html } = kit;
  const when = (locale: PageLocale, at: Date) => formatWhen(at, locale, timeZone);
  const page: LinkPageViews['page'] = ({ locale, state, title, body }) =>
    kit.document({ locale, title, state, styles: LINK_STYLES, body });

  return {
    page,
    when,

    summary(locale, appointment, advisor) {
      return linkPageTexts[locale].summary({
        topic: topicName(appointment.topic, locale),
        when: when(locale, appointment.startsAt),
        advisor,
      });
    },

    slots(locale, slots, action, { fields = {}, later }) {
      const t = linkPageTexts[locale];
      if (slots.length === 0) return html`<p id="no-slots">${t.noSlots}</p>`;
      const days = new Map<string, Date[]>();
      let leftOut: string | undefined;
      for (const { startsAt } of slots) {
        const day = DateTime.fromJSDate(startsAt, { zone: timeZone }).toISODate() as string;
        if (!days.has(day) && days.size === DAYS_SHOWN) {
          leftOut = day;
          break;
        }
        days.set(day, [...(days.get(day) ?? []), startsAt]);
      }
      const hidden = Object.entries(fields).map(
        ([name, value]) => html`<input type="hidden" name="${name}" value="${value}" />`,
      );
      const dayName = (at: Date) =>
        new Intl.DateTimeFormat(locale, { weekday: 'long', day: 'numeric', month: 'long', timeZone }).format(
          at,
        );
      const time = (at: Date) =>
        new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', timeZone }).format(at);
      return html`<p class="muted">${t.zone}</p>
        ${[...days.values()].map(
          (starts) =>
            html`<section class="card">
              <h2>${dayName(starts[0] as Date)}</h2>
              <div class="slots">
                ${starts.map(
                  (at) =>
                    html`<form method="post" action="${action}">
                      ${hidden}<input type="hidden" name="startsAt" value="${at.toISOString()}" />
                      <button type="submit" aria-label="${when(locale, at)}">${time(at)}</button>
                    </form>`,
                )}
              </div>
            </section>`,
        )}
        ${leftOut ? html`<p><a id="later" href="${later(leftOut)}">${t.later}</a></p>` : ''}`;
    },

    told(locale, told) {
      const t = linkPageTexts[locale];
      return html`<p class="muted" id="told" data-medium="${told ?? 'none'}">
        ${told ? t.told(told) : t.notTold}
      </p>`;
    },

    join(locale, url) {
      return html`<p><a id="join" class="button" href="${url}">${linkPageTexts[locale].join}</a></p>`;
    },

    refusal(locale, refusal, more) {
      if (locale === null) {
        // Nothing says whose link it was: both languages.
        const [it, en] = [linkPageTexts['it-IT'].refusals[refusal], linkPageTexts['en-US'].refusals[refusal]];
        return page({
          locale: 'it-IT',
          state: refusal,
          title: it.title,
          body: html`<h1>${it.title}</h1>
            <p>${it.body}</p>
            <h1 lang="en-US">${en.title}</h1>
            <p lang="en-US">${en.body}</p>`,
        });
      }
      const t = linkPageTexts[locale].refusals[refusal];
      return page({
        locale,
        state: refusal,
        title: t.title,
        body: html`<h1>${t.title}</h1>
          <p class="notice" role="alert">${t.body}</p>
          ${more ?? ''}`,
      });
    },
  };
}
