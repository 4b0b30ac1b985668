import type { BrowserBundle, PageKit, StaffDirectory } from '../../core/index.ts';
import { sessionOf } from '../http/staff-auth.ts';
import { escapeHtml, html, raw } from './html.ts';

/** The page kit channels render their pages with: this app's markup, layout and staff sessions. */
export function createPageKit(options: {
  staff: StaffDirectory;
  /** The channels' bundles, once the channels are built. */
  bundles: () => readonly BrowserBundle[];
}): PageKit {
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
          </body>
        </html>`.value;
    },
    staff: async (request) => (await sessionOf(options.staff, request.headers.cookie))?.user,
    loginPath: (next) => `/manage/login?next=${encodeURIComponent(next)}`,
    consoleScripts: () =>
      options
        .bundles()
        .filter((bundle) => bundle.console)
        .map((bundle) => bundle.name),
  };
}
