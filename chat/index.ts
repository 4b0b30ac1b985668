import type { IncomingMessage } from 'node:http';
import { fileURLToPath } from 'node:url';
import {
  ChannelPilotError,
  createSignedLinks,
  verifyVisit,
  type Broadcast,
  type CustomerVisit,
  type ChannelDeps,
  type ChannelInput,
  type ChannelModule,
  type SignedLinks,
  type StaffUser,
} from '../core/index.ts';
import {
  createClosedDays,
  createCustomerIntents,
  createLiveChatDesk,
  createLiveChatVisitorDesk,
  createOpeningHours,
  createLoggedConversation,
  speak,
  type WorkingHours,
} from '../core/services.ts';
import { createAdvisorDesk } from './advisor-desk.ts';
import { continuePage, registerAdvisorRoutes } from './advisor-routes.ts';
import { createAdvisorSockets } from './advisor-socket.ts';
import { createChatBot } from './chat-bot.ts';
import { createChatCustomerSide } from './chat-customer.ts';
import { registerChatRoutes } from './chat-routes.ts';
import { createChatService } from './chat-service.ts';
import { chatTexts } from './chat-texts.ts';
import {
  createVisitorSockets,
  VISITOR_SOCKET_PATH,
  type Identified,
  type IdentityQuery,
} from './chat-socket.ts';

export { VISITOR_SOCKET_PATH } from './chat-socket.ts';
export { ADVISOR_SOCKET_PATH } from './advisor-socket.ts';

/** Live chat as a channel of the census and of pilots. */
export const liveChatChannel: ChannelInput = {
  code: 'live_chat',
  name: 'Live chat',
  kind: 'pilot',
  staffed: true,
  touchpoints: [
    { code: 'widget', name: 'Chat widget on the website' },
    { code: 'payment_page', name: 'Chat on the payment link’s page' },
    { code: 'consultation_page', name: 'Chat on the consultation link’s page' },
    { code: 'bill_page', name: 'Chat on the bill’s page' },
  ],
};

/** The customer a signed identity names, refused in the words of an identity (it is no link). */
function verifiedIdentity(identities: SignedLinks, token: string, now: Date): string {
  const inspected = identities.inspect(token, 'chat', now);
  if (inspected.status === 'valid') return inspected.claims.subject;
  const hint = 'the organisation’s site signs a new identity for its logged-in customer';
  throw new ChannelPilotError(
    'unauthenticated',
    `this identity ${inspected.status === 'expired' ? 'has expired' : inspected.reason}`,
    { hint },
  );
}

/**
 * How long a waiting visitor may be connected to no instance before their chat leaves the queue:
 * the grace a reply by e-mail waits (a reload is not leaving), and never under two heartbeats
 * (each instance notes its visitors once a heartbeat).
 */
export function queueGoneMs(settings: Pick<LiveChatSettings, 'emailAfterMs' | 'heartbeatMs'>): number {
  return Math.max(settings.emailAfterMs, 2 * settings.heartbeatMs);
}

/** The live chat's settings (see the README's configuration table). */
export interface LiveChatSettings {
  /** The secret the organisation's site signs customer identities with; none: no signed identities. */
  identitySecret?: string | undefined;
  /** Chats one advisor may have open at once. */
  advisorLimit: number;
  /** How long an advisor's console may go unheard (no socket heartbeat) before they count as away. */
  advisorAwayMs: number;
  messageChars: number;
  messagesPerMinute: number;
  connectionsPerIp: number;
  heartbeatMs: number;
  /** When advisors answer, in `timeZone`; none: always. */
  hours: WorkingHours[];
  timeZone: string;
  /** Days the chat's advisors are closed besides Italy's public holidays (`MM-DD`, `YYYY-MM-DD`). */
  closedDays: string[];
  /** How long a visitor may be gone before an advisor's reply also goes out by e-mail. */
  emailAfterMs: number;
}

export interface LiveChatChannelDeps extends ChannelDeps {
  /** How instances tell each other of new messages (PostgreSQL's notifications in the app). */
  broadcast: Broadcast;
  settings: LiveChatSettings;
  /** The staff user a request's session cookie names (the advisors' socket). */
  staffOf: (request: IncomingMessage) => Promise<StaffUser | undefined>;
}

/**
 * The live chat: a WebSocket per visitor (bot first, on the voice assistant's conversations),
 * and the advisors' queue, claims, replies and closing as API routes.
 */
export function createLiveChatChannel(deps: LiveChatChannelDeps) {
  const { stores, clock, log, settings } = deps;
  const channel = liveChatChannel.code;
  const onError = (error: unknown, at?: object) =>
    log.error({ err: error, ...at }, 'a chat answer failed; the visitor read an apology');
  const intents = createCustomerIntents({
    stores,
    clock,
    booking: deps.booking,
    desk: deps.desk,
    paymentLinks: deps.paymentLinks,
    onError,
    bookedVia: channel,
    // The chat shows the payment link's address: a customer who may not be messaged gets it too.
    showsLinks: true,
  });
  const { turnLog, session } = createLoggedConversation({
    intents,
    interactions: stores.interactions,
    clock,
    access: deps.access,
    channel,
    touchpoint: 'widget',
    notInPilot: (locale) => speak(chatTexts[locale].notInPilot()),
    onLogError: (error) => log.warn({ err: error }, 'a chat turn could not be logged'),
  });
  const bot = createChatBot({
    session,
    clock,
    // A chat opened on a bill's page continues that page's opening, which names the bill.
    pageAccount: async (conversation) => {
      if (conversation.touchpoint !== 'bill_page' || !conversation.customerId) return undefined;
      const contact = await stores.interactions.interaction(conversation.botContactId);
      const opening = contact?.handoffFromId
        ? await stores.interactions.interaction(contact.handoffFromId)
        : undefined;
      const billId = opening?.details.billId;
      const bill = typeof billId === 'string' ? await stores.billing.bill(billId) : undefined;
      return bill?.customerId === conversation.customerId ? bill.accountId : undefined;
    },
    topics: async () => [...new Set((await stores.advisors.advisors()).flatMap((a) => a.topics))].sort(),
  });
  const desk = createLiveChatDesk({
    chats: stores.chats,
    interactions: stores.interactions,
    clock,
    channel,
    advisorLimit: settings.advisorLimit,
    awayAfterMs: settings.advisorAwayMs,
  });
  const customer = createChatCustomerSide({
    visitorDesk: createLiveChatVisitorDesk({
      chats: stores.chats,
      interactions: stores.interactions,
      customers: stores.customers,
      callbacks: stores.callbacks,
      surveys: stores.surveys,
      outbox: stores.outbox,
      clock,
      channel,
      advisorLimit: settings.advisorLimit,
      awayAfterMs: settings.advisorAwayMs,
    }),
    chats: stores.chats,
    hours: createOpeningHours({
      hours: settings.hours,
      timeZone: settings.timeZone,
      closedOn: createClosedDays(settings.closedDays),
    }),
    timeZone: settings.timeZone,
    clock,
  });
  const service = createChatService({
    customer,
    chats: stores.chats,
    desk,
    bot,
    broadcast: deps.broadcast,
    clock,
    limits: {
      messageChars: settings.messageChars,
      messagesPerMinute: settings.messagesPerMinute,
      queueGoneMs: queueGoneMs(settings),
    },
    unseenWaiting: (since) => stores.chatConsole.waitingUnseenSince(since),
  });
  const advisorName = async (advisorId: string) => (await stores.staff.find(advisorId))?.displayName ?? '';
  const identities = settings.identitySecret
    ? createSignedLinks({ secret: Buffer.from(settings.identitySecret, 'utf8') })
    : null;

  /** The customer a connection names, checked each time; nobody when it names none. */
  async function identify(query: IdentityQuery): Promise<Identified> {
    const now = clock.now();
    let customerId: string | null = null;
    let visit: CustomerVisit | undefined;
    if (query.visit) {
      visit = verifyVisit(deps.links, query.visit, now);
      customerId = visit.customerId;
    } else if (query.identity) {
      if (!identities)
        throw new ChannelPilotError('unauthenticated', 'signed identities are not enabled on this chat');
      customerId = verifiedIdentity(identities, query.identity, now);
    } else if (query.link) {
      customerId = deps.links.verify(query.link, 'chat', now).subject;
    }
    if (customerId && !(await stores.customers.get(customerId).catch(() => undefined)))
      throw new ChannelPilotError('unauthenticated', 'this identity names no customer of ours');
    return { customerId, ...(visit ? { visit } : {}) };
  }

  const advisorDesk = createAdvisorDesk({
    service,
    chats: stores.chats,
    console: stores.chatConsole,
    interactions: stores.interactions,
    booking: deps.booking,
    advisors: stores.advisors,
    customers: stores.customers,
    staff: stores.staff,
    outbox: stores.outbox,
    links: deps.links,
    clock,
    publicUrl: deps.publicUrl,
    joinUrl: deps.joinUrl,
    advisorLimit: settings.advisorLimit,
    awayAfterMs: settings.advisorAwayMs,
    emailGraceMs: settings.emailAfterMs,
  });
  // The largest frame a message of the most characters makes, with some JSON around it: each
  // character written as JSON escapes, up to 12 bytes (an emoji: two `\uXXXX`). A larger one
  // closes its connection (1009).
  const frameBytes = settings.messageChars * 12 + 1024;
  const advisorSockets = createAdvisorSockets({
    service,
    chats: stores.chats,
    broadcast: deps.broadcast,
    authenticate: deps.staffOf,
    heard: (advisorIds) => stores.chats.advisorsHeard(advisorIds, clock.now()),
    limits: { maxFrameBytes: frameBytes, heartbeatMs: settings.heartbeatMs },
    publicUrl: deps.publicUrl,
    log,
  });

  /** The conversation a reply by e-mail's signed link names. */
  async function reopen(token: string) {
    const conversationId = deps.links.verify(token, 'resume_chat', clock.now()).subject;
    const conversation = await stores.chats.conversation(conversationId);
    if (!conversation) throw new ChannelPilotError('not_found', 'the chat this link opened is gone');
    return conversation;
  }

  const sockets = createVisitorSockets({
    service,
    customer,
    chats: stores.chats,
    broadcast: deps.broadcast,
    identify,
    advisorName,
    present: (ids) => stores.chatConsole.visitorSeen(ids, clock.now()),
    reopen,
    limits: {
      connectionsPerIp: settings.connectionsPerIp,
      // A frame carries one message and some JSON around it.
      maxFrameBytes: frameBytes,
      heartbeatMs: settings.heartbeatMs,
    },
    log,
  });

  return {
    registration: liveChatChannel,
    routes(kit) {
      registerChatRoutes(kit, {
        service,
        chats: stores.chats,
        customers: stores.customers,
        links: deps.links,
        clock,
        advisorName,
        reply: advisorDesk.reply,
      });
      registerAdvisorRoutes(kit, {
        desk: advisorDesk,
        console: stores.chatConsole,
        staff: stores.staff,
        clock,
      });
      kit.describe('get', VISITOR_SOCKET_PATH, {
        summary:
          'The visitor’s chat WebSocket (upgrade): `locale`, `page`, and `identity` (signed), `link` (personal) or `visit` (a kit page’s) to be known as a customer; `conversation`, `key` and `after` to resume',
        tags: ['live chat'],
        responses: { 101: { description: 'Switching to the WebSocket protocol' } },
      });
    },
    upgrade: (request, socket, head) =>
      sockets.upgrade(request, socket, head) || advisorSockets.upgrade(request, socket, head),
    pages: [
      continuePage({
        links: deps.links,
        clock,
        locale: async (id) => (await stores.chats.conversation(id))?.locale,
      }),
    ],
    bundles: [
      {
        name: 'chatwidget',
        entry: fileURLToPath(new URL('./browser/chat-widget.ts', import.meta.url)),
        embeddable: true,
        customerPages: true,
      },
      {
        name: 'chatinbox',
        entry: fileURLToPath(new URL('./browser/chat-inbox.ts', import.meta.url)),
        console: true,
      },
    ],
    background: [
      // The chats left in the queue are closed by the visitors' socket, after each heartbeat.
      { name: 'chat assignment', run: () => service.assign(advisorName) },
    ],
    // The broadcast is the storage's: it closes with the database.
    close: async () => {
      await sockets.close();
      await advisorSockets.close();
      await turnLog.drained();
    },
    service,
    desk,
    advisorDesk,
  } satisfies ChannelModule & Record<string, unknown>;
}
export type LiveChatChannel = ReturnType<typeof createLiveChatChannel>;
