import { fieldIssues, type FieldIssue } from '../../core/index.ts';
import { CensusFilter, defaultCensusRange } from '../../core/evidence.ts';
import { formatDay, humanize } from './format.ts';
import { html, type Html } from './html.ts';

// The census filter's round trip: the form the manager fills in, the query string it sends, and
// back to a filter.

/** The form's fields as typed, so that a bad filter comes back as the manager left it. */
export type FilterValues = Partial<Record<'from' | 'to' | 'segment' | 'reason' | 'withinDays', string>>;

export function filterValues(filter: CensusFilter): FilterValues {
  return {
    from: filter.from,
    to: filter.to,
    segment: filter.segment ?? '',
    reason: filter.reason ?? '',
    withinDays: String(filter.withinDays),
  };
}

export function describeFilter(filter: CensusFilter): string {
  return [
    `${formatDay(filter.from)} – ${formatDay(filter.to)}`,
    filter.segment ? `segment ${humanize(filter.segment).toLowerCase()}` : 'all segments',
    filter.reason ? `reason ${humanize(filter.reason).toLowerCase()}` : 'all reasons',
    `next contact within ${filter.withinDays} days`,
  ].join(' · ');
}

export function filterForm(
  values: FilterValues,
  segments: readonly string[],
  reasons: readonly string[],
  issues: readonly FieldIssue[],
): Html {
  const invalid = (field: string) =>
    issues.some((i) => i.path === field) ? html` aria-invalid="true"` : html``;
  const options = (all: string, list: readonly string[], selected: string | undefined) => {
    const known = selected && !list.includes(selected) ? [...list, selected] : list;
    return html`<option value="">${all}</option>
      ${known.map(
        (v) => html`<option value="${v}" ${v === selected ? html` selected` : ''}>${humanize(v)}</option>`,
      )}`;
  };
  return html`<section class="panel" aria-label="Filter">
    <form class="filters" method="get" action="/manage/census">
      <label
        >From <input type="date" name="from" value="${values.from ?? ''}" required${invalid('from')}
      /></label>
      <label>To <input type="date" name="to" value="${values.to ?? ''}" required${invalid('to')} /></label>
      <label
        >Segment
        <select name="segment" ${invalid('segment')}>
          ${options('All segments', segments, values.segment)}
        </select></label
      >
      <label
        >Contact reason
        <select name="reason" ${invalid('reason')}>
          ${options('All reasons', reasons, values.reason)}
        </select></label
      >
      <label
        >Next contact within (days)
        <input
          type="number"
          name="withinDays"
          min="1"
          max="90"
          step="1"
          value="${values.withinDays ?? '7'}"
          inputmode="numeric"
          ${invalid('withinDays')}
      /></label>
      <button class="primary" type="submit">Show</button>
    </form>
  </section>`;
}

const filterFields = ['from', 'to', 'segment', 'reason', 'withinDays'] as const;

export type ParsedFilter =
  { ok: true; filter: CensusFilter } | { ok: false; values: FilterValues; issues: FieldIssue[] };

/**
 * The census filter from the query string. Empty fields (the form's "all") mean not set; a
 * missing period is `defaultCensusRange`.
 */
export function parseFilter(query: Record<string, unknown>, now: Date): ParsedFilter {
  const values: FilterValues = {};
  const input: Record<string, unknown> = {};
  for (const field of filterFields) {
    const value = query[field];
    if (value === undefined || value === '') continue;
    input[field] = value;
    values[field] = Array.isArray(value) ? value.map(String).join(',') : String(value);
  }
  const period = defaultCensusRange(now);
  input.from ??= period.from;
  input.to ??= period.to;
  values.from ??= String(input.from);
  values.to ??= String(input.to);
  const result = CensusFilter.safeParse(input);
  if (result.success) return { ok: true, filter: result.data };
  return { ok: false, values, issues: fieldIssues(result.error) };
}

/** The query string that asks for `filter` again. */
export function filterQuery(filter: CensusFilter): string {
  const params = new URLSearchParams({ from: filter.from, to: filter.to });
  if (filter.segment) params.set('segment', filter.segment);
  if (filter.reason) params.set('reason', filter.reason);
  params.set('withinDays', String(filter.withinDays));
  return params.toString();
}
