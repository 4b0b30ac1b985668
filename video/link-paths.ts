/** The actions of a consultation's customer links, each opening a page of its own. */
export type ConsultationLinkAction = 'book' | 'reschedule' | 'cancel' | 'join';

/**
 * The page a consultation's customer link opens (`/reschedule/<token>`): the address messages
 * carry, and the one the pages are served at.
 */
export const consultationLinkPath = (action: ConsultationLinkAction, token: string): string =>
  `/${action}/${encodeURIComponent(token)}`;
