import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { openDatabase, type StorageHandle } from '../core/index.ts';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';

/** The product's version, as package.json gives it. */
export const version = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

/**
 * Opens the configured database (PostgreSQL when DATABASE_URL is set, else the embedded one);
 * `background` for bulk work, whose sessions yield the CPU to the live channels'; `serving` for
 * the server, which may not share an embedded database another running app holds.
 */
export function openConfiguredDatabase(
  config: Config,
  options: { logger?: Logger; background?: boolean; serving?: boolean } = {},
): Promise<StorageHandle> {
  const { logger, background, serving } = options;
  const common = { poolSize: config.DATABASE_POOL_SIZE, ...(background ? { background } : {}) };
  return config.DATABASE_URL
    ? openDatabase({ kind: 'postgres', url: config.DATABASE_URL, ...common })
    : openDatabase({
        kind: 'embedded',
        dataDir: resolve(config.DATA_DIR),
        ...common,
        ...(serving ? { serving } : {}),
        ...(logger ? { onLog: (line: string) => logger.debug({ postgres: line }, 'embedded database') } : {}),
      });
}
