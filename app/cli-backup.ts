import { createReadStream, createWriteStream, existsSync, statSync } from 'node:fs';
import { createGunzip, createGzip } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { PassThrough } from 'node:stream';
import type { Command } from 'commander';
import { ChannelPilotError, restoreBackup, writeBackup } from '../core/index.ts';
import type { CommandRunner } from './cli-voice.ts';

/** `channel-pilot backup FILE` and `channel-pilot restore FILE`. */
export function registerBackupCommands(program: Command, { run, withDatabase }: CommandRunner): void {
  program
    .command('backup <file>')
    .description(
      'Write every table of the database to FILE (gzip), from one consistent snapshot; the app may keep running',
    )
    .option('--force', 'overwrite FILE if it exists')
    .action((file: string, options: { force?: boolean }) =>
      run(async (config) => {
        if (existsSync(file) && !options.force) {
          throw new ChannelPilotError('conflict', `${file} exists`, {
            hint: 'Name another file, or pass --force.',
          });
        }
        await withDatabase(config, async (storage) => {
          const text = new PassThrough();
          const written = pipeline(text, createGzip(), createWriteStream(file));
          const tables = await writeBackup(storage.url, text);
          text.end();
          await written;
          const rows = tables.reduce((sum, t) => sum + t.rows, 0);
          console.log(
            `backed up ${tables.length} tables, ${rows.toLocaleString('en-US')} rows, to ${file} (${(statSync(file).size / 1e6).toFixed(1)} MB)`,
          );
        });
      }),
    );

  program
    .command('restore <file>')
    .description(
      'Fill the database from a backup, in one transaction (all of it or nothing); refuses a database that already holds data unless --replace',
    )
    .option('--replace', 'empty every table first, losing what the database holds now')
    .action((file: string, options: { replace?: boolean }) =>
      run(async (config) => {
        if (!existsSync(file)) throw new ChannelPilotError('not_found', `no file ${file}`);
        await withDatabase(config, async (storage) => {
          const restored = await restoreBackup(storage.url, createReadStream(file).pipe(createGunzip()), {
            replace: options.replace === true,
          });
          const rows = restored.reduce((sum, t) => sum + t.rows, 0);
          console.log(
            `restored ${restored.length} tables, ${rows.toLocaleString('en-US')} rows, from ${file}`,
          );
        });
      }),
    );
}
