import { isAsynchronous } from '../../core/index.ts';
import { contactsPerCustomer, type Census, type CensusTable } from '../../core/evidence.ts';
import { bars } from './charts/bars.ts';
import { channelColour } from './charts/channel-colours.ts';
import { niceCeiling } from './charts/svg.ts';
import {
  type ChannelNames,
  formatContactTime,
  formatCount,
  formatDuration,
  formatLongDuration,
  formatNumber,
  formatPercent,
} from './format.ts';
import { html, type Html } from './html.ts';
import { dataTable, downloadLink, figuresTable } from './tables.ts';

// How much: the totals and the contacts, customers and handle time of each channel.

export function totalsPanel(census: Census): Html {
  const { contacts, customers, anonymousContacts } = census.totals;
  return html`<section class="panel" aria-labelledby="totals-h">
    <h2 id="totals-h">Totals</h2>
    <dl class="totals">
      <div>
        <dt>Contacts</dt>
        <dd data-figure="contacts">${formatCount(contacts)}</dd>
      </div>
      <div>
        <dt>Unique customers${census.reach.exact ? '' : ' (estimate)'}</dt>
        <dd data-figure="customers">${customerCount(census, customers)}</dd>
      </div>
      <div>
        <dt>Contacts per customer</dt>
        <dd data-figure="contactsPerCustomer">${formatNumber(contactsPerCustomer(census), 2)}</dd>
      </div>
      <div>
        <dt>Anonymous contacts</dt>
        <dd data-figure="anonymous">${formatCount(anonymousContacts)}</dd>
      </div>
    </dl>
    ${
      census.reach.exact
        ? ''
        : html`<p class="note" data-estimate>
            Unique customers are estimated (≈) once a day has more than 1,024 of them:
            ±${formatPercent(census.reach.relativeStandardError)} relative standard error.
          </p>`
    }
    <p class="note">
      Contacts per customer counts the contacts of known customers only. Anonymous contacts (an unidentified
      call, a walk-in) are ${formatPercent(contacts > 0 ? anonymousContacts / contacts : null)} of all
      contacts.
    </p>
  </section>`;
}

/** A count of unique customers, marked `≈` when the census estimated it. */
function customerCount(census: Census, customers: number): string {
  return `${census.reach.exact ? '' : '≈'}${formatCount(customers)}`;
}

export function channelsPanel(
  census: Census,
  channels: Census['channels'],
  csvHref: (table: CensusTable) => string,
  names: ChannelNames,
): Html {
  // A letter answered in nine days would flatten every call on one axis: answered-later channels apart.
  const live = channels.filter((c) => !isAsynchronous(c.channel));
  const answeredLater = channels.filter((c) => isAsynchronous(c.channel));
  type Row = Census['channels'][number];
  const rowsOf = (list: readonly Row[], value: (c: Row) => number | null, label?: (v: number) => string) =>
    list.map((c) => {
      const v = value(c);
      return {
        label: names(c.channel),
        value: v,
        colour: channelColour(c.channel),
        ...(v !== null && label ? { valueLabel: label(v) } : {}),
      };
    });
  return html`<section class="panel" aria-labelledby="channels-h">
    <h2 id="channels-h">How much: contacts by channel</h2>
    <div class="grid">
      <div>
        <h3>Contacts</h3>
        ${bars({
          id: 'bars-contacts',
          title: 'Contacts by channel',
          desc: channels.map((c) => `${names(c.channel)} ${formatCount(c.contacts)}`).join(', '),
          rows: rowsOf(channels, (c) => c.contacts),
          format: formatCount,
        })}
      </div>
      <div>
        <h3>Unique customers${census.reach.exact ? '' : ' (estimate)'}</h3>
        ${bars({
          id: 'bars-customers',
          title: 'Unique customers by channel',
          desc: channels.map((c) => `${names(c.channel)} ${customerCount(census, c.customers)}`).join(', '),
          rows: rowsOf(
            channels,
            (c) => c.customers,
            (v) => customerCount(census, v),
          ),
          format: formatCount,
        })}
      </div>
      <div>
        <h3>Average handle time</h3>
        ${bars({
          id: 'bars-aht',
          title: 'Average handle time by live channel (minutes:seconds)',
          desc: live.map((c) => `${names(c.channel)} ${formatDuration(c.averageHandleSeconds)}`).join(', '),
          rows: rowsOf(live, (c) => c.averageHandleSeconds, formatDuration),
          format: (v) => `${formatNumber(v / 60, 0)} min`,
          tickStep: 60 * niceCeiling(Math.max(1, ...live.map((c) => (c.averageHandleSeconds ?? 0) / 60)) / 4),
        })}
        ${
          answeredLater.length
            ? html`<p class="note" data-response-times>
                Answered later, so a response time rather than a handle time:
                ${answeredLater
                  .map((c) => `${names(c.channel)} ${formatLongDuration(c.averageHandleSeconds)}`)
                  .join(', ')}.
              </p>`
            : ''
        }
      </div>
    </div>
    ${figuresTable(
      dataTable({
        caption: 'Contacts, customers and handle time by channel',
        head: [
          'Channel',
          'Contacts',
          'Customers',
          'Contacts per known customer',
          'Timed contacts',
          'Average handle time (live) or response time (answered later)',
        ],
        rows: channels.map((c) => [
          names(c.channel),
          formatCount(c.contacts),
          customerCount(census, c.customers),
          formatNumber(contactsPerCustomer(census, c.channel), 2),
          formatCount(c.timedContacts),
          formatContactTime(c.channel, c.averageHandleSeconds),
        ]),
      }),
    )}
    ${downloadLink(csvHref('channels'), 'contacts by channel')}
  </section>`;
}
