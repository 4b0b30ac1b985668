import { afterAll, beforeAll } from 'vitest';
import request from 'supertest';
import { openTestDatabase } from './database.ts';
import { HOUSEHOLD_NOW } from './households.ts';
import { pino } from 'pino';
import type { Logger } from '../../app/logger.ts';
import type { RequestEnvelope, ResponseEnvelope } from 'ask-sdk-model';
import { composeApp } from '../../app/compose.ts';
import type { Config } from '../../app/config.ts';
import type { ChannelAccess, Customer, StorageHandle, Stores } from '../../core/index.ts';
import {
  alexaRequestEnvelope,
  signBody,
  testCertificateChain,
  testCertUrl,
  testSkillId,
} from './alexa-requests.ts';

/** What a test reads from a skill response. */
export interface AlexaAnswer {
  sessionAttributes?: Record<string, unknown>;
  response: ResponseEnvelope['response'] & {
    outputSpeech?: { type: string; ssml: string };
    reprompt?: { outputSpeech: { ssml: string } };
    card?: { type: string; title?: string; content?: string };
    directives?: {
      type: string;
      slotToElicit?: string;
      updatedIntent?: { name: string; slots?: Record<string, { name: string; value?: string }> };
    }[];
  };
}

/**
 * The whole app, composed as `npm start` composes it, with the Alexa skill at `/alexa` for the
 * test skill id and a test certificate chain pinned for the test certificate URL. Requests are
 * signed with that chain's key, so verification runs for real.
 */
export async function startAlexaApp(options: {
  storage: StorageHandle;
  clock: { now: () => Date };
  config?: Partial<Config>;
  voiceAccess?: ChannelAccess;
  logger?: Logger;
}) {
  const { chain, signingKeys } = testCertificateChain();
  const composed = await composeApp({
    storage: options.storage,
    config: {
      PUBLIC_URL: 'http://localhost:3000',
      SESSION_TTL_HOURS: 1000,
      COOKIE_SECURE: false,
      ALEXA_SKILL_ID: testSkillId,
      ...options.config,
    },
    logger: options.logger ?? pino({ level: 'silent' }),
    clock: options.clock,
    alexaCertificates: new Map([[testCertUrl, chain]]),
    ...(options.voiceAccess ? { voiceAccess: options.voiceAccess } : {}),
  });

  /** POSTs one signed request envelope to /alexa; the envelope's timestamp is the real now, as Alexa's is. */
  async function ask(envelope: Parameters<typeof alexaRequestEnvelope>[0]): Promise<AlexaAnswer> {
    return invoke(alexaRequestEnvelope(envelope)) as Promise<AlexaAnswer>;
  }

  /** POSTs a request envelope as it is, signed, to /alexa: what a simulated Alexa sends (createAlexaConversation). */
  async function invoke(envelope: RequestEnvelope): Promise<ResponseEnvelope> {
    const body = JSON.stringify(envelope);
    const res = await request(composed.app)
      .post('/alexa')
      .set('Content-Type', 'application/json; charset=utf-8')
      .set('SignatureCertChainUrl', testCertUrl)
      .set('Signature-256', signBody(body, signingKeys.privateKey))
      .send(body);
    if (res.status !== 200) throw new Error(`/alexa answered ${res.status}: ${JSON.stringify(res.body)}`);
    // The answer goes out before its turn is written: let the tests read the journey as it will be.
    await composed.voice.turnLog.drained();
    return res.body as ResponseEnvelope;
  }

  /**
   * Links an Alexa user to a customer the way a customer does it: a linking code sent to them
   * (read back from the outbox), said to the skill as LinkAccountIntent.
   */
  async function link(customer: Customer, userId: string): Promise<void> {
    await composed.voice.linking.issueCode(customer.id);
    const [message] = (await composed.stores.outbox.recent({ limit: 5, customerId: customer.id })).filter(
      (m) => m.kind === 'link_code',
    );
    const code = /\d{6}/.exec(message?.body ?? '')?.[0];
    if (!code) throw new Error('no linking code was sent');
    const answer = await ask({
      request: { type: 'IntentRequest', intent: 'LinkAccountIntent', slots: { code } },
      locale: customer.locale,
      userId,
    });
    if (!JSON.stringify(answer).match(/collegato|linked/))
      throw new Error(`linking failed: ${JSON.stringify(answer)}`);
  }

  return { composed, ask, invoke, link };
}

/** The app {@link startAlexaApp} starts, with its helpers to ask, invoke and link. */
export type AlexaApp = Awaited<ReturnType<typeof startAlexaApp>>;

/** The Alexa app on a test database of its own, as {@link withHouseholdsAlexaApp} hands it over. */
export interface HouseholdsAlexaApp {
  storage: StorageHandle;
  alexa: AlexaApp;
  stores: Stores;
}

/**
 * The Alexa app on a test database of its own, on the day the households' bills are read
 * (Monday 20 April 2026): opened before a file's tests, handed to `take`, closed after them.
 */
export function withHouseholdsAlexaApp(take: (opened: HouseholdsAlexaApp) => void): void {
  let storage: StorageHandle | undefined;
  beforeAll(async () => {
    storage = await openTestDatabase();
    const alexa = await startAlexaApp({ storage, clock: { now: () => HOUSEHOLD_NOW } });
    take({ storage, alexa, stores: alexa.composed.stores });
  });
  afterAll(async () => {
    await storage?.close();
  });
}
