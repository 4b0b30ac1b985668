import { createRemoteJWKSet } from 'jose';
import type { Router } from 'express';
import {
  createAccountLinking,
  everyoneMayUse,
  type BookingService,
  type ChannelAccess,
  type Clock,
  type ConsultationDesk,
  type PaymentLinks,
  type SignedLinks,
  type Stores,
} from '../core/index.ts';
import type { Config } from './config.ts';
import type { Logger } from './logger.ts';
import { createAlexaIdentity, type Identify } from '../voice/alexa/alexa-identity.ts';
import { createAlexaRouter } from '../voice/alexa/alexa-router.ts';
import { createAlexaSkill } from '../voice/alexa/alexa-skill.ts';
import { createAppointmentIntents } from '../voice/fulfilment/appointment-intents.ts';
import { createBillIntents } from '../voice/fulfilment/bill-intents.ts';
import { createLinkingIntent } from '../voice/fulfilment/linking-intent.ts';
import { createServiceIntents } from '../voice/fulfilment/service-intents.ts';
import { createTurnLog } from '../voice/fulfilment/turn-log.ts';

export type VoiceConfig = Pick<
  Config,
  | 'ALEXA_VERIFY_SIGNATURE'
  | 'ALEXA_OAUTH_CUSTOMER_CLAIM'
  | 'ALEXA_OAUTH_CLAIM_MATCHES'
  | 'VOICE_CLOSING_SURVEY'
> &
  Partial<
    Pick<Config, 'ALEXA_SKILL_ID' | 'ALEXA_OAUTH_JWKS_URL' | 'ALEXA_OAUTH_ISSUER' | 'ALEXA_OAUTH_AUDIENCE'>
  >;

/**
 * The voice channel on core's services: linking codes (which other channels use too), the
 * platform-neutral fulfilment, and the Alexa skill with its `/alexa` router when a skill id is
 * configured.
 */
export function composeVoice(options: {
  stores: Stores;
  booking: BookingService;
  desk: ConsultationDesk;
  links: SignedLinks;
  /** Payment links, the one service every channel sends them through. */
  paymentLinks: PaymentLinks;
  /** The key customer links are signed with; linking codes are hashed with it too. */
  linkSecret: Buffer;
  clock: Clock;
  logger: Logger;
  config: VoiceConfig;
  /** Who may use the voice channel; everyone until pilots restrict it. */
  access?: ChannelAccess;
  /** Who is asking; the real account linking (OAuth tokens and linking codes) by default. */
  identify?: Identify;
  /**
   * Test certificate chains for Alexa's signing certificate URLs (see createAlexaVerification):
   * only for tests and benchmarks that sign requests themselves.
   */
  pinnedCertificateChains?: ReadonlyMap<string, string>;
  /** Told of each turn answered, with its outcome. */
  onTurn?: (outcome: string) => void;
}) {
  const { stores, clock, logger, config, paymentLinks } = options;
  const linking = createAccountLinking({
    store: stores.accountLinks,
    customers: stores.customers,
    outbox: stores.outbox,
    clock,
    secret: options.linkSecret,
  });
  const onError = (error: unknown, at?: object) =>
    logger.error({ err: error, ...at }, 'a voice answer failed; the customer heard an apology');
  const intents = {
    ...createBillIntents({ billing: stores.billing, customers: stores.customers, clock, onError }),
    ...createServiceIntents({
      billing: stores.billing,
      customers: stores.customers,
      paymentLinks,
      callbacks: stores.callbacks,
      surveys: stores.surveys,
      clock,
      onError,
    }),
    ...createAppointmentIntents({
      booking: options.booking,
      desk: options.desk,
      advisors: stores.advisors,
      clock,
      onError,
    }),
  };
  const access = options.access ?? everyoneMayUse({ closingSurvey: config.VOICE_CLOSING_SURVEY });
  const turnLog = createTurnLog({
    interactions: stores.interactions,
    clock,
    touchpoint: 'alexa',
    onError: (error) => logger.warn({ err: error }, 'a voice turn could not be logged'),
    ...(options.onTurn ? { onTurn: options.onTurn } : {}),
  });
  const skill = createAlexaSkill({
    intents,
    link: createLinkingIntent({ linking, onError }),
    turnLog,
    identify:
      options.identify ??
      createAlexaIdentity({
        linking,
        customers: stores.customers,
        ...(config.ALEXA_OAUTH_JWKS_URL && config.ALEXA_OAUTH_ISSUER && config.ALEXA_OAUTH_AUDIENCE
          ? {
              oauth: {
                keys: createRemoteJWKSet(new URL(config.ALEXA_OAUTH_JWKS_URL)),
                issuer: config.ALEXA_OAUTH_ISSUER,
                audience: config.ALEXA_OAUTH_AUDIENCE,
                claim: config.ALEXA_OAUTH_CUSTOMER_CLAIM,
                matches: config.ALEXA_OAUTH_CLAIM_MATCHES,
              },
            }
          : {}),
        onRejectedToken: (error) => logger.warn({ err: error }, 'an Alexa access token was rejected'),
      }),
    access,
    onError: (error, at) => onError(error, at),
  });
  const alexa: Router | null = config.ALEXA_SKILL_ID
    ? createAlexaRouter({
        skill,
        verification: {
          skillId: config.ALEXA_SKILL_ID,
          verifySignature: config.ALEXA_VERIFY_SIGNATURE,
          ...(options.pinnedCertificateChains
            ? { pinnedCertificateChains: options.pinnedCertificateChains }
            : {}),
        },
      })
    : null;
  return { linking, intents, turnLog, skill, alexa };
}
