import { randomUUID } from 'node:crypto';
import type { Locale } from '../../../core/index.ts';
import { spokenSlotValue } from '../../alexa/chat/slot-values.ts';
import { createUtteranceMatcher } from '../../alexa/chat/utterance-matcher.ts';
import type { InteractionModel } from '../../alexa/intent-models.ts';
import { cxEntityType, cxIntentName, cxLanguages, cxResolvedValue, tagOf } from '../agent/agent-tags.ts';
import type { WebhookRequest, WebhookResponse } from '../dialogflow-request.ts';
import { ASKING_PARAMETER, END_PARAMETER } from '../dialogflow-webhook.ts';

/** One exchange: what the agent said (text and SSML) and the JSON that went back and forth. */
export interface DialogflowExchange {
  tag: string;
  text: string;
  ssml: string;
  /** The session is over: the next sentence starts a new one. */
  ended: boolean;
  request: WebhookRequest;
  response: WebhookResponse;
}

/** Options of {@link createDialogflowConversation}. */
export interface DialogflowConversationOptions {
  locale: Locale;
  /** The interaction model of `locale`: the agent's intents and training phrases are made from it. */
  model: InteractionModel;
  /** Posts a webhook request as CX does and returns the webhook's response. */
  send: (request: WebhookRequest) => Promise<WebhookResponse>;
  /** The agent's resource name, `projects/P/locations/L/agents/A`. */
  agent: string;
  /** The caller's number, for a call through CX's phone gateway. */
  callerId?: string | undefined;
  /** Today's ISO date in Europe/Rome, which spoken dates are resolved from. */
  today: () => string;
  newId?: () => string;
}

type Parameters = Record<string, unknown>;
interface CxParameter {
  originalValue: string;
  resolvedValue: unknown;
}

/**
 * Plays Dialogflow CX between a user typing sentences and the webhook, with the agent generated
 * from the interaction models: a sentence matches an intent by its training phrases (the models'
 * samples), the route calls the webhook with the intent's tag and parameters as CX resolves them,
 * and the session's parameters are kept and updated (cleared with null) as the webhook says. A
 * question the webhook asks (`channel_pilot_asking`) puts the session on that question's page,
 * whose form takes the answer; a sentence that is no answer is matched as a new request, as the
 * flow's routes stay in scope.
 */
export function createDialogflowConversation(options: DialogflowConversationOptions) {
  const { locale, model } = options;
  const newId = options.newId ?? randomUUID;
  const matcher = createUtteranceMatcher(model);
  let session: { name: string; parameters: Parameters } | undefined;

  /**
   * The words captured for each slot as CX's resolved parameters. CX extracts only what it
   * recognises as the entity: words that make no date, time, number or entity value are left out.
   */
  function parameters(intent: string, captured: Record<string, string>): Record<string, CxParameter> {
    const slots = model.intents.find((i) => i.name === intent)?.slots ?? [];
    const found: Record<string, CxParameter> = {};
    for (const [name, said] of Object.entries(captured)) {
      const slot = slots.find((s) => s.name === name);
      if (!slot) continue;
      const spoken = spokenSlotValue(slot.type, said, {
        locale,
        today: options.today(),
        slotTypes: model.slotTypes,
      });
      const value = spoken.resolution ? spoken.resolution.match?.id : spoken.value;
      if (value !== undefined)
        found[name] = { originalValue: said, resolvedValue: cxResolvedValue(cxEntityType(slot), value) };
    }
    return found;
  }

  async function send(
    tag: string,
    text: string,
    match: { intent?: string; parameters?: Record<string, CxParameter>; form?: boolean },
  ): Promise<DialogflowExchange> {
    session ??= { name: `${options.agent}/sessions/${newId()}`, parameters: {} };
    const flow = `${options.agent}/flows/00000000-0000-0000-0000-000000000000`;
    const found = match.parameters ?? {};
    const request: WebhookRequest = {
      detectIntentResponseId: newId(),
      languageCode: cxLanguages[locale],
      fulfillmentInfo: { tag },
      ...(match.intent
        ? {
            intentInfo: {
              lastMatchedIntent: `${options.agent}/intents/${cxIntentName(match.intent)}`,
              displayName: cxIntentName(match.intent),
              confidence: 1,
              parameters: (match.form ? {} : found) as never,
            },
          }
        : {}),
      pageInfo: {
        currentPage: `${flow}/pages/START_PAGE`,
        displayName: 'Start Page',
        ...(match.form
          ? {
              formInfo: {
                parameterInfo: Object.entries(found).map(([displayName, value]) => ({
                  displayName,
                  required: true,
                  state: 'FILLED' as never,
                  value: value.resolvedValue as never,
                  justCollected: true,
                })),
              },
            }
          : {}),
      },
      sessionInfo: { session: session.name, parameters: session.parameters as never },
      text,
      ...(options.callerId ? { payload: { telephony: { caller_id: options.callerId } } as never } : {}),
    };
    const response = await options.send(request);
    const changes = (response.sessionInfo?.parameters ?? {}) as Parameters;
    const kept: Parameters = { ...session.parameters };
    for (const [name, value] of Object.entries(changes)) {
      if (value === null) delete kept[name];
      else kept[name] = value;
    }
    session.parameters = kept;
    const messages = response.fulfillmentResponse?.messages ?? [];
    const ended = kept[END_PARAMETER] === true;
    if (ended) session = undefined;
    return {
      tag,
      text: messages.flatMap((m) => m.text?.text ?? []).join(' '),
      ssml: messages.find((m) => m.outputAudioText)?.outputAudioText?.ssml ?? '',
      ended,
      request,
      response,
    };
  }

  return {
    /** The agent's welcome: the start of a session. */
    open: () => send('open', '', {}),
    /** Says a sentence; starts a new session when none is open. */
    say(text: string): Promise<DialogflowExchange> {
      const asking = session?.parameters[ASKING_PARAMETER];
      if (typeof asking === 'string') {
        const [intent = '', slot = ''] = asking.split('.');
        const captured = matcher.matchSlot(`${intent}Intent`, slot, text);
        if (captured)
          return send(intent, text, {
            intent: `${intent}Intent`,
            parameters: parameters(`${intent}Intent`, captured),
            form: true,
          });
      }
      const found = matcher.match(text);
      if (!found) return send('open', text, {});
      return send(tagOf(found.intent), text, {
        intent: found.intent,
        parameters: parameters(found.intent, found.slots),
      });
    },
    /** The caller goes silent or hangs up: the agent's no-input handler; nothing when no session is open. */
    end: async () => (session ? send('ended', '', {}) : undefined),
    /** The CX session's name (`…/sessions/<id>`), once one is open. */
    session: () => session?.name,
  };
}
export type DialogflowConversation = ReturnType<typeof createDialogflowConversation>;
