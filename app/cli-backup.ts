import { createReadStream, createWriteStream, existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { createGunzip, createGzip } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { PassThrough } from 'node:stream';
import type { Command } from 'commander';
import { ChannelPilotError, restoreBackup, writeBackup } from '../core/index.ts';
import type { CommandRunner } from './cli-runner.ts';

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
        // Written beside the file and renamed when whole: a failed backup leaves no half file,
        // and one made with --force replaces the earlier backup only once it is complete.
        const partial = `${file}.partial`;
        await withDatabase(config, async (storage) => {
          const text = new PassThrough();
          const written = pipeline(text, createGzip(), createWriteStream(partial));
          let tables;
          try {
            tables = await writeBackup(storage.url, text);
            text.end();
            await written;
          } catch (error) {
            text.destroy();
            await written.catch(() => {});
            rmSync(partial, { force: true });
            throw error;
          }
          renameSync(partial, file);
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
          const raw = createReadStream(file);
          const text = createGunzip();
          raw.on('error', (error) => text.destroy(error));
          const restored = await restoreBackup(storage.url, raw.pipe(text), {
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
