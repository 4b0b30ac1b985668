import type { ConsultationTexts } from './consultation-texts.ts';
import { api, ApiError, fill, h, retryWhileUnavailable } from '../../web/browser/dom.ts';

// The customer's rating after the call: NPS 0–10, CSAT 1–5 and an optional comment, each scale a
// group of radio buttons (arrow keys move within it), sent once to the join link's survey.

export interface SurveyAnswers {
  nps: number;
  csat: number;
  comment: string | undefined;
}

// eslint-disable-next-line no-control-regex -- the NUL character is what is dropped
const NUL = /\u0000/g;

type Failure = 'failed' | 'commentRefused' | 'alreadyAnswered' | 'linkExpired' | 'refused';

/**
 * What the page says when the app did not store the answers. Only a failure a retry can fix (the
 * network, the app's own fault) asks to try again later; a refusal says what is wrong.
 */
function failure(error: unknown): Failure {
  if (!(error instanceof ApiError) || error.status >= 500 || error.status === 429) return 'failed';
  if (error.errors.some((e) => e.path === 'body.comment')) return 'commentRefused';
  if (error.status === 409) return 'alreadyAnswered';
  if (error.status === 401 || error.status === 404 || error.status === 410) return 'linkExpired';
  return 'refused';
}

export function renderSurvey(app: HTMLElement, texts: ConsultationTexts['survey'], token: string): void {
  const send = (answers: SurveyAnswers) =>
    api('POST', `/api/links/join/${encodeURIComponent(token)}/survey`, answers);
  const scale = (name: string, values: number[], labelOf: (v: number) => string) =>
    h(
      'div',
      { class: 'scale' },
      ...values.map((v) =>
        h(
          'label',
          {},
          h('input', { attrs: { type: 'radio', name, value: String(v), 'aria-label': labelOf(v) } }),
          h('span', { attrs: { 'aria-hidden': 'true' } }, String(v)),
        ),
      ),
    );
  const nps = h(
    'fieldset',
    {},
    h('legend', {}, texts.nps),
    h('p', { class: 'muted' }, `${texts.npsLow} · ${texts.npsHigh}`),
    scale('nps', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10], String),
  );
  const csat = h(
    'fieldset',
    {},
    h('legend', {}, texts.csat),
    h('p', { class: 'muted' }, texts.csatScale.map((label, i) => `${i + 1} = ${label}`).join(' · ')),
    scale('csat', [1, 2, 3, 4, 5], (v) => `${v}: ${texts.csatScale[v - 1]}`),
  );
  const comment = h('textarea', { id: 'survey-comment', attrs: { rows: '3', maxlength: '2000' } });
  const result = h('p', { attrs: { role: 'status' } });
  const submit = h('button', { class: 'primary', attrs: { type: 'submit' } }, texts.submit);
  const form = h(
    'form',
    { class: 'card', id: 'survey', attrs: { 'aria-labelledby': 'survey-heading' } },
    h('h2', { id: 'survey-heading' }, texts.heading),
    nps,
    csat,
    h('label', { attrs: { for: 'survey-comment' } }, texts.comment),
    comment,
    h('div', { class: 'row controls' }, submit),
    result,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const picked = (name: string) =>
      (form.querySelector(`input[name="${name}"]:checked`) as HTMLInputElement | null)?.value;
    const [npsValue, csatValue] = [picked('nps'), picked('csat')];
    if (npsValue === undefined || csatValue === undefined) {
      result.className = 'error';
      result.textContent = texts.missing;
      return;
    }
    submit.disabled = true;
    // The consultation reaches the customer's journey a moment after the call ends; until then
    // the app answers 503, so the answers are sent again for up to a minute.
    // A NUL character cannot be stored, and nobody can see it in the box to take it out: dropped.
    const said = comment.value.replace(NUL, '').trim();
    void retryWhileUnavailable(() =>
      send({ nps: Number(npsValue), csat: Number(csatValue), comment: said || undefined }),
    )
      .then(() => {
        fill(
          form,
          h('h2', { id: 'survey-heading' }, texts.heading),
          h('p', { class: 'ok', id: 'survey-thanks' }, texts.thanks),
        );
      })
      .catch((error: unknown) => {
        const why = failure(error);
        result.className = 'error';
        result.textContent = texts[why];
        // Sending the same answers again changes nothing once they were refused for another reason.
        submit.disabled = why !== 'failed' && why !== 'commentRefused';
        if (why === 'commentRefused') comment.focus();
      });
  });
  fill(app, form);
  (form.querySelector('input') as HTMLInputElement).focus();
}
