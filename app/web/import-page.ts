import { DateTime } from 'luxon';
import { REFERENCE_ZONE } from '../../core/index.ts';
import {
  describeCounts,
  describeGroup,
  describeNotes,
  type ImportRun,
  type ImportSummary,
  type SavedImportProfile,
} from '../../core/imports.ts';
import type { Viewer } from '../http/staff-auth.ts';
import { html, type Html } from './html.ts';
import { page } from './page.ts';
import { dataTable } from './tables.ts';

/**
 * The import page: upload a file (streamed to the API as it is read from disk), pick or edit a
 * profile, preview, run with live progress, and the history of imports. The script
 * (`/assets/imports.js`) does the uploading and polling; everything else is rendered here.
 */
export function renderImportPage(input: {
  nonce: string;
  user: Viewer | undefined;
  profiles: readonly SavedImportProfile[];
  history: readonly ImportRun[];
}): string {
  const { profiles } = input;
  return page({
    title: 'Imports',
    nav: 'imports',
    user: input.user,
    body: html`<h1>Imports</h1>
      <div class="grid">
        <section class="panel" aria-labelledby="upload-h">
          <h2 id="upload-h">Import a file</h2>
          <form id="upload" class="stacked stack">
            <label
              >File (CSV of any delimiter, or JSON Lines)
              <input name="file" type="file" accept=".csv,.tsv,.txt,.jsonl,.ndjson" required
            /></label>
            <label
              >What it holds
              <select name="kind">
                <option value="interactions">contacts of existing channels</option>
                <option value="customers">customers from the CRM</option>
              </select></label
            >
            <label
              >Profile
              <select name="profile">
                <option value="">none: the file uses our columns and codes</option>
                ${profiles.map((p) => html`<option value="${p.profile.name}">${p.profile.name}</option>`)}
              </select></label
            >
            <label
              >Source (optional: the profile’s, or the file’s name)
              <input name="source" pattern="[a-z][a-z0-9_]{0,62}" placeholder="e.g. call_centre_2025"
            /></label>
            <p class="actions">
              <button class="secondary" type="submit" name="mode" value="preview">Preview</button>
              <button class="primary" type="submit" name="mode" value="run">Import</button>
            </p>
            <div id="progress" hidden>
              <progress id="progress-bar" value="0" max="1"></progress>
              <p id="progress-text" role="status" aria-live="polite"></p>
            </div>
          </form>
        </section>
        <section class="panel" aria-labelledby="profile-h">
          <h2 id="profile-h">Profile</h2>
          <form id="profile-form" class="stacked stack">
            <label
              >Edit a saved profile
              <select name="name">
                <option value="">a new profile</option>
                ${profiles.map((p) => html`<option value="${p.profile.name}">${p.profile.name}</option>`)}
              </select></label
            >
            <label
              >Profile (JSON: see the README for every field)
              <textarea name="json" rows="14" spellcheck="false">
{ "name": "my_export", "columns": {}, "values": {}, "defaults": {} }</textarea>
            </label>
            <p class="actions"><button class="secondary" type="submit">Save profile</button></p>
            <p id="profile-status" role="status" aria-live="polite"></p>
          </form>
        </section>
      </div>
      <section class="panel" id="result" aria-labelledby="result-h" hidden>
        <h2 id="result-h">Result</h2>
        <div id="result-body"></div>
      </section>
      <section class="panel" id="history" aria-labelledby="history-h">
        <h2 id="history-h">History</h2>
        ${renderHistory(input.history)}
      </section>`,
    scriptModule: { nonce: input.nonce, src: '/assets/imports.js' },
  });
}

/** The latest imports, newest first, each with its summary and reasons for rejecting rows. */
export function renderHistory(runs: readonly ImportRun[]): Html {
  if (runs.length === 0) return html`<p class="note">No imports yet.</p>`;
  return html`<div data-history>
    ${dataTable({
      caption: 'Imports, newest first',
      quietCaption: true,
      textual: true,
      head: ['Started', 'What', 'File', 'Source', 'Profile', 'Status', 'Summary'],
      rows: runs.map((run) => [
        DateTime.fromJSDate(run.startedAt, { zone: REFERENCE_ZONE }).toFormat('yyyy-MM-dd HH:mm'),
        run.kind === 'customers' ? 'customers' : 'contacts',
        run.fileName ?? '–',
        run.source,
        run.profile ?? '–',
        html`<span class="badge ${statusClass[run.status]}">${run.status}</span>`,
        html`${run.summary ? describeCounts(run.kind, run.summary) : ''}
        ${run.summary ? describeNotes(run.summary).map((note) => html`<p class="note">${note}</p>`) : ''}
        ${run.error ? html`<p>${run.error}</p>` : ''}
        ${
          run.summary && run.summary.problems.length > 0
            ? html`<details>
                <summary>Why rows were rejected</summary>
                ${problemList(run.summary)}
              </details>`
            : ''
        }`,
      ]),
    })}
  </div>`;
}

const statusClass = { running: 'running', done: 'ended', failed: 'fail', interrupted: 'fail' } as const;

function problemList(s: ImportSummary): Html {
  return html`<ul>
    ${s.problems.map((p) => html`<li>${describeGroup(p)}</li>`)}
  </ul>`;
}
