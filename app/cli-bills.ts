import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { ChannelPilotError, IsoDate, parseInput, type StorageHandle } from '../core/index.ts';
import { StylePilotDesign } from '../core/services.ts';
import { type Estimate } from '../core/evidence.ts';
import { styleReportCsv, writePrintBatch } from '../bills/index.ts';
import type { CommandRunner } from './cli-voice.ts';
import { composeApp } from './compose.ts';
import type { Config } from './config.ts';
import { createLogger } from './logger.ts';

const day = (value: string) => {
  if (!IsoDate.safeParse(value).success) throw new InvalidArgumentError('must be a date like 2026-03-04');
  return value;
};

/** `code=style:percent`: one arm of a style pilot. */
const arm = (value: string, previous: { code: string; style: string; percent: number }[] = []) => {
  const match = /^([a-z][a-z0-9_]*)=([a-z]+):(\d+(?:\.\d+)?)$/.exec(value);
  if (!match) throw new InvalidArgumentError('must be code=style:percent, e.g. paper_qr=active:30');
  return [...previous, { code: match[1] as string, style: match[2] as string, percent: Number(match[3]) }];
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

/** `channel-pilot bills …`: the billing run, and the style pilots' arms and report. */
export function registerBillCommands(program: Command, { run, withDatabase }: CommandRunner): void {
  const bills = program.command('bills').description('Send issued bills in their styles; run style pilots');
  const compose = (storage: StorageHandle, config: Config) =>
    composeApp({ storage, config, logger: createLogger({ level: 'silent' }) });

  bills
    .command('send')
    .description(
      'Send every bill issued on a day and not sent yet, each in its customer’s style, through the outbox; paper bills go to a print batch',
    )
    .requiredOption('--issued-on <day>', 'the day the bills were issued', day)
    .option('--print-dir <folder>', 'where the print batch is written (default: ./print/<day>)')
    .action((options: { issuedOn: string; printDir?: string }) =>
      run((environment) =>
        withDatabase(environment, async (storage, config) => {
          const composed = await compose(storage, config);
          const { tally, letters } = await composed.bills.sendIssued(options.issuedOn);
          for (const [key, count] of [...tally].sort()) console.log(`${count}\t${key}`);
          if (letters.length > 0) {
            const folder = resolve(options.printDir ?? `print/${options.issuedOn}`);
            await writePrintBatch(letters, folder, composed.bills.document);
            console.log(`print batch: ${letters.length} letters and manifest.csv in ${folder}`);
          }
          if (tally.size === 0) console.log(`no bill issued on ${options.issuedOn} is left to send`);
        }),
      ),
    );

  bills
    .command('style-pilot')
    .description('Set the arms of a style pilot (a pilot on the bill_communications channel)')
    .argument('<pilot>', 'the pilot, by code or id')
    .requiredOption('--arm <code=style:percent>', 'an arm (repeat for several)', arm)
    .requiredOption('--control <style:percent>', 'the control: the style customers get today, and its share')
    .action(
      (
        pilotRef: string,
        options: { arm: { code: string; style: string; percent: number }[]; control: string },
      ) =>
        run((environment) =>
          withDatabase(environment, async (storage, config) => {
            const composed = await compose(storage, config);
            const pilot = await composed.stores.pilots.pilot(pilotRef);
            if (!pilot) throw new ChannelPilotError('not_found', `no pilot ${pilotRef}`);
            if (pilot.channel !== 'bill_communications') {
              throw new ChannelPilotError(
                'invalid_input',
                `pilot ${pilot.code} is on ${pilot.channel}, not bill_communications`,
              );
            }
            const [style, percent] = options.control.split(':');
            const design = parseInput(
              StylePilotDesign,
              { arms: options.arm, control: { style, percent: Number(percent) } },
              'style pilot arms',
            );
            await composed.bills.communications.saveDesign(pilot.id, design);
            console.log(
              `${pilot.code}: ${design.arms.map((a) => `${a.code} ${a.style} ${a.percent}%`).join(', ')}; control ${design.control.style} ${design.control.percent}%`,
            );
          }),
        ),
    );

  bills
    .command('report')
    .description('A style pilot’s figures per arm against control, with 95% intervals')
    .argument('<pilot>', 'the pilot, by code or id')
    .option('--within-days <n>', 'contacts about a bill are counted this many days after it was sent', '30')
    .option('--json', 'print the report as JSON')
    .option('--csv', 'print the report as CSV, one row per arm')
    .action((pilotRef: string, options: { withinDays: string; json?: boolean; csv?: boolean }) =>
      run((environment) =>
        withDatabase(environment, async (storage, config) => {
          const composed = await compose(storage, config);
          const pilot = await composed.stores.pilots.pilot(pilotRef);
          if (!pilot) throw new ChannelPilotError('not_found', `no pilot ${pilotRef}`);
          const report = await composed.bills.report(pilot.id, Number(options.withinDays));
          if (options.json) {
            console.log(JSON.stringify(report, null, 2));
            return;
          }
          if (options.csv) {
            process.stdout.write(styleReportCsv(report));
            return;
          }
          for (const r of report) {
            console.log(
              [
                `${r.arm} (${r.style}): ${r.bills} bills to ${r.customers} customers`,
                `  paid on time ${shown(percents(r.onTimeRate), 1, '%')}; opened ${shown(percents(r.openedRate), 1, '%')}; went paperless ${shown(percents(r.digitalSwitchRate), 1, '%')}`,
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
        }),
      ),
    );
}
