import { DateTime } from 'luxon';
import {
  calendarDate,
  REFERENCE_ZONE,
  topicName,
  type AccountKind,
  type Clock,
  type Locale,
} from '../core/index.ts';
import {
  customerIntentNames,
  type ChatConversation,
  type createConversationSession,
  type CustomerIntentName,
  type QuickReply,
  type SessionAnswer,
  type SessionEvent,
  type SessionState,
  type Slots,
  supplyWords,
} from '../core/services.ts';
import { chatTexts, type ChatTexts } from './chat-texts.ts';
import { asksBySupply, normalized, supplyNamed, understand, type Understood } from './chat-words.ts';

/** What the bot keeps in the conversation between turns. */
export interface BotState {
  session?: SessionState;
  /** A question of an intent the next line answers: a slot it asked for, or its confirmation. */
  pending?: { kind: 'elicit' | 'confirm'; intent: CustomerIntentName; slot?: string; slots: Slots };
  /** The bot, not understanding, offered a person: "sì" takes it. */
  offeredPerson?: true;
  /** The supply (account) of the bill the page the chat opened on shows: "the bill" is that one. */
  pageAccount?: string;
}

/** What the visitor sent: a typed line, or a quick reply's value. */
export type VisitorInput = { text: string } | { quick: string };

export interface BotTurn {
  replies: { body: string; quickReplies: QuickReply[] }[];
  /** The visitor asked for a person. */
  handOff: boolean;
  state: BotState;
}

/** The values a quick reply may carry. */
export const QUICK_REPLY_VALUE = /^(intent:[A-Za-z]{1,40}|slot:[\w:-]{1,40}|person|yes|no)$/;

const DAYS_OFFERED = 5;

/** The questions about one bill, which a bill's page answers about the bill it shows. */
const aboutTheBill: readonly CustomerIntentName[] = ['WhyHigher', 'BillDetail'];

/** The menu's buttons; a person first when the bot could not help. */
function menu(t: ChatTexts, personFirst: boolean): QuickReply[] {
  const person = { label: t.menu.person, value: 'person' };
  return [
    ...(personFirst ? [person] : []),
    { label: t.menu.owed, value: 'intent:WhatDoIOwe' },
    { label: t.menu.why, value: 'intent:WhyHigher' },
    { label: t.menu.pay, value: 'intent:PayBill' },
    { label: t.menu.book, value: 'intent:BookConsultation' },
    ...(personFirst ? [] : [person]),
  ];
}

function plainText(ssml: string): string {
  return ssml
    .replace(/<[^>]*>/g, '')
    .replaceAll('&lt;', '<')
    .replaceAll('&gt;', '>')
    .replaceAll('&quot;', '"')
    .replaceAll('&apos;', "'")
    .replaceAll('&amp;', '&');
}

/**
 * The bot: the same conversations as the voice assistant, typed. A line is understood by the
 * chat's words, a button by its value; the session's answer becomes a message with buttons for
 * what it asks (yes/no, a topic, a day, a part of the day) or the menu when it listens.
 */
export function createChatBot(options: {
  session: ReturnType<typeof createConversationSession>;
  /** The consultation topics advisors serve (the buttons of "which topic?"). */
  topics: () => Promise<string[]>;
  /** The account of the bill the page a chat opened on shows (a bill's page), if any. */
  pageAccount?: (conversation: ChatConversation) => Promise<string | undefined>;
  clock: Clock;
}) {
  const { session, clock } = options;

  async function buttons(answer: SessionAnswer, locale: Locale): Promise<QuickReply[]> {
    const t = chatTexts[locale];
    const next = answer.next;
    if (next.kind === 'offer' || next.kind === 'confirm')
      return [
        { label: t.yes, value: 'yes' },
        { label: t.no, value: 'no' },
      ];
    if (next.kind === 'listen') return menu(t, false);
    if (next.kind !== 'elicit') return [];
    if (next.slot === 'supply')
      return (next.choices ?? []).map((kind) => {
        const name = supplyWords[locale].kind(kind as AccountKind);
        return { label: name.charAt(0).toUpperCase() + name.slice(1), value: `slot:${kind}` };
      });
    if (next.slot === 'topic')
      return (await options.topics()).map((topic) => ({
        label: topicName(topic, locale),
        value: `slot:${topic}`,
      }));
    if (next.slot === 'date') {
      const today = DateTime.fromJSDate(clock.now(), { zone: REFERENCE_ZONE }).setLocale(locale);
      return Array.from({ length: DAYS_OFFERED }, (_, i) => today.plus({ days: i + 1 })).map((day) => ({
        label: day.toFormat('ccc d LLL'),
        value: `slot:${day.toISODate()}`,
      }));
    }
    if (next.slot === 'time')
      return (['MO', 'AF', 'EV'] as const).map((part) => ({ label: t.parts[part], value: `slot:${part}` }));
    if (next.slot === 'score')
      return Array.from({ length: 11 }, (_, score) => ({ label: String(score), value: `slot:${score}` }));
    return [];
  }

  /** A typed slot value as the conversations take it: a topic by its id, "tomorrow" as a date. */
  async function slotValue(slot: string, text: string, locale: Locale): Promise<string> {
    const line = normalized(text);
    if (slot === 'topic') {
      const topic = (await options.topics()).find((t) => normalized(topicName(t, locale)) === line);
      return topic ?? line;
    }
    if (slot === 'supply') return supplyNamed(text, locale) ?? text.trim();
    if (slot === 'date') {
      const today = calendarDate(clock.now());
      const offset = { oggi: 0, today: 0, domani: 1, tomorrow: 1 }[line];
      if (offset !== undefined)
        return DateTime.fromISO(today, { zone: REFERENCE_ZONE }).plus({ days: offset }).toISODate()!;
    }
    return text.trim();
  }

  function heard(input: VisitorInput, locale: Locale): Understood | { kind: 'slot'; value: string } {
    if ('text' in input) return understand(input.text, locale, calendarDate(clock.now()));
    const [kind, value] = input.quick.split(/:(.*)/s) as [string, string | undefined];
    if (kind === 'intent')
      return customerIntentNames.includes(value as CustomerIntentName)
        ? { kind: 'intent', intent: value as CustomerIntentName, slots: {} }
        : { kind: 'fallback' };
    if (kind === 'slot') return { kind: 'slot', value: value ?? '' };
    return { kind: kind as 'person' | 'yes' | 'no' };
  }

  async function event(
    input: VisitorInput,
    state: BotState,
    locale: Locale,
  ): Promise<SessionEvent | 'person'> {
    const said = heard(input, locale);
    if (said.kind === 'person' || (said.kind === 'yes' && state.offeredPerson)) return 'person';
    const pending = state.pending;
    if (pending?.kind === 'confirm' && (said.kind === 'yes' || said.kind === 'no'))
      return {
        kind: 'intent',
        intent: pending.intent,
        slots: pending.slots,
        confirmation: said.kind === 'yes' ? 'confirmed' : 'denied',
      };
    const answersSlot =
      said.kind === 'slot' ||
      said.kind === 'fallback' ||
      (said.kind === 'supply' && pending?.slot === 'supply');
    if (pending?.kind === 'elicit' && pending.slot && answersSlot) {
      const value =
        said.kind === 'slot'
          ? said.value
          : await slotValue(pending.slot, (input as { text: string }).text, locale);
      return {
        kind: 'intent',
        intent: pending.intent,
        slots: { ...pending.slots, [pending.slot]: value },
        confirmation: 'none',
      };
    }
    if (said.kind === 'intent') {
      // On a bill's page, "the bill" without a supply named is the one the page shows.
      const onPage =
        state.pageAccount && aboutTheBill.includes(said.intent) && !said.slots.supply
          ? { account: state.pageAccount }
          : {};
      return {
        kind: 'intent',
        intent: said.intent,
        slots: { ...said.slots, ...onPage },
        confirmation: 'none',
      };
    }
    // "E x il gas?": the last question about a supply, now about this one ("what is owed" at first).
    if (said.kind === 'supply') {
      const last = state.session?.history?.findLast((turn) => asksBySupply(turn.intent))?.intent;
      const intent = last && asksBySupply(last) ? last : 'WhatDoIOwe';
      return { kind: 'intent', intent, slots: said.slots, confirmation: 'none' };
    }
    if (said.kind === 'slot') return { kind: 'fallback' };
    return { kind: said.kind };
  }

  async function reply(answer: SessionAnswer, locale: Locale) {
    const body = answer.card?.text || plainText(answer.speech);
    return { body, quickReplies: await buttons(answer, locale) };
  }

  return {
    /** The greeting a new conversation opens with. */
    async open(conversation: ChatConversation): Promise<BotTurn> {
      const pageAccount = await options.pageAccount?.(conversation);
      return turn(conversation, { kind: 'open' }, pageAccount ? { pageAccount } : {});
    },

    async answer(conversation: ChatConversation, input: VisitorInput): Promise<BotTurn> {
      const state = conversation.botState as BotState;
      const happened = await event(input, state, conversation.locale);
      if (happened === 'person') return { replies: [], handOff: true, state };
      return turn(conversation, happened, state);
    },
  };

  async function turn(
    conversation: ChatConversation,
    happened: SessionEvent,
    state: BotState,
  ): Promise<BotTurn> {
    const { locale, customerId } = conversation;
    const { answer, state: sessionState } = await session.turn({
      locale,
      event: happened,
      state: state.session ?? {},
      // The bot's answers belong with the conversation's contact, in its journey.
      identify: async () =>
        customerId ? { customerId, handoffFromId: conversation.botContactId } : undefined,
    });
    const next = answer.next;
    const intent = answer.intent as CustomerIntentName | undefined;
    const pending: BotState['pending'] =
      intent && next.kind === 'elicit'
        ? { kind: 'elicit', intent, slot: next.slot, slots: next.slots }
        : intent && next.kind === 'confirm'
          ? { kind: 'confirm', intent, slots: next.slots }
          : undefined;
    const t = chatTexts[locale];
    // The voice assistant says goodbye after misunderstanding twice in a row; a chat has people
    // behind it, so it offers one instead (and keeps listening).
    const kept = state.pageAccount ? { pageAccount: state.pageAccount } : {};
    if (happened.kind === 'fallback' && next.kind === 'end')
      return {
        replies: [{ body: t.stillNotUnderstood(), quickReplies: menu(t, true) }],
        handOff: false,
        state: { session: sessionState, offeredPerson: true, ...kept },
      };
    const replies = answer.linkAccount
      ? [
          {
            body: t.identifyFirst(),
            quickReplies: [{ label: t.menu.person, value: 'person' }],
          },
        ]
      : answer.speech
        ? [await reply(answer, locale)]
        : [];
    return {
      replies,
      handOff: false,
      state: { session: sessionState, ...kept, ...(pending ? { pending } : {}) },
    };
  }
}
export type ChatBot = ReturnType<typeof createChatBot>;
