import { DateTime } from 'luxon';
import { z } from 'zod';

/** Languages the product speaks; every customer-facing string exists in each. */
export const locales = ['it-IT', 'en-US'] as const;
export const Locale = z.enum(locales);
export type Locale = z.infer<typeof Locale>;

/** The media an organisation can reach a customer through, each needing its own consent. */
export const contactMedia = ['email', 'sms', 'phone', 'post'] as const;
export const ContactMedium = z.enum(contactMedia);
export type ContactMedium = z.infer<typeof ContactMedium>;

export const segments = ['residential', 'senior', 'young', 'family', 'small_business', 'vulnerable'] as const;
export const Segment = z.enum(segments);
export type Segment = z.infer<typeof Segment>;

export const Uuid = z.uuid({ error: 'must be a UUID' });

/** A stable lower_snake identifier: a channel code, a contact reason, a topic. */
export const Slug = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,62}$/, { error: 'must be lower_snake_case, starting with a letter' });

/** The years an instant the product deals in may fall in: anything else is a typing mistake. */
export const INSTANT_YEARS = { from: 1900, to: 2199 } as const;
const EARLIEST = Date.UTC(INSTANT_YEARS.from, 0, 1);
const LATEST = Date.UTC(INSTANT_YEARS.to + 1, 0, 1);
/** {@link INSTANT_YEARS} in words. */
export const INSTANT_YEARS_TEXT = `between the years ${INSTANT_YEARS.from} and ${INSTANT_YEARS.to}`;
const OUTSIDE_YEARS = `must be ${INSTANT_YEARS_TEXT}`;

/** Whether an instant (milliseconds since the epoch) falls within {@link INSTANT_YEARS}. */
export function withinInstantYears(time: number): boolean {
  return time >= EARLIEST && time < LATEST;
}

// A value that is no date is said once, as such; only a date is then checked for its year.
const whenRead = { when: (payload: { issues: readonly unknown[] }) => payload.issues.length === 0 };

/**
 * A day (`2026-03-29`) within {@link INSTANT_YEARS}: every day the API, the pages and the CLI take
 * (a census, a pilot's dates, an advisor's day off, a billing run) is one of these.
 */
export const IsoDate = z.iso
  .date({ error: 'must be a date like 2026-03-29' })
  .refine((day) => withinInstantYears(Date.parse(day)), { error: OUTSIDE_YEARS, ...whenRead });

/** An ISO 8601 date-time with its offset, within {@link INSTANT_YEARS}, kept as the string given. */
export const IsoDateTime = z.iso
  .datetime({ offset: true, error: 'must be an ISO 8601 date-time with offset' })
  .refine((at) => withinInstantYears(Date.parse(at)), { error: OUTSIDE_YEARS, ...whenRead });

/**
 * What is wrong with a day given as a command's option, in the words the API uses; undefined for
 * a day the product takes.
 */
export function dayProblem(value: string): string | undefined {
  return IsoDate.safeParse(value).error?.issues[0]?.message;
}

/**
 * A moment: a Date, or an ISO 8601 string (a date-time, read in UTC without an offset; a day,
 * its start in UTC). Calendar-checked (30 February is refused, not rolled over into March) and
 * kept within {@link INSTANT_YEARS}, which every database holds.
 */
export const Instant = z
  .union([z.date(), z.string()])
  .transform((value, ctx) => {
    const at =
      value instanceof Date ? value : DateTime.fromISO(value, { zone: 'utc', setZone: true }).toJSDate();
    const time = at.getTime();
    if (Number.isNaN(time)) {
      ctx.addIssue({
        code: 'custom',
        message: 'must be an ISO 8601 date-time such as 2026-03-10T09:30:00+01:00',
      });
      return z.NEVER;
    }
    if (!withinInstantYears(time)) {
      ctx.addIssue({ code: 'custom', message: OUTSIDE_YEARS });
      return z.NEVER;
    }
    return at;
  })
  .meta({ override: { type: 'string', format: 'date-time' } });

/** Money is always integer cents of one currency, never floating point. */
export const Cents = z.number().int({ error: 'must be whole cents' });

/** What each consultation topic is called where a customer reads or hears it, in each language. */
const topicNames: Record<Locale, Record<string, string>> = {
  'it-IT': {
    billing: 'bollette',
    payments: 'pagamenti',
    contract: 'contratto',
    moving: 'trasloco',
    technical: 'assistenza tecnica',
  },
  'en-US': {
    billing: 'bills',
    payments: 'payments',
    contract: 'your contract',
    moving: 'moving home',
    technical: 'technical support',
  },
};

/** The consultation topics that have names of their own, in the order they are offered. */
export const namedTopics: readonly string[] = Object.keys(topicNames['it-IT']);

/** A topic's name in `locale`; a topic without one is read as its words. */
export const topicName = (topic: string, locale: Locale): string =>
  topicNames[locale][topic] ?? topic.replaceAll('_', ' ');
