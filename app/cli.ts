import { createInterface } from 'node:readline';
import { randomBytes } from 'node:crypto';
import { Command, InvalidArgumentError } from 'commander';
import {
  ChannelPilotError,
  createPostgresStores,
  roles,
  writeSetting,
  type Role,
  type StaffDirectory,
} from '../core/index.ts';
import type { Config } from './config.ts';
import { createLogger, type Logger } from './logger.ts';
import { composeApp, openConfiguredDatabase, version, type VideoServer } from './compose.ts';
import { provideLocalLivekit } from './bundled-livekit.ts';
import { answerClientErrors, gracefulShutdown, serveUpgrades } from './server-lifecycle.ts';
import { createSmtpEmailSender } from './notify/smtp-email-sender.ts';
import { createDevelopmentSender } from './notify/development-sender.ts';
import { registerVoiceChat } from './cli-voice.ts';
import { registerImportCommands } from './cli-import.ts';
import { registerPilotCommands } from './cli-pilots.ts';
import { registerBackupCommands } from './cli-backup.ts';
import { addChannelCommands } from './cli-channels.ts';
import { seed } from './cli-seed.ts';
import { exitIfCommanderError, run, SERVED_URL, withDatabase } from './cli-runner.ts';
import { sitePages } from './web/landing-page.ts';
import { newStaffPassword } from './http/staff-routes.ts';

const program = new Command()
  .name('channel-pilot')
  .description('Pilot new contact channels on one shared customer context, and decide with evidence.')
  .version(version)
  // Commander's own errors and help are thrown, not exited on: a database opened is closed first.
  .exitOverride();

program
  .command('start')
  .description('Serve the app (seeds the demo data on first start unless SEED_DEMO_DATA=false)')
  .action(() => run(start));

program
  .command('seed')
  .description('Create the deterministic demo dataset (skipped when the database already has customers)')
  .option('--customers <n>', 'customers to create', positiveInt)
  .option('--interactions <n>', 'interactions to create (0: customers, bills and advisors only)', wholeNumber)
  .option('--seed <n>', 'random seed: the same seed and date give the same data', positiveInt, 42)
  .option('--as-of <date>', 'the day the dataset ends (default: today)', isoDay)
  .action((options: { customers?: number; interactions?: number; seed: number; asOf?: Date }) =>
    run(async (config) => {
      await withDatabase(config, async (storage) => {
        await seed(storage, config, options);
      });
    }),
  );

const user = program.command('user').description('Manage staff users');
user
  .command('add')
  .description(
    'Create a staff user; prints a generated password unless one is piped in with --password-stdin',
  )
  .requiredOption('--username <name>', 'login name')
  .requiredOption('--role <role>', `one of ${roles.join(', ')}`, (value: string) => {
    if (!(roles as readonly string[]).includes(value))
      throw new InvalidArgumentError(`must be one of ${roles.join(', ')}`);
    return value as Role;
  })
  .option('--name <display>', 'name shown to colleagues')
  .option('--password-stdin', 'read the password from standard input')
  .action((options: { username: string; role: Role; name?: string; passwordStdin?: boolean }) =>
    run(async (config) => {
      const password = options.passwordStdin ? await readLine() : randomBytes(12).toString('base64url');
      await withDatabase(config, async (storage) => {
        const { stores } = await composeApp({ storage, config, logger: createLogger({ level: 'silent' }) });
        const created = await stores.staff.addUser({
          username: options.username,
          role: options.role,
          displayName: options.name ?? options.username,
          password,
        });
        console.log(`created ${created.role} ${created.username}`);
        if (!options.passwordStdin) console.log(`password: ${password}  (shown once)`);
      });
    }),
  );

user
  .command('list')
  .description('List the staff logins, with their role and whether they are disabled')
  .action(() =>
    run(async (config) => {
      await withStaff(config, async (staff) => {
        for (const u of await staff.list()) {
          const state = u.disabledAt ? `disabled ${u.disabledAt.toISOString()}` : 'active';
          console.log(`${u.username.padEnd(24)} ${u.role.padEnd(14)} ${state.padEnd(34)} ${u.displayName}`);
        }
      });
    }),
  );
user
  .command('disable')
  .description('Disable a staff login: it can no longer log in, and its sessions end')
  .requiredOption('--username <name>', 'login name')
  .action((options: { username: string }) =>
    run(async (config) => {
      await withStaff(config, async (staff) => {
        const found = await staff.find(options.username);
        if (!found) throw new ChannelPilotError('not_found', `no staff login ${options.username}`);
        await staff.disable(found.id, new Date());
        console.log(`disabled ${found.username}; their sessions are ended`);
      });
    }),
  );
user
  .command('reset-password')
  .description('Give a staff login a new password (printed once, unless one is piped in); its sessions end')
  .requiredOption('--username <name>', 'login name')
  .option('--password-stdin', 'read the password from standard input')
  .action((options: { username: string; passwordStdin?: boolean }) =>
    run(async (config) => {
      const password = options.passwordStdin ? await readLine() : newStaffPassword();
      await withStaff(config, async (staff) => {
        const found = await staff.find(options.username);
        if (!found) throw new ChannelPilotError('not_found', `no staff login ${options.username}`);
        await staff.resetPassword(found.id, password);
        console.log(`new password set for ${found.username}; their sessions are ended`);
        if (!options.passwordStdin) console.log(`password: ${password}  (shown once)`);
      });
    }),
  );

registerImportCommands(program, { run, withDatabase });
registerPilotCommands(program, { run, withDatabase });
registerBackupCommands(program, { run, withDatabase });

program
  .command('migrate')
  .description('Bring the database schema up to date and exit')
  .action(() =>
    run(async (config) => {
      await withDatabase(config, async (storage) => {
        console.log(`schema up to date on the ${storage.kind} database`);
      });
    }),
  );

const first = process.argv[2];
if (first === '-V' || first === '--version' || program.commands.some((c) => c.name() === first)) {
  await program.parseAsync().catch((error: unknown) => {
    exitIfCommanderError(error);
    throw error;
  });
} else {
  // The channels' commands come with the channels: the app is composed on the configured
  // database to list them (and to run one).
  await run((environment) =>
    withDatabase(environment, async (storage, config) => {
      const { channels } = await composeApp({ storage, config, logger: createLogger({ level: 'silent' }) });
      try {
        addChannelCommands(program, channels);
        registerVoiceChat(program, { storage, config });
        await program.parseAsync();
      } finally {
        for (const channel of channels) await channel.close?.();
      }
    }),
  );
}

async function start(config: Config, logger: Logger): Promise<void> {
  const storage = await openConfiguredDatabase(config, logger);
  let accepting = true;
  const senders = [
    config.EMAIL_SENDER === 'smtp'
      ? createSmtpEmailSender({ url: config.SMTP_URL as string, from: config.EMAIL_FROM })
      : createDevelopmentSender('email', logger),
    createDevelopmentSender('sms', logger),
  ];
  const video: VideoServer | null = config.LIVEKIT_URL
    ? {
        url: config.LIVEKIT_URL,
        apiKey: config.LIVEKIT_API_KEY as string,
        apiSecret: config.LIVEKIT_API_SECRET as string,
      }
    : null;
  const { app, stores, dispatcher, channels, pilotDesk, guardrails, bundles, enableVideo } = await composeApp(
    {
      storage,
      config,
      logger,
      senders,
      video,
      isAccepting: () => accepting,
    },
  );
  // Without LIVEKIT_URL, the local server: started now when built, else built in the background.
  const localVideo = config.LIVEKIT_URL
    ? null
    : await provideLocalLivekit({
        config,
        logger,
        say: (line) => console.log(line),
        onReady: (local) =>
          enableVideo({ url: local.wsUrl, apiKey: local.apiKey, apiSecret: local.apiSecret }),
      });
  // The browser scripts are bundled on first use; bundled now, the first customer does not wait.
  bundles.warm().catch((error: unknown) => logger.error({ err: error }, 'browser scripts failed to bundle'));
  if (config.SEED_DEMO_DATA && (await stores.staff.count()) === 0) {
    await seed(storage, config, {});
  }
  const server = app.listen(config.PORT, config.HOST);
  answerClientErrors(server);
  const endUpgraded = serveUpgrades(server, channels);
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  logger.info({ port, database: storage.kind }, 'listening');
  // Links the CLI makes point where this server is reached, whatever environment the CLI runs in.
  await writeSetting(
    storage.db,
    SERVED_URL,
    config.publicUrlFromEnvironment ? config.PUBLIC_URL : `http://localhost:${port}`,
  );
  // Every instance sends what is due; the outbox hands each message to one of them.
  let sending: Promise<unknown> = Promise.resolve();
  // The daily guardrail check runs beside the sweep, so that computing a report never delays messages.
  let watching: Promise<unknown> = Promise.resolve();
  const outboxTimer = setInterval(() => {
    sending = sending
      .then(() => pilotDesk.inviteEnrolled())
      .then(() => dispatcher.runOnce())
      .catch((error) => logger.error({ err: error }, 'invitation or outbox sweep failed'))
      .then(() =>
        Promise.all(
          channels.flatMap((channel) =>
            (channel.background ?? []).map((work) =>
              work
                .run()
                .catch((error) =>
                  logger.error({ err: error, channel: channel.registration.code }, `${work.name} failed`),
                ),
            ),
          ),
        ),
      );
    watching = watching
      .then(() => guardrails.checkDue())
      .then(({ paused }) => {
        for (const code of paused) logger.warn({ pilot: code }, 'a guardrail was breached: pilot paused');
      })
      .catch((error) => logger.error({ err: error }, 'daily guardrail check failed'));
  }, config.OUTBOX_POLL_MS);
  const shutdown = gracefulShutdown({
    server,
    logger,
    timeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    beforeClose: () => {
      accepting = false;
      clearInterval(outboxTimer);
      endUpgraded();
    },
    afterClose: async () => {
      await sending;
      await watching;
      for (const channel of channels) await channel.close?.();
      await storage.close();
      await localVideo?.stop();
    },
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void shutdown(signal).then(() => process.exit(0));
    });
  }
  // Said once a stop signal is handled: whoever waits for this line may stop the server at once.
  console.log(
    [
      `channel-pilot ${version} is running on ${storage.kind === 'embedded' ? `the embedded database in ${config.DATA_DIR}` : 'PostgreSQL'}`,
      `  Start here:       ${config.PUBLIC_URL}/`,
      ...sitePages.map((p) => `  ${`${p.name}:`.padEnd(18)}${config.PUBLIC_URL}${p.path}  (${p.who})`),
      `  Log in (API):     POST ${config.PUBLIC_URL}/api/auth/login`,
      `  Video:            ${video ? `LiveKit at ${video.url}` : (localVideo?.status() ?? '')}`,
      config.ALEXA_SKILL_ID
        ? `  Alexa:            ${config.PUBLIC_URL}/alexa  (skill ${config.ALEXA_SKILL_ID})`
        : '  Alexa:            not served: set ALEXA_SKILL_ID. Try the skill without a device: channel-pilot voice chat --customer ID',
    ].join('\n'),
  );
  if (config.ALEXA_SKILL_ID && !config.ALEXA_VERIFY_SIGNATURE) {
    logger.warn(
      'ALEXA_VERIFY_SIGNATURE=false: /alexa accepts unsigned requests; never run it like this in production',
    );
    console.warn(
      "WARNING: Alexa request verification is OFF (ALEXA_VERIFY_SIGNATURE=false). Anyone who can reach /alexa can ask for any linked customer's data. Use it only for local development.",
    );
  }
}

/** The staff logins, on the configured database. */
function withStaff(config: Config, work: (staff: StaffDirectory) => Promise<void>): Promise<void> {
  return withDatabase(config, (storage) => work(createPostgresStores(storage.db).staff));
}

function isoDay(value: string): Date {
  const day = new Date(`${value}T12:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(day.getTime())) {
    throw new InvalidArgumentError('must be a date like 2026-03-31');
  }
  return day;
}

function wholeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number');
  return n;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a whole number above zero');
  return n;
}

async function readLine(): Promise<string> {
  const rl = createInterface({ input: process.stdin });
  for await (const line of rl) {
    rl.close();
    return line;
  }
  throw new ChannelPilotError('invalid_input', 'no password on standard input');
}
