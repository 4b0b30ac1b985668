import {
  signVisit,
  type BrowserBundle,
  type Clock,
  type CustomerVisit,
  type PageKit,
  type SignedLinks,
  type StaffDirectory,
} from '../../core/index.ts';
import { sessionOf } from '../http/staff-auth.ts';
import { escapeHtml, html, raw } from './html.ts';

/** The page kit channels render their pages with: this app's markup, layout and staff sessions. */
export function createPageKit(options: {
  staff: StaffDirectory;
  /** The channels' bundles, once the channels are built. */
  bundles: () => readonly BrowserBundle[];
  /** Signs the visits the customer pages' widgets open as. */
  links: SignedLinks;
  clock: Clock;
}): PageKit {
  const named = (flag: 'console' | 'customerPages') =>
    options
      .bundles()
      .filter((bundle) => bundle[flag])
      .map((bundle) => bundle.name);

  function visitWidgets(visit: CustomerVisit, locale: string) {
    const widgets = named('customerPages');
    if (widgets.length === 0) return html``;
    const token = signVisit(options.links, visit, options.clock.now());
    // Classic scripts: a widget reads its settings from its own tag (document.currentScript).
    return html`${widgets.map(
      (name) =>
        html`<script
          src="/assets/${name}.js"
          data-locale="${locale}"
          data-page="${visit.touchpoint}"
          data-visit="${token}"
          async
        ></script>`,
    )}`;
  }

  return {
    html,
    raw,
    escape: escapeHtml,
    document(page) {
      // JSON inside <script> must not be able to close it.
      const json = page.script ? JSON.stringify(page.script.data).replaceAll('<', '\\u003c') : '';
      return html`<!doctype html>
        <html lang="${page.locale.slice(0, 2)}">
          <head>
            <meta charset="utf-8" />
            <meta name="viewport" content="width=device-width, initial-scale=1" />
            ${page.refreshSeconds ? html`<meta http-equiv="refresh" content="${page.refreshSeconds}" />` : ''}
            <title>${page.title} · channel-pilot</title>
            <style>
              ${raw(page.styles)}
            </style>
          </head>
          <body data-state="${page.state ?? ''}">
            <main id="main">${page.body}</main>
            ${
              page.script
                ? html`<script type="application/json" id="page-data">
                      ${raw(json)}
                    </script>
                    <script type="module" src="/assets/${page.script.name}.js"></script>`
                : ''
            }
            ${(page.scripts ?? []).map((name) => html`<script type="module" src="/assets/${name}.js"></script>`)}
            ${page.visit ? visitWidgets(page.visit, page.locale) : ''}
          </body>
        </html>`.value;
    },
    staff: async (request) => (await sessionOf(options.staff, request.headers.cookie))?.user,
    loginPath: (next) => `/manage/login?next=${encodeURIComponent(next)}`,
    consoleScripts: () => named('console'),
    visitWidgets,
    widgetPolicy: () =>
      named('customerPages').length > 0 ? ["script-src 'self'", "connect-src 'self'"] : [],
  };
}
