import express from 'express';
import helmet from 'helmet';
import { randomUUID } from 'node:crypto';
import { pinoHttp } from 'pino-http';
import type { Router } from 'express';
import type { Metrics } from './metrics.ts';
import { createLandingPage } from '../web/landing-page.ts';
import type {
  ChannelModule,
  Clock,
  CustomerContext,
  SignedLinks,
  StorageHandle,
  Stores,
} from '../../core/index.ts';
import type { StyleArmReport } from '../../core/services.ts';
import type {
  AccountLinking,
  Appointment,
  PaymentLinks,
  ConsultationDesk,
  BookingService,
} from '../../core/services.ts';
import type { AnalysisAnswer, Census, CensusFilter, PilotDesk, PilotReports } from '../../core/evidence.ts';
import type { Logger } from '../logger.ts';
import { createApi } from './api.ts';
import {
  checkRequestPath,
  problemHandler,
  notFoundHandler,
  redactLinkTokens,
  requireUtf8,
} from './problem.ts';
import { registerAuthRoutes, sessionMiddleware } from './staff-auth.ts';
import { registerStaffRoutes } from './staff-routes.ts';
import { describeSiteRoutes } from './site-routes.ts';
import { registerCustomerRoutes } from './customer-routes.ts';
import { registerAppointmentRoutes, type AppointmentLinks } from './appointment-routes.ts';
import { registerOutboxRoutes } from './outbox-routes.ts';
import { registerServiceRoutes } from './service-routes.ts';
import { registerImportRoutes } from './import-routes.ts';
import { registerPilotRoutes } from './pilot-routes.ts';
import { registerAdvisorRoutes } from './advisor-routes.ts';
import { segments } from '../../core/index.ts';
import { censusCsv } from '../../core/evidence.ts';
import { createManagerPages } from '../web/manager-pages.ts';
import type { BrowserBundles } from '../web/browser-bundles.ts';

export interface HttpAppOptions {
  storage: StorageHandle;
  stores: Stores;
  context: CustomerContext;
  booking: BookingService;
  links: SignedLinks;
  appointmentLinks: AppointmentLinks;
  desk: ConsultationDesk;
  /** Payment links: the one service the voice assistant and the advisor console send them through. */
  paymentLinks: PaymentLinks;
  /** Told when a step after a stored booking change fails (a message, the journey entry): the change stands. */
  onFollowUpError: (error: unknown, appointment: Appointment) => void;
  /** The channels: their routes, raw routes and pages are mounted in their places. */
  channels: readonly ChannelModule[];
  /** Linking codes and tokens (the voice assistant's, sent from the console too). */
  linking: AccountLinking;
  clock: Clock;
  logger: Logger;
  version: string;
  publicUrl: string;
  sessionTtlMs: number;
  secureCookie: boolean;
  /** The pilot manager's side: pilots, their reports and the census. */
  pilots: {
    desk: PilotDesk;
    reports: PilotReports;
    census: (filter: CensusFilter, refresh?: boolean) => Promise<AnalysisAnswer<Census>>;
    /** The fewest customers a figure shown to pilot managers may be about. */
    minimumGroup: number;
    /** Bill style pilots' report per arm, when the bills channel runs. */
    styleReport?: (pilotId: string, withinDays: number) => Promise<StyleArmReport[]>;
  };
  /** The browser scripts of the pages, served at /assets. */
  bundles: BrowserBundles;
  /** Pages customers open from messages (the payment page, the payment provider's), mounted as they are. */
  customerPages?: Router[];
  metrics: Metrics;
  /** The bearer token `/metrics` asks for; unset, it is not served. */
  metricsToken?: string | undefined;
  /** False while the app is shutting down, so the load balancer stops sending traffic. */
  isAccepting?: () => boolean;
}

/** The HTTP surface: health, the API and its OpenAPI document. Channels mount their routers beside it. */
export function createHttpApp(options: HttpAppOptions) {
  const { storage, stores, logger } = options;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(
    pinoHttp({
      logger,
      // A request id from the load balancer is kept when it looks like one; otherwise a new one.
      genReqId: (req, res) => {
        const given = req.headers['x-request-id'];
        const id = typeof given === 'string' && /^[\w.:-]{1,128}$/.test(given) ? given : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      customLogLevel: (_req, res, error) =>
        error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
      // Customer links are credentials: their tokens never reach the logs.
      serializers: {
        req: (req: { id: unknown; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          url: redactLinkTokens(req.url),
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    }),
  );
  app.use(options.metrics.timing);
  app.use(checkRequestPath);
  app.use(
    helmet({
      // What answers JSON loads nothing and frames nowhere; each page sets the policy it needs.
      contentSecurityPolicy: {
        useDefaults: false,
        directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"] },
      },
      frameguard: { action: 'deny' },
    }),
  );
  app.use((_req, res, next) => {
    // Customer data and live links everywhere: nothing is kept by browsers or shared caches
    // unless a route says otherwise (the pages' scripts).
    res.setHeader('Cache-Control', 'no-store');
    next();
  });

  // The site's public address, for the checks that a form comes from one of its pages.
  app.locals.publicUrl = options.publicUrl;
  app.get('/metrics', options.metrics.endpoint(options.metricsToken));
  app.use(
    createLandingPage({
      publicUrl: options.publicUrl,
      version: options.version,
      metricsServed: Boolean(options.metricsToken),
    }),
  );
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const accepting = options.isAccepting?.() ?? true;
    const database = accepting && (await storage.ping());
    res.status(accepting && database ? 200 : 503).json({
      status: accepting && database ? 'ready' : 'not_ready',
      database: database ? 'up' : 'down',
      shuttingDown: !accepting,
    });
  });

  const api = createApi();
  registerAuthRoutes(api, {
    staff: stores.staff,
    sessionTtlMs: options.sessionTtlMs,
    secureCookie: options.secureCookie,
  });
  registerStaffRoutes(api, { staff: stores.staff, clock: options.clock });
  registerCustomerRoutes(api, { stores, context: options.context, clock: options.clock });
  registerAppointmentRoutes(api, {
    stores,
    booking: options.booking,
    desk: options.desk,
    links: options.links,
    appointmentLinks: options.appointmentLinks,
    clock: options.clock,
    onFollowUpError: options.onFollowUpError,
  });
  registerAdvisorRoutes(api, { stores });
  registerServiceRoutes(api, {
    paymentLinks: options.paymentLinks,
    linking: options.linking,
    callbacks: stores.callbacks,
    clock: options.clock,
  });
  registerImportRoutes(api, { stores, clock: options.clock });
  registerPilotRoutes(api, {
    pilots: stores.pilots,
    desk: options.pilots.desk,
    reports: options.pilots.reports,
    census: options.pilots.census,
    minimumGroup: options.pilots.minimumGroup,
  });
  registerOutboxRoutes(app, api, { stores });
  describeSiteRoutes(api);
  for (const channel of options.channels) channel.routes?.(api.kit);
  const openApi = api.document({ version: options.version, serverUrl: options.publicUrl });

  app.get('/api/openapi.json', (_req, res) => {
    res.json(openApi);
  });
  // Channels' signed requests (LiveKit's webhooks, Alexa's) are checked over the raw body:
  // mounted before the JSON parser.
  for (const channel of options.channels) for (const handler of channel.rawRoutes ?? []) app.use(handler);
  app.use('/api', express.json({ limit: '1mb', verify: requireUtf8 }), sessionMiddleware(stores.staff));
  app.use(api.router);
  app.use(
    createManagerPages({
      staff: stores.staff,
      clock: options.clock,
      segments,
      reasons: () => stores.interactions.reasons(),
      census: (filter, refresh) => options.pilots.census(filter, refresh),
      censusCsv,
      pilots: () => stores.pilots.pilots(),
      report: (idOrCode, refresh) => options.pilots.reports.answer(idOrCode, refresh),
      minimumGroup: options.pilots.minimumGroup,
      ...(options.pilots.styleReport
        ? { styles: { report: options.pilots.styleReport, ratings: (id) => stores.pilots.ratings(id) } }
        : {}),
      manage: {
        desk: options.pilots.desk,
        channels: () => stores.channels.channels(),
        changes: (pilotId) => stores.pilotLog.changes(pilotId),
      },
      imports: { profiles: () => stores.importProfiles.list(), history: () => stores.importRuns.list(30) },
    }),
  );
  app.use(options.bundles.router);
  for (const channel of options.channels) for (const pages of channel.pages ?? []) app.use(pages);
  for (const pages of options.customerPages ?? []) app.use(pages);
  app.use(notFoundHandler);
  app.use(problemHandler(logger));
  return { app, responses: api.responses };
}
