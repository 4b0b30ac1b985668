import { html, type Html } from './html.ts';

/** The link that downloads a table as CSV; nothing without an address (the standalone export has none). */
export function downloadLink(href: string | undefined, what: string): Html {
  return href ? html`<a class="csv" href="${href}" download>Download ${what} as CSV</a>` : html``;
}

/** A plain table; cells after the first are right-aligned figures unless the table is `textual`. */
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
