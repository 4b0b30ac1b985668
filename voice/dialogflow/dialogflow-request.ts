import type { protos } from '@google-cloud/dialogflow-cx';
import { z } from 'zod';
import { invalidInput, fieldIssues, describeIssues, locales, type Locale } from '../../core/index.ts';
import type { SessionState, Slots } from '../../core/services.ts';

export type WebhookRequest = protos.google.cloud.dialogflow.cx.v3.IWebhookRequest;
export type WebhookResponse = protos.google.cloud.dialogflow.cx.v3.IWebhookResponse;

/** The session parameter the conversation's state travels in between turns. */
export const STATE_PARAMETER = 'channel_pilot_state';

// Only the fields the webhook reads, each checked; everything else CX sends (and it sends fields
// it does not document) passes untouched.
const Parameter = z.looseObject({ originalValue: z.string().optional(), resolvedValue: z.unknown() });
const RequestSchema = z.looseObject({
  languageCode: z.string().max(35).optional(),
  fulfillmentInfo: z.looseObject({ tag: z.string().min(1).max(100) }),
  intentInfo: z.looseObject({ parameters: z.record(z.string(), Parameter).optional() }).optional(),
  sessionInfo: z.looseObject({
    session: z.string().min(1).max(500),
    parameters: z.record(z.string(), z.unknown()).optional(),
  }),
  pageInfo: z
    .looseObject({
      formInfo: z
        .looseObject({
          parameterInfo: z
            .array(
              z.looseObject({
                displayName: z.string().max(100),
                state: z.string().max(40).optional(),
                value: z.unknown(),
              }),
            )
            .max(100)
            .optional(),
        })
        .optional(),
    })
    .optional(),
  payload: z
    .looseObject({ telephony: z.looseObject({ caller_id: z.string().max(40).optional() }).optional() })
    .optional(),
});

/** What travels in the state parameter: the conversation's state and the question CX is asking. */
export interface DialogflowState {
  conversation?: SessionState;
  /** The intent a slot or a confirmation is being asked for, with the slots gathered so far. */
  asking?: { intent: string; slots: Slots; confirm?: true };
  /** A code went to the customer the caller's number proposes: asked for again, never sent twice. */
  codeSent?: true;
}

/** A CX webhook call in the conversation's terms. */
export interface DialogflowTurn {
  tag: string;
  locale: Locale;
  /** The CX session (one conversation, one phone call). */
  session: string;
  slots: Slots;
  state: DialogflowState;
  /** The caller's number, when the call came through CX's phone gateway. */
  callerId?: string | undefined;
}

/** Reads a webhook request, or fails with 400 naming what is missing or malformed. */
export function readWebhookRequest(body: unknown): DialogflowTurn {
  const parsed = RequestSchema.safeParse(body);
  if (!parsed.success) {
    const issues = fieldIssues(parsed.error, 'body');
    throw invalidInput(`not a Dialogflow CX webhook request: ${describeIssues(issues)}`, issues);
  }
  const request = parsed.data;
  const sessionParameters = request.sessionInfo.parameters ?? {};
  // The slots are what this turn's intent and the current page's form hold; other session
  // parameters belong to earlier questions.
  const slots: Slots = {};
  for (const parameter of request.pageInfo?.formInfo?.parameterInfo ?? []) {
    const said = parameter.state === 'INVALID' ? undefined : slotValue(parameter.value);
    if (said !== undefined) slots[parameter.displayName] = said;
  }
  for (const [name, parameter] of Object.entries(request.intentInfo?.parameters ?? {})) {
    const said = slotValue(parameter.resolvedValue) ?? parameter.originalValue;
    if (said) slots[name] = said;
  }
  const state = sessionParameters[STATE_PARAMETER];
  return {
    tag: request.fulfillmentInfo.tag,
    locale: localeOf(request.languageCode),
    session: request.sessionInfo.session,
    slots,
    state:
      typeof state === 'object' && state !== null && !Array.isArray(state) ? (state as DialogflowState) : {},
    callerId: request.payload?.telephony?.caller_id,
  };
}

/** CX's language code (`it`, `it-IT`, `en`) as a locale the product speaks; English otherwise. */
function localeOf(code: string | undefined): Locale {
  const lower = (code ?? '').toLowerCase();
  return (
    locales.find((locale) => locale.toLowerCase() === lower || locale.slice(0, 2) === lower.slice(0, 2)) ??
    'en-US'
  );
}

/**
 * A parameter's value as the fulfilment takes slots: text and numbers as they are, CX's
 * `@sys.date` (`{year, month, day}`) as `2026-11-25`, `@sys.time` (`{hours, minutes}`) as `10:30`.
 */
function slotValue(value: unknown): string | undefined {
  if (typeof value === 'string') return value === '' ? undefined : value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'object' || value === null) return undefined;
  const parts = value as Record<string, unknown>;
  const two = (n: unknown) => String(n).padStart(2, '0');
  if (typeof parts.year === 'number' && typeof parts.month === 'number' && typeof parts.day === 'number')
    return `${parts.year}-${two(parts.month)}-${two(parts.day)}`;
  if (typeof parts.hours === 'number') return `${two(parts.hours)}:${two(parts.minutes ?? 0)}`;
  return undefined;
}
