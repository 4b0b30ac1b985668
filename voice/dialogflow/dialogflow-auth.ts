import { createHash, timingSafeEqual } from 'node:crypto';
import type { RequestHandler } from 'express';
import { jwtVerify, type JWTVerifyGetKey } from 'jose';
import { ChannelPilotError } from '../../core/index.ts';

/** How CX proves it is calling: any one of these, as configured on the agent's webhook. */
export interface DialogflowCredentials {
  /** A header CX sends with a fixed value (the webhook's request headers, from Secret Manager). */
  header?: { name: string; value: string } | undefined;
  /** HTTP basic authentication, as the webhook's username and password. */
  basic?: { username: string; password: string } | undefined;
  /** The Dialogflow service agent's Google ID token (`Authorization: Bearer`), for this audience. */
  idToken?: { keys: JWTVerifyGetKey; issuer: string; audience: string } | undefined;
}

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
/** Equal strings, compared in constant time (over their digests, so the length says nothing). */
const same = (given: string, expected: string) => timingSafeEqual(digest(given), digest(expected));

/**
 * Refuses, with 401 and before the body is read, a request that carries none of the configured
 * credentials. The header secret and the basic password are compared in constant time; an ID
 * token must verify against the keys, with the issuer, the audience and an expiry in the future.
 */
export function dialogflowAuthentication(credentials: DialogflowCredentials): RequestHandler {
  const { header, basic, idToken } = credentials;
  if (!header && !basic && !idToken) throw new Error('the Dialogflow webhook needs at least one credential');
  return async (req, _res, next) => {
    try {
      const authorization = req.headers.authorization ?? '';
      const given = header ? req.headers[header.name.toLowerCase()] : undefined;
      if (header && typeof given === 'string' && same(given, header.value)) return next();
      const basicMatch = /^Basic ([A-Za-z0-9+/=]{1,1000})$/.exec(authorization);
      if (basic && basicMatch) {
        const decoded = Buffer.from(basicMatch[1] as string, 'base64').toString('utf8');
        if (same(decoded, `${basic.username}:${basic.password}`)) return next();
      }
      const bearer = /^Bearer ([\w.-]{1,4000})$/.exec(authorization);
      if (idToken && bearer) {
        try {
          await jwtVerify(bearer[1] as string, idToken.keys, {
            issuer: idToken.issuer,
            audience: idToken.audience,
            requiredClaims: ['exp'],
          });
          return next();
        } catch {
          // Refused below like any other missing credential.
        }
      }
      next(
        new ChannelPilotError('unauthenticated', 'the Dialogflow webhook credentials are missing or wrong'),
      );
    } catch (error) {
      next(error);
    }
  };
}
