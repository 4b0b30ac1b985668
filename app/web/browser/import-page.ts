import {
  describeCounts,
  describeNotes,
  type ImportKind,
  type ImportSummary,
} from '../../../core/import-summary.ts';

// The import page's script: sends the chosen file to the import API as the browser reads it
// from disk, follows the import's progress in the history while it runs, shows the preview or
// the summary, and saves profiles. The page works out what to show; this only moves data.

interface Problem {
  detail?: string;
  hint?: string;
  errors?: { path: string; message: string }[];
}

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const upload = $<HTMLFormElement>('upload');
const progress = $<HTMLDivElement>('progress');
const bar = $<HTMLProgressElement>('progress-bar');
const progressText = $<HTMLParagraphElement>('progress-text');
const result = $<HTMLElement>('result');
const resultBody = $<HTMLDivElement>('result-body');
const profileForm = $<HTMLFormElement>('profile-form');
const profileStatus = $<HTMLParagraphElement>('profile-status');

const field = (form: HTMLFormElement, name: string) =>
  form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement;

function element<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function problemText(problem: Problem | null, status: number): string {
  if (!problem) return `The server answered ${status}.`;
  const errors = (problem.errors ?? []).map((e) => `${e.path}: ${e.message}`).join('; ');
  return [problem.detail, errors, problem.hint].filter(Boolean).join(' — ');
}

function table(caption: string, head: string[], rows: string[][]): HTMLElement {
  const wrap = element('div', undefined, 'table-wrap');
  const t = element('table', undefined, 'textual');
  const c = element('caption', caption, 'sr-only');
  const thead = element('thead');
  const tr = element('tr');
  for (const h of head) {
    const th = element('th', h);
    th.scope = 'col';
    tr.append(th);
  }
  thead.append(tr);
  const tbody = element('tbody');
  for (const row of rows) {
    const r = element('tr');
    for (const cell of row) r.append(element('td', cell));
    tbody.append(r);
  }
  t.append(c, thead, tbody);
  wrap.append(t);
  return wrap;
}

function showSummary(kind: ImportKind, summary: ImportSummary) {
  resultBody.replaceChildren();
  const line = element('p', describeCounts(kind, summary));
  line.dataset.summary = summary.dryRun ? 'preview' : 'done';
  resultBody.append(line);
  const notes = describeNotes(summary);
  for (const note of notes) resultBody.append(element('p', note, 'note'));
  if (summary.problems.length > 0) {
    resultBody.append(element('h3', 'Why rows were rejected'));
    resultBody.append(
      table(
        'Rejected rows by reason',
        ['Rows', 'Column', 'Problem', 'Values', 'First lines'],
        summary.problems.map((p) => [
          String(p.count),
          p.column ?? '',
          p.problem,
          p.values.map((v) => JSON.stringify(v)).join(', '),
          p.lines.join(', ') + (p.count > p.lines.length ? ', …' : ''),
        ]),
      ),
    );
  }
  if (summary.dryRun && summary.preview.length > 0) {
    resultBody.append(element('h3', 'The first rows as they would be stored'));
    const columns = [...new Set(summary.preview.flatMap((row) => Object.keys(row)))];
    resultBody.append(
      table(
        'The first rows as they would be stored',
        columns,
        summary.preview.map((row) =>
          columns.map((c) => {
            const value = row[c];
            return value === null || value === undefined
              ? ''
              : typeof value === 'object'
                ? JSON.stringify(value)
                : String(value);
          }),
        ),
      ),
    );
  }
  result.hidden = false;
}

function showError(text: string) {
  resultBody.replaceChildren(element('p', text, 'banner error'));
  result.hidden = false;
}

/** Follows the import in the history until the upload's answer comes. */
function follow(runId: string, kind: ImportKind): () => void {
  let stopped = false;
  const tick = async () => {
    if (stopped) return;
    const response = await fetch(`/api/imports/${runId}`, { credentials: 'same-origin' }).catch(() => null);
    if (response?.ok) {
      const run = (await response.json()) as {
        bytesRead: number;
        bytesTotal: number | null;
        summary: ImportSummary | null;
      };
      if (run.bytesTotal) {
        bar.max = run.bytesTotal;
        bar.value = run.bytesRead;
      }
      if (run.summary && !stopped)
        progressText.textContent = `Importing… ${describeCounts(kind, run.summary)}`;
    }
    if (!stopped) setTimeout(tick, 400);
  };
  void tick();
  return () => {
    stopped = true;
  };
}

/** The history, as the page renders it now. */
async function refreshHistory() {
  const response = await fetch('/manage/imports', { credentials: 'same-origin' });
  if (!response.ok) return;
  const fresh = new DOMParser().parseFromString(await response.text(), 'text/html').getElementById('history');
  if (fresh) $<HTMLElement>('history').replaceChildren(...fresh.childNodes);
}

upload.addEventListener('submit', async (event) => {
  event.preventDefault();
  const mode = ((event as SubmitEvent).submitter as HTMLButtonElement | null)?.value ?? 'preview';
  const file = (field(upload, 'file') as HTMLInputElement).files?.[0];
  if (!file) return;
  const kind = field(upload, 'kind').value as ImportKind;
  const query = new URLSearchParams({ fileName: file.name });
  const profile = field(upload, 'profile').value;
  const source = field(upload, 'source').value.trim();
  if (profile) query.set('profile', profile);
  if (source) query.set('source', source);
  const runId = crypto.randomUUID();
  if (mode === 'preview') query.set('dryRun', 'true');
  else query.set('run', runId);
  const type = /\.(jsonl|ndjson)$/i.test(file.name)
    ? 'application/x-ndjson'
    : /\.tsv$/i.test(file.name)
      ? 'text/tab-separated-values'
      : 'text/csv';
  result.hidden = true;
  resultBody.replaceChildren();
  progress.hidden = false;
  bar.removeAttribute('value');
  progressText.textContent = mode === 'preview' ? 'Reading the file…' : 'Importing…';
  const stop = mode === 'run' ? follow(runId, kind) : () => {};
  for (const button of upload.querySelectorAll('button')) button.disabled = true;
  try {
    // The File is sent as the browser reads it: the server imports it as it arrives.
    const response = await fetch(`/api/imports/${kind}?${query}`, {
      method: 'POST',
      headers: { 'content-type': type, accept: 'application/json' },
      credentials: 'same-origin',
      body: file,
    });
    stop();
    if (!response.ok) {
      const problem = (await response.json().catch(() => null)) as Problem | null;
      progressText.textContent = 'The import stopped.';
      showError(problemText(problem, response.status));
    } else {
      const answer = (await response.json()) as { summary: ImportSummary };
      bar.max = 1;
      bar.value = 1;
      progressText.textContent = mode === 'preview' ? 'Preview ready.' : 'Done.';
      showSummary(kind, answer.summary);
    }
  } catch {
    stop();
    progressText.textContent = 'The upload failed.';
    showError(
      'The connection broke during the upload; what arrived before it is kept. Import the file again: nothing is imported twice.',
    );
  } finally {
    for (const button of upload.querySelectorAll('button')) button.disabled = false;
    if (mode === 'run') await refreshHistory();
  }
});

field(profileForm, 'name').addEventListener('change', async () => {
  const name = field(profileForm, 'name').value;
  if (!name) return;
  const response = await fetch(`/api/import-profiles/${encodeURIComponent(name)}`, {
    credentials: 'same-origin',
  });
  if (response.ok) {
    const saved = (await response.json()) as { profile: unknown };
    field(profileForm, 'json').value = JSON.stringify(saved.profile, null, 2);
  }
});

profileForm.addEventListener('submit', async (event) => {
  event.preventDefault();
  let profile: { name?: unknown };
  try {
    profile = JSON.parse(field(profileForm, 'json').value) as { name?: unknown };
  } catch (error) {
    profileStatus.textContent = `Not JSON: ${(error as Error).message}`;
    return;
  }
  const name = typeof profile.name === 'string' ? profile.name : '';
  const response = await fetch(`/api/import-profiles/${encodeURIComponent(name)}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    credentials: 'same-origin',
    body: JSON.stringify(profile),
  });
  if (!response.ok) {
    profileStatus.textContent = `Not saved: ${problemText((await response.json().catch(() => null)) as Problem | null, response.status)}`;
    return;
  }
  profileStatus.textContent = `Saved profile ${name}.`;
  for (const select of [field(upload, 'profile'), field(profileForm, 'name')] as HTMLSelectElement[]) {
    if (![...select.options].some((o) => o.value === name)) select.append(new Option(name, name));
  }
  field(upload, 'profile').value = name;
});
