import { createReadStream, readFileSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { ChannelPilotError, createPostgresStores, yieldOwnCpu } from '../core/index.ts';
import { registerStandards } from '../core/evidence.ts';
import {
  describeCounts,
  describeGroup,
  describeNotes,
  importEncodings,
  type ImportEncoding,
  type ImportKind,
  type ImportSummary,
  saveImportProfile,
} from '../core/imports.ts';
import type { CommandRunner } from './cli-runner.ts';
import {
  delimiterOf,
  formatOf,
  importFormats,
  parseMapping,
  type ImportFormat,
} from './import/import-files.ts';
import { runImport } from './import/run-import.ts';
import { createProgress } from './progress.ts';

/** Exit statuses of an import that ran: some rows rejected, or every row rejected (nothing imported). */
export const IMPORT_EXIT = { someRejected: 2, nothingImported: 3 } as const;

interface ImportOptions {
  profile?: string;
  format?: ImportFormat;
  source?: string;
  map?: string;
  delimiter?: string;
  encoding?: ImportEncoding;
  timezone?: string;
  dryRun?: boolean;
  again?: boolean;
}

const choice =
  <T extends string>(allowed: readonly T[]) =>
  (value: string): T => {
    if (!(allowed as readonly string[]).includes(value))
      throw new InvalidArgumentError(`must be one of ${allowed.join(', ')}`);
    return value as T;
  };

/** `channel-pilot import interactions|customers FILE` and `channel-pilot import profile …`. */
export function registerImportCommands(program: Command, { run, withDatabase }: CommandRunner): void {
  const command = program
    .command('import')
    .description('Import customers and the history of the channels you already run');

  const fileImport = (kind: ImportKind, description: string) =>
    command
      .command(`${kind} <file>`)
      .description(description)
      .option('--profile <name>', 'a saved mapping profile (see `import profile save`)')
      .option(
        '--format <format>',
        `${importFormats.join(' or ')} (default: from the file name)`,
        choice(importFormats),
      )
      .option(
        '--source <name>',
        kind === 'customers'
          ? 'the CRM the customer codes belong to (default: the profile’s, or crm)'
          : 'what the rows are recorded as coming from (default: the profile’s, or the file name)',
      )
      .option('--map <pairs>', 'rename columns: their_name=started_at,… (over the profile’s)')
      .option(
        '--delimiter <char>',
        'CSV delimiter: , ; tab | (default: detected from the header)',
        (value: string) => {
          const found = delimiterOf(value);
          if (!found) throw new InvalidArgumentError('must be one of , ; tab |');
          return found;
        },
      )
      .option('--encoding <name>', `${importEncodings.join(', ')} (default: utf-8)`, choice(importEncodings))
      .option(
        '--timezone <zone>',
        'the zone of local date-times, e.g. Europe/Rome (default: the profile’s, or Europe/Rome)',
      )
      .option(
        '--dry-run',
        'read and check every row, show the first ones as they would be stored, write nothing',
      )
      .addOption(
        // Contacts only: customers imported again are updated, never added twice.
        new Option(
          '--again',
          'import a file whose content was imported whole before under another source (refused otherwise)',
        ).hideHelp(kind !== 'interactions'),
      )
      .action((file: string, options: ImportOptions) =>
        run(async (config) => {
          // V8 lets the heap grow to up to four times what a collection leaves when a program
          // allocates as fast as an import does, so that garbage made most of an import's memory;
          // twice is enough: the CLI's peak over 1,000,000 contacts fell from 580 to 416 MB at the
          // same CPU time (README, "Measured").
          setFlagsFromString('--heap-growing-percent=100');
          // An import is bulk work: this process and its database sessions take the CPU that the
          // live channels leave (beside a running app on the same machine).
          yieldOwnCpu();
          const format = options.format ?? formatOf(file);
          if (!format)
            throw new ChannelPilotError('invalid_input', `${file} is neither .csv nor .jsonl`, {
              hint: 'say which with --format',
            });
          let columns: Record<string, string>;
          try {
            columns = parseMapping(options.map);
          } catch (error) {
            throw new ChannelPilotError('invalid_input', `--map: ${(error as Error).message}`);
          }
          const size = fileSize(file);
          await withDatabase(
            config,
            async (storage) => {
              const stores = createPostgresStores(storage.db, { url: storage.url });
              // As the app does on start: an import into a database the app has not served yet knows them too.
              await registerStandards(stores);
              const progress = createProgress();
              let outcome: Awaited<ReturnType<typeof runImport>>;
              try {
                outcome = await runImport(
                  { stores, clock: { now: () => new Date() } },
                  {
                    kind,
                    input: createReadStream(file),
                    format,
                    profile: options.profile,
                    overrides: {
                      source: options.source,
                      delimiter: options.delimiter,
                      encoding: options.encoding,
                      timezone: options.timezone,
                      columns,
                    },
                    dryRun: options.dryRun ?? false,
                    again: options.again ?? false,
                    fileName: basename(file),
                    bytesTotal: size,
                    onProgress: ({ bytesRead }) => progress.report('importing', bytesRead, size),
                  },
                );
                progress.report('importing', size, size);
              } finally {
                progress.stop();
              }
              const { summary } = outcome;
              console.log(
                `${file} as ${outcome.source}${outcome.profile ? ` (profile ${outcome.profile})` : ''}: ${describeCounts(kind, summary)}`,
              );
              for (const line of summaryDetails(summary)) console.log(`  ${line}`);
              const exit = exitStatus(summary);
              if (exit !== 0) process.exitCode = exit;
            },
            { background: true },
          );
        }),
      );

  fileImport(
    'interactions',
    'Import contacts from a CSV (with a header row) or JSON Lines file, streaming; rows already imported from the same source are skipped. Exits 2 when rows were rejected, 3 when nothing was imported',
  );
  fileImport(
    'customers',
    'Import customers from a CRM export (CSV or JSON Lines), streaming; a customer imported again is updated, never duplicated. Exits 2 when rows were rejected, 3 when nothing was imported',
  );

  const profiles = command
    .command('profile')
    .description('Mapping profiles: how to read one system’s exports');
  profiles
    .command('save <files...>')
    .description('Save the profiles in JSON files, each under its name (replacing one of that name)')
    .action((files: string[]) =>
      run(async (config) => {
        const profiles = files.map((file) => {
          try {
            return JSON.parse(readFileSync(file, 'utf8')) as unknown;
          } catch (error) {
            throw new ChannelPilotError('invalid_input', `${file} is not JSON: ${(error as Error).message}`);
          }
        });
        await withDatabase(config, async (storage) => {
          const stores = createPostgresStores(storage.db);
          // The channels a profile's codes are checked against, as an import registers them.
          await registerStandards(stores);
          for (const profile of profiles) {
            const saved = await saveImportProfile(stores, profile);
            console.log(`saved import profile ${saved.profile.name}`);
          }
        });
      }),
    );
  profiles
    .command('list')
    .description('The saved profiles')
    .action(() =>
      run(async (config) => {
        await withDatabase(config, async (storage) => {
          const saved = await createPostgresStores(storage.db).importProfiles.list();
          if (saved.length === 0) console.log('no import profiles saved yet');
          for (const { profile } of saved)
            console.log(`${profile.name}${profile.description ? `  ${profile.description}` : ''}`);
        });
      }),
    );
  profiles
    .command('show <name>')
    .description('Print a saved profile as JSON')
    .action((name: string) =>
      run(async (config) => {
        await withDatabase(config, async (storage) => {
          const saved = await createPostgresStores(storage.db).importProfiles.get(name);
          if (!saved) throw new ChannelPilotError('not_found', `there is no import profile ${name}`);
          console.log(JSON.stringify(saved.profile, null, 2));
        });
      }),
    );
}

/** The summary's other lines: clock changes, anonymised contacts, new reasons, rejections by reason, the preview. */
export function summaryDetails(s: ImportSummary): string[] {
  const lines = describeNotes(s);
  if (s.problems.length > 0) lines.push('rejected, by reason:');
  for (const p of s.problems) lines.push(`  ${describeGroup(p)}`);
  if (s.dryRun && s.preview.length > 0) {
    lines.push('the first rows as they would be stored:');
    for (const row of s.preview) lines.push(`  ${JSON.stringify(row)}`);
  }
  return lines;
}

/** 0 when every row went in; {@link IMPORT_EXIT} otherwise. */
export function exitStatus(s: ImportSummary): number {
  if (s.rejected === 0) return 0;
  return s.valid === 0 ? IMPORT_EXIT.nothingImported : IMPORT_EXIT.someRejected;
}

/** The size of the file to import, or an error that says why it cannot be read. */
function fileSize(file: string): number {
  let stat: ReturnType<typeof statSync>;
  try {
    stat = statSync(file);
  } catch (error) {
    const { code, message } = error as NodeJS.ErrnoException;
    const why =
      code === 'ENOENT' ? 'there is no such file' : code === 'EACCES' ? 'permission denied' : message;
    throw new ChannelPilotError('invalid_input', `cannot read ${file}: ${why}`);
  }
  if (!stat.isFile()) throw new ChannelPilotError('invalid_input', `cannot read ${file}: it is not a file`);
  return stat.size;
}
