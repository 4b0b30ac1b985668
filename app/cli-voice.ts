import { createInterface } from 'node:readline';
import { InvalidArgumentError, type Command } from 'commander';
import {
  ChannelPilotError,
  createPostgresStores,
  locales,
  type Customer,
  type Locale,
  type StorageHandle,
} from '../core/index.ts';
import { composeApp } from './compose.ts';
import type { Config } from './config.ts';
import { createLogger, type Logger } from './logger.ts';
import { runVoiceChat } from '../voice/index.ts';

/** How the CLI runs a command: configuration loaded, errors reported, the database opened and closed. */
export interface CommandRunner {
  run: (command: (config: Config, logger: Logger) => Promise<void>) => Promise<void>;
  /** Opens the database; the command's configuration points links where the server was last reached. */
  withDatabase: (
    config: Config,
    work: (storage: StorageHandle, config: Config) => Promise<void>,
  ) => Promise<void>;
}

/** `channel-pilot voice chat` and `channel-pilot voice link-code`. */
export function registerVoiceCommands(program: Command, { run, withDatabase }: CommandRunner): void {
  const voice = program.command('voice').description('Try and run the voice assistant');
  voice
    .command('chat')
    .description(
      'Talk to the Alexa skill by typing: each line goes through a simulated Alexa to the real skill, as the given customer',
    )
    .requiredOption('--customer <id>', 'the customer to talk as')
    .option(
      '--locale <locale>',
      `${locales.join(' or ')} (default: the customer's language)`,
      (value: string) => {
        if (!(locales as readonly string[]).includes(value))
          throw new InvalidArgumentError(`must be one of ${locales.join(', ')}`);
        return value as Locale;
      },
    )
    .option('--unlinked', 'talk as an Alexa user who has not linked an account (to try linking codes)')
    .action((options: { customer: string; locale?: Locale; unlinked?: boolean }) =>
      run(async (environment) => {
        await withDatabase(environment, async (storage, config) => {
          const customer = await findCustomer(storage, options.customer);
          const { voice: composed, clock } = await composeApp({
            storage,
            config,
            logger: createLogger({ level: 'silent' }),
            ...(options.unlinked ? {} : { voiceIdentify: async () => ({ customerId: customer.id }) }),
          });
          // Iterate from the start: lines read before a loop asks for them would otherwise be lost.
          const reading = createInterface({ input: process.stdin, terminal: false })[Symbol.asyncIterator]();
          const lines = { [Symbol.asyncIterator]: () => reading };
          if (process.stdin.isTTY) console.log('Type what you would say to Alexa; Ctrl-D to leave.');
          await runVoiceChat({
            skill: composed.skill,
            locale: options.locale ?? customer.locale,
            userId: `amzn1.ask.account.channel-pilot-chat-${customer.id}`,
            clock,
            lines,
            write: (line) => console.log(line),
          });
          await composed.turnLog.drained();
        });
      }),
    );
  voice
    .command('link-code')
    .description(
      'Send a customer a one-time code that links their voice assistant (on their consented e-mail or SMS)',
    )
    .requiredOption('--customer <id>', 'the customer')
    .action((options: { customer: string }) =>
      run(async (config) => {
        await withDatabase(config, async (storage) => {
          const customer = await findCustomer(storage, options.customer);
          const { voice: composed } = await composeApp({
            storage,
            config,
            logger: createLogger({ level: 'silent' }),
          });
          const sent = await composed.linking.issueCode(customer.id);
          console.log(
            `linking code ${sent.code} sent to ${customer.firstName} ${customer.lastName} by ${sent.medium}, valid until ${sent.expiresAt.toISOString()}`,
          );
        });
      }),
    );
}

async function findCustomer(storage: StorageHandle, id: string): Promise<Customer> {
  const customer = /^[0-9a-f-]{36}$/i.test(id)
    ? await createPostgresStores(storage.db).customers.get(id)
    : undefined;
  if (!customer)
    throw new ChannelPilotError('not_found', `customer ${id} does not exist`, {
      hint: 'find one with GET /api/customers?q=…',
    });
  return customer;
}
