import { z } from 'zod';
import { fieldIssues } from '../core/index.ts';
import { OpeningHoursSpec } from '../core/services.ts';
import { billSettings } from './config-bills.ts';
import { closedDays, flag, MAILBOX, whole } from './config-kinds.ts';

/**
 * Settings whose values are secrets: a problem with one names it and says what is wrong, never
 * its value (start-up output ends up in service logs).
 */
export const SECRET_SETTINGS: ReadonlySet<string> = new Set([
  'LINK_SECRET',
  'METRICS_TOKEN',
  'LIVEKIT_API_SECRET',
  'DIALOGFLOW_WEBHOOK_SECRET',
  'DIALOGFLOW_WEBHOOK_PASSWORD',
  'CHAT_IDENTITY_SECRET',
]);

/** Addresses that may carry a password: in the user part, in a `password=` parameter, or as libpq words. */
const CREDENTIAL_ADDRESSES: ReadonlySet<string> = new Set(['DATABASE_URL', 'SMTP_URL']);

/**
 * A setting's value as a problem shows it: a secret by its length only; an address that may carry
 * a password by its scheme, host and path only (by its length when it is no address at all).
 */
function shown(key: string, value: string | undefined): string {
  if (value && SECRET_SETTINGS.has(key)) return `${key} (${[...value].length} characters, not shown)`;
  if (value && CREDENTIAL_ADDRESSES.has(key)) {
    const address = URL.parse(value);
    if (!address?.host) return `${key} (${[...value].length} characters, not an address, not shown)`;
    const user = address.username ? `${address.username}:***@` : '';
    return `${key}=${JSON.stringify(`${address.protocol}//${user}${address.host}${address.pathname}`)}`;
  }
  return `${key}=${JSON.stringify(value ?? '')}`;
}

/**
 * Every setting, read from the environment once at start. The description of each key is
 * the text of the README's configuration table (a test keeps the two in step).
 */
export const ConfigSchema = z.object({
  PORT: whole(1, 65535).default(3000).describe('HTTP port to listen on (1–65535).'),
  HOST: z
    .string()
    .min(1)
    .default('0.0.0.0')
    .describe('Interface to bind; `127.0.0.1` keeps the server local.'),
  PUBLIC_URL: z
    .url({
      protocol: /^https?$/,
      error: 'must be an absolute http:// or https:// address such as https://pilot.example.com',
    })
    .optional()
    .describe(
      'The `http://` or `https://` address people and providers reach the app at; defaults to `http://localhost:PORT`.',
    ),
  DATA_DIR: z
    .string()
    .min(1)
    .default('./.data')
    .describe('Folder of the embedded database (used when `DATABASE_URL` is unset).'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, { error: 'must be a postgres:// connection string' })
    .optional()
    .describe('PostgreSQL connection string; when set, the embedded database is not used.'),
  DATABASE_POOL_SIZE: whole(1, 200)
    .default(10)
    .describe(
      'Connections per app instance to the database (embedded or PostgreSQL); analytics use two more of their own, and one listens for the other instances’ changes.',
    ),
  METRICS_TOKEN: z
    .string()
    .min(16, { error: 'must be at least 16 characters' })
    .optional()
    .describe(
      'Bearer token Prometheus sends to read `/metrics` (`Authorization: Bearer …`); without it `/metrics` is not served.',
    ),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info')
    .describe('pino log level.'),
  SESSION_TTL_HOURS: whole(1, 24 * 30)
    .default(12)
    .describe('How long a staff login lasts.'),
  COOKIE_SECURE: flag
    .optional()
    .describe('Send the session cookie only over HTTPS; defaults to true when `PUBLIC_URL` is https.'),
  LINK_SECRET: z
    .string()
    .min(32, { error: 'must be at least 32 characters' })
    .optional()
    .describe(
      'Key that signs customer links; when unset, one is generated and kept in the database for every instance.',
    ),
  EMAIL_SENDER: z
    .enum(['development', 'smtp'])
    .default('development')
    .describe('`smtp` sends e-mail through `SMTP_URL`; `development` keeps messages on the `/outbox` page.'),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\//, { error: 'must be an smtp:// or smtps:// URL' })
    .optional()
    .describe('SMTP server, e.g. `smtp://user:password@mail.example.com:587`.'),
  EMAIL_FROM: z
    .string()
    .trim()
    .regex(MAILBOX, { error: 'must be an e-mail address, alone or as Name <address@example.com>' })
    .default('Channel Pilot <no-reply@localhost>')
    .describe('Sender of customer e-mails: an address, alone or as `Name <address>`.'),
  SMS_SENDER: z
    .enum(['development'])
    .default('development')
    .describe(
      'SMS provider; `development` keeps messages on the `/outbox` page (no SMS gateway is wired yet).',
    ),
  OUTBOX_POLL_MS: whole(100, 3_600_000)
    .default(5000)
    .describe('How often each instance sends due messages (confirmations, reminders).'),
  LIVEKIT_URL: z
    .string()
    .regex(/^wss?:\/\//, { error: 'must be a ws:// or wss:// URL' })
    .optional()
    .describe(
      'An existing LiveKit deployment (its ws/wss address). When unset, `npm start` runs the local `infra/bin/livekit-server` if it has been built.',
    ),
  LIVEKIT_API_KEY: z
    .string()
    .min(1)
    .optional()
    .describe('API key of the LiveKit deployment (required with `LIVEKIT_URL`).'),
  LIVEKIT_API_SECRET: z
    .string()
    .min(32, { error: 'must be at least 32 characters' })
    .optional()
    .describe(
      'API secret of the LiveKit deployment (required with `LIVEKIT_URL`); it also verifies LiveKit’s webhooks.',
    ),
  LIVEKIT_LOCAL_PORT: whole(1, 65535)
    .default(7880)
    .describe('Signalling port of the local livekit-server that `npm start` runs.'),
  ALEXA_SKILL_ID: z
    .string()
    .regex(/^amzn1\.ask\.skill\.[0-9a-f-]+$/, { error: 'must be a skill id such as amzn1.ask.skill.…' })
    .optional()
    .describe(
      'The Alexa skill’s id; `POST /alexa` answers only requests for it. When unset, `/alexa` is not served.',
    ),
  ALEXA_VERIFY_SIGNATURE: flag
    .default(true)
    .describe(
      'Check each Alexa request’s signature and timestamp. `false` is for local development only; `npm start` warns when it is off.',
    ),
  ALEXA_OAUTH_JWKS_URL: z
    .url({ error: 'must be the https:// address of a JWKS' })
    .optional()
    .describe(
      'Account linking with your identity provider: its JWKS address; access tokens Alexa forwards are verified against it.',
    ),
  ALEXA_OAUTH_ISSUER: z
    .string()
    .min(1)
    .optional()
    .describe('The `iss` access tokens must carry (required with `ALEXA_OAUTH_JWKS_URL`).'),
  ALEXA_OAUTH_AUDIENCE: z
    .string()
    .min(1)
    .optional()
    .describe('The `aud` access tokens must carry (required with `ALEXA_OAUTH_JWKS_URL`).'),
  ALEXA_OAUTH_CUSTOMER_CLAIM: z
    .string()
    .min(1)
    .default('sub')
    .describe('The access-token claim that names the customer.'),
  ALEXA_OAUTH_CLAIM_MATCHES: z
    .enum(['id', 'email'])
    .default('id')
    .describe('What that claim holds: the customer’s `id` here, or their `email`.'),
  DIALOGFLOW_WEBHOOK_HEADER: z
    .string()
    .regex(/^[A-Za-z0-9-]{1,64}$/, { error: 'must be an HTTP header name' })
    .default('x-channel-pilot-secret')
    .describe('The request header the Dialogflow CX agent’s webhook sends `DIALOGFLOW_WEBHOOK_SECRET` in.'),
  DIALOGFLOW_WEBHOOK_SECRET: z
    .string()
    .min(24, { error: 'must be at least 24 characters' })
    .optional()
    .describe(
      'Serves `/dialogflow/webhook` for a CX agent that sends this value (24+ characters) in `DIALOGFLOW_WEBHOOK_HEADER` (keep it in Secret Manager).',
    ),
  DIALOGFLOW_WEBHOOK_USERNAME: z
    .string()
    .min(1)
    .optional()
    .describe(
      'Serves `/dialogflow/webhook` for an agent using basic authentication, with `DIALOGFLOW_WEBHOOK_PASSWORD`.',
    ),
  DIALOGFLOW_WEBHOOK_PASSWORD: z
    .string()
    .min(16, { error: 'must be at least 16 characters' })
    .optional()
    .describe(
      'The basic authentication password (16+ characters; required with `DIALOGFLOW_WEBHOOK_USERNAME`).',
    ),
  DIALOGFLOW_ID_TOKEN_AUDIENCE: z
    .string()
    .min(1)
    .optional()
    .describe(
      'Serves `/dialogflow/webhook` for an agent that sends the Dialogflow service agent’s Google ID token with this audience.',
    ),
  DIALOGFLOW_ID_TOKEN_JWKS_URL: z
    .url({ error: 'must be the https:// address of a JWKS' })
    .default('https://www.googleapis.com/oauth2/v3/certs')
    .describe('Where the keys of those ID tokens are published.'),
  DIALOGFLOW_ID_TOKEN_ISSUER: z
    .string()
    .min(1)
    .default('https://accounts.google.com')
    .describe('The `iss` those ID tokens carry.'),
  DIALOGFLOW_API_ENDPOINT: z
    .string()
    .regex(/^[A-Za-z0-9.-]+:\d{1,5}$/, { error: 'must be host:port' })
    .optional()
    .describe(
      '`host:port` of a CX API on plain gRPC (a local server) for `voice dialogflow provision`; Google’s endpoint for the location by default.',
    ),
  VOICE_CLOSING_SURVEY: flag
    .default(false)
    .describe(
      'Ask one NPS question (0–10) at the natural end of a voice conversation that answered something, until pilots set it per cohort.',
    ),
  CLOSED_DAYS: closedDays.describe(
    'Days consultations are closed besides Italy’s public holidays: `MM-DD` every year (a patron saint’s day), `YYYY-MM-DD` once, comma-separated.',
  ),
  CHAT_ENABLED: flag
    .default(false)
    .describe(
      'Serve the live chat: the visitor’s WebSocket at `/chat/socket` and the advisors’ `/api/chat` routes.',
    ),
  CHAT_IDENTITY_SECRET: z
    .string()
    .min(32, { error: 'must be at least 32 characters' })
    .optional()
    .describe(
      'Secret the organisation’s site signs customer identities for the chat with (HMAC-SHA256, see Live chat); without it only anonymous visitors and personal links.',
    ),
  CHAT_ADVISOR_LIMIT: whole(1, 20).default(3).describe('Chats one advisor may have open at once.'),
  CHAT_MESSAGE_MAX_CHARS: whole(1, 20_000).default(2000).describe('Characters in one chat message.'),
  CHAT_MESSAGES_PER_MINUTE: whole(1, 600)
    .default(20)
    .describe('Messages one visitor may send in a minute; more are refused with a message saying so.'),
  CHAT_CONNECTIONS_PER_IP: whole(1, 10_000)
    .default(20)
    .describe('Chat connections one address may hold open on one instance.'),
  CHAT_HEARTBEAT_SECONDS: whole(1, 300)
    .default(25)
    .describe('How often the chat pings each connection; one that missed the last ping is closed.'),
  CHAT_ADVISOR_AWAY_SECONDS: whole(2, 3600)
    .default(90)
    .describe(
      'How long an advisor taking chats may go without their console’s heartbeat before they count as away: no chats assigned, not in the wait estimate (must be above `CHAT_HEARTBEAT_SECONDS`).',
    ),
  CHAT_HOURS: z
    .string()
    .default('')
    .pipe(OpeningHoursSpec)
    .describe(
      'When chat advisors answer, in `CHAT_TIME_ZONE`: `mon-fri 08:30-19:00, sat 09:00-13:00` (several stretches a day allowed); outside them a visitor asking for a person is offered a callback or e-mail. Empty: always.',
    ),
  CHAT_TIME_ZONE: z
    .string()
    .refine((zone) => Intl.supportedValuesOf('timeZone').includes(zone) || zone === 'UTC', {
      error: 'must be an IANA time zone such as Europe/Rome',
    })
    .default('Europe/Rome')
    .describe('The zone `CHAT_HOURS` and the chat’s closed days are read in.'),
  CHAT_CLOSED_DAYS: closedDays.describe(
    'Days chat advisors do not answer besides Italy’s public holidays (which close the chat when `CHAT_HOURS` is set): `MM-DD` every year, `YYYY-MM-DD` once, comma-separated.',
  ),
  CHAT_EMAIL_AFTER_SECONDS: whole(1, 86_400)
    .default(120)
    .describe(
      'How long a chat visitor may be disconnected before they count as gone: an advisor’s reply also goes out by e-mail, and a chat waiting in the queue is closed as left (at least two heartbeats: twice `CHAT_HEARTBEAT_SECONDS`).',
    ),
  REPORT_MINIMUM_GROUP: whole(1, 10_000)
    .default(20)
    .describe(
      'The fewest customers a cohort, arm, segment or census shown to pilot managers may count; smaller groups are withheld (admins see them).',
    ),
  SEED_DEMO_DATA: flag
    .default(true)
    .describe('Create the demo dataset on first start when the database is empty.'),
  SEED_CUSTOMERS: whole(1, 1_000_000).default(3000).describe('Customers in the demo dataset.'),
  SEED_INTERACTIONS: whole(0, 10_000_000).default(60_000).describe('Interactions in the demo dataset.'),
  ...billSettings,
  SHUTDOWN_TIMEOUT_MS: whole(0, 600_000)
    .default(10_000)
    .describe('How long in-flight requests may take to finish on shutdown.'),
});

export type Config = z.infer<typeof ConfigSchema> & {
  PUBLIC_URL: string;
  COOKIE_SECURE: boolean;
  /** PUBLIC_URL came from the environment, rather than from PORT. */
  publicUrlFromEnvironment: boolean;
};

/** Every setting as it is when the environment says nothing. */
export const configDefaults = ConfigSchema.parse({});

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Validates the whole environment at once and lists every bad key. */
export function loadConfig(env: Record<string, string | undefined>): Config {
  const known = Object.fromEntries(
    Object.keys(ConfigSchema.shape).map((key) => [key, env[key] === '' ? undefined : env[key]]),
  );
  const result = ConfigSchema.safeParse(known);
  if (!result.success) {
    throw new ConfigError(
      fieldIssues(result.error).map((issue) => {
        const key = issue.path.split('.')[0] as string;
        return `${shown(key, env[key])}: ${issue.message}`;
      }),
    );
  }
  const config = result.data;
  const missing = [
    ...(config.EMAIL_SENDER === 'smtp' && !config.SMTP_URL
      ? ['SMTP_URL="": is required when EMAIL_SENDER=smtp']
      : []),
    ...(config.LIVEKIT_URL && !config.LIVEKIT_API_KEY
      ? ['LIVEKIT_API_KEY="": is required with LIVEKIT_URL']
      : []),
    ...(config.LIVEKIT_URL && !config.LIVEKIT_API_SECRET
      ? ['LIVEKIT_API_SECRET="": is required with LIVEKIT_URL']
      : []),
    ...(config.DIALOGFLOW_WEBHOOK_USERNAME && !config.DIALOGFLOW_WEBHOOK_PASSWORD
      ? ['DIALOGFLOW_WEBHOOK_PASSWORD="": is required with DIALOGFLOW_WEBHOOK_USERNAME']
      : []),
    ...(config.ALEXA_OAUTH_JWKS_URL && !config.ALEXA_OAUTH_ISSUER
      ? ['ALEXA_OAUTH_ISSUER="": is required with ALEXA_OAUTH_JWKS_URL']
      : []),
    ...(config.BILL_PAYMENT_CODE === 'pagopa' && !config.PAGOPA_CREDITOR_TAX_CODE
      ? ['PAGOPA_CREDITOR_TAX_CODE="": is required when BILL_PAYMENT_CODE=pagopa']
      : []),
    ...(config.CHAT_ADVISOR_AWAY_SECONDS <= config.CHAT_HEARTBEAT_SECONDS
      ? [
          `CHAT_ADVISOR_AWAY_SECONDS=${JSON.stringify(env.CHAT_ADVISOR_AWAY_SECONDS ?? '')}: must be above CHAT_HEARTBEAT_SECONDS (${config.CHAT_HEARTBEAT_SECONDS}), or every advisor would go away between two heartbeats`,
        ]
      : []),
    ...(config.CHAT_EMAIL_AFTER_SECONDS < 2 * config.CHAT_HEARTBEAT_SECONDS
      ? [
          `CHAT_EMAIL_AFTER_SECONDS=${JSON.stringify(env.CHAT_EMAIL_AFTER_SECONDS ?? '')}: must be at least two heartbeats (2 × CHAT_HEARTBEAT_SECONDS = ${2 * config.CHAT_HEARTBEAT_SECONDS}), or a visitor still connected could count as gone (each instance notes its visitors once a heartbeat)`,
        ]
      : []),
    ...(config.ALEXA_OAUTH_JWKS_URL && !config.ALEXA_OAUTH_AUDIENCE
      ? ['ALEXA_OAUTH_AUDIENCE="": is required with ALEXA_OAUTH_JWKS_URL']
      : []),
  ];
  if (missing.length > 0) throw new ConfigError(missing);
  const publicUrl = (config.PUBLIC_URL ?? `http://localhost:${config.PORT}`).replace(/\/$/, '');
  return {
    ...config,
    PUBLIC_URL: publicUrl,
    COOKIE_SECURE: config.COOKIE_SECURE ?? publicUrl.startsWith('https:'),
    publicUrlFromEnvironment: config.PUBLIC_URL !== undefined,
  };
}
