import type { RequestHandler } from 'express';
import { parse as parseCookies, serialize } from 'cookie';
import { z } from 'zod';
import { ChannelPilotError, type StaffDirectory } from '../../core/index.ts';
import { SESSION_COOKIE, staffOf, type createApi } from './api.ts';
import { StaffUserSchema } from './api-schemas.ts';

/** Puts the logged-in staff user, if any, on `res.locals.staff`. */
export function sessionMiddleware(staff: StaffDirectory): RequestHandler {
  return async (req, res, next) => {
    const token = parseCookies(req.headers.cookie ?? '')[SESSION_COOKIE];
    if (token) {
      const session = await staff.session(token);
      if (session) res.locals.staff = session.user;
    }
    next();
  };
}

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
