import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import {
  ChannelPilotError,
  errorStatus,
  parseInput,
  locales,
  type Broadcast,
  type ChannelLog,
  type CustomerVisit,
} from '../core/index.ts';
import { type ChatConversation, type LiveChatStore } from '../core/services.ts';
import type { ChatCustomerSide } from './chat-customer.ts';
import { CHAT_TOPIC, type ChatEvent, type ChatService } from './chat-service.ts';

/** The visitor's socket address. */
export const VISITOR_SOCKET_PATH = '/chat/socket';

const Query = z.object({
  locale: z.enum(locales).default('it-IT'),
  /** The page the chat started on (its touchpoint); `widget` when not said. */
  page: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,39}$/, { error: 'must be a touchpoint code: lower-case letters, digits and _' })
    .default('widget'),
  identity: z.string().min(1).max(400).optional(),
  link: z.string().min(1).max(400).optional(),
  /** The signed visit of a kit's page the widget is on (its customer, touchpoint and journey). */
  visit: z.string().min(1).max(400).optional(),
  conversation: z.uuid().optional(),
  key: z.string().min(1).max(100).optional(),
  /** A signed link from a reply by e-mail: it opens that conversation again. */
  resume: z.string().min(1).max(400).optional(),
  after: z.coerce.number().int().min(0).default(0),
});

/** What a connection may name its visitor by. */
export interface IdentityQuery {
  identity?: string | undefined;
  link?: string | undefined;
  visit?: string | undefined;
}
/** The customer a connection was identified as (null: anonymous), and the page visit that did it. */
export interface Identified {
  customerId: string | null;
  visit?: CustomerVisit;
}

/** Answers a refused WebSocket upgrade with its status and a problem document. */
export function refuseUpgrade(socket: Duplex, error: ChannelPilotError): void {
  const status = errorStatus[error.code];
  const body = JSON.stringify({ title: error.message, status, code: error.code });
  socket.end(
    `HTTP/1.1 ${status} ${error.code}\r\nContent-Type: application/problem+json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}

const Frame = z.discriminatedUnion('type', [
  z.object({ type: z.literal('message'), text: z.string() }),
  z.object({ type: z.literal('quick'), value: z.string().max(60) }),
  z.object({ type: z.literal('typing') }),
  z.object({ type: z.literal('read'), seq: z.number().int().min(0) }),
  z.object({ type: z.literal('end') }),
  z.object({ type: z.literal('csat'), score: z.number().int().min(1).max(5) }),
  z.object({ type: z.literal('transcript') }),
]);

interface Session {
  socket: WebSocket;
  conversationId: string;
  /** The last message sent down this socket. */
  sent: number;
  alive: boolean;
  /** The conversation was waiting when its status was last sent (the queue's moves concern it). */
  waiting: boolean;
  /**
   * Work on this socket, one piece at a time in each direction: what the visitor sent is handled
   * in order, and what goes out does so in order, without waiting for the bot to answer.
   */
  lanes: Record<'in' | 'out', Promise<void>>;
}

/**
 * The visitor's WebSocket: identity checked on every connection, resume after the last message
 * seen, heartbeats, and every conversation's events heard from any instance through the broadcast.
 */
export function createVisitorSockets(options: {
  service: ChatService;
  customer: ChatCustomerSide;
  chats: LiveChatStore;
  broadcast: Broadcast;
  /** Who a connection's signed identity, personal link or page visit names, or why it is refused. */
  identify: (query: IdentityQuery) => Promise<Identified>;
  advisorName: (advisorId: string) => Promise<string>;
  /** Notes that these conversations' visitors are connected now (a reply to one gone goes by e-mail). */
  present: (conversationIds: string[]) => Promise<void>;
  /** The conversation a signed link from a reply by e-mail opens, or why it does not. */
  reopen: (token: string) => Promise<ChatConversation>;
  limits: { connectionsPerIp: number; maxFrameBytes: number; heartbeatMs: number };
  log: ChannelLog;
}) {
  const { service, chats, limits, log } = options;
  const server = new WebSocketServer({ noServer: true, maxPayload: limits.maxFrameBytes });
  const byConversation = new Map<string, Set<Session>>();
  const perIp = new Map<string, number>();

  const send = (session: Session, frame: object) => {
    if (session.socket.readyState === session.socket.OPEN) session.socket.send(JSON.stringify(frame));
  };
  const later = (session: Session, work: () => Promise<void>, lane: 'in' | 'out' = 'out') => {
    session.lanes[lane] = session.lanes[lane].then(work).catch((error: unknown) => {
      if (error instanceof ChannelPilotError)
        send(session, { type: 'error', code: error.code, message: error.message });
      else {
        log.error({ err: error, conversationId: session.conversationId }, 'chat work on a socket failed');
        send(session, { type: 'error', code: 'internal', message: 'something went wrong; please try again' });
      }
    });
  };

  async function catchUp(session: Session): Promise<void> {
    for (;;) {
      const messages = await chats.messages(session.conversationId, session.sent, 200);
      for (const message of messages) send(session, { type: 'message', message });
      session.sent = messages.at(-1)?.seq ?? session.sent;
      if (messages.length < 200) return;
    }
  }

  async function status(session: Session): Promise<void> {
    const conversation = await chats.conversation(session.conversationId);
    if (!conversation) return;
    const wait = await options.customer.waitFor(conversation.id);
    const opening = options.customer.opening();
    session.waiting = wait !== null;
    send(session, {
      type: 'status',
      status: conversation.status,
      position: wait?.position ?? null,
      minutes: wait?.minutes ?? null,
      advisors: opening.open ? 'open' : 'closed',
      opensAt: opening.open ? null : (opening.opensAt?.toISOString() ?? null),
      ...(conversation.status === 'closed'
        ? { survey: await options.customer.visitorDesk.surveyDue(conversation) }
        : {}),
    });
    // What the advisors have read, for a visitor coming back.
    const read = Object.entries(await chats.readState(conversation.id)).filter(([who]) => who !== 'visitor');
    const seq = Math.max(0, ...read.map(([, seq]) => seq));
    if (seq > 0) send(session, { type: 'read', who: 'advisor', seq });
  }

  const unsubscribe = options.broadcast.subscribe(CHAT_TOPIC, (payload) => {
    const event = JSON.parse(payload) as ChatEvent;
    if (event.kind === 'queue') {
      for (const sessions of byConversation.values())
        for (const session of sessions) if (session.waiting) later(session, () => status(session));
      return;
    }
    for (const session of byConversation.get(event.conversationId) ?? []) {
      if (event.kind === 'message') later(session, () => catchUp(session));
      else if (event.kind === 'status') later(session, () => status(session));
      else if (event.who === 'advisor') send(session, { type: event.kind, who: 'advisor', seq: event.seq });
    }
  });

  const markPresent = (ids: string[]) =>
    options.present(ids).catch((error: unknown) => log.warn({ err: error }, 'visitors’ presence not noted'));

  const heartbeat = setInterval(() => {
    // This instance's visitors are noted first, then the queue loses the chats no instance has
    // seen for a while (their visitors closed the page).
    void markPresent([...byConversation.keys()])
      .then(() => service.leaveUnseen())
      .catch((error: unknown) => log.warn({ err: error }, 'chats left in the queue not closed'));
    for (const sessions of byConversation.values())
      for (const session of sessions) {
        if (!session.alive) {
          session.socket.terminate();
          continue;
        }
        session.alive = false;
        session.socket.ping();
        // A notification lost while the listening connection was down is caught up here.
        later(session, () => catchUp(session));
      }
  }, limits.heartbeatMs);
  heartbeat.unref();

  async function open(
    request: IncomingMessage,
  ): Promise<{ conversation: ChatConversation; key?: string; after: number }> {
    const url = new URL(request.url ?? '/', 'http://chat');
    const query = parseInput(Query, Object.fromEntries(url.searchParams), 'chat address');
    if (query.resume) return { conversation: await options.reopen(query.resume), after: query.after };
    const { customerId, visit } = await options.identify(query);
    if (query.conversation) {
      if (!query.key) throw new ChannelPilotError('invalid_input', 'key is needed to come back to a chat');
      const conversation = await service.resume(query.conversation, query.key);
      // Whoever comes back to an identified customer's chat must be identified as them again.
      if (conversation.customerId && conversation.customerId !== customerId)
        throw new ChannelPilotError(
          'forbidden',
          'this chat belongs to an identified customer: open it again from where you were identified',
        );
      return { conversation, after: query.after };
    }
    const started = await service.start({
      customerId,
      identity: visit ? 'page' : query.identity ? 'token' : query.link ? 'link' : 'anonymous',
      locale: query.locale,
      // A page's visit says which page it is, signed; `page` is the widget's own word for it.
      touchpoint: visit?.touchpoint ?? query.page,
      continuing: visit?.contactId ?? null,
    });
    return { ...started, after: 0 };
  }

  function attach(socket: WebSocket, release: () => void, opened: Awaited<ReturnType<typeof open>>) {
    const { conversation } = opened;
    const session: Session = {
      socket,
      conversationId: conversation.id,
      sent: opened.after,
      alive: true,
      waiting: conversation.status === 'waiting',
      lanes: { in: Promise.resolve(), out: Promise.resolve() },
    };
    const sessions = byConversation.get(conversation.id) ?? new Set();
    sessions.add(session);
    byConversation.set(conversation.id, sessions);
    socket.on('pong', () => (session.alive = true));
    // A frame over the size limit, or one that breaks the protocol: ws closes this connection
    // (1009, 1002) and reports it here; unheard, it would end the process.
    socket.on('error', (error) =>
      log.warn(
        { err: error, conversationId: conversation.id },
        'a chat connection was closed for a bad frame',
      ),
    );
    void markPresent([conversation.id]);
    socket.on('close', () => {
      void markPresent([conversation.id]);
      sessions.delete(session);
      if (sessions.size === 0) byConversation.delete(conversation.id);
      release();
    });
    socket.on('message', (data, isBinary) => {
      later(
        session,
        async () => {
          if (isBinary)
            throw new ChannelPilotError(
              'invalid_input',
              'binary frames are not accepted: send each chat frame as JSON text',
            );
          let json: unknown;
          try {
            json = JSON.parse(data.toString());
          } catch {
            throw new ChannelPilotError('invalid_input', 'a chat frame must be JSON');
          }
          const frame = parseInput(Frame, json, 'chat frame');
          const id = conversation.id;
          if (frame.type === 'message')
            await service.visitorSays(id, { text: frame.text }, options.advisorName);
          else if (frame.type === 'quick')
            await service.visitorSays(id, { quick: frame.value }, options.advisorName);
          else if (frame.type === 'typing')
            await service.announce({ conversationId: id, kind: 'typing', who: 'visitor' });
          else if (frame.type === 'read') await service.read(id, 'visitor', 'visitor', frame.seq);
          else if (frame.type === 'csat') {
            await service.csat(id, frame.score);
            send(session, { type: 'csat', score: frame.score });
          } else if (frame.type === 'transcript')
            send(session, { type: 'transcript', ...(await service.transcript(id)) });
          else await service.close(id, { visitor: true });
        },
        'in',
      );
    });
    send(session, {
      type: 'ready',
      conversationId: conversation.id,
      ...(opened.key ? { key: opened.key } : {}),
      status: conversation.status,
      locale: conversation.locale,
      // Only an identified customer's transcript can go to an address (the one on file).
      transcript: conversation.customerId !== null,
    });
    later(session, () => catchUp(session));
    later(session, () => status(session));
  }

  return {
    /** Takes the upgrade when it is for the visitor's socket; false leaves it to others. */
    upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean {
      if (new URL(request.url ?? '/', 'http://chat').pathname !== VISITOR_SOCKET_PATH) return false;
      const ip = request.socket.remoteAddress ?? 'unknown';
      const count = perIp.get(ip) ?? 0;
      if (count >= limits.connectionsPerIp) {
        refuseUpgrade(
          socket,
          new ChannelPilotError(
            'rate_limited',
            `at most ${limits.connectionsPerIp} chat connections from one address; close another chat first`,
          ),
        );
        return true;
      }
      perIp.set(ip, count + 1);
      const release = () => {
        const left = (perIp.get(ip) ?? 1) - 1;
        if (left <= 0) perIp.delete(ip);
        else perIp.set(ip, left);
      };
      open(request).then(
        (opened) => server.handleUpgrade(request, socket, head, (ws) => attach(ws, release, opened)),
        (error: unknown) => {
          release();
          if (error instanceof ChannelPilotError) refuseUpgrade(socket, error);
          else {
            log.error({ err: error }, 'a chat connection failed');
            refuseUpgrade(
              socket,
              new ChannelPilotError('unavailable', 'the chat is not available right now'),
            );
          }
        },
      );
      return true;
    },
    async close(): Promise<void> {
      clearInterval(heartbeat);
      unsubscribe();
      for (const sessions of byConversation.values())
        for (const session of sessions) session.socket.close(1001);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
