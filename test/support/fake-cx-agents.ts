import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import {
  Server,
  ServerCredentials,
  loadPackageDefinition,
  status,
  type GrpcObject,
  type ServiceClientConstructor,
  type ServiceError,
} from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { strFromU8, unzipSync } from 'fflate';

// Google's Dialogflow CX cannot run here: this serves the Agents service of the client library's
// own proto definitions on a local port, holding agents in memory, for the calls provisioning
// makes. A restored package is checked the way CX refuses a broken one: every intent, webhook,
// entity type and page it names must be in it.

const modules = new URL('../../node_modules/', import.meta.url);
const protos = [
  fileURLToPath(new URL('@google-cloud/dialogflow-cx/build/protos/', modules)),
  // google/api, google/longrunning: the client library's gRPC layer ships them.
  fileURLToPath(new URL('google-gax/build/protos/', modules)),
];

interface Agent {
  name: string;
  displayName: string;
  description: string;
  defaultLanguageCode: string;
  supportedLanguageCodes: string[];
  timeZone: string;
  startFlow?: string;
}

type Callback = (error: Partial<ServiceError> | null, value?: unknown) => void;
type Call<T> = { request: T };

function refused(message: string, code = status.INVALID_ARGUMENT): Partial<ServiceError> {
  return { code, details: message, message };
}

/** What a CX package refers to that it does not hold; empty when it is whole. */
function brokenReferences(files: Map<string, unknown>): string[] {
  const has = (path: string) => files.has(path);
  const problems: string[] = [];
  for (const [path, json] of files) {
    const text = JSON.stringify(json);
    for (const [, intent] of text.matchAll(/"intent":"([^"]+)"/g))
      if (!has(`intents/${intent}/${intent}.json`)) problems.push(`${path}: no intent ${intent}`);
    for (const [, webhook] of text.matchAll(/"webhook":"([^"]+)"/g))
      if (!has(`webhooks/${webhook}.json`)) problems.push(`${path}: no webhook ${webhook}`);
    for (const [, type = ''] of text.matchAll(/"entityType":"@([^"]+)"/g))
      if (!type.startsWith('sys.') && !has(`entityTypes/${type}/${type}.json`))
        problems.push(`${path}: no entity type ${type}`);
    const flow = /^flows\/([^/]+)\//.exec(path)?.[1];
    for (const [, page = ''] of text.matchAll(/"targetPage":"([^"]+)"/g))
      if (
        !['END_SESSION', 'END_FLOW', 'START_PAGE'].includes(page) &&
        !has(`flows/${flow}/pages/${page}.json`)
      )
        problems.push(`${path}: no page ${page}`);
  }
  return problems;
}

/** A local CX Agents service; `calls` lists the RPCs received, `packages` what each agent was restored from. */
export async function startFakeCxAgents() {
  const definition = loadSync('google/cloud/dialogflow/cx/v3/agent.proto', {
    includeDirs: protos,
    keepCase: false,
    longs: String,
    enums: String,
    defaults: false,
  });
  const v3 = (loadPackageDefinition(definition) as GrpcObject & Record<string, never>).google as unknown as {
    cloud: { dialogflow: { cx: { v3: { Agents: ServiceClientConstructor } } } };
  };
  const agents = new Map<string, Agent>();
  const packages = new Map<string, Map<string, unknown>>();
  const calls: string[] = [];
  const server = new Server();
  server.addService(v3.cloud.dialogflow.cx.v3.Agents.service, {
    ListAgents: (call: Call<{ parent: string }>, done: Callback) => {
      calls.push('ListAgents');
      done(null, {
        agents: [...agents.values()].filter((a) => a.name.startsWith(`${call.request.parent}/agents/`)),
      });
    },
    GetAgent: (call: Call<{ name: string }>, done: Callback) => {
      calls.push('GetAgent');
      const agent = agents.get(call.request.name);
      done(agent ? null : refused(`agent ${call.request.name} not found`, status.NOT_FOUND), agent);
    },
    CreateAgent: (call: Call<{ parent: string; agent: Partial<Agent> }>, done: Callback) => {
      calls.push('CreateAgent');
      const { agent } = call.request;
      if (!agent.displayName || !agent.defaultLanguageCode || !agent.timeZone)
        return done(refused('displayName, defaultLanguageCode and timeZone are required'));
      const created: Agent = {
        name: `${call.request.parent}/agents/${randomUUID()}`,
        displayName: agent.displayName,
        description: '',
        defaultLanguageCode: agent.defaultLanguageCode,
        supportedLanguageCodes: [],
        timeZone: agent.timeZone,
      };
      agents.set(created.name, created);
      done(null, created);
    },
    RestoreAgent: (call: Call<{ name: string; agentContent?: Buffer }>, done: Callback) => {
      calls.push('RestoreAgent');
      const agent = agents.get(call.request.name);
      if (!agent) return done(refused(`agent ${call.request.name} not found`, status.NOT_FOUND));
      let files: Map<string, unknown>;
      try {
        const entries = unzipSync(new Uint8Array(call.request.agentContent ?? []));
        files = new Map(Object.entries(entries).map(([path, bytes]) => [path, JSON.parse(strFromU8(bytes))]));
      } catch (error) {
        return done(refused(`the agent content is not a zipped JSON package: ${(error as Error).message}`));
      }
      const manifest = files.get('agent.json') as Partial<Agent> | undefined;
      if (!manifest) return done(refused('the package has no agent.json'));
      const broken = brokenReferences(files);
      if (broken.length > 0) return done(refused(broken.join('; ')));
      agents.set(agent.name, { ...agent, ...manifest, name: agent.name });
      packages.set(agent.name, files);
      done(null, {
        name: `${agent.name}/operations/${randomUUID()}`,
        done: true,
        response: { typeUrl: 'type.googleapis.com/google.protobuf.Empty', value: Buffer.alloc(0) },
      });
    },
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return {
    endpoint: `127.0.0.1:${port}`,
    agents,
    packages,
    calls,
    stop: () => new Promise<void>((resolve) => server.tryShutdown(() => resolve())),
  };
}
