import {
  criteria,
  pilotTransitions,
  type Pilot,
  type PilotChange,
  type PilotReportData,
  type PilotStatus,
} from '../../core/evidence.ts';
import { formatMoment, humanize } from './format.ts';
import { html, type Html } from './html.ts';
import { dataTable } from './tables.ts';

// Managing a pilot from its report: its status, the managers' ratings and the audit trail. Plain
// forms posting to /manage (no script); the rules are the API's.

const statusActions: Record<PilotStatus, string> = {
  draft: 'Back to draft',
  running: 'Start',
  paused: 'Pause',
  ended: 'End',
};

function actionLabel(from: PilotStatus, to: PilotStatus): string {
  return from === 'paused' && to === 'running' ? 'Resume' : statusActions[to];
}

export function managePanel(
  pilot: Pilot,
  data: PilotReportData | null,
  changes: readonly PilotChange[],
  /** The session's form token: a form on another site cannot know it. */
  csrf: string,
): Html {
  const base = `/manage/pilots/${encodeURIComponent(pilot.code)}`;
  const next = pilotTransitions[pilot.status];
  const ratings = new Map(data?.scorecard.criteria.map((c) => [c.criterion, c.rating]) ?? []);
  return html`<section class="panel no-print" aria-labelledby="manage-h" data-manage>
    <h2 id="manage-h">Manage this pilot</h2>
    <div class="actions" data-status-actions>
      ${next.map(
        (to) =>
          html`<form method="post" action="${base}/status" class="inline">
            <input type="hidden" name="csrf" value="${csrf}" />
            <input type="hidden" name="status" value="${to}" />
            <button type="submit" data-to="${to}" class="${to === 'ended' ? 'danger' : ''}">
              ${actionLabel(pilot.status, to)}
            </button>
          </form>`,
      )}
      ${pilot.status !== 'ended' ? html`<a href="${base}/edit">Revise the definition</a>` : ''}
      ${next.length === 0 ? html`<p class="note">The pilot has ended: nothing more can change.</p>` : ''}
    </div>
    <h3>Rate the criteria</h3>
    <p class="note">A rating of 1 or 2 turns a passing criterion into a concern; it never hides a failure.</p>
    <div class="rating-forms">
      ${criteria.map((criterion) => {
        const current = ratings.get(criterion);
        return html`<form method="post" action="${base}/ratings" class="rating-form" data-rate="${criterion}">
          <input type="hidden" name="csrf" value="${csrf}" />
          <input type="hidden" name="criterion" value="${criterion}" />
          <label for="rate-${criterion}">${humanize(criterion)}</label>
          <select id="rate-${criterion}" name="rating">
            ${[1, 2, 3, 4, 5].map(
              (r) =>
                html`<option value="${r}" ${current?.rating === r ? html` selected` : ''}>${r} of 5</option>`,
            )}
          </select>
          <textarea name="note" rows="2" aria-label="Note on ${humanize(criterion)}" maxlength="2000">
${current?.note ?? ''}</textarea>
          <button type="submit">Save the rating</button>
        </form>`;
      })}
    </div>
    <h3>Audit trail</h3>
    ${
      changes.length
        ? dataTable({
            caption: 'Who changed what in this pilot, and when (newest first)',
            textual: true,
            head: ['When', 'Who', 'What'],
            rows: [...changes].reverse().map((c) => [formatMoment(c.at), c.actor.name, c.summary]),
            attributes: (i) => html` data-change="${[...changes].reverse()[i]!.action}"`,
          })
        : html`<p class="note">No change recorded yet.</p>`
    }
  </section>`;
}
