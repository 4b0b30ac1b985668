import { DateTime } from 'luxon';
import { REFERENCE_ZONE, standardChannels, type StaffUser } from '../../core/index.ts';

/** Markup that is already safe: produced by `html` or vouched for with `raw`. */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

/** Marks a trusted fragment (markup this code built) so that `html` does not escape it. */
export function raw(markup: string): Html {
  return new Html(markup);
}

const escapes: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Safe in text and in quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => escapes[c] as string);
}

function interpolate(value: unknown): string {
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return value.map(interpolate).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

/** Escapes every interpolation except `Html` values; arrays are joined; null, undefined and false vanish. */
export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += interpolate(value) + (strings[i + 1] ?? '');
  });
  return new Html(out);
}

// ---------------------------------------------------------------------------------------------
// Formatting shared by the pages and the charts (fixed English formats: output is deterministic).

const channelNames = new Map(standardChannels.map((c) => [c.code, c.name]));

/** A channel's display name; unknown codes read as words. */
export function channelName(code: string | null): string {
  if (code === null) return 'none';
  return channelNames.get(code) ?? humanize(code);
}

/** `bill_explanation` → `Bill explanation`. */
export function humanize(slug: string): string {
  const words = slug.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

export function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function formatNumber(n: number | null, digits = 1): string {
  if (n === null || !Number.isFinite(n)) return '–';
  return n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

export function formatPercent(share: number | null, digits = 1): string {
  if (share === null || !Number.isFinite(share)) return '–';
  return `${(share * 100).toFixed(digits)}%`;
}

/** `m:ss`, or `h:mm:ss` from an hour up. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '–';
  const total = Math.round(seconds);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mm = h > 0 ? String(m).padStart(2, '0') : String(m);
  return `${h > 0 ? `${h}:` : ''}${mm}:${String(s).padStart(2, '0')}`;
}

export function formatPValue(p: number | null): string {
  if (p === null || !Number.isFinite(p)) return '–';
  return p < 0.001 ? '< 0.001' : p.toFixed(3);
}

/** A moment in the reference zone: `10 Mar 2026, 10:00`. */
export function formatMoment(at: Date): string {
  return DateTime.fromJSDate(at, { zone: REFERENCE_ZONE }).setLocale('en-GB').toFormat('d LLL yyyy, HH:mm');
}

/** An ISO date as `10 Mar 2026`. */
export function formatDay(isoDate: string): string {
  const day = DateTime.fromISO(isoDate, { zone: 'UTC' });
  return day.isValid ? day.setLocale('en-GB').toFormat('d LLL yyyy') : isoDate;
}

// ---------------------------------------------------------------------------------------------
// The page shell.

/**
 * One stylesheet for every manager page and for the standalone export. Colours meet WCAG AA
 * (text ≥ 4.5:1 on its background, chart marks and focus rings ≥ 3:1).
 */
export const STYLES = `
:root{--ink:#1a1d21;--muted:#4d5560;--line:#c9ced6;--soft:#f3f5f8;--paper:#fff;--accent:#0b57a4;--accent-ink:#fff;
--pass:#186a35;--pass-bg:#e3f4e8;--concern:#7a4d00;--concern-bg:#fff1d6;--fail:#a3201a;--fail-bg:#fde7e5;--unknown:#4d5560;--unknown-bg:#eceff3;
--focus:#b35c00}
*{box-sizing:border-box}
html{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;font-size:16px;line-height:1.45;color:var(--ink);background:var(--soft)}
body{margin:0}
a{color:var(--accent)}
a:hover{text-decoration-thickness:2px}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.skip{position:absolute;left:-999px;top:0;background:var(--paper);padding:.5rem 1rem;z-index:2}
.skip:focus{left:.5rem}
header.top{background:#14263d;color:#fff}
header.top .bar{max-width:1200px;margin:0 auto;padding:.6rem 1rem;display:flex;flex-wrap:wrap;gap:.4rem 1.2rem;align-items:center}
header.top .brand{font-weight:700;color:#fff;text-decoration:none;margin-right:auto}
header.top nav ul{list-style:none;margin:0;padding:0;display:flex;gap:.2rem 1rem;flex-wrap:wrap;align-items:center}
header.top nav a{color:#fff;text-decoration:none;padding:.25rem .1rem;border-bottom:3px solid transparent}
header.top nav a[aria-current=page]{border-bottom-color:#8cc4ff}
header.top nav a:hover{border-bottom-color:#fff}
header.top :focus-visible{outline-color:#ffb870}
header.top form{margin:0}
header.top .who{color:#d6dde6;font-size:.9rem}
header.top button{font:inherit;font-size:.9rem;background:transparent;color:#fff;border:1px solid #9fb0c4;border-radius:4px;padding:.15rem .6rem;cursor:pointer}
main{max-width:1200px;margin:0 auto;padding:1rem}
h1{font-size:1.6rem;margin:.4rem 0 .8rem}
h2{font-size:1.25rem;margin:0 0 .6rem}
h3{font-size:1.05rem;margin:.8rem 0 .4rem}
section.panel{background:var(--paper);border:1px solid var(--line);border-radius:8px;padding:1rem;margin:0 0 1rem;min-width:0}
.grid{display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(min(100%,340px),1fr))}
.grid>section.panel{margin:0}
main>.grid{margin-bottom:1rem}
p.actions{display:flex;flex-wrap:wrap;gap:.6rem 1.2rem;align-items:center}
.stack>*+*{margin-top:1rem}
.note{color:var(--muted);font-size:.9rem}
.banner{border-radius:8px;padding:.75rem 1rem;margin:0 0 1rem;border:2px solid}
.banner.info{background:#e6f0fb;border-color:#0b57a4}
.banner.error{background:var(--fail-bg);border-color:var(--fail)}
.banner p{margin:.2rem 0}
.totals{display:grid;gap:.75rem;grid-template-columns:repeat(auto-fit,minmax(150px,1fr));margin:0}
.totals div{background:var(--soft);border-radius:6px;padding:.6rem .8rem}
.totals dt{color:var(--muted);font-size:.85rem}
.totals dd{margin:0;font-size:1.5rem;font-weight:700;font-variant-numeric:tabular-nums}
form.filters{display:flex;flex-wrap:wrap;gap:.75rem 1rem;align-items:flex-end}
form.filters label,form.stacked label{display:flex;flex-direction:column;font-size:.9rem;gap:.2rem;color:var(--muted)}
input,select,button{font:inherit;color:var(--ink)}
input,select{border:1px solid #8a929c;border-radius:4px;padding:.35rem .5rem;background:#fff;min-height:2.2rem}
button.primary,a.button{background:var(--accent);color:var(--accent-ink);border:0;border-radius:4px;padding:.45rem 1rem;cursor:pointer;text-decoration:none;display:inline-block}
button.secondary{background:#fff;color:var(--accent);border:1px solid var(--accent);border-radius:4px;padding:.4rem .9rem;cursor:pointer}
.chart{overflow-x:auto;margin:.4rem 0}
.chart svg{display:block;width:100%}
.chart svg text{font-family:inherit}
.legend{list-style:none;display:flex;flex-wrap:wrap;gap:.2rem 1rem;padding:0;margin:.2rem 0 .3rem;font-size:.85rem}
.legend .swatch{display:inline-block;width:.9rem;height:.9rem;border-radius:2px;margin-right:.35rem;vertical-align:-.12rem}
.legend.heat{font-size:.8rem;gap:.15rem .7rem}
.legend .caption{color:var(--muted)}
.jump{display:flex;flex-wrap:wrap;gap:.3rem .9rem;padding:0;margin:0 0 .5rem;list-style:none}
.multiples{display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(min(100%,480px),1fr))}
.multiples figure{margin:0;scroll-margin-top:1rem}
figure figcaption{font-weight:600;margin-bottom:.2rem}
details{margin:.4rem 0}
details summary{cursor:pointer;color:var(--accent)}
.table-wrap{overflow-x:auto}
p.table-caption{margin:.4rem 0 .2rem}
table{border-collapse:collapse;font-size:.9rem;font-variant-numeric:tabular-nums}
th,td{border-bottom:1px solid var(--line);padding:.3rem .55rem;text-align:right;vertical-align:top}
th:first-child,td:first-child{text-align:left}
thead th{background:var(--soft);font-weight:600}
td.text,th.text{text-align:left}
td{white-space:nowrap}
tbody th{min-width:8rem}
table.textual th,table.textual td{text-align:left;white-space:normal}
th .note{font-weight:400}
.csv{font-size:.85rem}
.badge{display:inline-block;border-radius:999px;padding:.05rem .6rem;font-size:.8rem;font-weight:700;letter-spacing:.02em;border:1px solid}
.badge.pass,.badge.go,.badge.running{color:var(--pass);background:var(--pass-bg);border-color:var(--pass)}
.badge.concern,.badge.extend,.badge.paused{color:var(--concern);background:var(--concern-bg);border-color:var(--concern)}
.badge.fail,.badge.stop{color:var(--fail);background:var(--fail-bg);border-color:var(--fail)}
.badge.unknown,.badge.draft,.badge.ended{color:var(--unknown);background:var(--unknown-bg);border-color:var(--unknown)}
.recommendation{display:flex;gap:1rem;align-items:flex-start;flex-wrap:wrap}
.recommendation .verdict{font-size:1.6rem;font-weight:800;padding:.4rem 1.1rem;border-radius:8px;border:2px solid}
.recommendation ul{margin:.2rem 0;padding-left:1.2rem}
.cards{display:grid;gap:1rem;grid-template-columns:repeat(auto-fit,minmax(min(100%,330px),1fr))}
.card{border:1px solid var(--line);border-left-width:6px;border-radius:8px;padding:.8rem 1rem;background:#fff}
.card.pass{border-left-color:var(--pass)}.card.concern{border-left-color:#c27c00}.card.fail{border-left-color:var(--fail)}.card.unknown{border-left-color:var(--unknown)}
.card h3{margin:0 0 .2rem;display:flex;justify-content:space-between;gap:.5rem;align-items:center}
.card .question{margin:0 0 .5rem;color:var(--muted)}
.card ul{padding-left:1.1rem;margin:.3rem 0}
.card li{margin:.25rem 0}
.card ul.evidence{list-style:none;padding-left:0}
.stars{color:#8a5a00;font-size:1.1rem;letter-spacing:.1em}
dl.definition{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem;margin:0}
dl.definition dt{color:var(--muted)}
dl.definition dd{margin:0}
@media (max-width:600px){dl.definition{grid-template-columns:1fr}dl.definition dd{margin-bottom:.4rem}h1{font-size:1.35rem}main{padding:.6rem}section.panel{padding:.75rem}}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
footer.generated{max-width:1200px;margin:0 auto;padding:1rem;color:var(--muted);font-size:.9rem}
@media print{header.top,.no-print{display:none}section.panel{break-inside:avoid}html{background:#fff}}
`;

export type NavItem = 'census' | 'pilots' | null;

export interface PageOptions {
  title: string;
  body: Html;
  /** The nav entry of this page; omitted in standalone documents. */
  nav?: NavItem;
  user?: StaffUser | undefined;
  /** Reload the page after this many seconds (an analysis still computing). */
  refreshSeconds?: number;
  /** A self-contained document: no header, no links into the app. */
  standalone?: boolean;
  /** An inline script, allowed by the page's Content-Security-Policy through this nonce. */
  script?: { nonce: string; code: string };
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
              ${
                options.user
                  ? html`<li class="who">
                        ${options.user.displayName} (${options.user.role.replace('_', ' ')})
                      </li>
                      <li>
                        <form method="post" action="/manage/logout">
                          <button type="submit">Log out</button>
                        </form>
                      </li>`
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
      </body>
    </html>`;
  return doc.value;
}

/** A page that only says what went wrong (bad filter, not allowed, not found). */
export function messagePage(options: {
  title: string;
  message: Html | string;
  user?: StaffUser | undefined;
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

/** A table with its CSV download link and an optional caption. */
export function downloadLink(href: string | undefined, what: string): Html {
  return href ? html`<a class="csv" href="${href}" download>Download ${what} as CSV</a>` : html``;
}

/** A plain table; cells after the first are right-aligned figures unless given as `{ text }`. */
export function dataTable(options: {
  caption: string;
  head: readonly (string | Html)[];
  rows: readonly (readonly (string | number | Html)[])[];
  /** Hides the caption visually (the table sits under a heading that says the same). */
  quietCaption?: boolean;
  /** Words rather than figures: every column left-aligned and wrapping. */
  textual?: boolean;
  attributes?: (rowIndex: number) => Html;
}): Html {
  return html`${options.quietCaption ? '' : html`<p class="note table-caption" aria-hidden="true">${options.caption}</p>`}
    <div class="table-wrap">
      <table${options.textual ? html` class="textual"` : ''}>
        <caption class="sr-only">
          ${options.caption}
        </caption>
        <thead>
          <tr>
            ${options.head.map((h) => html`<th scope="col">${h}</th>`)}
          </tr>
        </thead>
        <tbody>
          ${options.rows.map(
            (row, i) =>
              html`<tr${options.attributes ? options.attributes(i) : ''}>
              ${row.map((cell, j) => (j === 0 ? html`<th scope="row" class="text">${cell}</th>` : html`<td>${cell}</td>`))}
            </tr>`,
          )}
        </tbody>
      </table>
    </div>`;
}

/** The figures behind a chart, folded away under it. */
export function figuresTable(table: Html, label = 'Show the figures as a table'): Html {
  return html`<details>
    <summary>${label}</summary>
    ${table}
  </details>`;
}
