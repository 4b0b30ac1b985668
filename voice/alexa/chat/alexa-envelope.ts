import { randomUUID } from 'node:crypto';
import type {
  DialogState,
  IntentConfirmationStatus,
  RequestEnvelope,
  SessionEndedReason,
  Slot,
  slu,
  User,
} from 'ask-sdk-model';

/** The request inside an envelope; ids, timestamp and locale are filled in by {@link alexaEnvelope}. */
export type AlexaRequestSpec =
  | { type: 'LaunchRequest' }
  | {
      type: 'IntentRequest';
      /** An intent name (no slots, not confirmed) or the intent as Alexa sends it. */
      intent:
        | string
        | { name: string; confirmationStatus?: IntentConfirmationStatus; slots?: Record<string, Slot> };
      /** `COMPLETED` unless said: what Alexa sends for an intent without a dialog model. */
      dialogState?: DialogState;
    }
  | { type: 'SessionEndedRequest'; reason?: SessionEndedReason };

/** Options of {@link alexaEnvelope}. */
export interface AlexaEnvelopeOptions {
  request: AlexaRequestSpec;
  /** `it-IT`, `en-US`, … */
  locale: string;
  /** The skill's application id, `amzn1.ask.skill.<uuid>`. */
  skillId: string;
  /** The Alexa account; a fixed test user by default. */
  userId?: string;
  /** The linked account's token, present only once the user has linked their account. */
  accessToken?: string;
  /** The session to continue; a new session id when omitted. */
  sessionId?: string;
  /** Whether this is the session's first request; by default true exactly when `sessionId` is omitted. */
  newSession?: boolean;
  /** The `sessionAttributes` the skill returned last turn. */
  attributes?: Record<string, unknown>;
  /** The speaker's id; by default one of the user's own (each user on their own device). */
  deviceId?: string;
  apiEndpoint?: string;
  apiAccessToken?: string;
  /** When Alexa sent the request; now by default, so that it passes the skill's timestamp check. */
  timestamp?: Date;
  /** Makes the uuids of request and session ids; `crypto.randomUUID` by default. */
  newId?: () => string;
}

/** The entity-resolution outcome of a custom slot type value. */
export interface SlotResolution {
  /** The skill whose model defines the slot type; part of the authority Alexa names. */
  skillId: string;
  /** The custom slot type, e.g. `CONSULTATION_TOPIC`. */
  slotType: string;
  /** The value the spoken text resolved to; none for `ER_SUCCESS_NO_MATCH`. */
  match?: { id: string; name: string };
}

/** Options of {@link alexaSlot}. */
export interface AlexaSlotOptions {
  name: string;
  /** What Alexa heard, already normalised for built-in types (`2026-11-30`, `15:00`, `42`); omit if nothing was said. */
  value?: string;
  confirmationStatus?: Slot['confirmationStatus'];
  /** Only for custom slot types: Alexa resolves their values against the model's values and synonyms. */
  resolution?: SlotResolution;
}

/** A slot as Alexa sends it; `source` is in the wire format but not (yet) in ask-sdk-model's `Slot`. */
export type AlexaSlot = Slot & { source?: 'USER' };

const defaultUserId = 'amzn1.ask.account.SIMULATED-USER';

/** Alexa's timestamps are ISO 8601 in UTC without milliseconds: `2026-11-22T10:00:00Z`. */
export function alexaTimestamp(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The entity-resolution authority Alexa names for a custom slot type of a skill. */
export function slotTypeAuthority(skillId: string, slotType: string): string {
  return `amzn1.er-authority.echo-sdk.${skillId}.${slotType}`;
}

/**
 * A slot as it appears in an IntentRequest: a slot the user did not fill carries only its name and
 * confirmation status; a filled one also its value, `source` and, for custom types, `resolutions`.
 */
export function alexaSlot(options: AlexaSlotOptions): AlexaSlot {
  const { name, value, resolution } = options;
  const confirmationStatus = options.confirmationStatus ?? 'NONE';
  if (value === undefined) return { name, confirmationStatus };
  const resolutions = resolution ? resolutionsOf(resolution) : undefined;
  return {
    name,
    value,
    confirmationStatus,
    source: 'USER',
    ...(resolutions ? { resolutions } : {}),
    slotValue: { type: 'Simple', value, ...(resolutions ? { resolutions } : {}) },
  };
}

function resolutionsOf(resolution: SlotResolution): slu.entityresolution.Resolutions {
  const authority = slotTypeAuthority(resolution.skillId, resolution.slotType);
  const { match } = resolution;
  if (match) {
    return {
      resolutionsPerAuthority: [
        { authority, status: { code: 'ER_SUCCESS_MATCH' }, values: [{ value: match }] },
      ],
    };
  }
  // Alexa omits `values` on a no-match although ask-sdk-model declares it required: a skill
  // that reads `values` without checking the status breaks in production, so it should here too.
  const noMatch = { authority, status: { code: 'ER_SUCCESS_NO_MATCH' } } as slu.entityresolution.Resolution;
  return { resolutionsPerAuthority: [noMatch] };
}

/**
 * A request envelope as Alexa POSTs it to a custom skill's endpoint: the session (with the attributes
 * the skill returned last turn), the System context with the linked account's token when there is one,
 * and the request itself.
 */
export function alexaEnvelope(options: AlexaEnvelopeOptions): RequestEnvelope {
  const newId = options.newId ?? randomUUID;
  const application = { applicationId: options.skillId };
  const user: User = {
    userId: options.userId ?? defaultUserId,
    ...(options.accessToken ? { accessToken: options.accessToken } : {}),
  };
  const common = {
    requestId: `amzn1.echo-api.request.${newId()}`,
    timestamp: alexaTimestamp(options.timestamp ?? new Date()),
    locale: options.locale,
  };
  const spec = options.request;
  let request: RequestEnvelope['request'];
  if (spec.type === 'IntentRequest') {
    const intent = typeof spec.intent === 'string' ? { name: spec.intent } : spec.intent;
    request = {
      type: 'IntentRequest',
      ...common,
      dialogState: spec.dialogState ?? 'COMPLETED',
      intent: {
        name: intent.name,
        confirmationStatus: intent.confirmationStatus ?? 'NONE',
        slots: intent.slots ?? {},
      },
    };
  } else if (spec.type === 'SessionEndedRequest') {
    request = { type: 'SessionEndedRequest', ...common, reason: spec.reason ?? 'USER_INITIATED' };
  } else {
    request = { type: 'LaunchRequest', ...common };
  }
  return {
    version: '1.0',
    session: {
      new: options.newSession ?? options.sessionId === undefined,
      sessionId: options.sessionId ?? `amzn1.echo-api.session.${newId()}`,
      application,
      user,
      attributes: options.attributes ?? {},
    },
    context: {
      System: {
        application,
        user,
        device: {
          deviceId: options.deviceId ?? `amzn1.ask.device.SIMULATED-${user.userId.slice(-24)}`,
          supportedInterfaces: {},
        },
        apiEndpoint: options.apiEndpoint ?? 'https://api.eu.amazonalexa.com',
        apiAccessToken: options.apiAccessToken ?? 'simulated-api-access-token',
      },
    },
    request,
  };
}
