import { CommanderError } from 'commander';
import { ChannelPilotError, readSetting, type StorageHandle } from '../core/index.ts';
import { openConfiguredDatabase } from './configured-database.ts';
import { ConfigError, loadConfig, type Config } from './config.ts';
import { createLogger, type Logger } from './logger.ts';

/** Where the app's server was last reached: links made by other commands point there. */
export const SERVED_URL = 'served_url';

/** How the CLI runs a command: configuration loaded, errors reported, the database opened and closed. */
export interface CommandRunner {
  run: typeof run;
  /** Opens the database; the command's configuration points links where the server was last reached. */
  withDatabase: typeof withDatabase;
}

/**
 * Opens the database for a command. The command's configuration takes the address the server
 * last served at unless PUBLIC_URL is set, so that the links it prints and sends open there.
 * A `background` command (an import) yields the CPU to the live channels, its database sessions too.
 */
export async function withDatabase(
  config: Config,
  work: (storage: StorageHandle, config: Config) => Promise<void>,
  options: { background?: boolean } = {},
): Promise<void> {
  const storage = await openConfiguredDatabase(config, options);
  try {
    const served = config.publicUrlFromEnvironment ? undefined : await readSetting(storage.db, SERVED_URL);
    await work(storage, served ? { ...config, PUBLIC_URL: served } : config);
  } finally {
    await storage.close();
  }
}

/** Loads the configuration, runs the command, and turns failures into one clear message and a non-zero exit. */
export async function run(command: (config: Config, logger: Logger) => Promise<void>): Promise<void> {
  try {
    const config = loadConfig(process.env);
    await command(config, createLogger({ level: config.LOG_LEVEL }));
  } catch (error) {
    exitIfCommanderError(error);
    if (error instanceof ConfigError) {
      console.error(error.message);
    } else if (error instanceof ChannelPilotError) {
      console.error(`error: ${error.message}${error.hint ? `\nhint: ${error.hint}` : ''}`);
      for (const issue of error.issues) console.error(`  - ${issue.path}: ${issue.message}`);
    } else {
      console.error(error);
    }
    process.exit(1);
  }
}

/** When commander has said what was wrong (or shown the help), exits as it would have. */
export function exitIfCommanderError(error: unknown): void {
  if (error instanceof CommanderError) process.exit(error.exitCode);
}
