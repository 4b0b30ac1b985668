import type { Capacity, PilotMetrics } from '../../core/evidence.ts';
import { bars } from './charts/bars.ts';
import { formatCount, formatDuration, formatNumber, formatPercent } from './format.ts';
import { html, type Html } from './html.ts';

export function capacityPanel(capacity: Capacity, metrics: PilotMetrics): Html {
  const enough = capacity.availableHoursPerWeek >= capacity.demandHoursPerWeek;
  return html`<section class="panel" aria-labelledby="cap-h">
    <h2 id="cap-h">Capacity</h2>
    ${
      capacity.staffed
        ? html`${bars({
            id: 'capacity',
            title: 'Advisor hours a week: available vs demand',
            desc: `${formatNumber(capacity.availableHoursPerWeek)} hours available, ${formatNumber(capacity.demandHoursPerWeek)} hours of demand: ${enough ? 'enough' : 'not enough'}.`,
            rows: [
              {
                label: 'Available',
                value: capacity.availableHoursPerWeek,
                colour: '#0b5cad',
                valueLabel: `${formatNumber(capacity.availableHoursPerWeek)} h`,
              },
              {
                label: 'Demand',
                value: capacity.demandHoursPerWeek,
                colour: enough ? '#1c7a47' : '#b3261e',
                valueLabel: `${formatNumber(capacity.demandHoursPerWeek)} h`,
              },
            ],
            format: (v) => `${formatNumber(v, 0)} h`,
          })}`
        : html`<p>Self-service channel: it needs no advisor hours.</p>`
    }
    <dl class="definition">
      <dt>Demand basis</dt>
      <dd>
        ${formatNumber(capacity.contactsPerCustomerWeek, 3)} contacts per customer a week
        (${
          capacity.basis === 'observed'
            ? 'observed in the pilot'
            : `forecast from the census${capacity.assumedTakeUp === null ? '' : `, assuming ${formatPercent(capacity.assumedTakeUp, 0)} of the served contacts move to the channel`}`
        }),
        ${formatDuration(capacity.hoursPerContact * 3600)} each
      </dd>
      <dt>Largest cohort served</dt>
      <dd>
        ${capacity.largestCohort === null ? 'Unlimited' : `${formatCount(capacity.largestCohort)} customers`}
        (pilot arm today: ${formatCount(metrics.cohort.pilot)})
        ${
          capacity.limitedByPopulation
            ? html`<br /><span class="note" data-limited-by-population
                  >Limited by the eligible population: the cohort's segments hold
                  ${formatCount(capacity.eligiblePopulation)} customers, though the hours alone would serve
                  ${formatCount(capacity.largestCohortByHours ?? 0)}.</span
                >`
            : ''
        }
      </dd>
      ${
        capacity.bookedShareNext14Days !== null
          ? html`<dt>Booked, next 14 days</dt>
              <dd>${formatPercent(capacity.bookedShareNext14Days, 0)} of the bookable time</dd>`
          : ''
      }
    </dl>
    ${
      capacity.warnings.length
        ? html`<div class="banner error" role="note">
            <p><strong>Warnings</strong></p>
            <ul>
              ${capacity.warnings.map((w) => html`<li>${w}</li>`)}
            </ul>
          </div>`
        : ''
    }
  </section>`;
}
