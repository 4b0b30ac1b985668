import { randomUUID } from 'node:crypto';
import type {
  DialogState,
  Intent,
  IntentConfirmationStatus,
  RequestEnvelope,
  ResponseEnvelope,
  Slot,
} from 'ask-sdk-model';
import type { Locale } from '../../../core/index.ts';
import type { InteractionModel } from '../intent-models.ts';
import { alexaEnvelope, alexaSlot, type AlexaRequestSpec } from './alexa-envelope.ts';
import { readReply, type AlexaReply } from './alexa-reply.ts';
import { spokenSlotValue } from './slot-values.ts';
import { createUtteranceMatcher } from './utterance-matcher.ts';

/** One exchange: what the skill answered and the envelopes that went back and forth. */
export interface AlexaTurn extends AlexaReply {
  /** The session is over: the next sentence opens a new one. */
  ended: boolean;
  request: RequestEnvelope;
  response: ResponseEnvelope;
}

/** Options of {@link createAlexaConversation}. */
export interface AlexaConversationOptions {
  locale: Locale;
  /** The skill under test, e.g. `(envelope) => skill.invoke(envelope)`. */
  invoke: (envelope: RequestEnvelope) => Promise<ResponseEnvelope>;
  /** The interaction model of `locale` (loadInteractionModel). */
  model: InteractionModel;
  /** The skill's application id, `amzn1.ask.skill.<uuid>`. */
  skillId: string;
  /** The Alexa account talking. */
  userId: string;
  /** The linked account's token, when the user has linked their account. */
  accessToken?: string;
  /** Today's ISO date in Europe/Rome, which spoken dates ("domani", "monday") are resolved from. */
  today: () => string;
  /** Makes the uuids of session and request ids; `crypto.randomUUID` by default. */
  newId?: () => string;
  /** When each request is sent; now by default, so that timestamps pass the skill's verification. */
  now?: () => Date;
}

/** A typed conversation with a skill, with Alexa in between. */
export interface AlexaConversation {
  /** Opens the skill: a LaunchRequest, in the open session if there is one. */
  launch(): Promise<AlexaTurn>;
  /** Says a sentence; starts a new session when none is open. */
  say(text: string): Promise<AlexaTurn>;
  /** The user leaves: a SessionEndedRequest (USER_INITIATED); undefined when no session is open. */
  end(): Promise<AlexaTurn | undefined>;
}

/** What the skill's last dialog directive asked of the next sentence. */
type Awaiting =
  | { kind: 'slot'; intent: Intent; slot: string }
  | { kind: 'intent-confirmation'; intent: Intent }
  | { kind: 'slot-confirmation'; intent: Intent; slot: string };

interface Session {
  id: string;
  isNew: boolean;
  attributes: Record<string, unknown>;
}

const answers: Record<string, IntentConfirmationStatus> = {
  'AMAZON.YesIntent': 'CONFIRMED',
  'AMAZON.NoIntent': 'DENIED',
};

/**
 * Simulates Alexa between a user typing sentences and a custom skill whose dialog model has
 * `delegationStrategy: SKILL_RESPONSE`: it recognises intents and slots from the model's samples, keeps
 * the session and its attributes, and follows the skill's Dialog.ElicitSlot, ConfirmIntent and
 * ConfirmSlot directives. Dialog.Delegate is not supported. Like an Echo without a screen, a response
 * that neither sets `shouldEndSession` nor reprompts nor directs the dialog ends the session.
 */
export function createAlexaConversation(options: AlexaConversationOptions): AlexaConversation {
  const { locale, model, invoke } = options;
  if (model.locale !== locale) throw new Error(`the model is for ${model.locale}, not ${locale}`);
  const newId = options.newId ?? randomUUID;
  const now = options.now ?? (() => new Date());
  const matcher = createUtteranceMatcher(model);
  let session: Session | undefined;
  let awaiting: Awaiting | undefined;
  let lastIntent: Intent | undefined;

  function slotModels(intentName: string) {
    return model.intents.find((intent) => intent.name === intentName)?.slots ?? [];
  }

  // Alexa sends every slot of the intent, those not said without a value.
  function withSlots(base: Intent, captured: Record<string, string>): Intent {
    const slots: Record<string, Slot> = { ...base.slots };
    for (const slot of slotModels(base.name)) {
      const said = captured[slot.name];
      if (said !== undefined) {
        const spoken = spokenSlotValue(slot.type, said, {
          locale,
          today: options.today(),
          slotTypes: model.slotTypes,
        });
        const resolution = spoken.resolution && { ...spoken.resolution, skillId: options.skillId };
        slots[slot.name] = alexaSlot({
          name: slot.name,
          ...(spoken.value !== undefined ? { value: spoken.value } : {}),
          ...(resolution ? { resolution } : {}),
        });
      } else {
        slots[slot.name] ??= alexaSlot({ name: slot.name });
      }
    }
    return { name: base.name, confirmationStatus: base.confirmationStatus, slots };
  }

  function awaitingFrom(response: ResponseEnvelope): Awaiting | undefined {
    for (const directive of response.response.directives ?? []) {
      if (directive.type === 'Dialog.Delegate') {
        throw new Error(
          'Dialog.Delegate is not supported: the simulator plays Alexa with delegationStrategy SKILL_RESPONSE, ' +
            'so the skill must elicit and confirm with Dialog.ElicitSlot, ConfirmIntent and ConfirmSlot',
        );
      }
      if (
        directive.type !== 'Dialog.ElicitSlot' &&
        directive.type !== 'Dialog.ConfirmIntent' &&
        directive.type !== 'Dialog.ConfirmSlot'
      ) {
        continue;
      }
      const intent = directive.updatedIntent ?? lastIntent;
      if (!intent) {
        throw new Error(`${directive.type} came without updatedIntent and no intent to apply it to`);
      }
      if (directive.type === 'Dialog.ElicitSlot') {
        return { kind: 'slot', intent, slot: directive.slotToElicit };
      }
      if (directive.type === 'Dialog.ConfirmSlot') {
        return { kind: 'slot-confirmation', intent, slot: directive.slotToConfirm };
      }
      return { kind: 'intent-confirmation', intent };
    }
    return undefined;
  }

  async function send(request: AlexaRequestSpec): Promise<AlexaTurn> {
    session ??= { id: `amzn1.echo-api.session.${newId()}`, isNew: true, attributes: {} };
    const envelope = alexaEnvelope({
      request,
      locale,
      skillId: options.skillId,
      userId: options.userId,
      ...(options.accessToken ? { accessToken: options.accessToken } : {}),
      sessionId: session.id,
      newSession: session.isNew,
      attributes: session.attributes,
      timestamp: now(),
      newId,
    });
    if (request.type === 'IntentRequest' && envelope.request.type === 'IntentRequest') {
      lastIntent = envelope.request.intent;
    }
    const response = await invoke(envelope);
    const reply = readReply(response);
    const { shouldEndSession, reprompt } = response.response;
    awaiting = request.type === 'SessionEndedRequest' ? undefined : awaitingFrom(response);
    const ended =
      request.type === 'SessionEndedRequest' ||
      shouldEndSession === true ||
      (shouldEndSession === undefined && !reprompt && !awaiting);
    if (ended) {
      session = undefined;
      awaiting = undefined;
      lastIntent = undefined;
    } else {
      session.isNew = false;
      session.attributes = response.sessionAttributes ?? {};
    }
    return { ...reply, ended, request: envelope, response };
  }

  function answerTo(current: Awaiting, text: string): AlexaRequestSpec | undefined {
    if (current.kind === 'slot') {
      const captured = matcher.matchSlot(current.intent.name, current.slot, text);
      if (!captured) return undefined;
      return {
        type: 'IntentRequest',
        intent: withSlots(current.intent, captured),
        dialogState: 'IN_PROGRESS',
      };
    }
    const status = answers[matcher.match(text)?.intent ?? ''];
    if (!status) return undefined;
    const intent = withSlots(current.intent, {});
    if (current.kind === 'intent-confirmation') {
      return {
        type: 'IntentRequest',
        intent: { ...intent, confirmationStatus: status },
        dialogState: 'IN_PROGRESS',
      };
    }
    const slot = intent.slots?.[current.slot] ?? alexaSlot({ name: current.slot });
    const slots = { ...intent.slots, [current.slot]: { ...slot, confirmationStatus: status } };
    return { type: 'IntentRequest', intent: { ...intent, slots }, dialogState: 'IN_PROGRESS' };
  }

  function newRequest(text: string): AlexaRequestSpec {
    const found = matcher.match(text);
    if (!found) return { type: 'LaunchRequest' };
    const intentModel = model.intents.find((intent) => intent.name === found.intent);
    const hasDialog =
      intentModel !== undefined &&
      (intentModel.confirmationRequired || intentModel.slots.some((slot) => slot.elicitationRequired));
    const dialogState: DialogState = hasDialog ? 'STARTED' : 'COMPLETED';
    const intent = withSlots({ name: found.intent, confirmationStatus: 'NONE', slots: {} }, found.slots);
    return { type: 'IntentRequest', intent, dialogState };
  }

  return {
    launch: () => {
      awaiting = undefined;
      return send({ type: 'LaunchRequest' });
    },
    say: (text) => {
      const current = session ? awaiting : undefined;
      // Whatever is not an answer to Alexa's question is matched as a new request, as Alexa does.
      const request = (current && answerTo(current, text)) ?? newRequest(text);
      return send(request);
    },
    end: async () => (session ? send({ type: 'SessionEndedRequest', reason: 'USER_INITIATED' }) : undefined),
  };
}
