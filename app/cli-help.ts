import { randomBytes } from 'node:crypto';
import { DummyDriver, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler } from 'kysely';
import type { ChannelModule, Database, StorageHandle } from '../core/index.ts';
import { composeApp } from './compose.ts';
import type { Config } from './config.ts';
import { createLogger } from './logger.ts';

// Help on the channels' commands (`channel-pilot --help`, `help bills`) opens no database: the
// channels are composed on none, which is enough to say what their commands are.

/**
 * A storage handle on no database: nothing is opened or created, and every statement answers no
 * rows. Fit to compose the channels on in order to describe their commands, never to run one.
 */
function noDatabase(): StorageHandle {
  const db = new Kysely<Database>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new DummyDriver(),
      createIntrospector: (kysely) => new PostgresIntrospector(kysely),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
  return {
    db,
    analytics: db,
    kind: 'postgres',
    url: '',
    broadcast: {
      publish: async () => {},
      subscribe: () => () => {},
      listening: () => false,
      onGap: () => () => {},
      close: async () => {},
      ready: async () => {},
    },
    ping: async () => false,
    warm: async () => {},
    close: () => db.destroy(),
  };
}

/** The configured channels, composed on no database, with that storage: what their commands are. */
export async function describedChannels(
  config: Config,
): Promise<{ storage: StorageHandle; channels: ChannelModule[] }> {
  const storage = noDatabase();
  // The links' key would be read from the database: any key describes them as well.
  const { channels } = await composeApp({
    storage,
    config: { ...config, LINK_SECRET: randomBytes(32).toString('hex') },
    logger: createLogger({ level: 'silent' }),
  });
  return { storage, channels };
}
