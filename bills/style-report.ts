import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import { ChannelPilotError, notFound, type RouteKit } from '../core/index.ts';
import { BILL_STYLE_CHANNEL, type StyleArmReport } from '../core/services.ts';
import { type PilotStore } from '../core/evidence.ts';

const EstimateSchema = z.looseObject({
  value: z.number().nullable(),
  low: z.number().nullable(),
  high: z.number().nullable(),
  n: z.number().int(),
});

// Described in the README; what clients read first is each arm's head count and figures.
const StyleReportSchema = z
  .array(
    z.looseObject({
      arm: z.string(),
      style: z.string(),
      bills: z.number().int(),
      notYetDue: z.number().int(),
      customers: z.number().int(),
      onTimeRate: EstimateSchema,
      daysToPay: EstimateSchema,
      callCentreContactsPerBill: EstimateSchema,
      contactsPerBill: EstimateSchema,
      deliveredRate: EstimateSchema,
      openedRate: EstimateSchema,
      digitalSwitchRate: EstimateSchema,
      costPerBill: EstimateSchema,
      nps: EstimateSchema,
      vsControl: z.looseObject({ onTimeHolmPValue: z.number().nullable() }).nullable(),
    }),
  )
  .meta({ id: 'StyleReport' });

const ByPilot = z.object({ id: z.string().min(1).max(80) });
const Window = z.object({
  withinDays: z.coerce.number().int({ error: 'must be a whole number of days' }).min(1).max(365).default(30),
});

/** What the style report shows of a pilot: its arms, each against control. */
export type StyleReportOf = (pilotId: string, withinDays: number) => Promise<StyleArmReport[]>;

/**
 * A style pilot's report as a pilot manager may read it: refused when an arm counts fewer than
 * `minimum` customers (its figures would describe individuals). Admins see every arm.
 */
export function styleReportForManagers(report: StyleArmReport[], minimum: number): StyleArmReport[] {
  const small = report.find((r) => r.customers < minimum);
  if (small) {
    throw new ChannelPilotError(
      'forbidden',
      `arm ${small.arm} has fewer than ${minimum} customers: its figures would describe individuals, so pilot managers do not see them`,
      { hint: 'wait for more bills, or ask an admin' },
    );
  }
  return report;
}

/** `GET /api/pilots/:id/style-report`: the report of a pilot on the bill communications channel. */
export function registerStyleReportRoute(
  kit: RouteKit,
  deps: { pilots: Pick<PilotStore, 'pilot'>; report: StyleReportOf; minimumGroup: number },
): void {
  kit.route({
    method: 'get',
    path: '/api/pilots/:id/style-report',
    summary:
      'A bill style pilot’s figures per arm with 95% intervals, each against control (on-time Holm-adjusted): payment, contacts, digital switch, cost, NPS',
    tag: 'pilots',
    permission: 'pilots:read',
    params: ByPilot,
    query: Window,
    response: StyleReportSchema,
    async handler({ params, query, staff }) {
      const pilot = await deps.pilots.pilot(params.id);
      if (!pilot) throw notFound('pilot', params.id);
      if (pilot.channel !== BILL_STYLE_CHANNEL) {
        throw new ChannelPilotError(
          'conflict',
          `pilot ${pilot.code} is on ${pilot.channel}, not ${BILL_STYLE_CHANNEL}`,
        );
      }
      const report = await deps.report(pilot.id, query.withinDays);
      return staff?.role === 'pilot_manager' ? styleReportForManagers(report, deps.minimumGroup) : report;
    },
  });
}

const figures = [
  'onTimeRate',
  'daysToPay',
  'callCentreContactsPerBill',
  'contactsPerBill',
  'deliveredRate',
  'openedRate',
  'digitalSwitchRate',
  'costPerBill',
  'nps',
] as const;

/**
 * The report as CSV (RFC 4180, CRLF): one row per arm, its bills and those not yet due (left out
 * of the on-time rate); each figure as its value, its 95%
 * interval's bounds and n; against control, the on-time difference's p-value and its Holm
 * adjustment. Empty fields: not measurable yet (or control's own comparison).
 */
export function styleReportCsv(report: readonly StyleArmReport[]): string {
  const header = [
    'arm',
    'style',
    'bills',
    'not_yet_due',
    'customers',
    ...figures.flatMap((f) => [f, `${f}_low`, `${f}_high`, `${f}_n`]),
    'on_time_p_value',
    'on_time_holm_p_value',
  ];
  const rows = report.map((r) => [
    r.arm,
    r.style,
    r.bills,
    r.notYetDue,
    r.customers,
    ...figures.flatMap((f) => [r[f].value, r[f].low, r[f].high, r[f].n]),
    r.vsControl?.onTimeRate.pValue ?? null,
    r.vsControl?.onTimeHolmPValue ?? null,
  ]);
  return stringify([header, ...rows], { record_delimiter: 'windows', cast: { number: String } });
}
