import { createInterface } from 'node:readline';
import { randomBytes } from 'node:crypto';
import { Command, InvalidArgumentError } from 'commander';
import {
  ChannelPilotError,
  createPostgresStores,
  dayProblem,
  type ChannelModule,
  roles,
  type Role,
  type StaffDirectory,
} from '../core/index.ts';
import type { Config } from './config.ts';
import { createLogger } from './logger.ts';
import { version } from './configured-database.ts';
import { registerImportCommands } from './cli-import.ts';
import { registerPilotCommands } from './cli-pilots.ts';
import { registerBackupCommands } from './cli-backup.ts';
import { addChannelCommands } from './cli-channels.ts';
import { exitIfCommanderError, run, withDatabase } from './cli-runner.ts';
import { newStaffPassword } from './http/staff-routes.ts';

/** The program with the app's own commands; the channels' are added to it as they come. */
function appProgram(): Command {
  const program = new Command()
    .name('channel-pilot')
    .description('Pilot new contact channels on one shared customer context, and decide with evidence.')
    .version(version)
    // Commander's own errors and help are thrown, not exited on: a database opened is closed first.
    .exitOverride();
  addOwnCommands(program);
  return program;
}

function addOwnCommands(program: Command): void {
  program
    .command('start')
    .description('Serve the app (seeds the demo data on first start unless SEED_DEMO_DATA=false)')
    .action(() => run(async (config, logger) => (await import('./cli-start.ts')).start(config, logger)));

  program
    .command('seed')
    .description('Create the deterministic demo dataset (skipped when the database already has customers)')
    .option('--customers <n>', 'customers to create', positiveInt)
    .option(
      '--interactions <n>',
      'interactions to create (0: customers, bills and advisors only)',
      wholeNumber,
    )
    .option('--seed <n>', 'random seed: the same seed and date give the same data', positiveInt, 42)
    .option('--as-of <date>', 'the day the dataset ends (default: today)', isoDay)
    .action((options: { customers?: number; interactions?: number; seed: number; asOf?: Date }) =>
      run(async (config) => {
        await withDatabase(config, async (storage) => {
          await (await import('./cli-seed.ts')).seed(storage, config, options);
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
        await withStaff(config, async (staff) => {
          const created = await staff.addUser({
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
  // Both give a login a new password, printed once unless one is piped in.
  const withNewPassword = (
    name: string,
    description: string,
    apply: (staff: StaffDirectory, id: string, password: string) => Promise<unknown>,
    done: (username: string) => string,
  ) =>
    user
      .command(name)
      .description(description)
      .requiredOption('--username <name>', 'login name')
      .option('--password-stdin', 'read the password from standard input')
      .action((options: { username: string; passwordStdin?: boolean }) =>
        run(async (config) => {
          const password = options.passwordStdin ? await readLine() : newStaffPassword();
          await withStaff(config, async (staff) => {
            const found = await staff.find(options.username);
            if (!found) throw new ChannelPilotError('not_found', `no staff login ${options.username}`);
            await apply(staff, found.id, password);
            console.log(done(found.username));
            if (!options.passwordStdin) console.log(`password: ${password}  (shown once)`);
          });
        }),
      );
  withNewPassword(
    'enable',
    'Let a disabled staff login log in again, with a new password (printed once, unless one is piped in)',
    (staff, id, password) => staff.enable(id, password),
    (username) => `enabled ${username}, with a new password`,
  );
  withNewPassword(
    'reset-password',
    'Give a staff login a new password (printed once, unless one is piped in); its sessions end',
    (staff, id, password) => staff.resetPassword(id, password),
    (username) => `new password set for ${username}; their sessions are ended`,
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
}

const args = process.argv.slice(2);
const first = args[0];
const program = appProgram();
if (first === '-V' || first === '--version' || program.commands.some((c) => c.name() === first)) {
  await program.parseAsync().catch((error: unknown) => {
    exitIfCommanderError(error);
    throw error;
  });
} else {
  // The channels' commands come with the channels. To say what they are (help, or a word that
  // names none of them) the channels are composed on no database; to run one, on the configured
  // database.
  await run(async (environment) => {
    const [{ composeApp }, { registerVoiceChat }, { describedChannels }] = await Promise.all([
      import('./compose.ts'),
      import('./cli-voice.ts'),
      import('./cli-help.ts'),
    ]);
    const described = await describedChannels(environment);
    const help = appProgram();
    try {
      addChannelCommands(help, described.channels);
      registerVoiceChat(help, { storage: described.storage, config: environment });
      const asksHelp = !first || first === 'help' || args.some((a) => a === '-h' || a === '--help');
      if (asksHelp || !help.commands.some((c) => c.name() === first)) {
        await help.parseAsync();
        return;
      }
    } finally {
      await closeChannels(described.channels);
    }
    await withDatabase(environment, async (storage, config) => {
      const { channels } = await composeApp({ storage, config, logger: createLogger({ level: 'silent' }) });
      try {
        addChannelCommands(program, channels);
        registerVoiceChat(program, { storage, config });
        await program.parseAsync();
      } finally {
        await closeChannels(channels);
      }
    });
  });
}

async function closeChannels(channels: readonly ChannelModule[]): Promise<void> {
  for (const channel of channels) await channel.close?.();
}

/** The staff logins, on the configured database. */
function withStaff(config: Config, work: (staff: StaffDirectory) => Promise<void>): Promise<void> {
  return withDatabase(config, (storage) => work(createPostgresStores(storage.db).staff));
}

function isoDay(value: string): Date {
  const problem = dayProblem(value);
  if (problem) throw new InvalidArgumentError(problem);
  return new Date(`${value}T12:00:00Z`);
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
