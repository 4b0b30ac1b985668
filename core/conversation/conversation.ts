import type { Locale } from '../vocabulary.ts';
import type { Interaction, Outcome } from '../interactions.ts';
import { speak } from './messages.ts';

/** The reason a turn is filed under when nothing in the conversation named one. */
export const GENERAL_REASON = 'general_enquiry';

/** A question asked earlier in the same conversation, as the platform's session remembers it. */
export interface EarlierTurn {
  /** The id the turn was logged under. */
  turnId: string;
  intent: string;
  reason: string;
  outcome: Outcome;
}

/** One turn as a platform adapter hands it over: who asks, in which language, and what they said. */
export interface TurnRequest {
  customerId: string;
  locale: Locale;
  /** The id this turn is logged under, so that what it sends (a link, a callback) can point back to it. */
  turnId: string;
  /** The contact the turn belongs with (a chat's conversation): the turn joins its journey. */
  handoffFromId?: string | undefined;
  /**
   * Slot values as the platform resolved them: a date as `2026-11-25`, `2026-W48` or `2026-11`; a
   * time as `10:30` or a part of the day (`MO`, `AF`, `EV`, `NI`); a topic by its id; a number as digits.
   */
  slots?: Partial<Record<string, string>>;
  /** The customer's answer to a confirmation this intent asked for. */
  confirmation?: 'none' | 'confirmed' | 'denied';
  /** Earlier turns of this conversation, oldest first. */
  history?: readonly EarlierTurn[];
  /** The appointment the answer just before talked about ("cancel it" means that one). */
  appointmentId?: string | undefined;
}

/** What the adapter does after saying the reply. */
export type NextStep =
  /** Listen for another question. */
  | { kind: 'listen' }
  /**
   * Ask for one slot of the same intent, keeping the slots gathered so far; `choices`: the values
   * the question names (the supplies of "luce o gas?"), for a channel that shows them as buttons.
   */
  | { kind: 'elicit'; slot: string; slots: Partial<Record<string, string>>; choices?: string[] }
  /** Ask the customer to confirm the whole intent with these slots. */
  | { kind: 'confirm'; slots: Partial<Record<string, string>> }
  /** Offer an intent (with these slots), to be run on a yes. */
  | { kind: 'offer'; intent: string; slots?: Partial<Record<string, string>> }
  /** The conversation is over. */
  | { kind: 'end' };

/** A platform-neutral answer: the adapters turn it into an Alexa or Dialogflow payload. */
export interface IntentReply {
  /** SSML, wrapped in `<speak>`. */
  speech: string;
  cardTitle: string;
  /** Plain text for the companion card or chat bubble. */
  cardText: string;
  outcome: Outcome;
  /** The contact reason this turn is logged under, as the other channels name it. */
  reason: string;
  /** Listen for another question when absent. */
  next?: NextStep;
  /** The appointment this answer talks about, which the next turn may refer to as "it". */
  about?: { appointmentId: string };
  /**
   * What the answer still has to do once its turn is stored in the customer's journey (a booking
   * takes the journey of the turn that made it); the turn log runs it and hands it to no adapter.
   */
  whenLogged?: (turn: Interaction) => Promise<void>;
}

export type IntentHandler = (request: TurnRequest) => Promise<IntentReply>;

/** A reply whose speech is its card text. */
export function reply(
  title: string,
  text: string,
  outcome: Outcome,
  reason: string,
  next?: NextStep,
): IntentReply {
  return {
    speech: speak(text),
    cardTitle: title,
    cardText: text,
    outcome,
    reason,
    ...(next ? { next } : {}),
  };
}

/**
 * Runs `answer`, turning any failure into the apology `sorry` (a reply that says nothing about
 * the customer) and reporting the error, so that no turn ends in silence or a stack trace.
 */
export async function answering(
  sorry: () => IntentReply,
  onError: ((error: unknown) => void) | undefined,
  answer: () => Promise<IntentReply>,
): Promise<IntentReply> {
  try {
    return await answer();
  } catch (error) {
    onError?.(error);
    return sorry();
  }
}

/**
 * The handlers of one intent group: each answer gets the group's messages in the customer's
 * language, and a failure becomes the group's apology (nothing about the error is said) and is
 * reported with the intent.
 */
export function intentGroup<Name extends string, Messages>(options: {
  messages: Record<Locale, Messages>;
  apology: (say: Messages, intent: Name, request: TurnRequest) => IntentReply;
  onError?: ((error: unknown, at: { intent: Name; customerId: string }) => void) | undefined;
}) {
  return (
      intent: Name,
      answer: (request: TurnRequest, say: Messages) => Promise<IntentReply>,
    ): IntentHandler =>
    (request) => {
      const say = options.messages[request.locale];
      return answering(
        () => options.apology(say, intent, request),
        (error) => options.onError?.(error, { intent, customerId: request.customerId }),
        () => answer(request, say),
      );
    };
}
