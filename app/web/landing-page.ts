import { Router } from 'express';
import { permissions, type Permission, type Role } from '../../core/index.ts';
import { html } from './html.ts';

const roleNames: Record<Role, string> = {
  advisor: 'advisors',
  pilot_manager: 'pilot managers',
  admin: 'admins',
};

/** The roles that hold a permission, as people say them ("advisors and admins"). */
export function rolesWith(permission: Permission): string {
  const names = permissions[permission].map((role) => roleNames[role]);
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : (names[0] ?? 'nobody');
}

interface SitePage {
  path: string;
  name: string;
  /** Who it is for; a staff page names the roles that may open it. */
  who: string;
  what: string;
  /** The permission a staff page asks for. */
  permission?: Permission;
}

const staffPage = (page: Omit<SitePage, 'who'> & { permission: Permission }): SitePage => ({
  ...page,
  who: rolesWith(page.permission),
});

/** Every page the app serves to people, in the order a newcomer needs them: the landing page and the start banner list these. */
export const sitePages: readonly SitePage[] = [
  staffPage({
    path: '/console',
    name: 'Advisor console',
    permission: 'customers:write',
    what: 'today’s consultations, the lobby, the call beside the customer’s context',
  }),
  staffPage({
    path: '/manage/census',
    name: 'Census',
    permission: 'pilots:read',
    what: 'the existing channels: when, why, how much, which role in the journey',
  }),
  staffPage({
    path: '/manage/pilots',
    name: 'Pilots',
    permission: 'pilots:read',
    what: 'each pilot’s metrics, capacity and go / extend / stop scorecard',
  }),
  staffPage({
    path: '/outbox',
    name: 'Outbox',
    permission: 'customers:read',
    what: 'messages to customers (with the development senders, where they arrive)',
  }),
  {
    path: '/api/openapi.json',
    name: 'API',
    who: 'developers',
    what: 'the OpenAPI 3.1 description of every route',
  },
  {
    path: '/healthz',
    name: 'Health',
    who: 'load balancers',
    what: '/healthz while the process lives, /readyz while it takes traffic',
  },
  { path: '/metrics', name: 'Metrics', who: 'Prometheus', what: 'with the METRICS_TOKEN as a bearer token' },
];

/** What `METRICS_TOKEN` unset says in place of the metrics' address. */
export const METRICS_OFF = 'not served: set METRICS_TOKEN to serve /metrics to Prometheus';

/** The pages this instance serves: `/metrics` only with a `METRICS_TOKEN`. */
export function servedPages(options: { metricsServed: boolean }): readonly SitePage[] {
  return sitePages.filter((page) => page.path !== '/metrics' || options.metricsServed);
}

/** `/`: where a newcomer lands, with a link to each page. */
export function createLandingPage(options: {
  publicUrl: string;
  version: string;
  metricsServed: boolean;
}): Router {
  const router = Router();
  router.get('/', (_req, res) => {
    res.setHeader(
      'Content-Security-Policy',
      "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'",
    );
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html').send(
      html`<!doctype html>
        <html lang="en">
          <head>
            <meta charset="utf-8" />
            <meta name="viewport" content="width=device-width, initial-scale=1" />
            <title>channel-pilot</title>
            <style>
              body {
                font:
                  16px/1.5 system-ui,
                  sans-serif;
                margin: 2rem auto;
                max-width: 44rem;
                padding: 0 1rem;
                color: #111;
              }
              a {
                color: #0b4f9c;
              }
              li {
                margin: 0.5rem 0;
              }
              .who {
                color: #444;
              }
            </style>
          </head>
          <body>
            <main>
              <h1>channel-pilot <small>${options.version}</small></h1>
              <p>
                Pilot new contact channels on one shared customer context, and decide with evidence whether to
                keep them.
              </p>
              <ul>
                ${servedPages(options).map(
                  (p) =>
                    html`<li>
                      <a href="${p.path}">${p.name}</a> <span class="who">(${p.who})</span>: ${p.what}
                    </li>`,
                )}
              </ul>
              ${options.metricsServed ? '' : html`<p>Metrics: ${METRICS_OFF}.</p>`}
              <p>
                Customers reach their consultation from the join link they receive (<code>/join/…</code>); the
                voice assistant answers at <code>/alexa</code>.
              </p>
            </main>
          </body>
        </html>`.value,
    );
  });
  return router;
}
