import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { Transform, pipeline } from 'node:stream';
import {
  ChannelPilotError,
  createPostgresStores,
  importInteractions,
  standardChannels,
  type ImportSummary,
} from '../core/index.ts';
import type { CommandRunner } from './cli-voice.ts';
import {
  formatOf,
  importFormats,
  parseMapping,
  readInteractionFile,
  type ImportFormat,
} from './import/interaction-files.ts';
import { createProgress } from './progress.ts';

/** `channel-pilot import interactions FILE`. */
export function registerImportCommands(program: Command, { run, withDatabase }: CommandRunner): void {
  program
    .command('import')
    .description('Import history of the channels you already run')
    .command('interactions <file>')
    .description(
      'Import contacts from a CSV (with a header row) or JSON Lines file, streaming; rows already imported from the same source are skipped',
    )
    .option(
      '--format <format>',
      `${importFormats.join(' or ')} (default: from the file name)`,
      (value: string) => {
        if (!(importFormats as readonly string[]).includes(value))
          throw new InvalidArgumentError(`must be one of ${importFormats.join(', ')}`);
        return value as ImportFormat;
      },
    )
    .option(
      '--source <name>',
      'what the rows are recorded as coming from (default: the file name, lower_snake)',
    )
    .option('--map <pairs>', 'rename columns: their_name=started_at,… (see the README for the columns)')
    .action((file: string, options: { format?: ImportFormat; source?: string; map?: string }) =>
      run(async (config) => {
        const format = options.format ?? formatOf(file);
        if (!format)
          throw new ChannelPilotError('invalid_input', `${file} is neither .csv nor .jsonl`, {
            hint: 'say which with --format',
          });
        let mapping: Record<string, string>;
        try {
          mapping = parseMapping(options.map);
        } catch (error) {
          throw new ChannelPilotError('invalid_input', `--map: ${(error as Error).message}`);
        }
        const source =
          options.source ??
          basename(file)
            .replace(/\.[^.]+$/, '')
            .toLowerCase()
            .replace(/[^a-z0-9]+/g, '_')
            .replace(/^_+|_+$/g, '');
        const size = statSync(file).size;
        let readBytes = 0;
        const counting = new Transform({
          transform(chunk: Buffer, _encoding, done) {
            readBytes += chunk.length;
            done(null, chunk);
          },
        });
        await withDatabase(config, async (storage) => {
          const stores = createPostgresStores(storage.db);
          // As the app does on start: an import into a database the app has not served yet knows them too.
          for (const channel of standardChannels) {
            if (!(await stores.channels.channel(channel.code))) await stores.channels.register(channel);
          }
          const progress = createProgress();
          let summary: ImportSummary;
          try {
            // A file that cannot be read fails the import, which a bare `pipe` would leave waiting.
            const input = pipeline(createReadStream(file), counting, () => {});
            summary = await importInteractions({
              rows: readInteractionFile(input, format, mapping),
              source,
              interactions: stores.interactions,
              customers: stores.customers,
              channels: stores.channels,
              onBatch: () => progress.report('importing', readBytes, size),
            });
            progress.report('importing', size, size);
          } finally {
            progress.stop();
          }
          console.log(
            `${file} as ${source}: ${summary.read} rows read, ${summary.imported} imported, ` +
              `${summary.alreadyThere} already there, ${summary.rejected} rejected`,
          );
          for (const { line, reason } of summary.rejections) console.log(`  line ${line}: ${reason}`);
          if (summary.rejected > summary.rejections.length)
            console.log(`  … and ${summary.rejected - summary.rejections.length} more`);
        });
      }),
    );
}
