import { createHmac, timingSafeEqual } from 'node:crypto';
import { ChannelPilotError } from './errors.ts';

/** What a customer may do with a link: each link allows one action on one subject. */
export const linkActions = [
  'book',
  'reschedule',
  'cancel',
  'join',
  'pay',
  'checkout',
  'bill',
  'chat',
  'resume_chat',
  'visit',
] as const;
export type LinkAction = (typeof linkActions)[number];

export interface LinkClaims {
  action: LinkAction;
  /**
   * The customer for `book`; the customer and the contact that sent it for `pay`; the bill's
   * communication for `bill`; the customer for `chat`; the conversation for `resume_chat`; the customer, the page and
   * the contact it continues for `visit` (core/page-visits.ts); else the appointment.
   */
  subject: string;
  expiresAt: Date;
}

export interface SignedLinks {
  sign(claims: LinkClaims): string;
  /**
   * The claims of a genuine, unexpired token for `action`; otherwise `unauthenticated` naming
   * what is wrong (malformed, forged, expired, or meant for another action).
   */
  verify(token: string, action: LinkAction, now: Date): LinkClaims;
  /** The same check as `verify`, answered instead of thrown, for a page that explains each case. */
  inspect(token: string, action: LinkAction, now: Date): LinkInspection;
}

export type LinkInspection =
  | { status: 'valid'; claims: LinkClaims }
  /** Genuine, but past its expiry: the subject is known, the link no longer opens it. */
  | { status: 'expired'; claims: LinkClaims }
  | { status: 'invalid'; reason: string };

/**
 * Tokens for customer links: `action.subject.expiry.mac`, with an HMAC-SHA256 over the rest,
 * so a link cannot be forged, extended, or pointed at another appointment or action.
 */
export function createSignedLinks(options: { secret: Buffer }): SignedLinks {
  if (options.secret.length < 32)
    throw new ChannelPilotError('invalid_input', 'the link secret must be at least 32 bytes');
  const mac = (payload: string) => createHmac('sha256', options.secret).update(payload).digest('base64url');
  const refuse = (message: string) =>
    new ChannelPilotError('unauthenticated', `this link ${message}`, { hint: 'ask for a new link' });

  const inspect = (token: string, action: LinkAction, now: Date): LinkInspection => {
    const parts = token.split('.');
    if (parts.length !== 4) return { status: 'invalid', reason: 'is not valid' };
    const [claimed, subject, expiry, signature] = parts as [string, string, string, string];
    const expected = Buffer.from(mac(`${claimed}.${subject}.${expiry}`));
    const given = Buffer.from(signature);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      return { status: 'invalid', reason: 'is not valid' };
    }
    if (claimed !== action) return { status: 'invalid', reason: `is for ${claimed}, not ${action}` };
    const claims = { action, subject, expiresAt: new Date(parseInt(expiry, 36) * 1000) };
    return { status: claims.expiresAt <= now ? 'expired' : 'valid', claims };
  };

  return {
    sign({ action, subject, expiresAt }) {
      const payload = `${action}.${subject}.${Math.floor(expiresAt.getTime() / 1000).toString(36)}`;
      return `${payload}.${mac(payload)}`;
    },
    verify(token, action, now) {
      const inspection = inspect(token, action, now);
      if (inspection.status === 'invalid') throw refuse(inspection.reason);
      if (inspection.status === 'expired') throw refuse('has expired');
      return inspection.claims;
    },
    inspect,
  };
}
