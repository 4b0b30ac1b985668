import { type Channel, type FieldIssue } from '../../core/index.ts';
import {
  objectiveMetrics,
  objectiveScales,
  type ObjectiveMetric,
  type Pilot,
  type PilotInput,
} from '../../core/evidence.ts';
import { humanize } from './format.ts';
import type { Viewer } from '../http/staff-auth.ts';
import { html, type Html } from './html.ts';
import { page } from './page.ts';
import { metricInfo } from './pilot-metric-format.ts';

// Defining and revising a pilot from the browser: a plain form (no script), read into the same
// definition the API takes and checked by the same rules.

/** How many objective rows the form offers. */
const OBJECTIVE_ROWS = 4;

type FormValues = Record<string, string | string[] | undefined>;

const list = (value: string | string[] | undefined): string[] =>
  (Array.isArray(value) ? value.join(',') : (value ?? ''))
    .split(/[\s,;]+/)
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * A number as typed: blank leaves the default; a decimal comma (`20,5`, as Italian keyboards
 * write it), the minus sign the hints show (`−0.05`) and a trailing `%` are read as meant;
 * anything else not a number is left for validation to name.
 */
const number = (value: string | string[] | undefined): number | string | undefined => {
  const text = (Array.isArray(value) ? value[0] : value)?.trim() ?? '';
  if (text === '') return undefined;
  const plain = text
    .replace(/\s*%$/, '')
    .replace(/^[\u2212\u2013]/, '-')
    .replace(/^([+-]?\d+),(\d+)$/, '$1.$2');
  return plain !== '' && Number.isFinite(Number(plain)) ? Number(plain) : text;
};

/** A threshold as typed: `50%` on a metric kept as a share (containment) is 0.5. */
const threshold = (metric: string, value: string | string[] | undefined) => {
  const read = number(value);
  const asPercent = /%\s*$/.test(text(value));
  const scale = objectiveScales[metric as ObjectiveMetric] as { max: number } | undefined;
  return typeof read === 'number' && asPercent && scale?.max === 1 ? read / 100 : read;
};
const text = (value: string | string[] | undefined) =>
  (Array.isArray(value) ? value[0] : value)?.trim() ?? '';

/** The form's fields as a pilot definition (unchecked: the desk validates it). */
export function pilotInputFromForm(form: FormValues): PilotInput {
  const objectives = [];
  for (let i = 0; i < OBJECTIVE_ROWS; i++) {
    const metric = text(form[`objective${i}Metric`]);
    if (!metric) continue;
    objectives.push({
      metric,
      comparison: text(form[`objective${i}Comparison`]),
      threshold: threshold(metric, form[`objective${i}Threshold`]),
    });
  }
  const defined = (entries: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(entries).filter(([, v]) => v !== undefined));
  return defined({
    code: text(form.code),
    name: text(form.name),
    channel: text(form.channel),
    touchpoints: list(form.touchpoints),
    reasons: list(form.reasons),
    objectives,
    startsOn: text(form.startsOn),
    endsOn: text(form.endsOn),
    cohort: defined({
      segments: list(form.segments),
      customerIds: list(form.customerIds),
      rolloutPercent: number(form.rolloutPercent),
      controlPercent: number(form.controlPercent),
    }),
    openToEveryone: form.openToEveryone === 'on',
    closingSurvey: form.closingSurvey === 'on',
    withinDays: number(form.withinDays),
    advisorShare: number(form.advisorShare),
  }) as unknown as PilotInput;
}

/** A pilot's definition as form values (to revise it). */
export function formFromPilot(pilot: Pilot): FormValues {
  const values: FormValues = {
    code: pilot.code,
    name: pilot.name,
    channel: pilot.channel,
    touchpoints: pilot.touchpoints.join(', '),
    reasons: pilot.reasons.join(', '),
    startsOn: pilot.startsOn,
    endsOn: pilot.endsOn,
    segments: pilot.cohort.segments,
    customerIds: pilot.cohort.customerIds.join('\n'),
    rolloutPercent: String(pilot.cohort.rolloutPercent),
    controlPercent: String(pilot.cohort.controlPercent),
    openToEveryone: pilot.openToEveryone ? 'on' : undefined,
    closingSurvey: pilot.closingSurvey ? 'on' : undefined,
    withinDays: String(pilot.withinDays),
    advisorShare: String(pilot.advisorShare),
  };
  pilot.objectives.forEach((o, i) => {
    values[`objective${i}Metric`] = o.metric;
    values[`objective${i}Comparison`] = o.comparison;
    values[`objective${i}Threshold`] = String(o.threshold);
  });
  return values;
}

export function renderPilotForm(options: {
  /** The pilot being revised; absent when defining a new one. */
  pilot?: Pilot;
  values: FormValues;
  issues: readonly FieldIssue[];
  channels: readonly Channel[];
  segments: readonly string[];
  reasons: readonly string[];
  user?: Viewer | undefined;
}): string {
  const { values, issues, pilot } = options;
  const value = (name: string) => text(values[name]);
  const problem = (path: string) => issues.filter((i) => i.path === path || i.path.startsWith(`${path}.`));
  const field = (label: string, name: string, path: string, input: Html, hint?: string): Html => {
    const bad = problem(path);
    return html`<div class="field${bad.length ? ' invalid' : ''}">
      <label for="f-${name}">${label}</label>
      ${input} ${hint ? html`<span class="note">${hint}</span>` : ''}
      ${bad.map((i) => html`<span class="error" id="e-${name}">${i.message}</span>`)}
    </div>`;
  };
  const invalid = (path: string) => (problem(path).length ? html` aria-invalid="true"` : '');
  const input = (name: string, path: string, type = 'text', extra: Html = html``) =>
    html`<input
      id="f-${name}"
      name="${name}"
      type="${type}"
      value="${value(name)}"
      ${invalid(path)}
      ${extra}
    />`;
  const started = pilot !== undefined && pilot.status !== 'draft';
  const selectedSegments = new Set(list(values.segments));
  const pilotChannels = options.channels.filter((c) => c.kind === 'pilot');
  const action = pilot ? `/manage/pilots/${encodeURIComponent(pilot.code)}` : '/manage/pilots';
  const title = pilot ? `Revise ${pilot.name}` : 'Define a pilot';
  const body = html`<h1>${title}</h1>
    ${
      issues.length
        ? html`<div class="banner error" role="alert" data-form-issues>
            <p><strong>The pilot was not saved.</strong> Correct these fields:</p>
            <ul>
              ${issues.map((i) => html`<li><code>${i.path}</code>: ${i.message}</li>`)}
            </ul>
          </div>`
        : ''
    }
    ${
      started
        ? html`<p class="banner info">
            This pilot has started: its code, channel, start, contact reasons, follow-up window, objectives,
            segments and control share are fixed; its rollout and list of customers can only grow.
          </p>`
        : ''
    }
    <form method="post" action="${action}" class="panel pilot-form">
      <input type="hidden" name="csrf" value="${options.user?.csrf ?? ''}" />
      ${field('Code', 'code', 'code', input('code', 'code'), 'lower case, digits and _')}
      ${field('Name', 'name', 'name', input('name', 'name'))}
      ${field(
        'Channel',
        'channel',
        'channel',
        html`<select id="f-channel" name="channel" ${invalid('channel')}>
          ${pilotChannels.map(
            (c) =>
              html`<option value="${c.code}" ${value('channel') === c.code ? html` selected` : ''}>
                ${c.name}
              </option>`,
          )}
        </select>`,
        `touchpoints: ${pilotChannels.map((c) => `${c.name}: ${c.touchpoints.map((t) => t.code).join(', ')}`).join('; ')}`,
      )}
      ${field('Touchpoints', 'touchpoints', 'touchpoints', input('touchpoints', 'touchpoints'), 'separated by commas')}
      ${field(
        'Contact reasons',
        'reasons',
        'reasons',
        input('reasons', 'reasons'),
        `separated by commas; in the log: ${options.reasons.join(', ')}`,
      )}
      ${field('Starts on', 'startsOn', 'startsOn', input('startsOn', 'startsOn', 'date'))}
      ${field('Ends on', 'endsOn', 'endsOn', input('endsOn', 'endsOn', 'date'))}
      <fieldset class="field${problem('cohort.segments').length ? ' invalid' : ''}">
        <legend>Segments (none: every segment)</legend>
        ${options.segments.map(
          (s) =>
            html`<label class="check"
              ><input
                type="checkbox"
                name="segments"
                value="${s}"
                ${selectedSegments.has(s) ? html` checked` : ''}
              />
              ${humanize(s)}</label
            >`,
        )}
        ${problem('cohort.segments').map((i) => html`<span class="error">${i.message}</span>`)}
      </fieldset>
      ${field('Drawn into the pilot (%)', 'rolloutPercent', 'cohort.rolloutPercent', input('rolloutPercent', 'cohort.rolloutPercent', 'text', html`inputmode="decimal"`))}
      ${field('Drawn into control (%)', 'controlPercent', 'cohort.controlPercent', input('controlPercent', 'cohort.controlPercent', 'text', html`inputmode="decimal"`))}
      ${field(
        'Customers named explicitly',
        'customerIds',
        'cohort.customerIds',
        html`<textarea id="f-customerIds" name="customerIds" rows="3" ${invalid('cohort.customerIds')}>
${value('customerIds')}</textarea>`,
        'customer ids, one a line; they join the pilot arm whatever the draw',
      )}
      <fieldset class="field${problem('objectives').length ? ' invalid' : ''}">
        <legend>Objectives</legend>
        <p class="note">
          Rates and changes as shares (0.5 or 50% for 50%, −0.05 for a 5% drop); NPS in points (−100 to 100;
          against control −200 to 200); CSAT 1–5; CES 1–7. One objective per metric.
        </p>
        ${Array.from({ length: OBJECTIVE_ROWS }, (_, i) => objectiveRow(i, value))}
        ${problem('objectives').map((i) => html`<span class="error"><code>${i.path}</code>: ${i.message}</span>`)}
      </fieldset>
      <label class="check"
        ><input
          type="checkbox"
          name="openToEveryone"
          ${values.openToEveryone === 'on' ? html` checked` : ''}
        />
        Open to every customer outside the control group</label
      >
      <label class="check"
        ><input type="checkbox" name="closingSurvey" ${values.closingSurvey === 'on' ? html` checked` : ''} />
        Ask one NPS question at the end of a conversation</label
      >
      ${field('Follow-ups within (days)', 'withinDays', 'withinDays', input('withinDays', 'withinDays', 'text', html`inputmode="numeric"`), '1 to 90; 7 when blank')}
      ${field('Share of advisor hours', 'advisorShare', 'advisorShare', input('advisorShare', 'advisorShare', 'text', html`inputmode="decimal"`), 'over 0, at most 1; 1 when blank')}
      <p class="actions">
        <button type="submit">${pilot ? 'Save the definition' : 'Define the pilot (as a draft)'}</button>
        <a href="${pilot ? `/manage/pilots/${encodeURIComponent(pilot.code)}` : '/manage/pilots'}">Cancel</a>
      </p>
    </form>`;
  return page({ title, nav: 'pilots', user: options.user, body });
}

function objectiveRow(i: number, value: (name: string) => string): Html {
  const metric = value(`objective${i}Metric`);
  const comparison = value(`objective${i}Comparison`) || 'at_least';
  return html`<div class="objective-row">
    <select name="objective${i}Metric" aria-label="Objective ${i + 1}: metric">
      <option value="">(none)</option>
      ${objectiveMetrics.map(
        (m) =>
          html`<option value="${m}" ${metric === m ? html` selected` : ''}>${metricInfo[m].label}</option>`,
      )}
    </select>
    <select name="objective${i}Comparison" aria-label="Objective ${i + 1}: at least or at most">
      <option value="at_least" ${comparison === 'at_least' ? html` selected` : ''}>at least</option>
      <option value="at_most" ${comparison === 'at_most' ? html` selected` : ''}>at most</option>
    </select>
    <input
      name="objective${i}Threshold"
      aria-label="Objective ${i + 1}: threshold"
      inputmode="decimal"
      value="${value(`objective${i}Threshold`)}"
    />
  </div>`;
}
