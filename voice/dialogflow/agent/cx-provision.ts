import type { AgentsClient } from '@google-cloud/dialogflow-cx';
import { ChannelPilotError } from '../../../core/index.ts';
import { packageDigest } from './cx-agent.ts';

/** An agent as the CX API lists it. */
export interface CxAgentSummary {
  /** `projects/P/locations/L/agents/A`. */
  name: string;
  displayName: string;
  description: string;
}

/**
 * Port: the few calls of Dialogflow CX's Agents service that provisioning needs. The real adapter
 * is {@link createCxAgentsApi} (Google's client library); tests point it at a local gRPC server.
 */
export interface CxAgentsApi {
  get(name: string): Promise<CxAgentSummary | undefined>;
  list(parent: string): Promise<CxAgentSummary[]>;
  create(
    parent: string,
    agent: { displayName: string; defaultLanguageCode: string; timeZone: string },
  ): Promise<CxAgentSummary>;
  /** Replaces the agent's flows, intents, entity types and webhooks with the package's; resolves when done. */
  restore(name: string, agentContent: Uint8Array): Promise<void>;
  close(): Promise<void>;
}

/**
 * The Agents service through `@google-cloud/dialogflow-cx`: Google's regional endpoint for the
 * location (credentials from the environment, as the library finds them), or `endpoint`
 * (`host:port`, plain gRPC: a local server in tests).
 */
export function createCxAgentsApi(options: { location: string; endpoint?: string | undefined }): CxAgentsApi {
  const local = options.endpoint ? /^(.*):(\d+)$/.exec(options.endpoint) : null;
  if (options.endpoint && !local)
    throw new ChannelPilotError(
      'invalid_input',
      `the CX endpoint must be host:port, not ${options.endpoint}`,
    );
  // Google's client library and its protocol definitions are loaded when an agent command runs:
  // a server that only answers the webhook never holds them (about a third of its heap).
  let loaded: Promise<AgentsClient> | undefined;
  const agents = () =>
    (loaded ??= Promise.all([import('@google-cloud/dialogflow-cx'), import('@grpc/grpc-js')]).then(
      ([{ AgentsClient }, { credentials }]) =>
        new AgentsClient(
          local
            ? { apiEndpoint: local[1], port: Number(local[2]), sslCreds: credentials.createInsecure() }
            : options.location === 'global'
              ? {}
              : { apiEndpoint: `${options.location}-dialogflow.googleapis.com` },
        ),
    ));
  const summary = (agent: {
    name?: string | null;
    displayName?: string | null;
    description?: string | null;
  }) => ({
    name: agent.name ?? '',
    displayName: agent.displayName ?? '',
    description: agent.description ?? '',
  });
  return {
    async get(name) {
      try {
        const [agent] = await (await agents()).getAgent({ name });
        return summary(agent);
      } catch (error) {
        // gRPC's NOT_FOUND: no such agent.
        if ((error as { code?: number }).code === 5) return undefined;
        throw error;
      }
    },
    async list(parent) {
      const [found] = await (await agents()).listAgents({ parent });
      return found.map(summary);
    },
    async create(parent, agent) {
      const [created] = await (await agents()).createAgent({ parent, agent });
      return summary(created);
    },
    async restore(name, agentContent) {
      const [operation] = await (await agents()).restoreAgent({ name, agentContent });
      await operation.promise();
    },
    close: async () => {
      if (loaded) await (await loaded).close();
    },
  };
}

export interface ProvisionOptions {
  api: CxAgentsApi;
  project: string;
  location: string;
  /** The agent's id; without it, the agent of `displayName` in the location, created if there is none. */
  agent?: string | undefined;
  displayName: string;
  defaultLanguageCode: string;
  /** The package (cxAgentFiles zipped) and its digest. */
  content: Uint8Array;
  digest: string;
  /** Say what would be done, change nothing. */
  dryRun?: boolean | undefined;
}

export interface ProvisionResult {
  /** `unchanged`: the agent already holds this package. */
  action: 'created' | 'restored' | 'unchanged';
  agent: string;
  dryRun: boolean;
}

/**
 * Brings a CX agent to the package: creates the agent if needed and restores the package into it,
 * unless it holds this very package already (its description names the digest), so a second run
 * changes nothing.
 */
export async function provisionAgent(options: ProvisionOptions): Promise<ProvisionResult> {
  const { api } = options;
  const parent = `projects/${options.project}/locations/${options.location}`;
  const dryRun = options.dryRun === true;
  const existing = options.agent
    ? await api.get(`${parent}/agents/${options.agent}`)
    : (await api.list(parent)).find((agent) => agent.displayName === options.displayName);
  if (options.agent && !existing)
    throw new ChannelPilotError('not_found', `there is no agent ${parent}/agents/${options.agent}`, {
      hint: 'leave out --agent to create one',
    });
  if (existing && packageDigest(existing.description) === options.digest)
    return { action: 'unchanged', agent: existing.name, dryRun };
  const action = existing ? 'restored' : 'created';
  if (dryRun) return { action, agent: existing?.name ?? `${parent}/agents/(new)`, dryRun };
  const agent =
    existing ??
    (await api.create(parent, {
      displayName: options.displayName,
      defaultLanguageCode: options.defaultLanguageCode,
      timeZone: 'Europe/Rome',
    }));
  await api.restore(agent.name, options.content);
  return { action, agent: agent.name, dryRun };
}
