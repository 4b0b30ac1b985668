import { randomBytes } from 'node:crypto';
import { Router, type RequestHandler, type Response } from 'express';
import { parse as parseCookies, serialize } from 'cookie';
import { ChannelPilotError, can, type Clock, type StaffDirectory } from '../../core/index.ts';
import {
  type CensusFilter,
  censusForManagers,
  mapAnswer,
  pilotReportForManagers,
  type AnalysisAnswer,
  type Census,
  type CensusTable,
  type Pilot,
  type PilotChange,
  type PilotReportData,
  censusTables,
} from '../../core/evidence.ts';
import { type ImportRun, type SavedImportProfile } from '../../core/imports.ts';
import { SESSION_COOKIE, staffOf } from '../http/api.ts';
import { requireFormToken, sessionMiddleware, viewerOf } from '../http/staff-auth.ts';
import { filterQuery, filterValues, parseFilter } from './census-filter.ts';
import { renderCensusFilterProblem, renderCensusPage } from './census-page.ts';
import { html } from './html.ts';
import { localPath, renderLoginPage } from './login-page.ts';
import { messagePage } from './page.ts';
import { renderPilotList, renderPilotReport } from './pilot-pages.ts';
import { registerPilotManagement, type PilotManagementOptions } from './pilot-manage-routes.ts';
import { renderImportPage } from './import-page.ts';
import { channelNames } from './format.ts';
import { registerStyleReportPage, type StyleReportSource } from './style-report-routes.ts';

export interface ManagerPagesOptions {
  staff: StaffDirectory;
  clock: Clock;
  segments: readonly string[];
  /** The contact reasons offered in the census filter. */
  reasons: () => Promise<string[]>;
  census(filter: CensusFilter, refresh: boolean): Promise<AnalysisAnswer<Census>>;
  /** One of the census's tables as CSV (`censusTables`). */
  censusCsv(census: Census, table: string): string;
  pilots(): Promise<Pilot[]>;
  report(
    idOrCode: string,
    refresh: boolean,
  ): Promise<{ pilot: Pilot; answer: AnalysisAnswer<PilotReportData> } | undefined>;
  /** The fewest customers a figure shown to pilot managers may be about (admins see all). */
  minimumGroup: number;
  /** Managing pilots from the pages: the desk's changes and the audit trail. */
  manage: Omit<PilotManagementOptions, 'segments' | 'reasons'> & {
    changes(pilotId: string): Promise<PilotChange[]>;
  };
  /** Bill style pilots: the report per arm (contacts counted `withinDays` after each bill) and the ratings. */
  styles?: StyleReportSource;
  /** The saved import profiles and the latest imports, for the import page. */
  imports: { profiles(): Promise<SavedImportProfile[]>; history(): Promise<ImportRun[]> };
}

/**
 * The pilot manager's pages under /manage: server-rendered HTML, charts as inline SVG, no
 * client-side code except the login form's fetch.
 */
export function createManagerPages(options: ManagerPagesOptions): Router {
  const { clock } = options;
  const router = Router();

  router.use('/manage', (_req, res, next) => {
    res.setHeader('Content-Security-Policy', contentSecurityPolicy());
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'same-origin');
    // Figures about customers: not for shared caches, not kept by the browser either.
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  router.use('/manage', sessionMiddleware(options.staff));

  const requireManager: RequestHandler = (req, res, next) => {
    const user = viewerOf(res);
    if (!user) {
      res.redirect(303, `/manage/login?next=${encodeURIComponent(req.originalUrl)}`);
      return;
    }
    if (!can(user.role, 'pilots:read')) {
      res
        .status(403)
        .type('html')
        .send(
          messagePage({
            title: 'Not allowed',
            user,
            message: html`Your role (${user.role.replace('_', ' ')}) may not read pilots and the census. Ask
              an administrator for the pilot manager role, or
              <a href="/manage/login">log in as someone else</a>.`,
          }),
        );
      return;
    }
    next();
  };

  // Pilot managers see no figure about fewer customers than the minimum; admins see all.
  const forManagers = (res: Response) => viewerOf(res)?.role === 'pilot_manager';
  const censusAnswer = async (res: Response, filter: CensusFilter, refresh: boolean) => {
    const answer = await options.census(filter, refresh);
    return forManagers(res) ? mapAnswer(answer, (c) => censusForManagers(c, options.minimumGroup)) : answer;
  };
  const reportAnswer = async (res: Response, idOrCode: string, refresh: boolean) => {
    const found = await options.report(idOrCode, refresh);
    if (!found || !forManagers(res)) return found;
    return {
      ...found,
      answer: mapAnswer(found.answer, (r) => pilotReportForManagers(r, options.minimumGroup)),
    };
  };
  /** A figure withheld from this viewer: said on a page rather than as a problem document. */
  const sendWithheld = (res: Response, error: unknown, nav: 'census' | 'pilots') => {
    if (!(error instanceof ChannelPilotError && error.code === 'forbidden')) throw error;
    res
      .status(403)
      .type('html')
      .send(messagePage({ title: 'Figures withheld', nav, user: viewerOf(res), message: error.message }));
  };

  router.get('/manage', (_req, res) => {
    res.redirect(303, '/manage/census');
  });

  router.get('/manage/login', (req, res) => {
    const nonce = randomBytes(16).toString('base64');
    const next = localPath(req.query.next) ?? '/manage/census';
    const user = staffOf(res);
    res.setHeader('Content-Security-Policy', contentSecurityPolicy(nonce));
    res.type('html').send(renderLoginPage({ nonce, next, user }));
  });

  router.post('/manage/logout', requireFormToken, async (req, res) => {
    const token = parseCookies(req.headers.cookie ?? '')[SESSION_COOKIE];
    if (token) await options.staff.closeSession(token);
    res.setHeader(
      'Set-Cookie',
      serialize(SESSION_COOKIE, '', {
        httpOnly: true,
        secure: req.secure,
        sameSite: 'lax',
        path: '/',
        maxAge: 0,
      }),
    );
    res.redirect(303, '/manage/login');
  });

  router.get('/manage/census', requireManager, async (req, res) => {
    const parsed = parseFilter(req.query, clock.now());
    const user = viewerOf(res);
    const refuse = async (issues: ChannelPilotError['issues']) => {
      res
        .status(400)
        .type('html')
        .send(
          renderCensusFilterProblem({
            values: parsed.ok ? filterValues(parsed.filter) : parsed.values,
            issues,
            segments: options.segments,
            reasons: await options.reasons(),
            user,
          }),
        );
    };
    if (!parsed.ok) {
      await refuse(parsed.issues);
      return;
    }
    const query = filterQuery(parsed.filter);
    let answer: AnalysisAnswer<Census>;
    try {
      answer = await censusAnswer(res, parsed.filter, false);
    } catch (error) {
      // A reason the catalogue does not hold is a bad filter like any other.
      if (error instanceof ChannelPilotError && error.code === 'invalid_input') await refuse(error.issues);
      else sendWithheld(res, error, 'census');
      return;
    }
    const reasons = await options.reasons();
    res.type('html').send(
      renderCensusPage({
        filter: parsed.filter,
        answer,
        segments: options.segments,
        reasons,
        csvHref: (table: CensusTable) => `/manage/census.csv?table=${table}&${query}`,
        names: channelNames(await options.manage.channels()),
        refreshAction: `/manage/census/refresh?${query}`,
        user,
      }),
    );
  });

  // Computing again is a form's POST: a link (or another site's image) must not start work.
  router.post('/manage/census/refresh', requireManager, requireFormToken, async (req, res) => {
    const parsed = parseFilter(req.query, clock.now());
    if (!parsed.ok) {
      res.redirect(303, '/manage/census');
      return;
    }
    await options.census(parsed.filter, true);
    // Back to the plain address, so that reloading the page does not start it again.
    res.redirect(303, `/manage/census?${filterQuery(parsed.filter)}`);
  });

  router.get('/manage/census.csv', requireManager, async (req, res) => {
    const table = req.query.table;
    if (typeof table !== 'string' || !(censusTables as readonly string[]).includes(table)) {
      throw new ChannelPilotError('invalid_input', `table must be one of ${censusTables.join(', ')}`, {
        issues: [{ path: 'query.table', message: `must be one of ${censusTables.join(', ')}` }],
      });
    }
    const parsed = parseFilter(req.query, clock.now());
    if (!parsed.ok) {
      throw new ChannelPilotError(
        'invalid_input',
        `invalid filter: ${parsed.issues.map((i) => `${i.path} ${i.message}`).join('; ')}`,
        { issues: parsed.issues.map((i) => ({ ...i, path: `query.${i.path}` })) },
      );
    }
    const answer = await censusAnswer(res, parsed.filter, false);
    const census = resultOf(answer);
    if (!census) {
      throw new ChannelPilotError(
        'conflict',
        answer.status === 'failed'
          ? `the census failed: ${answer.error}`
          : 'the census is still being computed',
        { hint: 'open /manage/census with the same filter and download once it shows the figures' },
      );
    }
    const { from, to } = parsed.filter;
    res
      .status(200)
      .attachment(`census-${table}-${from}-${to}.csv`)
      .type('text/csv; charset=utf-8')
      .send(options.censusCsv(census, table));
  });

  router.get('/manage/imports', requireManager, async (_req, res) => {
    const nonce = randomBytes(16).toString('base64');
    const [profiles, history] = await Promise.all([options.imports.profiles(), options.imports.history()]);
    res.setHeader('Content-Security-Policy', contentSecurityPolicy(nonce));
    res.type('html').send(renderImportPage({ nonce, user: viewerOf(res), profiles, history }));
  });

  router.get('/manage/pilots', requireManager, async (_req, res) => {
    const user = viewerOf(res);
    res.type('html').send(
      renderPilotList(await options.pilots(), {
        names: channelNames(await options.manage.channels()),
        user,
        canDefine: !!user && can(user.role, 'pilots:write'),
      }),
    );
  });

  registerPilotManagement(router, {
    ...options.manage,
    segments: options.segments,
    reasons: options.reasons,
  });

  router.get('/manage/pilots/:id', requireManager, async (req, res) => {
    const id = String(req.params.id);
    // The figures may be withheld from this viewer; the pilot itself, its status and its audit
    // trail are still shown (and managed).
    let found: Awaited<ReturnType<typeof reportAnswer>>;
    let withheld: string | undefined;
    try {
      found = await reportAnswer(res, id, false);
    } catch (error) {
      if (!(error instanceof ChannelPilotError && error.code === 'forbidden')) throw error;
      withheld = error.message;
      found = await options.report(id, false);
    }
    if (!found) {
      sendPilotNotFound(res, id);
      return;
    }
    const base = `/manage/pilots/${encodeURIComponent(found.pilot.code)}`;
    const user = viewerOf(res);
    res.type('html').send(
      renderPilotReport({
        pilot: found.pilot,
        answer: found.answer,
        exportHref: `${base}/report.html`,
        refreshAction: `${base}/refresh`,
        standalone: false,
        names: channelNames(await options.manage.channels()),
        user,
        generatedAt: clock.now(),
        ...(withheld ? { withheld } : {}),
        ...(user && can(user.role, 'pilots:write')
          ? { changes: await options.manage.changes(found.pilot.id) }
          : {}),
      }),
    );
  });

  if (options.styles) {
    registerStyleReportPage(router, {
      requireManager,
      clock,
      pilots: options.pilots,
      channels: options.manage.channels,
      styles: options.styles,
      minimumGroup: options.minimumGroup,
      notFound: (res, id) => sendPilotNotFound(res, id, 'style pilot'),
    });
  }

  router.post('/manage/pilots/:id/refresh', requireManager, requireFormToken, async (req, res) => {
    const id = String(req.params.id);
    const found = await options.report(id, true);
    if (!found) {
      sendPilotNotFound(res, id);
      return;
    }
    res.redirect(303, `/manage/pilots/${encodeURIComponent(found.pilot.code)}`);
  });

  router.get('/manage/pilots/:id/report.html', requireManager, async (req, res) => {
    const id = String(req.params.id);
    const found = await reportAnswer(res, id, false);
    if (!found) {
      sendPilotNotFound(res, id);
      return;
    }
    if (!resultOf(found.answer)) {
      throw new ChannelPilotError(
        'conflict',
        found.answer.status === 'failed'
          ? `the pilot's figures failed: ${found.answer.error}`
          : "the pilot's figures are still being computed",
        { hint: `open /manage/pilots/${found.pilot.code} and export once it shows the figures` },
      );
    }
    res
      .status(200)
      .attachment(`${found.pilot.code}-report.html`)
      .type('html')
      .send(
        renderPilotReport({
          pilot: found.pilot,
          answer: found.answer,
          exportHref: '',
          standalone: true,
          names: channelNames(await options.manage.channels()),
          generatedAt: clock.now(),
        }),
      );
  });

  function sendPilotNotFound(res: Response, id: string, what = 'pilot'): void {
    res
      .status(404)
      .type('html')
      .send(
        messagePage({
          title: `No such ${what}`,
          nav: 'pilots',
          user: viewerOf(res),
          message: html`There is no ${what} “${id}”. <a href="/manage/pilots">See all pilots</a>.`,
        }),
      );
  }

  return router;
}

/** The finished result an answer holds, if any (while computing: the previous one). */
function resultOf<T>(answer: AnalysisAnswer<T>): T | undefined {
  if (answer.status === 'ready') return answer.result;
  if (answer.status === 'computing') return answer.previous?.result;
  return undefined;
}

function contentSecurityPolicy(scriptNonce?: string): string {
  return [
    "default-src 'none'",
    // Styles are inline (one <style> per page, attributes on SVG); nothing else may load.
    "style-src 'unsafe-inline'",
    'img-src data:',
    scriptNonce ? `script-src 'nonce-${scriptNonce}'` : "script-src 'none'",
    scriptNonce ? "connect-src 'self'" : '',
    "form-action 'self'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
  ]
    .filter(Boolean)
    .join('; ');
}
