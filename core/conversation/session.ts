import type { ChannelAccess } from '../channel-access.ts';
import type { Locale } from '../vocabulary.ts';
import { appointmentIntentNames } from './appointment-intents.ts';
import { billIntentNames } from './bill-intents.ts';
import {
  GENERAL_REASON,
  reply,
  type EarlierTurn,
  type IntentHandler,
  type IntentReply,
  type NextStep,
} from './conversation.ts';
import { serviceIntentNames } from './service-intents.ts';
import { serviceMessages } from './service-messages.ts';
import { sessionMessages } from './session-messages.ts';
import type { LoggedReply, UnloggedTurn } from './turn-log.ts';

// The rules of a conversation, whatever platform carries it: state in, an answer and state out.
// The platform adapters (Alexa, Dialogflow) translate their envelopes to and from these terms.

/** Every fulfilment intent a linked customer can ask for. */
export const customerIntentNames = [...billIntentNames, ...serviceIntentNames, ...appointmentIntentNames];
export type CustomerIntentName = (typeof customerIntentNames)[number];

export type Slots = Partial<Record<string, string>>;

/** What the conversation keeps between turns (the platform carries it and hands it back). */
export interface SessionState {
  /** The customer turns answered so far, newest last. */
  history?: EarlierTurn[];
  /** An intent offered with a yes/no question, with the slots to run it with, run on "yes". */
  offer?: { intent: string; slots?: Slots };
  /** Fallbacks in a row; any understood request resets it. */
  consecutiveFallbacks?: number;
  /** The closing satisfaction question was asked in this session. */
  surveyAsked?: boolean;
  /** The appointment the last answer talked about: "cancel it" right after means that one. */
  appointment?: string;
  /** The question the last answer asked (a slot to fill), asked again on a "yes" that answers none of it. */
  asking?: { intent: string; slots?: Slots };
}

/** What the customer did, in the conversation's terms. */
export type SessionEvent =
  | { kind: 'open' }
  | {
      kind: 'intent';
      intent: CustomerIntentName;
      slots: Slots;
      confirmation: 'none' | 'confirmed' | 'denied';
    }
  | { kind: 'help' | 'stop' | 'cancel' | 'fallback' | 'yes' | 'no' }
  /** The platform ended the session (the customer went silent or left): nothing may be said. */
  | { kind: 'ended' };

/** What to answer, for the adapter to put in its envelope. */
export interface SessionAnswer {
  /** SSML; empty when nothing may be said. */
  speech: string;
  /** Said when the customer says nothing (absent: the conversation ends, or the platform decides). */
  reprompt?: string;
  card?: { title: string; text: string };
  next: NextStep;
  /** The intent an elicit or confirm step belongs to. */
  intent?: string;
  /** Nobody is linked: the platform says how to link an account (its own words and card). */
  linkAccount?: true;
}

export interface SessionTurn {
  locale: Locale;
  event: SessionEvent;
  state: SessionState;
  /** Who is asking; asked only when the turn needs a customer. */
  identify: () => Promise<{ customerId: string; handoffFromId?: string } | undefined>;
}

/** After this many fallbacks in a row the conversation says goodbye instead of asking again. */
export const maxConsecutiveFallbacks = 2;

/** Enough of the conversation for a callback's summary and the survey, without growing the session. */
const HISTORY_LIMIT = 10;

/**
 * Adds an answered turn to the history (the latest few), forgets any offer, and keeps the
 * appointment the answer talked about (none when it talked of something else).
 */
export function remember(state: SessionState, turn: EarlierTurn, about?: IntentReply['about']): SessionState {
  return settle({
    ...state,
    offer: undefined,
    history: [...(state.history ?? []), turn].slice(-HISTORY_LIMIT),
    appointment: about?.appointmentId,
  });
}

/** The state without the keys set to undefined (platforms store it as JSON). */
function settle(state: SessionState): SessionState {
  return Object.fromEntries(Object.entries(state).filter(([, value]) => value !== undefined));
}

/** An answer as its reply says it, with the card, and what comes next. */
export function answerOf(reply: IntentReply, intent: string, locale: Locale): SessionAnswer {
  const next = reply.next ?? { kind: 'listen' };
  return {
    speech: reply.speech,
    card: { title: reply.cardTitle, text: reply.cardText },
    next,
    intent,
    ...(next.kind === 'end'
      ? {}
      : { reprompt: next.kind === 'listen' ? sessionMessages[locale].helpReprompt() : reply.speech }),
  };
}

/**
 * The conversation: the customer intents (each logged by the turn log), and around them offers
 * and yes/no, fallbacks, the closing survey, abandon logging and the pilot's access guard.
 */
export function createConversationSession(options: {
  /** The logged fulfilment handlers (createTurnLog's `wrap` around each intent). */
  intents: Record<CustomerIntentName, (request: UnloggedTurn) => Promise<LoggedReply>>;
  /** Logs a turn that is not an intent's answer (a fallback, an abandoned question). */
  log: (intent: string, handler: IntentHandler) => (request: UnloggedTurn) => Promise<LoggedReply>;
  /** Whether the pilot serves a customer, and asks them the closing question. */
  access: ChannelAccess;
  /** The channel the pilots govern. */
  channel: string;
  /**
   * What a customer outside the pilot's cohort is told, as SSML, when the channel speaks its own
   * words about itself (a chat is not "this assistant"); the voice assistant's by default.
   */
  notInPilot?: ((locale: Locale) => string) | undefined;
}) {
  const { intents, access, channel } = options;
  const notInPilot = options.notInPilot ?? ((locale: Locale) => sessionMessages[locale].notInPilot());

  async function turn(input: SessionTurn): Promise<{ answer: SessionAnswer; state: SessionState }> {
    const { locale, identify } = input;
    const text = sessionMessages[locale];
    let state = settledForTurn(input.state, input.event.kind);
    const update = (change: Partial<SessionState>) => {
      state = settle({ ...state, ...change });
    };
    const say = (speech: string, reprompt?: string): SessionAnswer =>
      reprompt ? { speech, reprompt, next: { kind: 'listen' } } : { speech, next: { kind: 'end' } };
    const goodbye = () => say(text.goodbye());

    async function customerTurn(
      intent: CustomerIntentName,
      asked: { slots: Slots; confirmation: 'none' | 'confirmed' | 'denied' },
    ): Promise<SessionAnswer> {
      const who = await identify();
      if (!who) return { speech: '', next: { kind: 'listen' }, linkAccount: true };
      if (!(await access.permit(who.customerId, channel)).allowed) return say(notInPilot(locale));
      const answered = await intents[intent]({
        customerId: who.customerId,
        handoffFromId: who.handoffFromId,
        locale,
        slots: asked.slots,
        confirmation: asked.confirmation,
        history: state.history ?? [],
        appointmentId: state.appointment,
      });
      state = remember(
        state,
        { turnId: answered.turnId, intent, reason: answered.reason, outcome: answered.outcome },
        answered.about,
      );
      const next = answered.next;
      if (next?.kind === 'offer')
        update({ offer: { intent: next.intent, ...(next.slots ? { slots: next.slots } : {}) } });
      // The question this answer asks, if any: a later "yes" re-asks only an open one.
      update({
        asking:
          next?.kind === 'elicit' ? { intent, ...(next.slots ? { slots: next.slots } : {}) } : undefined,
      });
      return answerOf(answered, intent, locale);
    }
    const fresh = (intent: CustomerIntentName, slots: Slots = {}) =>
      customerTurn(intent, { slots, confirmation: 'none' });

    /**
     * A conversation left in the middle of a question it asked (by stop, by giving up, or by the
     * platform ending the session) is logged as abandoned, so that it is not counted as contained.
     */
    async function abandonOpenQuestion(customerId?: string): Promise<void> {
      const last = state.history?.at(-1);
      if (last?.outcome !== 'continued') return;
      const who = customerId ?? (await identify())?.customerId;
      if (!who) return;
      const abandoned = options.log(last.intent, async () => reply('', '', 'abandoned', last.reason));
      const logged = await abandoned({ customerId: who, locale });
      state = remember(state, {
        turnId: logged.turnId,
        intent: last.intent,
        reason: last.reason,
        outcome: 'abandoned',
      });
    }

    /**
     * The natural end of a conversation: "no" to "anything else?". A customer who was answered
     * something may be asked the pilot's one closing question, once per session; then goodbye.
     */
    async function closing(): Promise<SessionAnswer> {
      const answered = (state.history ?? []).some((earlier) => earlier.outcome !== 'continued');
      if (answered && !state.surveyAsked) {
        const who = await identify();
        if (who && (await access.permit(who.customerId, channel)).closingSurvey) {
          update({ surveyAsked: true, offer: undefined, appointment: undefined });
          const words = serviceMessages[locale];
          const question = reply(words.surveyTitle(), words.surveyQuestion(), 'continued', 'survey', {
            kind: 'elicit',
            slot: 'score',
            slots: { score: undefined },
          });
          return answerOf(question, 'Satisfaction', locale);
        }
      }
      await abandonOpenQuestion();
      return goodbye();
    }

    async function fallback(): Promise<SessionAnswer> {
      const count = (state.consecutiveFallbacks ?? 0) + 1;
      update({ consecutiveFallbacks: count });
      const givingUp = count >= maxConsecutiveFallbacks;
      // A customer's misunderstood turn counts too: it is what the pilot's "functional" criterion weighs.
      const who = await identify();
      if (who) {
        if (givingUp) await abandonOpenQuestion(who.customerId);
        const reason = state.history?.at(-1)?.reason ?? GENERAL_REASON;
        await options.log('Fallback', async () => reply('', '', givingUp ? 'failed' : 'continued', reason))({
          customerId: who.customerId,
          locale,
        });
      }
      return givingUp ? say(text.fallbackGiveUp()) : say(text.fallback(), text.fallbackReprompt());
    }

    async function answer(event: SessionEvent): Promise<SessionAnswer> {
      switch (event.kind) {
        // A user who has not linked an account hears first how to, and may say their code at once.
        case 'open':
          if (!(await identify())) return { speech: '', next: { kind: 'listen' }, linkAccount: true };
          return say(text.welcome(), text.welcomeReprompt());
        case 'intent':
          // A score is an answer to the closing question only: unasked, it is not understood.
          if (event.intent === 'Satisfaction' && !state.surveyAsked) return fallback();
          return customerTurn(event.intent, event);
        case 'help':
          return say(text.help(), text.helpReprompt());
        // Stop ends the conversation at once, as customers (and Alexa's certification) expect.
        case 'stop':
          await abandonOpenQuestion();
          return goodbye();
        // "Cancel it" right after an answer about an appointment cancels that appointment (once
        // confirmed); anywhere else, cancel is stop.
        case 'cancel':
          if (state.appointment) return fresh('CancelAppointment');
          await abandonOpenQuestion();
          return goodbye();
        case 'fallback':
          return fallback();
        // "Yes" runs what was offered ("shall I send you the link to pay?") and "no" declines it;
        // "yes" to a question ("which time do you prefer?") asks it again; with nothing offered or
        // asked, "no" is the end of the conversation and "yes" asks what is needed.
        case 'yes':
        case 'no': {
          const offered = state.offer;
          const yes = event.kind === 'yes';
          if (offered && yes && isCustomerIntent(offered.intent)) return fresh(offered.intent, offered.slots);
          const asking = state.asking;
          if (!offered && yes && asking && isCustomerIntent(asking.intent))
            return fresh(asking.intent, asking.slots);
          if (!offered && !yes) return closing();
          // The conversation moves on: "it" no longer means the appointment talked about before.
          update({ offer: undefined, appointment: undefined });
          return say(yes ? text.yesToNothing() : text.noOffer(), text.helpReprompt());
        }
        case 'ended':
          await abandonOpenQuestion();
          return { speech: '', next: { kind: 'end' } };
      }
    }

    const result = await answer(input.event);
    return { answer: result, state };
  }

  return { turn };
}

function isCustomerIntent(intent: string): intent is CustomerIntentName {
  return (customerIntentNames as readonly string[]).includes(intent);
}

/**
 * Only fallbacks *in a row* count: an understood request in between starts the count again. An
 * offer stands for the next answer only: anything but yes or no withdraws it. And "it" means the
 * appointment just talked about only right after: help or a misunderstanding in between forgets it.
 */
export function settledForTurn(state: SessionState, kind: SessionEvent['kind']): SessionState {
  const between = kind === 'open' || kind === 'help' || kind === 'fallback';
  return settle({
    ...state,
    consecutiveFallbacks: kind === 'fallback' ? state.consecutiveFallbacks : undefined,
    offer: kind === 'yes' || kind === 'no' ? state.offer : undefined,
    asking: kind === 'yes' ? state.asking : undefined,
    appointment: between ? undefined : state.appointment,
  });
}
