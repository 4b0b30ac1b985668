import { createRemoteJWKSet } from 'jose';
import { z } from 'zod';
import type { ChannelDeps, ChannelInput, ChannelModule } from '../core/index.ts';
import { ALEXA_PLATFORM, createAlexaIdentity } from './alexa/alexa-identity.ts';
import { createAlexaRouter } from './alexa/alexa-router.ts';
import { createAlexaSkill } from './alexa/alexa-skill.ts';
import {
  createCustomerIntents,
  createLinkingIntent,
  createLoggedConversation,
  type TurnWatch,
} from '../core/services.ts';
import { createDialogflowWebhook } from './dialogflow/dialogflow-webhook.ts';
import { describeDialogflowWebhook } from './dialogflow/dialogflow-description.ts';
import { cxAgentCommands, type CxAgentSettings } from './dialogflow/agent/cx-commands.ts';
import { linkCodeCommand } from './link-code-command.ts';

/**
 * Who is asking, instead of the account linking: the typed chats talk as one customer. `user` is
 * the platform's user (Alexa) or conversation (a CX session).
 */
export type Identify = (who: {
  platform: string;
  user: string;
}) => Promise<{ customerId: string } | undefined>;
export { runVoiceChat, CHAT_SKILL_ID } from './alexa/chat/voice-chat.ts';
export { runDialogflowChat } from './dialogflow/chat/dialogflow-chat.ts';
export { agentPackage } from './dialogflow/agent/cx-agent.ts';
export { createCxAgentsApi, provisionAgent, type CxAgentsApi } from './dialogflow/agent/cx-provision.ts';

/** The voice assistant as a channel of the census and of pilots. */
export const voiceAssistantChannel: ChannelInput = {
  code: 'voice_assistant',
  name: 'Voice assistant',
  kind: 'pilot',
  touchpoints: [
    { code: 'alexa', name: 'Alexa skill' },
    { code: 'dialogflow', name: 'Dialogflow CX agent' },
    { code: 'phone', name: 'Phone line (Dialogflow CX)' },
  ],
};

/** The Alexa skill's settings; `/alexa` is served only with a skill id. */
export interface AlexaSettings {
  skillId?: string | undefined;
  verifySignature: boolean;
  /** Account linking by OAuth: the authorization server's keys and the claims its tokens carry. */
  oauth?:
    { jwksUrl: string; issuer: string; audience: string; claim: string; matches: 'id' | 'email' } | undefined;
  /**
   * Test certificate chains for Alexa's signing certificate URLs (see createAlexaVerification):
   * only for tests and benchmarks that sign requests themselves.
   */
  pinnedCertificateChains?: ReadonlyMap<string, string> | undefined;
}

/** The Dialogflow CX webhook's credentials; `/dialogflow/webhook` is served only with one. */
export interface DialogflowSettings {
  header?: { name: string; value: string } | undefined;
  basic?: { username: string; password: string } | undefined;
  idToken?: { jwksUrl: string; issuer: string; audience: string } | undefined;
  /** For the agent's commands (`voice dialogflow export`, `provision`). */
  agent?: Omit<CxAgentSettings, 'publicUrl'> | undefined;
}

export interface VoiceChannelDeps extends ChannelDeps {
  alexa: AlexaSettings;
  dialogflow?: DialogflowSettings | undefined;
  /** Who is asking, on every platform; the real account linking (OAuth tokens and linking codes) by default. */
  identify?: Identify | undefined;
  /** Told of each turn answered and of each stored. */
  watch?: TurnWatch | undefined;
}

/**
 * The voice channel on core's services: the platform-neutral fulfilment, and the Alexa skill
 * with its `/alexa` endpoint when a skill id is configured.
 */
export function createVoiceChannel(deps: VoiceChannelDeps) {
  const { stores, clock, log, paymentLinks, linking, alexa: settings } = deps;
  const onError = (error: unknown, at?: object) =>
    log.error({ err: error, ...at }, 'a voice answer failed; the customer heard an apology');
  const turnLogs: { drained(): Promise<void> }[] = [];
  /** Resolves once every turn answered so far is logged. */
  const written = async () => {
    await Promise.all(turnLogs.map((turnLog) => turnLog.drained()));
  };
  const intents = createCustomerIntents({
    stores,
    clock,
    booking: deps.booking,
    desk: deps.desk,
    paymentLinks,
    onError,
    bookedVia: voiceAssistantChannel.code,
    written,
  });
  /** A conversation on one touchpoint: its turns logged there, the same rules everywhere. */
  const conversationOn = (touchpoint: string) => {
    const conversation = createLoggedConversation({
      intents,
      interactions: stores.interactions,
      clock,
      access: deps.access,
      channel: voiceAssistantChannel.code,
      touchpoint,
      onLogError: (error) => log.warn({ err: error }, 'a voice turn could not be logged'),
      watch: deps.watch,
    });
    turnLogs.push(conversation.turnLog);
    return conversation;
  };
  const { turnLog, session } = conversationOn('alexa');
  const link = createLinkingIntent({ linking, onError });
  const oauth = settings.oauth;
  const chatIdentify = deps.identify;
  const skill = createAlexaSkill({
    session,
    link,
    turnLog,
    identify: chatIdentify
      ? (envelope) => chatIdentify({ platform: ALEXA_PLATFORM, user: envelope.context.System.user.userId })
      : createAlexaIdentity({
          linking,
          customers: stores.customers,
          ...(oauth
            ? {
                oauth: {
                  keys: createRemoteJWKSet(new URL(oauth.jwksUrl)),
                  issuer: oauth.issuer,
                  audience: oauth.audience,
                  claim: oauth.claim,
                  matches: oauth.matches,
                },
              }
            : {}),
          onRejectedToken: (error) => log.warn({ err: error }, 'an Alexa access token was rejected'),
        }),
    onError: (error, at) => onError(error, at),
  });
  const alexa = settings.skillId
    ? createAlexaRouter({
        skill,
        verification: {
          skillId: settings.skillId,
          verifySignature: settings.verifySignature,
          ...(settings.pinnedCertificateChains
            ? { pinnedCertificateChains: settings.pinnedCertificateChains }
            : {}),
        },
      })
    : null;
  const df = deps.dialogflow;
  const dfText = conversationOn('dialogflow');
  const dfPhone = conversationOn('phone');
  const dialogflow =
    df && (df.header || df.basic || df.idToken)
      ? createDialogflowWebhook({
          credentials: {
            header: df.header,
            basic: df.basic,
            idToken: df.idToken && {
              keys: createRemoteJWKSet(new URL(df.idToken.jwksUrl)),
              issuer: df.idToken.issuer,
              audience: df.idToken.audience,
            },
          },
          text: dfText,
          phone: dfPhone,
          link,
          linking,
          customers: stores.customers,
          identify: deps.identify,
        })
      : null;
  return {
    registration: voiceAssistantChannel,
    rawRoutes: [alexa, dialogflow].filter((router) => router !== null),
    routes(kit) {
      if (dialogflow) describeDialogflowWebhook(kit);
      if (!alexa) return;
      kit.describe('post', '/alexa', {
        summary: 'The Alexa skill’s endpoint: requests signed by Alexa for this skill',
        tags: ['voice'],
        security: [{ alexaSignature: [] }],
        requestBody: {
          required: true,
          content: {
            'application/json': {
              schema: z.looseObject({}).meta({ description: 'an Alexa RequestEnvelope' }),
            },
          },
        },
        responses: {
          200: {
            description: 'An Alexa ResponseEnvelope',
            content: { 'application/json': { schema: z.looseObject({}) } },
          },
        },
      });
    },
    commands: {
      name: 'voice',
      description: 'Try and run the voice assistant',
      commands: [linkCodeCommand({ customers: stores.customers, linking })],
      groups: df?.agent ? [cxAgentCommands({ ...df.agent, publicUrl: deps.publicUrl })] : [],
    },
    close: written,
    skill,
    turnLog,
    intents,
  } satisfies ChannelModule & Record<string, unknown>;
}
export type VoiceChannel = ReturnType<typeof createVoiceChannel>;
