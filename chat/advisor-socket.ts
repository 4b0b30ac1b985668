import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import {
  can,
  ChannelPilotError,
  fromThisSite,
  parseInput,
  type Broadcast,
  type ChannelLog,
  type StaffUser,
} from '../core/index.ts';
import { type LiveChatStore } from '../core/services.ts';
import { CHAT_TOPIC, type ChatEvent, type ChatService } from './chat-service.ts';
import { refuseUpgrade } from './chat-socket.ts';

/** The advisors' socket address (the console opens it with the staff session's cookie). */
export const ADVISOR_SOCKET_PATH = '/chat/advisor-socket';

const Frame = z.discriminatedUnion('type', [
  /** Follow a chat: its messages after `after`, then everything that happens in it. */
  z.object({ type: z.literal('watch'), conversationId: z.uuid(), after: z.number().int().min(0) }),
  z.object({ type: z.literal('unwatch'), conversationId: z.uuid() }),
  z.object({ type: z.literal('typing'), conversationId: z.uuid() }),
  z.object({ type: z.literal('read'), conversationId: z.uuid(), seq: z.number().int().min(0) }),
]);

interface Session {
  socket: WebSocket;
  advisor: StaffUser;
  /** The chats followed, and the last message sent down for each. */
  watching: Map<string, number>;
  alive: boolean;
  lane: Promise<void>;
}

/**
 * The advisors' WebSocket: the console follows its chats live (messages, the visitor typing and
 * reading, status changes, the queue moving), from whichever instance it is connected to, and says
 * when the advisor types and reads. Heartbeats end dead connections; a reconnecting console
 * watches again from the last message it has.
 */
export function createAdvisorSockets(options: {
  service: ChatService;
  chats: LiveChatStore;
  broadcast: Broadcast;
  /** The staff user a request's session cookie names, if any. */
  authenticate: (request: IncomingMessage) => Promise<StaffUser | undefined>;
  /** Notes that these advisors' consoles are connected now (one silent too long counts as away). */
  heard: (advisorIds: string[]) => Promise<void>;
  limits: { maxFrameBytes: number; heartbeatMs: number };
  /** The site's public address: a page of it may open the socket. */
  publicUrl: string;
  log: ChannelLog;
}) {
  const { service, chats, limits, log } = options;
  const server = new WebSocketServer({ noServer: true, maxPayload: limits.maxFrameBytes });
  const sessions = new Set<Session>();

  const send = (session: Session, frame: object) => {
    if (session.socket.readyState === session.socket.OPEN) session.socket.send(JSON.stringify(frame));
  };
  const later = (session: Session, work: () => Promise<void>) => {
    session.lane = session.lane.then(work).catch((error: unknown) => {
      if (error instanceof ChannelPilotError)
        send(session, { type: 'error', code: error.code, message: error.message });
      else {
        log.error({ err: error, advisorId: session.advisor.id }, 'chat work on an advisor socket failed');
        send(session, { type: 'error', code: 'internal', message: 'something went wrong; please try again' });
      }
    });
  };

  async function catchUp(session: Session, conversationId: string): Promise<void> {
    for (;;) {
      const after = session.watching.get(conversationId);
      if (after === undefined) return;
      const messages = await chats.messages(conversationId, after, 200);
      for (const message of messages) send(session, { type: 'message', conversationId, message });
      session.watching.set(conversationId, messages.at(-1)?.seq ?? after);
      if (messages.length < 200) return;
    }
  }

  async function watch(session: Session, conversationId: string, after: number): Promise<void> {
    const conversation = await chats.conversation(conversationId);
    if (!conversation) throw new ChannelPilotError('not_found', `no chat ${conversationId}`);
    session.watching.set(conversationId, after);
    await catchUp(session, conversationId);
    const read = await chats.readState(conversationId);
    send(session, { type: 'read', conversationId, who: 'visitor', seq: read.visitor ?? 0 });
  }

  /** Typing and reading are said only in a chat the advisor has. */
  async function ownChat(session: Session, conversationId: string) {
    const conversation = await chats.conversation(conversationId);
    if (conversation?.status !== 'assigned' || conversation.advisorId !== session.advisor.id)
      throw new ChannelPilotError('forbidden', 'this chat is not assigned to you');
  }

  const unsubscribe = options.broadcast.subscribe(CHAT_TOPIC, (payload) => {
    const event = JSON.parse(payload) as ChatEvent;
    const { conversationId } = event;
    for (const session of sessions) {
      // Every console hears that the queue or an assignment changed: it reads its lists again.
      if (event.kind === 'status')
        send(session, { type: 'status', conversationId, advisorId: event.advisorId ?? null });
      if (!session.watching.has(conversationId)) continue;
      if (event.kind === 'message') later(session, () => catchUp(session, conversationId));
      else if ((event.kind === 'typing' || event.kind === 'read') && event.who === 'visitor')
        send(session, { type: event.kind, conversationId, who: 'visitor', seq: event.seq });
    }
  });

  const noteHeard = (advisorIds: string[]) =>
    options
      .heard([...new Set(advisorIds)])
      .catch((error: unknown) => log.warn({ err: error }, 'advisors’ consoles not noted as heard'));

  const heartbeat = setInterval(() => {
    // Those who answered the last ping are still there.
    void noteHeard([...sessions].filter((s) => s.alive).map((s) => s.advisor.id));
    for (const session of sessions) {
      if (!session.alive) {
        session.socket.terminate();
        continue;
      }
      session.alive = false;
      session.socket.ping();
      // A notification lost while the listening connection was down is caught up here.
      for (const id of session.watching.keys()) later(session, () => catchUp(session, id));
    }
  }, limits.heartbeatMs);
  heartbeat.unref();

  function attach(socket: WebSocket, advisor: StaffUser): void {
    const session: Session = { socket, advisor, watching: new Map(), alive: true, lane: Promise.resolve() };
    sessions.add(session);
    void noteHeard([advisor.id]);
    socket.on('pong', () => (session.alive = true));
    // As on the visitors' socket: ws closes a connection that sent a bad frame, and says so here.
    socket.on('error', (error) =>
      log.warn({ err: error, advisorId: advisor.id }, 'an advisor socket was closed for a bad frame'),
    );
    socket.on('close', () => sessions.delete(session));
    socket.on('message', (data, isBinary) =>
      later(session, async () => {
        if (isBinary)
          throw new ChannelPilotError(
            'invalid_input',
            'binary frames are not accepted: send each advisor frame as JSON text',
          );
        let json: unknown;
        try {
          json = JSON.parse(data.toString());
        } catch {
          throw new ChannelPilotError('invalid_input', 'an advisor frame must be JSON');
        }
        const frame = parseInput(Frame, json, 'advisor frame');
        const id = frame.conversationId;
        if (frame.type === 'watch') await watch(session, id, frame.after);
        else if (frame.type === 'unwatch') session.watching.delete(id);
        else if (frame.type === 'typing') {
          await ownChat(session, id);
          await service.announce({ conversationId: id, kind: 'typing', who: 'advisor' });
        } else {
          await ownChat(session, id);
          await service.read(id, 'advisor', advisor.id, frame.seq);
        }
      }),
    );
    send(session, { type: 'ready', advisorId: advisor.id });
  }

  async function admit(request: IncomingMessage): Promise<StaffUser> {
    // Only the app's own pages may open it: a session cookie sent from another site's page is refused.
    if (!fromThisSite(request.headers.origin, request.headers.host, options.publicUrl))
      throw new ChannelPilotError(
        'forbidden',
        'the advisors’ chat socket opens only from the console’s own pages',
      );
    const advisor = await options.authenticate(request);
    if (!advisor) throw new ChannelPilotError('unauthenticated', 'log in to the console first');
    if (!can(advisor.role, 'customers:write'))
      throw new ChannelPilotError(
        'forbidden',
        `the chat inbox is for advisors; your role is ${advisor.role}`,
      );
    return advisor;
  }

  return {
    /** Takes the upgrade when it is for the advisors' socket; false leaves it to others. */
    upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): boolean {
      if (new URL(request.url ?? '/', 'http://chat').pathname !== ADVISOR_SOCKET_PATH) return false;
      admit(request).then(
        (advisor) => server.handleUpgrade(request, socket, head, (ws) => attach(ws, advisor)),
        (error: unknown) => {
          if (!(error instanceof ChannelPilotError))
            log.error({ err: error }, 'an advisor socket failed to open');
          refuseUpgrade(
            socket,
            error instanceof ChannelPilotError
              ? error
              : new ChannelPilotError('unavailable', 'the chat is not available right now'),
          );
        },
      );
      return true;
    },
    async close(): Promise<void> {
      clearInterval(heartbeat);
      unsubscribe();
      for (const session of sessions) session.socket.close(1001);
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
