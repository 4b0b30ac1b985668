import { createHmac, timingSafeEqual } from 'node:crypto';
import express, { type RequestHandler, type Response } from 'express';
import { parse as parseCookies, serialize } from 'cookie';
import { z } from 'zod';
import { ChannelPilotError, fromThisSite, type StaffDirectory, type StaffUser } from '../../core/index.ts';
import { SESSION_COOKIE, staffOf, type createApi } from './api.ts';
import { StaffUserSchema } from '../../core/index.ts';

/** The staff user a request's session cookie names, if any (the advisors' chat socket). */
export async function sessionUser(staff: StaffDirectory, cookieHeader: string | undefined) {
  const token = parseCookies(cookieHeader ?? '')[SESSION_COOKIE];
  return token ? (await staff.session(token))?.user : undefined;
}

/** Puts the logged-in staff user, if any, on `res.locals.staff`, with the session's form token. */
/** The staff session a request's cookie names, if it is open. */
export async function sessionOf(staff: StaffDirectory, cookieHeader: string | undefined) {
  const token = parseCookies(cookieHeader ?? '')[SESSION_COOKIE];
  const session = token ? await staff.session(token) : undefined;
  return session && token ? { user: session.user, token } : undefined;
}

export function sessionMiddleware(staff: StaffDirectory): RequestHandler {
  return async (req, res, next) => {
    const session = await sessionOf(staff, req.headers.cookie);
    if (session) {
      res.locals.staff = session.user;
      // Derived from the session's secret, which another site can neither read nor guess.
      res.locals.csrf = createHmac('sha256', session.token).update('csrf').digest('base64url');
    }
    next();
  };
}

/** A logged-in staff member as the pages see them: with the token their forms carry. */
export type Viewer = StaffUser & { csrf: string };

export function viewerOf(res: Response): Viewer | undefined {
  const user = staffOf(res);
  return user && { ...user, csrf: res.locals.csrf as string };
}

/**
 * A page form's POST must carry its session's token in the `csrf` field (after
 * sessionMiddleware): a form on another site cannot know it. One a browser sends from another
 * site's page is refused before that.
 */
// The largest page form is a pilot's definition.
const parseForm = express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 200 });
export const requireFormToken: RequestHandler = (req, res, next) => {
  if (!fromThisSite(req.headers.origin, req.headers.host, req.app.locals.publicUrl as string)) {
    next(
      new ChannelPilotError('forbidden', 'this form was sent from another site', {
        hint: 'send it from the page of this app that shows it',
      }),
    );
    return;
  }
  parseForm(req, res, (error?: unknown) => {
    if (error) {
      next(error);
      return;
    }
    const expected = Buffer.from(String(res.locals.csrf ?? ''));
    const given = Buffer.from(String((req.body as { csrf?: unknown } | undefined)?.csrf ?? ''));
    if (expected.length === 0 || expected.length !== given.length || !timingSafeEqual(expected, given)) {
      next(
        new ChannelPilotError('forbidden', 'this form is not from a page of this session', {
          hint: 'reload the page and send the form again',
        }),
      );
      return;
    }
    next();
  });
};

export function registerAuthRoutes(
  api: ReturnType<typeof createApi>,
  options: { staff: StaffDirectory; sessionTtlMs: number; secureCookie: boolean },
): void {
  const { staff, sessionTtlMs, secureCookie } = options;
  const cookie = (value: string, maxAgeSeconds: number) =>
    serialize(SESSION_COOKIE, value, {
      httpOnly: true,
      secure: secureCookie,
      // Lax keeps the cookie off cross-site POSTs; the API also only accepts JSON bodies.
      sameSite: 'lax',
      path: '/',
      maxAge: maxAgeSeconds,
    });

  api.route({
    method: 'post',
    path: '/api/auth/login',
    summary: 'Log in as a staff user; sets the session cookie',
    tag: 'auth',
    permission: 'public',
    body: z.object({ username: z.string().min(1), password: z.string().min(1) }),
    response: z.object({ user: StaffUserSchema, expiresAt: z.iso.datetime({ offset: true }) }),
    async handler({ body, res }) {
      const user = await staff.verifyLogin(body.username, body.password);
      if (!user) throw new ChannelPilotError('unauthenticated', 'wrong username or password');
      const session = await staff.openSession(user.id, sessionTtlMs);
      res.setHeader('Set-Cookie', cookie(session.token, Math.floor(sessionTtlMs / 1000)));
      return { user, expiresAt: session.expiresAt };
    },
  });

  api.route({
    method: 'post',
    path: '/api/auth/logout',
    summary: 'End the current session',
    tag: 'auth',
    permission: 'public',
    response: null,
    status: 204,
    async handler({ req, res }) {
      const token = parseCookies(req.headers.cookie ?? '')[SESSION_COOKIE];
      if (token) await staff.closeSession(token);
      res.setHeader('Set-Cookie', cookie('', 0));
    },
  });

  api.route({
    method: 'get',
    path: '/api/auth/me',
    summary: 'The staff user of the current session',
    tag: 'auth',
    permission: 'public',
    response: StaffUserSchema,
    async handler({ res }) {
      const user = staffOf(res);
      if (!user) throw new ChannelPilotError('unauthenticated', 'not logged in');
      return user;
    },
  });
}
