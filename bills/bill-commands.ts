import { resolve } from 'node:path';
import { ChannelPilotError, dayProblem, parseInput, type CommandGroup, type Stores } from '../core/index.ts';
import { StylePilotDesign, type BillCommunicationStore, type styleReportOf } from '../core/services.ts';
import { type Estimate } from '../core/evidence.ts';
import { styleReportCsv } from './style-report.ts';

const day = (value: string) => {
  const problem = dayProblem(value);
  if (problem) throw new ChannelPilotError('invalid_input', problem);
  return value;
};

type Arm = { code: string; style: string; percent: number };

/** `code=style:percent`: one arm of a style pilot. */
const arm = (value: string, previous: unknown) => {
  const match = /^([a-z][a-z0-9_]*)=([a-z]+):(\d+(?:\.\d+)?)$/.exec(value);
  if (!match)
    throw new ChannelPilotError('invalid_input', 'must be code=style:percent, e.g. paper_qr=active:30');
  return [
    ...((previous as Arm[] | undefined) ?? []),
    { code: match[1] as string, style: match[2] as string, percent: Number(match[3]) },
  ];
};

/** A share as percentages, interval and all. */
const percents = (e: Estimate): Estimate => ({
  ...e,
  value: e.value === null ? null : e.value * 100,
  ...(e.fixed ? { fixed: { low: e.fixed.low * 100, high: e.fixed.high * 100 } } : {}),
});

const shown = (e: Estimate, digits: number, unit = '') =>
  e.value === null
    ? '—'
    : `${e.value.toFixed(digits)}${unit}${e.fixed ? ` (${e.fixed.low.toFixed(digits)}–${e.fixed.high.toFixed(digits)})` : ''}`;

/** What the bill commands act through: the channel's own services. */
export interface BillCommandDeps {
  pilots: Stores['pilots'];
  communications: Pick<BillCommunicationStore, 'saveDesign'>;
  sendIssued(
    issuedOn: string,
    options: { printDir: string },
  ): Promise<{ tally: Map<string, number>; printed: number }>;
  report(pilotId: string, withinDays: number): ReturnType<typeof styleReportOf>;
}

/** `channel-pilot bills …`: the billing run, and the style pilots' arms and report. */
export function billCommands(deps: BillCommandDeps): CommandGroup {
  const stylePilot = async (ref: string) => {
    const pilot = await deps.pilots.pilot(ref);
    if (!pilot) throw new ChannelPilotError('not_found', `no pilot ${ref}`);
    return pilot;
  };
  return {
    name: 'bills',
    description: 'Send issued bills in their styles; run style pilots',
    commands: [
      {
        name: 'send',
        description:
          'Send every bill issued on a day and not sent yet, each in its customer’s style, through the outbox; paper bills go to a print batch',
        options: [
          {
            flags: '--issued-on <day>',
            description: 'the day the bills were issued',
            required: true,
            parse: day,
          },
          {
            flags: '--print-dir <folder>',
            description: 'where the print batch is written (default: ./print/<day>)',
          },
        ],
        async run({ options, print }) {
          const { issuedOn, printDir } = options as { issuedOn: string; printDir?: string };
          const folder = resolve(printDir ?? `print/${issuedOn}`);
          const { tally, printed } = await deps.sendIssued(issuedOn, { printDir: folder });
          for (const [key, count] of [...tally].sort()) print(`${count}\t${key}`);
          if (printed > 0) print(`print batch: ${printed} letters and manifest.csv in ${folder}`);
          if (tally.size === 0) print(`no bill issued on ${issuedOn} is left to send`);
        },
      },
      {
        name: 'style-pilot',
        description: 'Set the arms of a style pilot (a pilot on the bill_communications channel)',
        arguments: [{ name: 'pilot', description: 'the pilot, by code or id' }],
        options: [
          {
            flags: '--arm <code=style:percent>',
            description: 'an arm (repeat for several)',
            required: true,
            parse: arm,
          },
          {
            flags: '--control <style:percent>',
            description: 'the control: the style customers get today, and its share',
            required: true,
          },
        ],
        async run({ args, options, print }) {
          const { arm: arms, control } = options as { arm: Arm[]; control: string };
          const pilot = await stylePilot(args[0] as string);
          if (pilot.channel !== 'bill_communications') {
            throw new ChannelPilotError(
              'invalid_input',
              `pilot ${pilot.code} is on ${pilot.channel}, not bill_communications`,
            );
          }
          const [style, percent] = control.split(':');
          const design = parseInput(
            StylePilotDesign,
            { arms, control: { style, percent: Number(percent) } },
            'style pilot arms',
          );
          await deps.communications.saveDesign(pilot.id, design);
          print(
            `${pilot.code}: ${design.arms.map((a) => `${a.code} ${a.style} ${a.percent}%`).join(', ')}; control ${design.control.style} ${design.control.percent}%`,
          );
        },
      },
      {
        name: 'report',
        description: 'A style pilot’s figures per arm against control, with 95% intervals',
        arguments: [{ name: 'pilot', description: 'the pilot, by code or id' }],
        options: [
          {
            flags: '--within-days <n>',
            description: 'contacts about a bill are counted this many days after it was sent',
            default: '30',
          },
          { flags: '--json', description: 'print the report as JSON' },
          { flags: '--csv', description: 'print the report as CSV, one row per arm' },
        ],
        async run({ args, options, print, write }) {
          const { withinDays, json, csv } = options as { withinDays: string; json?: boolean; csv?: boolean };
          const pilot = await stylePilot(args[0] as string);
          const report = await deps.report(pilot.id, Number(withinDays));
          if (json) return print(JSON.stringify(report, null, 2));
          if (csv) return write(styleReportCsv(report));
          for (const r of report) {
            print(
              [
                `${r.arm} (${r.style}): ${r.bills} bills to ${r.customers} customers, ${r.notYetDue} not yet due`,
                `  paid on time ${shown(percents(r.onTimeRate), 1, '%')} of ${r.onTimeRate.n} due; opened ${shown(percents(r.openedRate), 1, '%')}; went paperless ${shown(percents(r.digitalSwitchRate), 1, '%')}`,
                `  days to pay ${shown(r.daysToPay, 1)}; call-centre contacts per bill ${shown(r.callCentreContactsPerBill, 2)}; all ${shown(r.contactsPerBill, 2)}`,
                `  cost per bill ${shown(r.costPerBill, 2, ' c')}; NPS ${shown(r.nps, 0)} (${r.nps.answers} answers)`,
                ...(r.vsControl
                  ? [
                      `  vs control: on-time p=${r.vsControl.onTimeRate.pValue?.toFixed(4) ?? '—'}, Holm-adjusted p=${r.vsControl.onTimeHolmPValue?.toFixed(4) ?? '—'}`,
                    ]
                  : []),
              ].join('\n'),
            );
          }
        },
      },
    ],
  };
}
