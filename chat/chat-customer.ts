import { DateTime } from 'luxon';
import { ChannelPilotError, type Clock } from '../core/index.ts';
import {
  escapeXml,
  type ChatConversation,
  type ChatMessage,
  type LiveChatStore,
  type LiveChatVisitorDesk,
  type OpeningHours,
  type QuickReply,
  type RenderedEmail,
} from '../core/services.ts';
import { customerTexts } from './chat-customer-texts.ts';

/** The buttons offered when a person is asked for outside hours. */
export const OFFLINE_VALUE = /^offline:(callback|email)$/;

/** Posts a system message in a conversation (stored, then announced). */
export type Say = (
  conversation: ChatConversation,
  body: string,
  quickReplies?: QuickReply[],
) => Promise<unknown>;

const TRANSCRIPT_MESSAGES = 2000;

/**
 * The chat's customer side beyond the bot: opening hours at the hand-off and the offers outside
 * them, the wait the visitor is told, the CSAT answer at the end and the transcript by e-mail.
 */
export function createChatCustomerSide(options: {
  visitorDesk: LiveChatVisitorDesk;
  chats: LiveChatStore;
  hours: OpeningHours;
  /** The zone the chat's hours are kept in (the next opening is written in it). */
  timeZone: string;
  clock: Clock;
}) {
  const { visitorDesk, chats, hours, timeZone, clock } = options;

  async function allMessages(conversation: ChatConversation): Promise<ChatMessage[]> {
    return chats.messages(conversation.id, 0, TRANSCRIPT_MESSAGES);
  }

  /** The conversation as an e-mail in the customer's language; every line is text, escaped in the HTML. */
  async function render(conversation: ChatConversation): Promise<RenderedEmail> {
    const t = customerTexts[conversation.locale];
    const local = (at: Date) => DateTime.fromJSDate(at, { zone: timeZone }).setLocale(conversation.locale);
    const lines = (await allMessages(conversation)).map((m) => ({
      time: local(m.createdAt).toFormat('HH:mm'),
      who: t.authors[m.author],
      body: m.body,
    }));
    const intro = t.transcriptIntro({ started: local(conversation.createdAt).toFormat(t.dateFormat) });
    return {
      subject: t.transcriptSubject,
      body: [intro, '', ...lines.map((l) => `${l.time} ${l.who}: ${l.body}`)].join('\n'),
      html:
        `<p>${escapeXml(intro)}</p><table>` +
        lines
          .map(
            (l) =>
              `<tr><td>${escapeXml(l.time)}</td><th scope="row">${escapeXml(l.who)}</th><td>${escapeXml(l.body)}</td></tr>`,
          )
          .join('') +
        '</table>',
    };
  }

  /** The visitor's last words, for whoever calls or writes back. */
  async function summaryOf(conversation: ChatConversation): Promise<string> {
    const said = (await allMessages(conversation)).filter((m) => m.author === 'visitor').slice(-3);
    const summary = said.map((m) => m.body).join(' / ');
    return summary.length > 0 ? summary.slice(0, 2000) : '—';
  }

  const masked = (email: string) => `${email[0]}•••${email.slice(email.indexOf('@'))}`;

  return {
    visitorDesk,
    render,

    /**
     * Outside hours, a visitor asking for a person is told so and offered a callback or e-mail
     * (an identified customer) instead of the queue; returns false while the chat is open.
     */
    async closedAtHandOff(conversation: ChatConversation, say: Say): Promise<boolean> {
      const state = hours.at(clock.now());
      if (state.open) return false;
      const t = customerTexts[conversation.locale];
      const when = state.opensAt
        ? DateTime.fromJSDate(state.opensAt, { zone: timeZone })
            .setLocale(conversation.locale)
            .toFormat(t.whenFormat)
        : null;
      await say(
        conversation,
        conversation.customerId ? t.closedNow({ when }) : `${t.closedNow({ when })} ${t.identifyForOffers()}`,
        conversation.customerId
          ? [
              { label: t.callbackButton, value: 'offline:callback' },
              { label: t.emailButton, value: 'offline:email' },
            ]
          : [],
      );
      return true;
    },

    /** The visitor chose a callback or e-mail outside hours: done, said, and the chat ends. */
    async offline(conversation: ChatConversation, value: string, say: Say): Promise<void> {
      const t = customerTexts[conversation.locale];
      if (hours.at(clock.now()).open)
        throw new ChannelPilotError('conflict', 'the chat is open now: ask for a person instead');
      const summary = await summaryOf(conversation);
      if (value === 'offline:callback') {
        const { request, phoneEnd } = await visitorDesk.callback(conversation, summary);
        await say(conversation, t.callbackQueued({ phoneEnd }));
        await visitorDesk.endWith(conversation, 'callback', { callbackId: request.id });
      } else {
        const { contact, email } = await visitorDesk.continueByEmail(
          conversation,
          summary,
          await render(conversation),
        );
        await say(conversation, t.emailContinued({ masked: masked(email) }));
        await visitorDesk.endWith(conversation, 'email', { emailContactId: contact.id });
      }
    },

    /** The transcript so far, to the identified customer's address on file (once per point in the chat). */
    async transcript(conversation: ChatConversation) {
      const sent = await visitorDesk.sendTranscript(
        conversation,
        await render(conversation),
        `chat-transcript:${conversation.id}:${conversation.lastSeq}`,
      );
      return { to: masked(sent.recipient), queued: sent.queued };
    },

    /** Whether advisors answer now, and when that changes. */
    opening: () => hours.at(clock.now()),

    /** The place and estimate a waiting visitor is shown. */
    waitFor: (conversationId: string) => visitorDesk.waitFor(conversationId),

    estimateText: (conversation: ChatConversation, minutes: number | null) =>
      customerTexts[conversation.locale].estimate({ minutes }),
  };
}
export type ChatCustomerSide = ReturnType<typeof createChatCustomerSide>;
