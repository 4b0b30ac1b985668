import type { Viewer } from '../http/staff-auth.ts';
import { html, raw, type Html } from './html.ts';
import { STYLES } from './styles.ts';

// The page shell every manager page and the standalone export share.

export type NavItem = 'census' | 'pilots' | 'imports' | null;

export interface PageOptions {
  title: string;
  body: Html;
  /** The nav entry of this page; omitted in standalone documents. */
  nav?: NavItem;
  user?: Viewer | undefined;
  /** Reload the page after this many seconds (an analysis still computing). */
  refreshSeconds?: number;
  /** A self-contained document: no header, no links into the app. */
  standalone?: boolean;
  /** An inline script, allowed by the page's Content-Security-Policy through this nonce. */
  script?: { nonce: string; code: string };
  /** A module script served by the app, allowed through the same nonce. */
  scriptModule?: { nonce: string; src: string };
  footer?: Html;
}

export function page(options: PageOptions): string {
  const current = (item: NavItem) => (options.nav === item ? raw(' aria-current="page"') : '');
  const header = options.standalone
    ? ''
    : html`<header class="top">
        <div class="bar">
          <a class="brand" href="/manage/census">channel-pilot</a>
          <nav aria-label="Main">
            <ul>
              <li><a href="/manage/census" ${current('census')}>Census</a></li>
              <li><a href="/manage/pilots" ${current('pilots')}>Pilots</a></li>
              <li><a href="/manage/imports" ${current('imports')}>Imports</a></li>
              ${
                options.user
                  ? html`<li class="who">
                        ${options.user.displayName} (${options.user.role.replace('_', ' ')})
                      </li>
                      <li>${postButton('/manage/logout', options.user.csrf, 'Log out')}</li>`
                  : ''
              }
            </ul>
          </nav>
        </div>
      </header>`;
  const doc = html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        ${options.refreshSeconds ? html`<meta http-equiv="refresh" content="${options.refreshSeconds}" />` : ''}
        <title>${options.title} · channel-pilot</title>
        <style>
          ${raw(STYLES)}
        </style>
      </head>
      <body>
        ${options.standalone ? '' : html`<a class="skip" href="#main">Skip to content</a>`} ${header}
        <main id="main">${options.body}</main>
        ${options.footer ?? ''}
        ${
          options.script
            ? html`<script nonce="${options.script.nonce}">
                ${raw(options.script.code)};
              </script>`
            : ''
        }
        ${
          options.scriptModule
            ? html`<script
                type="module"
                nonce="${options.scriptModule.nonce}"
                src="${options.scriptModule.src}"
              ></script>`
            : ''
        }
      </body>
    </html>`;
  return doc.value;
}

/** A page that only says what went wrong (bad filter, not allowed, not found). */
export function messagePage(options: {
  title: string;
  message: Html | string;
  user?: Viewer | undefined;
  nav?: NavItem;
}): string {
  return page({
    title: options.title,
    nav: options.nav ?? null,
    user: options.user,
    body: html`<h1>${options.title}</h1>
      <section class="panel"><p>${options.message}</p></section>`,
  });
}

/** A button that POSTs to `action` with the session's form token: what changes state is never a link. */
export function postButton(action: string, csrf: string, label: string): Html {
  return html`<form class="inline" method="post" action="${action}">
    <input type="hidden" name="csrf" value="${csrf}" /><button type="submit">${label}</button>
  </form>`;
}
