import {
  can,
  ChannelPilotError,
  reachableMedia,
  type Clock,
  type CustomerDirectory,
  type InteractionLog,
  type Outbox,
  type SignedLinks,
  type StaffDirectory,
  type StaffUser,
} from '../core/index.ts';
import {
  heardSince,
  type Appointment,
  type AdvisorRoster,
  type BookingService,
  type ChatConsoleStore,
  type ChatConversation,
  type ChatMessage,
  type LiveChatStore,
} from '../core/services.ts';
import type { ChatService } from './chat-service.ts';
import { chatTexts } from './chat-texts.ts';

/** Where a link in a reply by e-mail leads: the conversation, opened again in the widget. */
export const CONTINUE_PATH = '/chat/continue';
/** How long a link in a reply by e-mail opens the conversation. */
const CONTINUE_LINK_DAYS = 14;

/**
 * What an advisor does in a chat beyond writing in it: hand it to a colleague, carry on by
 * e-mail when the visitor has gone, and turn it into a video consultation of the same journey.
 */
export function createAdvisorDesk(options: {
  service: ChatService;
  chats: LiveChatStore;
  console: ChatConsoleStore;
  interactions: InteractionLog;
  booking: BookingService;
  advisors: AdvisorRoster;
  customers: CustomerDirectory;
  staff: StaffDirectory;
  outbox: Outbox;
  links: SignedLinks;
  clock: Clock;
  publicUrl: string;
  /** The link that opens a consultation for its customer. */
  joinUrl: (appointment: Appointment) => string;
  advisorLimit: number;
  /** How long an advisor's console may be silent before they count as away. */
  awayAfterMs: number;
  /** How long a visitor may be unconnected before a reply goes out by e-mail. */
  emailGraceMs: number;
}) {
  const { service, chats, console: store, clock, links } = options;
  const base = options.publicUrl.replace(/\/$/, '');

  async function mine(conversationId: string, advisor: StaffUser): Promise<ChatConversation> {
    const conversation = await chats.conversation(conversationId);
    if (!conversation) throw new ChannelPilotError('not_found', `no chat ${conversationId}`);
    if (conversation.status !== 'assigned' || conversation.advisorId !== advisor.id)
      throw new ChannelPilotError('forbidden', 'this chat is not assigned to you');
    return conversation;
  }

  /** The visitor has no socket open anywhere, and has had none for the grace period. */
  async function visitorGone(conversationId: string): Promise<boolean> {
    const seen = await store.visitorLastSeen(conversationId);
    return !seen || clock.now().getTime() - seen.getTime() > options.emailGraceMs;
  }

  /** A signed link that opens this conversation again in the widget. */
  function continueLink(conversationId: string): string {
    const expiresAt = new Date(clock.now().getTime() + CONTINUE_LINK_DAYS * 86_400_000);
    return `${base}${CONTINUE_PATH}/${links.sign({ action: 'resume_chat', subject: conversationId, expiresAt })}`;
  }

  /** Queues the reply by e-mail when the customer allows e-mail; false when they cannot be written to. */
  async function emailReply(conversation: ChatConversation, message: ChatMessage, advisor: StaffUser) {
    if (!conversation.customerId) return false;
    const customer = await options.customers.get(conversation.customerId);
    if (!customer?.email) return false;
    if (!reachableMedia(customer, await options.customers.consents(customer.id)).includes('email'))
      return false;
    const t = chatTexts[conversation.locale].byEmail;
    await options.outbox.enqueue([
      {
        dedupeKey: `chat-reply:${conversation.id}:${message.seq}`,
        customerId: customer.id,
        appointmentId: null,
        kind: 'chat_reply',
        medium: 'email',
        recipient: customer.email,
        subject: t.subject,
        body: t.body({
          name: customer.firstName,
          advisor: advisor.displayName,
          text: message.body,
          link: continueLink(conversation.id),
        }),
        attachments: [],
        sendAfter: clock.now(),
      },
    ]);
    return true;
  }

  /** The advisors who take chats, each available or away, with their open chats. */
  const team = () => store.agents(heardSince(clock.now(), options.awayAfterMs));

  return {
    visitorGone,
    team,

    /** The advisor's reply: in the chat, and by e-mail too when the visitor has left. */
    async reply(conversationId: string, advisor: StaffUser, text: unknown) {
      const message = await service.advisorSays(conversationId, advisor, text);
      const conversation = (await chats.conversation(conversationId))!;
      const emailed =
        (await visitorGone(conversationId)) && (await emailReply(conversation, message, advisor));
      return { message, emailed };
    },

    /** Hands an advisor's chat to a colleague who takes chats and has room for it. */
    async transfer(conversationId: string, from: StaffUser, toAdvisorId: string): Promise<ChatConversation> {
      const conversation = await mine(conversationId, from);
      const to = await options.staff.find(toAdvisorId);
      if (!to || to.disabledAt || !can(to.role, 'customers:write'))
        throw new ChannelPilotError('invalid_input', 'advisorId names no advisor who can take chats');
      if (to.id === from.id)
        throw new ChannelPilotError('invalid_input', 'advisorId is you: pick a colleague');
      const agent = (await team()).find((a) => a.advisorId === to.id);
      if (!agent?.available)
        throw new ChannelPilotError(
          'conflict',
          agent?.away
            ? `${to.displayName} is away: their console has not been heard from lately`
            : `${to.displayName} is not taking chats right now`,
        );
      const moved = await store.transfer(conversation.id, from.id, to.id, options.advisorLimit, clock.now());
      if (conversation.humanContactId)
        await options.interactions.amend(conversation.humanContactId, {
          details: {
            advisorStaffId: to.id,
            transferredFrom: from.id,
            transferredAt: clock.now().toISOString(),
          },
        });
      await service.system(moved, chatTexts[moved.locale].transferred({ name: to.displayName }));
      await service.announce({ conversationId, kind: 'status', advisorId: to.id });
      return moved;
    },

    /**
     * Books a consultation starting now with this advisor, in the chat's journey, and posts its
     * join link in the chat.
     */
    async switchToVideo(conversationId: string, advisor: StaffUser, topic: string) {
      const conversation = await mine(conversationId, advisor);
      if (!conversation.customerId || !conversation.humanContactId)
        throw new ChannelPilotError(
          'conflict',
          'a video consultation needs a customer identified in the chat; send them a personal link first',
        );
      const profile = (await options.advisors.advisors()).find((a) => a.staffUserId === advisor.id);
      if (!profile)
        throw new ChannelPilotError(
          'conflict',
          'your login is not tied to an advisor who holds consultations',
        );
      const contact = await options.interactions.interaction(conversation.humanContactId);
      const appointment = await options.booking.bookNow({
        customerId: conversation.customerId,
        advisorId: profile.id,
        topic,
        locale: conversation.locale,
        bookedVia: 'live_chat',
        journeyId: contact?.journeyId ?? null,
      });
      const joinUrl = options.joinUrl(appointment);
      const message = await service.system(
        conversation,
        chatTexts[conversation.locale].videoReady({ name: advisor.displayName, url: joinUrl }),
      );
      return { appointment, joinUrl, message };
    },
  };
}
export type AdvisorDesk = ReturnType<typeof createAdvisorDesk>;
