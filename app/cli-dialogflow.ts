import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { agentPackage, createCxAgentsApi, provisionAgent } from '../voice/index.ts';
import type { CommandRunner } from './cli-voice.ts';
import type { Config } from './config.ts';

const DISPLAY_NAME = 'Bill assistant';

interface AgentOptions {
  webhookUrl?: string;
  secretVersion?: string;
}

/** The agent's package for this installation: the webhook at the public URL, its secret's header. */
function packageFor(config: Config, options: AgentOptions) {
  const base = config.PUBLIC_URL ?? `http://localhost:${config.PORT}`;
  return agentPackage({
    displayName: DISPLAY_NAME,
    webhookUrl: options.webhookUrl ?? new URL('/dialogflow/webhook', base).href,
    secretHeader: options.secretVersion
      ? { name: config.DIALOGFLOW_WEBHOOK_HEADER, secretVersion: options.secretVersion }
      : undefined,
  });
}

const agentOptions = (command: Command) =>
  command
    .option('--webhook-url <url>', 'the webhook’s public address (default: PUBLIC_URL/dialogflow/webhook)')
    .option(
      '--secret-version <name>',
      'the Secret Manager version holding DIALOGFLOW_WEBHOOK_SECRET (projects/P/secrets/S/versions/V): the agent sends it in DIALOGFLOW_WEBHOOK_HEADER',
    );

/** `channel-pilot voice dialogflow export` and `provision`: the CX agent made from the skill package. */
export function registerDialogflowCommands(voice: Command, { run }: Pick<CommandRunner, 'run'>): void {
  const dialogflow = voice
    .command('dialogflow')
    .description('The Dialogflow CX agent, made from the Alexa interaction models');
  agentOptions(
    dialogflow
      .command('export')
      .description('Write the agent as a CX JSON package zip, for the console’s Restore or RestoreAgent')
      .requiredOption('--out <file>', 'the zip to write'),
  ).action((options: AgentOptions & { out: string }) =>
    run(async (config) => {
      const built = await packageFor(config, options);
      await writeFile(options.out, built.content);
      console.log(`agent package ${built.digest} (${built.files.size} files) written to ${options.out}`);
    }),
  );
  agentOptions(
    dialogflow
      .command('provision')
      .description('Create or restore the agent on Dialogflow CX; a second run changes nothing')
      .requiredOption('--project <id>', 'the Google Cloud project')
      .requiredOption('--location <location>', 'the agent’s location, e.g. global or europe-west1')
      .option(
        '--agent <id>',
        'the agent to restore into (default: the one named “Bill assistant”, created if missing)',
      )
      .option('--dry-run', 'say what would be done, change nothing'),
  ).action(
    (options: AgentOptions & { project: string; location: string; agent?: string; dryRun?: boolean }) =>
      run(async (config) => {
        const built = await packageFor(config, options);
        const api = createCxAgentsApi({
          location: options.location,
          endpoint: config.DIALOGFLOW_API_ENDPOINT,
        });
        try {
          const result = await provisionAgent({
            api,
            project: options.project,
            location: options.location,
            agent: options.agent,
            displayName: DISPLAY_NAME,
            defaultLanguageCode: 'en',
            content: built.content,
            digest: built.digest,
            dryRun: options.dryRun,
          });
          const said = { created: 'created', restored: 'restored', unchanged: 'already up to date' }[
            result.action
          ];
          console.log(
            result.dryRun && result.action !== 'unchanged'
              ? `would have ${result.action} ${result.agent} with package ${built.digest}`
              : `${result.agent} ${said} (package ${built.digest})`,
          );
        } finally {
          await api.close();
        }
      }),
  );
}
