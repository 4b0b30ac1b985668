import { ChannelPilotError } from './errors.ts';
import type { SignedLinks } from './signed-links.ts';
import { Slug, Uuid } from './vocabulary.ts';

/**
 * A customer on one of the pages the kit serves them under a personal link (the payment page,
 * the consultation page, the bill's page): who they are, as that page's link proved, for the
 * widgets channels offer there (the live chat).
 */
export interface CustomerVisit {
  customerId: string;
  /** The page, as the touchpoint a contact started there is logged on: `payment_page`, `bill_page`. */
  touchpoint: string;
  /** The contact whose journey a contact started there continues (the page's opening), if any. */
  contactId: string | null;
}

/**
 * How long a page's visit token identifies its customer: long enough for a conversation started
 * on the page, and never much beyond its own link (a reload asks the page's link again).
 */
export const VISIT_TTL_MS = 2 * 3_600_000;

// A token's parts are separated by dots; a subject's by a character no id or code contains.
const SEPARATOR = '~';

/** A token that names the page's customer to a widget, signed like every customer link. */
export function signVisit(links: SignedLinks, visit: CustomerVisit, now: Date): string {
  const subject = [visit.customerId, visit.touchpoint, visit.contactId ?? ''].join(SEPARATOR);
  return links.sign({ action: 'visit', subject, expiresAt: new Date(now.getTime() + VISIT_TTL_MS) });
}

/** The visit a genuine, unexpired token names; otherwise `unauthenticated` saying what is wrong. */
export function verifyVisit(links: SignedLinks, token: string, now: Date): CustomerVisit {
  const [customerId, touchpoint, contactId] = links.verify(token, 'visit', now).subject.split(SEPARATOR);
  const contact = contactId ? Uuid.safeParse(contactId) : null;
  if (
    !Uuid.safeParse(customerId).success ||
    !Slug.safeParse(touchpoint).success ||
    contact?.success === false
  )
    throw new ChannelPilotError('unauthenticated', 'this page’s visit token names no customer');
  return { customerId: customerId!, touchpoint: touchpoint!, contactId: contactId || null };
}
