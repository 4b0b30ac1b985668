import { createPostgresStores, oneAtATime, type StorageHandle } from '../core/index.ts';
import { createPostgresBulkLoader, createPostgresInteractionLoader } from '../core/imports.ts';
import type { Config } from './config.ts';
import { createLogger } from './logger.ts';
import { composeApp } from './compose.ts';
import { createDemoStaff, formatCredentials } from './demo-staff.ts';
import { demoIdGenerator, seedDemoData } from './seed/demo-data.ts';
import { createDemoRandom } from './seed/demo-random.ts';
import { DEMO_STYLE_STREAM, demoStylePilotIds, runDemoStylePilot } from './seed/demo-style-pilot.ts';
import { createProgress } from './progress.ts';

type SeedOptions = { customers?: number; interactions?: number; seed?: number; asOf?: Date };

/** Held while the demo dataset is made: processes seeding one database at once take turns. */
const SEED_LOCK = 'channel-pilot: demo seed';

/** The demo dataset (`channel-pilot seed`), with its logins on first use. */
export async function seed(storage: StorageHandle, config: Config, options: SeedOptions): Promise<void> {
  await oneAtATime(storage.url, SEED_LOCK, () => seedAlone(storage, config, options));
}

/**
 * The demo dataset on a first start (no staff logins yet), made once however many instances
 * start together on one database: the others wait for it, then find the data there.
 */
export async function seedOnFirstStart(storage: StorageHandle, config: Config): Promise<void> {
  await oneAtATime(storage.url, SEED_LOCK, async () => {
    if ((await createPostgresStores(storage.db).staff.count()) === 0) await seedAlone(storage, config, {});
  });
}

async function seedAlone(storage: StorageHandle, config: Config, options: SeedOptions): Promise<void> {
  const seedNumber = options.seed ?? 42;
  const now = options.asOf ?? new Date();
  // Ids the stores make while seeding come from the seed too, so the whole dataset repeats.
  const newId = demoIdGenerator(seedNumber);
  const stores = createPostgresStores(storage.db, { newId });
  const progress = createProgress();
  const started = Date.now();
  const summary = await seedDemoData({
    stores,
    bulk: createPostgresBulkLoader(storage),
    contacts: createPostgresInteractionLoader({ url: storage.url, db: storage.db, newId }),
    customers: options.customers ?? config.SEED_CUSTOMERS,
    interactions: options.interactions ?? config.SEED_INTERACTIONS,
    seed: seedNumber,
    now,
    onProgress: progress.report,
  });
  progress.stop();
  // Like the other demo pilots, the style pilot comes with the contacts: a seed of none leaves the
  // log empty, for a first import of an organisation's own history.
  if (!summary.skipped && summary.bills > 0 && summary.interactions > 0)
    await seedStylePilot(storage, config, now, seedNumber);
  if (summary.skipped) {
    console.log('the database already holds customers; demo data not added');
  } else {
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(
      `demo data: ${summary.customers} customers, ${summary.accounts} accounts, ${summary.bills} bills, ` +
        `${summary.payments} payments, ${summary.advisors} advisors, ${summary.interactions} interactions, ` +
        `${summary.pilots} running pilots (${summary.pilotContacts} contacts on their channels, ${summary.appointments} consultations, ` +
        `${summary.surveyAnswers} survey answers) in ${seconds} s`,
    );
  }
  if ((await stores.staff.count()) === 0)
    console.log(formatCredentials(await createDemoStaff(stores.staff, stores.advisors)));
}

/** The demo's bill style pilot: its weeks of bills sent through the billing run, on their issue days. */
async function seedStylePilot(storage: StorageHandle, config: Config, now: Date, seedNumber: number) {
  let current = now;
  const composed = await composeApp({
    storage,
    config,
    logger: createLogger({ level: 'silent' }),
    clock: { now: () => current },
  });
  console.log('demo data: sending the bill style pilot’s bills through the billing run…');
  const started = Date.now();
  const styles = await runDemoStylePilot({
    stores: {
      ...composed.stores,
      pilots: createPostgresStores(storage.db, { newId: demoStylePilotIds(seedNumber) }).pilots,
    },
    bills: composed.bills,
    setNow: (at) => (current = at),
    now,
    random: createDemoRandom(seedNumber, DEMO_STYLE_STREAM),
  });
  console.log(
    `demo data: style pilot ${styles.pilot.code}, ${styles.communications} bills sent in its arms' styles, ` +
      `${styles.opened} of their links opened, ${styles.answers} NPS answers, in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}
