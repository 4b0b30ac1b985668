import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
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
import { createLogger } from './logger.ts';
import { runDialogflowChat, runVoiceChat } from '../voice/index.ts';

/**
 * `channel-pilot voice chat`: the whole app composed around one customer, talked to through a
 * simulated Alexa or Dialogflow CX. Added to the voice channel's commands, on the database the
 * CLI opened for them.
 */
export function registerVoiceChat(
  program: Command,
  { storage, config: settings }: { storage: StorageHandle; config: Config },
): void {
  const voice = program.commands.find((c) => c.name() === 'voice') ?? program.command('voice');
  voice
    .command('chat')
    .description(
      'Talk to the voice assistant by typing: each line goes through a simulated Alexa (or Dialogflow CX) to the real skill (or webhook), as the given customer',
    )
    .option('--platform <platform>', 'alexa or dialogflow', (value: string) => {
      if (value !== 'alexa' && value !== 'dialogflow')
        throw new InvalidArgumentError('must be alexa or dialogflow');
      return value;
    })
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
    .option('--unlinked', 'talk as a user who has not linked an account (to try linking codes)')
    .action(
      async (options: {
        customer: string;
        locale?: Locale;
        unlinked?: boolean;
        platform?: 'alexa' | 'dialogflow';
      }) => {
        const customer = await findCustomer(storage, options.customer);
        // The webhook is served for this conversation only, with its own secret unless one is configured.
        const secret = settings.DIALOGFLOW_WEBHOOK_SECRET ?? randomBytes(24).toString('hex');
        const config = { ...settings, DIALOGFLOW_WEBHOOK_SECRET: secret };
        const {
          voice: composed,
          clock,
          app,
        } = await composeApp({
          storage,
          config,
          logger: createLogger({ level: 'silent' }),
          ...(options.unlinked ? {} : { voiceIdentify: async () => ({ customerId: customer.id }) }),
        });
        // Iterate from the start: lines read before a loop asks for them would otherwise be lost.
        const reading = createInterface({ input: process.stdin, terminal: false })[Symbol.asyncIterator]();
        const lines = { [Symbol.asyncIterator]: () => reading };
        const locale = options.locale ?? customer.locale;
        const write = (line: string) => console.log(line);
        if (options.platform === 'dialogflow') {
          if (process.stdin.isTTY)
            console.log('Type what you would say to the Dialogflow agent; Ctrl-D to leave.');
          const server = createServer(app).listen(0, '127.0.0.1');
          await once(server, 'listening');
          const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/dialogflow/webhook`;
          try {
            await runDialogflowChat({
              send: async (request) => {
                const response = await fetch(url, {
                  method: 'POST',
                  headers: {
                    'content-type': 'application/json',
                    [config.DIALOGFLOW_WEBHOOK_HEADER]: secret,
                  },
                  body: JSON.stringify(request),
                });
                if (!response.ok)
                  throw new ChannelPilotError(
                    'internal',
                    `the webhook answered ${response.status}: ${await response.text()}`,
                  );
                return (await response.json()) as never;
              },
              locale,
              clock,
              lines,
              write,
            });
          } finally {
            server.close();
          }
        } else {
          if (process.stdin.isTTY) console.log('Type what you would say to Alexa; Ctrl-D to leave.');
          await runVoiceChat({
            skill: composed.skill,
            locale,
            userId: `amzn1.ask.account.channel-pilot-chat-${customer.id}`,
            clock,
            lines,
            write,
          });
        }
        await composed.close();
      },
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
