import { readFileSync, writeFileSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import { DateTime } from 'luxon';
import {
  ChannelPilotError,
  REFERENCE_ZONE,
  isAsynchronous,
  parseInput,
  type StorageHandle,
} from '../core/index.ts';
import {
  CensusFilter,
  censusCsv,
  censusTables,
  contactsPerCustomer,
  defaultCensusRange,
  pilotStatuses,
  type Census,
  type CensusTable,
  type PilotStatus,
} from '../core/evidence.ts';
import type { CommandRunner } from './cli-runner.ts';
import type { Config } from './config.ts';
import { createLogger } from './logger.ts';
import { renderPilotReport } from './web/pilot-pages.ts';
import { channelNames, formatLongDuration } from './web/format.ts';

/** Changes made here show in a pilot's audit trail as the command line's. */
const COMMAND_LINE = { id: null, name: 'command line' };

/** `channel-pilot census` and `channel-pilot pilot …`: the pilot manager's work from a terminal. */
export function registerPilotCommands(program: Command, { run, withDatabase }: CommandRunner): void {
  const quiet = createLogger({ level: 'silent' });
  // The app, with its channels and their packages, is loaded by the commands that run.
  const composed = async (storage: StorageHandle, config: Config) =>
    (await import('./compose.ts')).composeApp({ storage, config, logger: quiet });

  program
    .command('census')
    .description(
      'Print the census of the channels: volumes, reasons, handle time, hours, transitions, journey steps',
    )
    .option('--from <day>', 'first day (default: 12 weeks before --to)')
    .option('--to <day>', 'last day (default: yesterday)')
    .option('--segment <segment>', 'only customers of this segment')
    .option('--reason <reason>', 'only contacts for this reason')
    .option('--within-days <n>', 'a next contact within this many days is a transition', '7')
    .option(
      '--csv <table>',
      `print one table as CSV instead: ${censusTables.join(', ')}`,
      (value: string) => {
        if (!(censusTables as readonly string[]).includes(value)) {
          throw new InvalidArgumentError(`must be one of ${censusTables.join(', ')}`);
        }
        return value as CensusTable;
      },
    )
    .action(
      (options: {
        from?: string;
        to?: string;
        segment?: string;
        reason?: string;
        withinDays: string;
        csv?: CensusTable;
      }) =>
        run(async (config) => {
          await withDatabase(config, async (storage) => {
            const { computeCensus, clock } = await composed(storage, config);
            // The default 12 weeks end yesterday, or on --to when only that is given.
            const range = defaultCensusRange(
              options.to
                ? DateTime.fromISO(options.to, { zone: REFERENCE_ZONE }).plus({ days: 1 }).toJSDate()
                : clock.now(),
            );
            const filter = parseInput(
              CensusFilter,
              {
                from: options.from ?? range.from,
                to: options.to ?? range.to,
                segment: options.segment,
                reason: options.reason,
                withinDays: options.withinDays,
              },
              'census filter',
            );
            const census = await computeCensus(filter);
            if (options.csv) process.stdout.write(censusCsv(census, options.csv));
            else console.log(formatCensus(census));
          });
        }),
    );

  const pilot = program.command('pilot').description('Define, run and evaluate pilots');

  pilot
    .command('list')
    .description('Every pilot with its status and cohort')
    .action(() =>
      run(async (config) => {
        await withDatabase(config, async (storage) => {
          const { stores } = await composed(storage, config);
          const rows: string[][] = [];
          for (const p of await stores.pilots.pilots()) {
            const size = await stores.pilots.cohortSize(p.id);
            rows.push([
              p.code,
              p.channel,
              p.status,
              `${p.startsOn} – ${p.endsOn}`,
              String(size.pilot),
              String(size.control),
            ]);
          }
          console.log(table(['pilot', 'channel', 'status', 'dates', 'pilot arm', 'control'], rows));
        });
      }),
    );

  pilot
    .command('define <file>')
    .description('Create a pilot (as a draft) from a JSON file; see the README for its fields')
    .action((file: string) =>
      run(async (config) => {
        const input = readJson(file);
        await withDatabase(config, async (storage) => {
          const { pilotDesk } = await composed(storage, config);
          const created = await pilotDesk.define(input as never, COMMAND_LINE);
          console.log(`defined pilot ${created.code} (${created.id}) as a draft`);
        });
      }),
    );

  pilot
    .command('status <pilot> <status>')
    .description(
      `Move a pilot (code or id) to ${pilotStatuses.join(', ')}; starting it enrols its cohort and invites the pilot arm`,
    )
    .action((code: string, status: string) =>
      run(async (config) => {
        if (!(pilotStatuses as readonly string[]).includes(status)) {
          throw new ChannelPilotError('invalid_input', `status must be one of ${pilotStatuses.join(', ')}`);
        }
        await withDatabase(config, async (storage) => {
          const { pilotDesk } = await composed(storage, config);
          const { pilot: moved, enrolled } = await pilotDesk.transition(
            code,
            status as PilotStatus,
            COMMAND_LINE,
          );
          const invited = await pilotDesk.inviteAll();
          console.log(
            `pilot ${moved.code} is ${moved.status}; ${enrolled} customers enrolled, ${invited} invitations queued`,
          );
        });
      }),
    );

  pilot
    .command('report <pilot>')
    .description(
      "Compute a pilot's metrics, capacity and scorecard and print them (or write the HTML report)",
    )
    .option('--html <file>', 'write the self-contained HTML report a manager can forward')
    .option('--json', 'print the whole report as JSON')
    .action((code: string, options: { html?: string; json?: boolean }) =>
      run(async (config) => {
        await withDatabase(config, async (storage) => {
          const { pilotReports, clock, stores } = await composed(storage, config);
          const { pilot: found, report } = await pilotReports.compute(code);
          if (options.html) {
            writeFileSync(
              options.html,
              renderPilotReport({
                pilot: found,
                answer: { status: 'ready', result: report, computedAt: clock.now() },
                exportHref: '',
                standalone: true,
                names: channelNames(await stores.channels.channels()),
              }),
            );
            console.log(`wrote ${options.html}`);
          } else if (options.json) {
            console.log(JSON.stringify(report, null, 2));
          } else {
            const { scorecard } = report;
            console.log(
              `${found.name} (${found.code}, ${found.status}): ${scorecard.recommendation.toUpperCase()}`,
            );
            for (const reason of scorecard.reasons) console.log(`  - ${reason}`);
            console.log(
              table(
                ['criterion', 'verdict', 'evidence'],
                scorecard.criteria.map((c) => [
                  c.criterion,
                  c.verdict,
                  c.evidence.map((e) => e.label).join('; '),
                ]),
              ),
            );
          }
        });
      }),
    );
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ChannelPilotError('invalid_input', `${file} is not readable JSON: ${(error as Error).message}`);
  }
}

/** Columns padded to their widest cell; numbers right-aligned. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) =>
        /^≈?-?[\d.,]+%?$/.test(cell) ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0),
      )
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

const weekdays = ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun'];

/** The census as the tables a terminal shows. */
export function formatCensus(census: Census): string {
  const { filter, totals } = census;
  const perCustomer = contactsPerCustomer(census);
  const estimated = census.reach.exact ? '' : '≈';
  const percent = (part: number, whole: number) =>
    whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : '–';
  const sections: string[] = [
    `Census ${filter.from} – ${filter.to}${filter.segment ? `, segment ${filter.segment}` : ''}${filter.reason ? `, reason ${filter.reason}` : ''}`,
    `${totals.contacts} contacts from ${estimated}${totals.customers} customers (${perCustomer === null ? '–' : perCustomer.toFixed(2)} each), ${totals.anonymousContacts} anonymous`,
    ...(census.reach.exact
      ? []
      : [
          `≈ customers estimated (more than 1,024 a day): ±${(100 * census.reach.relativeStandardError).toFixed(1)}% relative standard error`,
        ]),
    '',
    table(
      ['channel', 'contacts', 'share', 'customers', 'avg handle', 'avg response'],
      census.channels.map((c) => [
        c.channel,
        String(c.contacts),
        percent(c.contacts, totals.contacts),
        `${estimated}${c.customers}`,
        // Answered later (e-mail, paper mail): the time to an answer, in hours or days, not a handle time.
        isAsynchronous(c.channel) || c.averageHandleSeconds === null
          ? '–'
          : `${(c.averageHandleSeconds / 60).toFixed(1)} min`,
        isAsynchronous(c.channel) ? formatLongDuration(c.averageHandleSeconds) : '',
      ]),
    ),
  ];
  const busiest = [...census.heatmap].sort((a, b) => b.contacts - a.contacts).slice(0, 10);
  sections.push(
    '',
    'Busiest hours',
    table(
      ['channel', 'day', 'hour', 'contacts'],
      busiest.map((h) => [
        h.channel,
        weekdays[h.weekday - 1] ?? '?',
        `${String(h.hour).padStart(2, '0')}:00`,
        String(h.contacts),
      ]),
    ),
  );
  const reasons = [...census.reasons].sort((a, b) => b.contacts - a.contacts).slice(0, 15);
  sections.push(
    '',
    'Top contact reasons',
    table(
      ['channel', 'reason', 'contacts'],
      reasons.map((r) => [r.channel, r.reason, String(r.contacts)]),
    ),
  );
  const fromTotals = new Map<string, number>();
  for (const t of census.transitions) fromTotals.set(t.from, (fromTotals.get(t.from) ?? 0) + t.contacts);
  sections.push(
    '',
    `Next contact for the same reason within ${filter.withinDays} days`,
    table(
      ['from', 'next', 'contacts', 'share'],
      census.transitions.map((t) => [
        t.from,
        t.to ?? 'none',
        String(t.contacts),
        percent(t.contacts, fromTotals.get(t.from) ?? 0),
      ]),
    ),
  );
  const stepTotals = new Map<number, number>();
  for (const s of census.steps) stepTotals.set(s.step, (stepTotals.get(s.step) ?? 0) + s.contacts);
  sections.push(
    '',
    'Journey steps',
    table(
      ['step', 'channel', 'contacts', 'share'],
      census.steps.map((s) => [
        String(s.step),
        s.channel,
        String(s.contacts),
        percent(s.contacts, stepTotals.get(s.step) ?? 0),
      ]),
    ),
  );
  const weeks = [...new Set(census.weekly.map((w) => w.week))].sort();
  const perWeek = weeks.map((week) =>
    census.weekly.filter((w) => w.week === week).reduce((s, w) => s + w.contacts, 0),
  );
  sections.push(
    '',
    'Weekly contacts',
    table(
      ['week', 'contacts'],
      weeks.map((w, i) => [w, String(perWeek[i])]),
    ),
  );
  return sections.join('\n');
}
