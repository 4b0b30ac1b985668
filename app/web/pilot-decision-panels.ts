import {
  SEQUENTIAL_ALPHA,
  SEQUENTIAL_TUNED_FOR,
  WEEKLY_NPS_MIN_ANSWERS,
  sequentialRhoSquared,
  type PilotReportData,
} from '../../core/evidence.ts';
import { lineChart } from './charts/line-chart.ts';
import { formatDay, formatNumber, formatPercent } from './format.ts';
import { html, type Html } from './html.ts';
import { evidenceItem } from './pilot-evidence.ts';
import { dataTable, figuresTable } from './tables.ts';

// The parts of the report that say how it decides: the map from its parts to the decision, the
// guardrails, and the key figures week by week.

export function decisionMapPanel(data: PilotReportData): Html {
  const card = data.scorecard;
  const by = (criterion: string) =>
    card.criteria.find((c) => c.criterion === criterion)?.verdict ?? 'unknown';
  return html`<section class="panel" aria-labelledby="map-h" data-decision-map>
    <h2 id="map-h">How this report decides</h2>
    <ol class="decision-map">
      <li>
        <strong>Can we run it?</strong> Capacity: the advisors' hours against the demand the pilot arm brings,
        never beyond the customers who are eligible (${by('capacity')}).
      </li>
      <li>
        <strong>What do we have today?</strong> The census of today's channels in the
        ${data.metrics.versusControl.existingContactsPerCustomer.varianceReduction.preWeeks} weeks before the
        pilot: which reasons customers contact us for, and how many of them the channel serves (relevant:
        ${by('relevant')}). The same weeks adjust the comparison with control.
      </li>
      <li>
        <strong>Is the new channel worth it?</strong> The five criteria, each from its evidence: appropriate
        (${by('appropriate')}), relevant (${by('relevant')}), significant (${by('significant')}), functional
        (${by('functional')}), connected (${by('connected')}).
      </li>
      <li>
        <strong>Guardrails</strong>: complaints, call-centre contacts and no-shows must not get worse; a
        breach stops the pilot whatever the criteria say.
      </li>
      <li>
        <strong>The recommendation</strong>: stop when a guardrail is breached, when capacity, functional or
        significant fails, or when two criteria fail; go when every criterion passes; otherwise extend, with
        an estimate of how long.
      </li>
    </ol>
    <p class="note" data-sequential>
      Every interval on this page is always valid: a confidence sequence (asymptotic, Waudby-Smith et al.
      2023, as GrowthBook uses it) that keeps its 95% coverage however often the report is read, tuned to be
      tightest at ${SEQUENTIAL_TUNED_FOR.toLocaleString('en-US')} observations (ρ² =
      ${formatNumber(sequentialRhoSquared(), 5)}, α = ${SEQUENTIAL_ALPHA}). Fixed-horizon intervals and
      p-values, valid at one planned look only, are shown beside them. Rates use Wilson's interval, the
      channel's NPS the adjusted Wald interval (Rocks 2016), and relative changes Fieller's interval, which
      holds 0 exactly when the difference's does and is left out while control's mean may still be 0. A figure
      without an interval gets no verdict; adoption, which only grows, cannot fail before the pilot ends.
    </p>
  </section>`;
}

export function guardrailsPanel(data: PilotReportData): Html {
  const breached = data.scorecard.guardrails.some((g) => g.verdict === 'fail');
  return html`<section
    class="panel"
    aria-labelledby="guard-h"
    data-guardrails="${breached ? 'breached' : 'holding'}"
  >
    <h2 id="guard-h">Guardrails</h2>
    <p class="note">
      Checked every day while the pilot runs: a guardrail is breached when its whole always-valid interval
      lies beyond its limit, which pauses a running pilot and makes the recommendation "stop" on its own.
    </p>
    <ul class="evidence">
      ${data.scorecard.guardrails.map((g) => evidenceItem(g))}
    </ul>
  </section>`;
}

export function weeklyPanel(data: PilotReportData, colour: string): Html {
  const weeks = data.metrics.weekly;
  const { period } = data.metrics;
  if (weeks.length === 0 || !period) return html``;
  const x = weeks.map((w) => ({ key: w.week, label: formatDay(w.week).replace(/ \d{4}$/, '') }));
  const pct = (v: number) => formatPercent(v, 0);
  const lastDays = Math.round((Date.parse(period.to) - Date.parse(weeks.at(-1)!.week)) / 86_400_000) + 1;
  return html`<section class="panel" aria-labelledby="weekly-h" data-weekly>
    <h2 id="weekly-h">Week by week</h2>
    <p class="note">
      Weeks start on the pilot's start
      day${lastDays < 7 ? html`; the last week has ${lastDays} day${lastDays === 1 ? '' : 's'} so far, so its counts are partial` : ''}.
      Adoption is cumulative; a week's NPS shows from ${WEEKLY_NPS_MIN_ANSWERS} answers about the channel.
    </p>
    <div class="grid">
      <div>
        <h3>Adoption and containment</h3>
        ${lineChart({
          id: 'weekly-rates',
          title: 'Adoption (cumulative) and containment, by week',
          desc: weeks
            .map(
              (w) =>
                `${w.week}: adoption ${formatPercent(w.adoption)}, containment ${formatPercent(w.containment)}`,
            )
            .join('; '),
          x,
          series: [
            { key: 'adoption', label: 'Adoption', colour, values: weeks.map((w) => w.adoption) },
            {
              key: 'containment',
              label: 'Containment',
              colour: '#1c7a47',
              values: weeks.map((w) => w.containment),
            },
          ],
          unit: '',
          format: pct,
        })}
      </div>
      <div>
        <h3>Existing-channel contacts per customer</h3>
        ${lineChart({
          id: 'weekly-contacts',
          title: 'Existing-channel contacts per customer, pilot arm vs control, by week',
          desc: weeks
            .map(
              (w) =>
                `${w.week}: pilot ${formatNumber(w.existingPerCustomer.pilot, 3)}, control ${formatNumber(w.existingPerCustomer.control, 3)}`,
            )
            .join('; '),
          x,
          series: [
            {
              key: 'pilot',
              label: 'Pilot arm',
              colour,
              values: weeks.map((w) => w.existingPerCustomer.pilot),
            },
            {
              key: 'control',
              label: 'Control group',
              colour: '#595959',
              values: weeks.map((w) => w.existingPerCustomer.control),
            },
          ],
          unit: 'per customer',
          format: (v) => formatNumber(v, 2),
        })}
      </div>
      <div>
        <h3>NPS of the channel</h3>
        ${
          weeks.some((w) => w.nps !== null)
            ? lineChart({
                id: 'weekly-nps',
                title: "NPS of the channel's answers, by week",
                desc: weeks
                  .map((w) => `${w.week}: NPS ${formatNumber(w.nps, 0)} (${w.npsAnswers} answers)`)
                  .join('; '),
                x,
                series: [{ key: 'nps', label: 'NPS', colour, values: weeks.map((w) => w.nps) }],
                unit: 'points',
                format: (v) => formatNumber(v, 0),
              })
            : html`<p class="note" data-no-weekly-nps>
                No week has ${WEEKLY_NPS_MIN_ANSWERS} answers about the channel yet
                (${weeks.reduce((s, w) => s + w.npsAnswers, 0)} answers in all).
              </p>`
        }
      </div>
    </div>
    ${figuresTable(
      dataTable({
        caption: 'The key figures by week',
        head: [
          'Week from',
          'Adoption',
          'Contacts',
          'Containment',
          'Existing contacts: pilot',
          'control',
          'NPS',
          'Answers',
        ],
        rows: weeks.map((w) => [
          formatDay(w.week),
          formatPercent(w.adoption),
          String(w.contacts),
          formatPercent(w.containment),
          formatNumber(w.existingPerCustomer.pilot, 3),
          formatNumber(w.existingPerCustomer.control, 3),
          formatNumber(w.nps, 0),
          String(w.npsAnswers),
        ]),
      }),
    )}
  </section>`;
}
