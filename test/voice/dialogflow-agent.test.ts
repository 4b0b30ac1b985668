import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strFromU8, unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinPhrases } from '../../voice/alexa/chat/builtin-phrases.ts';
import { loadInteractionModel, skillPackageDir } from '../../voice/alexa/intent-models.ts';
import { agentPackage } from '../../voice/dialogflow/agent/cx-agent.ts';
import { createCxAgentsApi, provisionAgent } from '../../voice/dialogflow/agent/cx-provision.ts';
import { customerIntentNames } from '../../core/services.ts';
import { runCli as cli } from '../support/app-process.ts';
import { startFakeCxAgents } from '../support/fake-cx-agents.ts';

// The CX agent is made from the Alexa skill package's interaction models; provisioning talks to a
// local gRPC server serving CX's Agents service (Google's cloud cannot run here) through the same
// client library a real run uses.

const options = { displayName: 'Bill assistant', webhookUrl: 'https://pilot.example.com/dialogflow/webhook' };
type Phrase = { parts: { text: string; parameterId?: string }[]; languageCode: string };
type Route = {
  intent?: string;
  condition?: string;
  triggerFulfillment?: { tag: string };
  targetPage?: string;
};

/** A training phrase with its annotated parts put back as `{slot}`: the sample it was made from. */
const asSample = (phrase: Phrase) =>
  phrase.parts.map((part) => (part.parameterId ? `{${part.parameterId}}` : part.text)).join('');

describe('the Dialogflow CX agent made from the interaction models', () => {
  it('has every sample of every intent as a training phrase and every slot value as an entity, in both languages', async () => {
    const { files } = await agentPackage(options);
    for (const [locale, language] of [
      ['en-US', 'en'],
      ['it-IT', 'it'],
    ] as const) {
      const model = await loadInteractionModel(locale);
      for (const intent of model.intents.filter((i) => i.samples.length > 0)) {
        const name = intent.name.replace(/Intent$/, '');
        const { trainingPhrases } = files.get(`intents/${name}/trainingPhrases/${language}.json`) as {
          trainingPhrases: Phrase[];
        };
        expect(trainingPhrases.map(asSample), `${locale} ${name}`).toEqual(intent.samples);
        expect(new Set(trainingPhrases.map((p) => p.languageCode))).toEqual(new Set([language]));
      }
      const yes = files.get(`intents/builtin.YesIntent/trainingPhrases/${language}.json`) as {
        trainingPhrases: Phrase[];
      };
      expect(yes.trainingPhrases.map(asSample)).toEqual(builtinPhrases[locale]['AMAZON.YesIntent']);
      for (const type of model.slotTypes) {
        const { entities } = files.get(`entityTypes/${type.name}/entities/${language}.json`) as {
          entities: { value: string; synonyms: string[] }[];
        };
        expect(entities.map((e) => e.value)).toEqual(type.values.map((v) => v.id));
        for (const value of type.values)
          expect(entities.find((e) => e.value === value.id)?.synonyms).toEqual(
            expect.arrayContaining([value.value, ...value.synonyms]),
          );
      }
    }
  });

  it('routes every customer intent to the webhook step of the same name, and asks each question on a page of its own', async () => {
    const { files } = await agentPackage(options);
    const flow = files.get('flows/Default Start Flow/Default Start Flow.json') as {
      transitionRoutes: Route[];
      eventHandlers: { event: string; triggerFulfillment: { tag: string } }[];
    };
    const tags = Object.fromEntries(
      flow.transitionRoutes.filter((r) => r.intent).map((r) => [r.intent, r.triggerFulfillment?.tag]),
    );
    for (const intent of [...customerIntentNames, 'LinkAccount']) expect(tags[intent], intent).toBe(intent);
    expect(tags).toMatchObject({
      'Default Welcome Intent': 'open',
      'builtin.YesIntent': 'yes',
      'builtin.NoIntent': 'no',
      'builtin.HelpIntent': 'help',
      'builtin.StopIntent': 'stop',
      'builtin.CancelIntent': 'cancel',
    });
    expect(flow.eventHandlers.map((h) => [h.event, h.triggerFulfillment.tag])).toEqual([
      ['sys.no-match-default', 'fallback'],
      ['sys.no-input-default', 'ended'],
    ]);
    const page = files.get('flows/Default Start Flow/pages/BookConsultation date.json') as {
      form: { parameters: { displayName: string; entityType: string; required: boolean }[] };
      transitionRoutes: Route[];
    };
    expect(page.form.parameters).toMatchObject([
      { displayName: 'date', entityType: '@sys.date', required: true },
    ]);
    expect(page.transitionRoutes[0]?.triggerFulfillment?.tag).toBe('BookConsultation');
    expect(flow.transitionRoutes).toContainEqual(
      expect.objectContaining({
        condition: '$session.params.channel_pilot_asking = "BookConsultation.date"',
        targetPage: 'BookConsultation date',
      }),
    );
    const webhook = files.get('webhooks/channel-pilot.json') as { genericWebService: { uri: string } };
    expect(webhook.genericWebService.uri).toBe(options.webhookUrl);
  });

  describe('from a changed skill package', () => {
    let dir: string;
    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'skill-package-'));
      await cp(skillPackageDir, dir, { recursive: true });
    });
    afterAll(async () => {
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    it('takes a sample added to the Alexa model into the agent, and the package digest changes with it', async () => {
      const path = join(dir, 'interactionModels/custom/it-IT.json');
      const file = JSON.parse(await readFile(path, 'utf8'));
      const intent = file.interactionModel.languageModel.intents.find(
        (i: { name: string }) => i.name === 'LastPaymentIntent',
      );
      intent.samples.push('mi ricordi l’ultimo versamento');
      await writeFile(path, JSON.stringify(file));
      const changed = await agentPackage({ ...options, dir });
      const shipped = await agentPackage(options);
      const { trainingPhrases } = changed.files.get('intents/LastPayment/trainingPhrases/it.json') as {
        trainingPhrases: Phrase[];
      };
      expect(trainingPhrases.map(asSample)).toContain('mi ricordi l’ultimo versamento');
      expect(changed.digest).not.toBe(shipped.digest);
    });
  });

  it('zips to the same bytes each time, unzipping to the package files', async () => {
    const first = await agentPackage(options);
    const second = await agentPackage(options);
    expect(Buffer.from(first.content).equals(Buffer.from(second.content))).toBe(true);
    const unzipped = unzipSync(first.content);
    expect(Object.keys(unzipped).sort()).toEqual([...first.files.keys()].sort());
    expect(JSON.parse(strFromU8(unzipped['agent.json'] as Uint8Array))).toEqual(
      first.files.get('agent.json'),
    );
  });
});

describe('provisioning the agent on Dialogflow CX', () => {
  let cx: Awaited<ReturnType<typeof startFakeCxAgents>>;
  beforeAll(async () => {
    cx = await startFakeCxAgents();
  });
  afterAll(async () => {
    await cx?.stop();
  });

  const provision = async (more: { dryRun?: boolean; agent?: string; webhookUrl?: string } = {}) => {
    const api = createCxAgentsApi({ location: 'europe-west1', endpoint: cx.endpoint });
    const built = await agentPackage({
      ...options,
      ...(more.webhookUrl ? { webhookUrl: more.webhookUrl } : {}),
    });
    try {
      return await provisionAgent({
        api,
        project: 'utility-voice',
        location: 'europe-west1',
        agent: more.agent,
        displayName: options.displayName,
        defaultLanguageCode: 'en',
        content: built.content,
        digest: built.digest,
        dryRun: more.dryRun,
      });
    } finally {
      await api.close();
    }
  };

  it('creates and restores the agent once; a second run changes nothing; a dry run only says what it would do', async () => {
    const dry = await provision({ dryRun: true });
    expect(dry).toMatchObject({ action: 'created', dryRun: true });
    expect(cx.calls).toEqual(['ListAgents']);
    expect(cx.agents.size).toBe(0);

    const first = await provision();
    expect(first.action).toBe('created');
    expect(first.agent).toMatch(/^projects\/utility-voice\/locations\/europe-west1\/agents\/[0-9a-f-]{36}$/);
    expect(cx.calls.slice(1)).toEqual(['ListAgents', 'CreateAgent', 'RestoreAgent']);
    const restored = cx.packages.get(first.agent);
    expect([...(restored?.keys() ?? [])].sort()).toEqual(
      [...(await agentPackage(options)).files.keys()].sort(),
    );
    expect(cx.agents.get(first.agent)).toMatchObject({
      displayName: 'Bill assistant',
      defaultLanguageCode: 'en',
    });

    const calls = cx.calls.length;
    const second = await provision();
    expect(second).toEqual({ action: 'unchanged', agent: first.agent, dryRun: false });
    expect(cx.calls.slice(calls)).toEqual(['ListAgents']);

    // A new webhook address is a new package: the same agent is restored with it.
    const moved = await provision({
      webhookUrl: 'https://voice.example.org/dialogflow/webhook',
      agent: first.agent.split('/').at(-1),
    });
    expect(moved).toEqual({ action: 'restored', agent: first.agent, dryRun: false });
    expect(cx.calls.slice(calls + 1)).toEqual(['GetAgent', 'RestoreAgent']);
    expect(cx.agents.size).toBe(1);
  });

  it('refuses an endpoint that is not host:port', () => {
    expect(() => createCxAgentsApi({ location: 'global', endpoint: 'not an endpoint' })).toThrow(
      /the CX endpoint must be host:port, not not an endpoint/,
    );
  });

  it('fails naming the agent when the one asked for does not exist, and creates nothing', async () => {
    const before = cx.agents.size;
    await expect(provision({ agent: '00000000-0000-4000-8000-000000000000' })).rejects.toThrow(
      /there is no agent projects\/utility-voice\/locations\/europe-west1\/agents\/00000000-0000-4000-8000-000000000000/,
    );
    expect(cx.agents.size).toBe(before);
  });
});

describe('channel-pilot voice dialogflow', () => {
  let cx: Awaited<ReturnType<typeof startFakeCxAgents>>;
  let dir: string;
  beforeAll(async () => {
    cx = await startFakeCxAgents();
    dir = await mkdtemp(join(tmpdir(), 'cx-export-'));
  });
  afterAll(async () => {
    await cx?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  // Not on Google Cloud: the auth library is told not to look for a metadata server. The CLI
  // builds the channels (their commands with them) on a database of its own.
  const env = () => ({
    DATA_DIR: join(dir, 'data'),
    PUBLIC_URL: 'https://pilot.example.com',
    DIALOGFLOW_API_ENDPOINT: cx.endpoint,
    METADATA_SERVER_DETECTION: 'none',
  });

  it('exports the agent package for the public URL’s webhook', async () => {
    const out = join(dir, 'agent.zip');
    const { code, stdout, stderr } = await cli(['voice', 'dialogflow', 'export', '--out', out], env());
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const built = await agentPackage({
      displayName: 'Bill assistant',
      webhookUrl: 'https://pilot.example.com/dialogflow/webhook',
    });
    expect(stdout).toContain(`agent package ${built.digest}`);
    expect(Buffer.from(await readFile(out)).equals(Buffer.from(built.content))).toBe(true);
  }, 120_000);

  it('provisions the agent, and says a second run has nothing to change', async () => {
    const args = ['voice', 'dialogflow', 'provision', '--project', 'utility-voice', '--location', 'global'];
    const first = await cli(args, env());
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(
      /^projects\/utility-voice\/locations\/global\/agents\/\S+ created \(package [0-9a-f]{16}\)$/m,
    );
    const second = await cli(args, env());
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/ already up to date \(package /);
    expect(cx.calls.filter((c) => c === 'RestoreAgent')).toHaveLength(1);
  }, 120_000);
});
