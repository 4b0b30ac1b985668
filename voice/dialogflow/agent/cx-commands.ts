import { writeFile } from 'node:fs/promises';
import type { CommandGroup, CommandOption } from '../../../core/index.ts';
import { agentPackage } from './cx-agent.ts';
import { createCxAgentsApi, provisionAgent } from './cx-provision.ts';

const DISPLAY_NAME = 'Bill assistant';

/** What the agent's commands need to know of this installation. */
export interface CxAgentSettings {
  /** The address customers reach the app at: the webhook is under it. */
  publicUrl: string;
  /** The request header the agent sends the webhook's secret in. */
  secretHeader: string;
  /** `host:port` of a CX API on plain gRPC; Google's endpoint for the location by default. */
  apiEndpoint?: string | undefined;
}

interface AgentOptions {
  webhookUrl?: string;
  secretVersion?: string;
}

const agentOptions: CommandOption[] = [
  {
    flags: '--webhook-url <url>',
    description: 'the webhook’s public address (default: PUBLIC_URL/dialogflow/webhook)',
  },
  {
    flags: '--secret-version <name>',
    description:
      'the Secret Manager version holding DIALOGFLOW_WEBHOOK_SECRET (projects/P/secrets/S/versions/V): the agent sends it in DIALOGFLOW_WEBHOOK_HEADER',
  },
];

/** `channel-pilot voice dialogflow export` and `provision`: the CX agent made from the skill package. */
export function cxAgentCommands(settings: CxAgentSettings): CommandGroup {
  /** The agent's package for this installation: the webhook at the public URL, its secret's header. */
  const packageFor = (options: AgentOptions) =>
    agentPackage({
      displayName: DISPLAY_NAME,
      webhookUrl: options.webhookUrl ?? new URL('/dialogflow/webhook', settings.publicUrl).href,
      secretHeader: options.secretVersion
        ? { name: settings.secretHeader, secretVersion: options.secretVersion }
        : undefined,
    });
  return {
    name: 'dialogflow',
    description: 'The Dialogflow CX agent, made from the Alexa interaction models',
    commands: [
      {
        name: 'export',
        description: 'Write the agent as a CX JSON package zip, for the console’s Restore or RestoreAgent',
        options: [
          { flags: '--out <file>', description: 'the zip to write', required: true },
          ...agentOptions,
        ],
        async run({ options, print }) {
          const { out } = options as { out: string };
          const built = await packageFor(options as AgentOptions);
          await writeFile(out, built.content);
          print(`agent package ${built.digest} (${built.files.size} files) written to ${out}`);
        },
      },
      {
        name: 'provision',
        description: 'Create or restore the agent on Dialogflow CX; a second run changes nothing',
        options: [
          { flags: '--project <id>', description: 'the Google Cloud project', required: true },
          {
            flags: '--location <location>',
            description: 'the agent’s location, e.g. global or europe-west1',
            required: true,
          },
          {
            flags: '--agent <id>',
            description:
              'the agent to restore into (default: the one named “Bill assistant”, created if missing)',
          },
          { flags: '--dry-run', description: 'say what would be done, change nothing' },
          ...agentOptions,
        ],
        async run({ options, print }) {
          const chosen = options as { project: string; location: string; agent?: string; dryRun?: boolean };
          const built = await packageFor(options as AgentOptions);
          const api = createCxAgentsApi({ location: chosen.location, endpoint: settings.apiEndpoint });
          try {
            const result = await provisionAgent({
              api,
              project: chosen.project,
              location: chosen.location,
              agent: chosen.agent,
              displayName: DISPLAY_NAME,
              defaultLanguageCode: 'en',
              content: built.content,
              digest: built.digest,
              dryRun: chosen.dryRun,
            });
            const said = { created: 'created', restored: 'restored', unchanged: 'already up to date' }[
              result.action
            ];
            print(
              result.dryRun && result.action !== 'unchanged'
                ? `would have ${result.action} ${result.agent} with package ${built.digest}`
                : `${result.agent} ${said} (package ${built.digest})`,
            );
          } finally {
            await api.close();
          }
        },
      },
    ],
  };
}
