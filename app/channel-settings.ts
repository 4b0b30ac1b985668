import type { ChannelModule, Stores } from '../core/index.ts';
import type { AlexaSettings, DialogflowSettings } from '../voice/index.ts';
import type { LiveChatSettings } from '../chat/index.ts';
import type { Config } from './config.ts';

// What each channel is given from the configuration, and how channels enter the registry.

/** The settings, whichever way the public URL was set. */
type Settings = Omit<Config, 'publicUrlFromEnvironment'>;

/** The Alexa skill's settings: OAuth account linking only when all three of its settings are set. */
export function alexaSettings(config: Settings, certificates?: ReadonlyMap<string, string>): AlexaSettings {
  return {
    skillId: config.ALEXA_SKILL_ID,
    verifySignature: config.ALEXA_VERIFY_SIGNATURE,
    oauth:
      config.ALEXA_OAUTH_JWKS_URL && config.ALEXA_OAUTH_ISSUER && config.ALEXA_OAUTH_AUDIENCE
        ? {
            jwksUrl: config.ALEXA_OAUTH_JWKS_URL,
            issuer: config.ALEXA_OAUTH_ISSUER,
            audience: config.ALEXA_OAUTH_AUDIENCE,
            claim: config.ALEXA_OAUTH_CUSTOMER_CLAIM,
            matches: config.ALEXA_OAUTH_CLAIM_MATCHES,
          }
        : undefined,
    pinnedCertificateChains: certificates,
  };
}

/** The Dialogflow CX webhook's credentials (each kind only when configured) and its agent's. */
export function dialogflowSettings(config: Settings): DialogflowSettings {
  return {
    header: config.DIALOGFLOW_WEBHOOK_SECRET
      ? { name: config.DIALOGFLOW_WEBHOOK_HEADER, value: config.DIALOGFLOW_WEBHOOK_SECRET }
      : undefined,
    basic:
      config.DIALOGFLOW_WEBHOOK_USERNAME && config.DIALOGFLOW_WEBHOOK_PASSWORD
        ? { username: config.DIALOGFLOW_WEBHOOK_USERNAME, password: config.DIALOGFLOW_WEBHOOK_PASSWORD }
        : undefined,
    idToken: config.DIALOGFLOW_ID_TOKEN_AUDIENCE
      ? {
          jwksUrl: config.DIALOGFLOW_ID_TOKEN_JWKS_URL,
          issuer: config.DIALOGFLOW_ID_TOKEN_ISSUER,
          audience: config.DIALOGFLOW_ID_TOKEN_AUDIENCE,
        }
      : undefined,
    agent: { secretHeader: config.DIALOGFLOW_WEBHOOK_HEADER, apiEndpoint: config.DIALOGFLOW_API_ENDPOINT },
  };
}

/** The live chat's limits, hours and timings, in the units the channel counts in. */
export function liveChatSettings(config: Settings): LiveChatSettings {
  return {
    identitySecret: config.CHAT_IDENTITY_SECRET,
    advisorLimit: config.CHAT_ADVISOR_LIMIT,
    advisorAwayMs: config.CHAT_ADVISOR_AWAY_SECONDS * 1000,
    messageChars: config.CHAT_MESSAGE_MAX_CHARS,
    messagesPerMinute: config.CHAT_MESSAGES_PER_MINUTE,
    connectionsPerIp: config.CHAT_CONNECTIONS_PER_IP,
    heartbeatMs: config.CHAT_HEARTBEAT_SECONDS * 1000,
    hours: config.CHAT_HOURS ?? [],
    timeZone: config.CHAT_TIME_ZONE ?? 'Europe/Rome',
    closedDays: config.CHAT_CLOSED_DAYS ?? [],
    emailAfterMs: config.CHAT_EMAIL_AFTER_SECONDS * 1000,
  };
}

/**
 * Registers each channel once; later, only touchpoints it gained are added (what the
 * organisation named stays).
 */
export async function registerChannels(stores: Stores, channels: readonly ChannelModule[]): Promise<void> {
  for (const { registration } of channels) {
    const present = await stores.channels.channel(registration.code);
    const known = new Set(present?.touchpoints.map((t) => t.code));
    const gained = registration.touchpoints.filter((t) => !known.has(t.code));
    if (!present) await stores.channels.register(registration);
    else if (gained.length > 0)
      await stores.channels.register({ ...present, touchpoints: [...present.touchpoints, ...gained] });
  }
}
