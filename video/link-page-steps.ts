import express, { type Request, type Response } from 'express';
import { DateTime } from 'luxon';
import {
  ChannelPilotError,
  errorStatus,
  formFromOtherSite,
  IsoDate,
  type Clock,
  type Customer,
  type Markup,
  type PageKit,
  type SignedLinks,
  type Stores,
} from '../core/index.ts';
import type { Appointment, BookingService, ConsultationLinks } from '../core/services.ts';
import { pageLocale, type PageLocale } from './browser/consultation-texts.ts';
import type { LinkRefusal } from './link-page-texts.ts';

// What the pages behind a consultation's customer links share: opening the link in the
// customer's language, the states in which it can no longer act, reading a form, and the
// refusals a page explains.

/** How many days of free times a page looks through at once. */
const OFFER_DAYS = 14;

/**
 * The span of free times a page offers: from now, or from the start of the day its `from` query
 * names (its link to later days) in the organisation's zone, never before now.
 */
export function offerSpan(query: unknown, now: Date, timeZone: string): { from: Date; to: Date } {
  const day = IsoDate.safeParse((query as { from?: unknown } | undefined)?.from);
  const start = day.success ? DateTime.fromISO(day.data, { zone: timeZone }).toJSDate() : now;
  const from = start > now ? start : now;
  return { from, to: new Date(from.getTime() + OFFER_DAYS * 86_400_000) };
}

export interface LinkPagesOptions {
  links: SignedLinks;
  customerLinks: ConsultationLinks;
  stores: Pick<Stores, 'appointments' | 'advisors' | 'customers'>;
  booking: Pick<BookingService, 'rules' | 'slots'>;
  kit: PageKit;
  clock: Clock;
  /** The site's public address: a form must come from one of its pages. */
  publicUrl: string;
  /** The link that opens a consultation (its join page). */
  joinUrl(appointment: Appointment): string;
  /** The organisation's time zone: times are shown in it. */
  timeZone: string;
}

/** A page's step: answers, or throws a refusal its page explains. */
export type PageHandler = (req: Request, res: Response, token: string) => Promise<void>;
/** A page's route, as Express runs it. */
export type PageRoute = (req: Request, res: Response) => Promise<void>;

/** A refusal the page explains, in the customer's language (both when `locale` is null). */
export class Refused extends Error {
  constructor(
    readonly refusal: LinkRefusal,
    readonly status: number,
    readonly locale: PageLocale | null,
    readonly more?: Markup,
  ) {
    super(refusal);
  }
}

/** The 4xx status of what went wrong on the requester's side; undefined for a fault of ours. */
export function clientStatus(error: unknown): number | undefined {
  if (error instanceof ChannelPilotError) {
    const status = errorStatus[error.code];
    return status < 500 ? status : undefined;
  }
  const status = (error as { status?: unknown } | null)?.status;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

// The pages' forms have two or three short fields; a cancellation's reason is the longest.
const parseForm = express.urlencoded({ extended: false, limit: '4kb', parameterLimit: 10 });

export function createLinkSteps(options: {
  links: SignedLinks;
  stores: Pick<Stores, 'appointments' | 'customers'>;
  booking: Pick<BookingService, 'rules'>;
  clock: Clock;
  publicUrl: string;
}) {
  const { links, stores, clock } = options;

  /**
   * The appointment a reschedule or cancel link opens, while it can still be changed: refused
   * for a link that opens nothing (404), a consultation no longer booked (409), or once the
   * consultation has started (410): the links act until the start.
   */
  async function appointment(token: string, action: 'reschedule' | 'cancel') {
    const inspection = links.inspect(token, action, clock.now());
    if (inspection.status === 'invalid') throw new Refused('invalidLink', 404, null);
    const found = await stores.appointments.appointment(inspection.claims.subject);
    if (!found) throw new Refused('invalidLink', 404, null);
    const locale = pageLocale(found.locale);
    if (found.status === 'cancelled') throw new Refused('cancelled', 409, locale);
    if (found.status === 'in_progress') throw new Refused('underWay', 409, locale);
    if (found.status !== 'booked') throw new Refused('over', 409, locale);
    // Until the start: a link of the time it had before a move may outlive it.
    if (inspection.status === 'expired' || found.startsAt <= clock.now()) {
      throw new Refused('expired', 410, locale);
    }
    return { appointment: found, locale };
  }

  /** Whether a consultation starts too soon to be moved (the booking rules' notice). */
  const tooLateToMove = (a: Appointment) =>
    a.startsAt.getTime() - clock.now().getTime() < options.booking.rules.minimumNoticeMinutes * 60_000;

  /** The customer a booking link opens: refused for a link that opens nothing (404) or has expired (410). */
  async function customer(token: string): Promise<{ customer: Customer; locale: PageLocale }> {
    const inspection = links.inspect(token, 'book', clock.now());
    if (inspection.status === 'invalid') throw new Refused('invalidLink', 404, null);
    const found = await stores.customers.get(inspection.claims.subject);
    if (!found) throw new Refused('invalidLink', 404, null);
    const locale = pageLocale(found.locale);
    if (inspection.status === 'expired') throw new Refused('expiredBooking', 410, locale);
    return { customer: found, locale };
  }

  /**
   * The fields of a page's form: only from this site's pages (a browser says where a form comes
   * from), only as a form, and small.
   */
  function readForm(req: Request, res: Response, locale: PageLocale): Promise<Record<string, unknown>> {
    if (formFromOtherSite(req, options.publicUrl)) {
      throw new Refused('otherSite', 403, locale);
    }
    const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
    if (type !== 'application/x-www-form-urlencoded') throw new Refused('notAForm', 415, locale);
    return new Promise((resolve, reject) => {
      parseForm(req, res, (error?: unknown) => {
        if (!error) return resolve((req.body ?? {}) as Record<string, unknown>);
        const status = clientStatus(error);
        if (status === undefined) return reject(error);
        reject(new Refused(status === 413 ? 'tooLarge' : 'badRequest', status, locale));
      });
    });
  }

  /**
   * What a refused change of a link's consultation means for the customer: the state it is in
   * now says most (cancelled meanwhile, started, link expired); then too late to move, a slot
   * taken meanwhile, a time not offered. `choices` is what the page offers again.
   */
  async function explainChange(
    error: unknown,
    token: string,
    action: 'reschedule' | 'cancel',
    locale: PageLocale,
    choices: () => Promise<Markup>,
  ): Promise<unknown> {
    if (!(error instanceof ChannelPilotError)) return error;
    let current: Appointment;
    try {
      ({ appointment: current } = await appointment(token, action));
    } catch (refused) {
      return refused;
    }
    if (action === 'reschedule' && error.code === 'conflict' && tooLateToMove(current)) {
      return new Refused('tooLate', 409, locale);
    }
    if (error.code === 'conflict') return new Refused('slotTaken', 409, locale, await choices());
    if (error.code === 'invalid_input') return new Refused('notASlot', 400, locale, await choices());
    const status = clientStatus(error);
    return status === undefined ? error : new Refused('badRequest', status, locale);
  }

  return { appointment, customer, tooLateToMove, readForm, explainChange };
}

export type LinkSteps = ReturnType<typeof createLinkSteps>;
