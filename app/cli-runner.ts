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
      console.error(`error: ${error.message}`);
      for (const issue of error.issues) console.error(`  - ${issue.path}: ${issue.message}`);
      // What the database server (or another program) said about a failure to run at all: the
      // operator's one clue. An input's problem is said in full by the message and its issues.
      const said = error.code === 'unavailable' || error.code === 'internal' ? causeOf(error) : '';
      if (said) console.error(`cause: ${said.replaceAll('\n', '\n  ')}`);
      if (error.hint) console.error(`hint: ${error.hint}`);
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

/** The words of an error's cause, its own causes' after them; '' when it has none. */
function causeOf(error: Error): string {
  const words: string[] = [];
  for (let cause = error.cause; cause instanceof Error && words.length < 5; cause = cause.cause)
    if (cause.message.trim()) words.push(cause.message.trim());
  return words.join('\n');
}
