import type { ConsultationTexts } from './consultation-texts.ts';
import { fill, h, retryWhileUnavailable } from '../../web/browser/dom.ts';

// The customer's rating after the call: NPS 0–10, CSAT 1–5 and an optional comment, each scale a
// group of radio buttons (arrow keys move within it), sent once.

export interface SurveyAnswers {
  nps: number;
  csat: number;
  comment: string | undefined;
}

export function renderSurvey(
  app: HTMLElement,
  texts: ConsultationTexts['survey'],
  send: (answers: SurveyAnswers) => Promise<unknown>,
): void {
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
    void retryWhileUnavailable(() =>
      send({ nps: Number(npsValue), csat: Number(csatValue), comment: comment.value.trim() || undefined }),
    )
      .then(() => {
        fill(
          form,
          h('h2', { id: 'survey-heading' }, texts.heading),
          h('p', { class: 'ok', id: 'survey-thanks' }, texts.thanks),
        );
      })
      .catch(() => {
        result.className = 'error';
        result.textContent = texts.failed;
        submit.disabled = false;
      });
  });
  fill(app, form);
  (form.querySelector('input') as HTMLInputElement).focus();
}
