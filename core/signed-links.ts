import { createHmac, timingSafeEqual } from 'node:crypto';
import { ChannelPilotError } from './errors.ts';

/** What a customer may do with a link: each link allows one action on one subject. */
export const linkActions = ['book', 'reschedule', 'cancel', 'join', 'pay'] as const;
export type LinkAction = (typeof linkActions)[number];

export interface LinkClaims {
  action: LinkAction;
  /** The customer for `book`; the customer and the contact that sent it for `pay`; else the appointment. */
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
}

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

  return {
    sign({ action, subject, expiresAt }) {
      const payload = `${action}.${subject}.${Math.floor(expiresAt.getTime() / 1000).toString(36)}`;
      return `${payload}.${mac(payload)}`;
    },
    verify(token, action, now) {
      const parts = token.split('.');
      if (parts.length !== 4) throw refuse('is not valid');
      const [claimed, subject, expiry, signature] = parts as [string, string, string, string];
      const expected = Buffer.from(mac(`${claimed}.${subject}.${expiry}`));
      const given = Buffer.from(signature);
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw refuse('is not valid');
      if (claimed !== action) throw refuse(`is for ${claimed}, not ${action}`);
      const expiresAt = new Date(parseInt(expiry, 36) * 1000);
      if (expiresAt <= now) throw refuse('has expired');
      return { action, subject, expiresAt };
    },
  };
}
