import { z } from 'zod';
import {
  locales,
  notFound,
  Uuid,
  type Clock,
  type CustomerDirectory,
  type RouteKit,
  type SignedLinks,
  type StaffUser,
} from '../core/index.ts';
import {
  ChatCloseOutcome,
  chatAuthors,
  chatIdentities,
  chatStatuses,
  type ChatConversation,
  type ChatMessage,
  type LiveChatStore,
} from '../core/services.ts';
import type { ChatService } from './chat-service.ts';

const ConversationSchema = z.object({
  id: z.uuid(),
  customerId: z.uuid().nullable(),
  identity: z.enum(chatIdentities),
  locale: z.enum(locales),
  touchpoint: z.string(),
  status: z.enum(chatStatuses),
  advisorId: z.uuid().nullable(),
  createdAt: z.iso.datetime(),
  queuedAt: z.iso.datetime().nullable(),
  assignedAt: z.iso.datetime().nullable(),
  closedAt: z.iso.datetime().nullable(),
  outcome: z.string().nullable(),
  position: z.number().int().nullable(),
});

const MessageSchema = z.object({
  seq: z.number().int(),
  author: z.enum(chatAuthors),
  authorId: z.uuid().nullable(),
  body: z.string(),
  quickReplies: z.array(z.object({ label: z.string(), value: z.string() })),
  createdAt: z.iso.datetime(),
});

const iso = (date: Date | null) => date?.toISOString() ?? null;
const view = (c: ChatConversation, position: number | null = null): z.input<typeof ConversationSchema> => ({
  id: c.id,
  customerId: c.customerId,
  identity: c.identity,
  locale: c.locale,
  touchpoint: c.touchpoint,
  status: c.status,
  advisorId: c.advisorId,
  createdAt: c.createdAt.toISOString(),
  queuedAt: iso(c.queuedAt),
  assignedAt: iso(c.assignedAt),
  closedAt: iso(c.closedAt),
  outcome: c.outcome,
  position,
});
const messageView = (m: ChatMessage): z.input<typeof MessageSchema> => ({
  seq: m.seq,
  author: m.author,
  authorId: m.authorId,
  body: m.body,
  quickReplies: m.quickReplies,
  createdAt: m.createdAt.toISOString(),
});

const ById = z.object({ id: Uuid });
const tag = 'live chat';
/** How long a personal chat link opens the customer's chat. */
const PERSONAL_LINK_DAYS = 7;

/** The advisors' side of the live chat: the queue, their chats, replies, closing. */
export function registerChatRoutes(
  kit: RouteKit,
  deps: {
    service: ChatService;
    chats: LiveChatStore;
    customers: CustomerDirectory;
    links: SignedLinks;
    clock: Clock;
    advisorName: (advisorId: string) => Promise<string>;
    /** The advisor's reply, and whether it also went out by e-mail (the visitor had left). */
    reply: (
      conversationId: string,
      advisor: StaffUser,
      text: string,
    ) => Promise<{ message: ChatMessage; emailed: boolean }>;
  },
) {
  const { service, chats, clock } = deps;
  const me = (staff: StaffUser | undefined) => staff!;

  kit.route({
    method: 'get',
    path: '/api/chat/queue',
    summary: 'The chats waiting for an advisor, first in line first, with their place',
    tag,
    permission: 'customers:read',
    response: z.array(ConversationSchema),
    async handler() {
      return (await chats.waiting()).map((q) => view(q.conversation, q.position));
    },
  });

  kit.route({
    method: 'get',
    path: '/api/chat/mine',
    summary: 'The chats assigned to the advisor asking, oldest first',
    tag,
    permission: 'customers:read',
    response: z.array(ConversationSchema),
    async handler({ staff }) {
      return (await chats.assignedTo(me(staff).id)).map((c) => view(c));
    },
  });

  kit.route({
    method: 'post',
    path: '/api/chat/availability',
    summary:
      'The advisor takes chats (waiting ones are assigned at once, least loaded first) or stops taking new ones',
    tag,
    permission: 'customers:write',
    body: z.object({ available: z.boolean() }),
    response: z.object({ available: z.boolean(), assigned: z.number().int() }),
    async handler({ body, staff }) {
      await chats.setAvailable(me(staff).id, body.available, clock.now());
      const assigned = await service.assign(deps.advisorName);
      return { available: body.available, assigned: assigned.length };
    },
  });

  kit.route({
    method: 'get',
    path: '/api/chat/conversations/:id',
    summary: 'One chat, with its place in the queue while it waits',
    tag,
    permission: 'customers:read',
    params: ById,
    response: ConversationSchema,
    async handler({ params }) {
      const conversation = await chats.conversation(params.id);
      if (!conversation) throw notFound('chat', params.id);
      return view(conversation, (await chats.position(params.id)) ?? null);
    },
  });

  kit.route({
    method: 'get',
    path: '/api/chat/conversations/:id/messages',
    summary: 'A chat’s messages after the one numbered `after` (what the bot already answered, too)',
    tag,
    permission: 'customers:read',
    params: ById,
    query: z.object({ after: z.coerce.number().int().min(0).default(0) }),
    response: z.array(MessageSchema),
    async handler({ params, query }) {
      if (!(await chats.conversation(params.id))) throw notFound('chat', params.id);
      return (await chats.messages(params.id, query.after, 500)).map(messageView);
    },
  });

  kit.route({
    method: 'post',
    path: '/api/chat/conversations/:id/claim',
    summary: 'The advisor takes a waiting chat (within their limit of open chats)',
    tag,
    permission: 'customers:write',
    params: ById,
    response: ConversationSchema,
    async handler({ params, staff }) {
      return view(await service.claim(params.id, me(staff)));
    },
  });

  kit.route({
    method: 'post',
    path: '/api/chat/conversations/:id/messages',
    summary:
      'The advisor’s reply in a chat assigned to them; when the visitor has left, it also goes out by e-mail with a link back (`emailed`)',
    tag,
    permission: 'customers:write',
    params: ById,
    body: z.object({ text: z.string() }),
    response: MessageSchema.extend({ emailed: z.boolean() }),
    status: 201,
    async handler({ params, body, staff }) {
      const { message, emailed } = await deps.reply(params.id, me(staff), body.text);
      return { ...messageView(message), emailed };
    },
  });

  kit.route({
    method: 'post',
    path: '/api/chat/conversations/:id/typing',
    summary: 'Tells the visitor the advisor is typing',
    tag,
    permission: 'customers:write',
    params: ById,
    response: null,
    status: 204,
    async handler({ params, staff }) {
      const conversation = await chats.conversation(params.id);
      if (!conversation || conversation.advisorId !== me(staff).id) throw notFound('chat', params.id);
      await service.announce({ conversationId: params.id, kind: 'typing', who: 'advisor' });
    },
  });

  kit.route({
    method: 'post',
    path: '/api/chat/conversations/:id/close',
    summary: 'The advisor closes a chat assigned to them, with its outcome',
    tag,
    permission: 'customers:write',
    params: ById,
    body: z.object({ outcome: ChatCloseOutcome }),
    response: ConversationSchema,
    async handler({ params, body, staff }) {
      return view(await service.close(params.id, { advisor: me(staff), outcome: body.outcome }));
    },
  });

  kit.route({
    method: 'post',
    path: '/api/chat/personal-links',
    summary: `A customer’s personal chat token (valid ${PERSONAL_LINK_DAYS} days), for a link that opens the chat as them (the socket’s \`link\`)`,
    tag,
    permission: 'customers:write',
    body: z.object({ customerId: Uuid }),
    response: z.object({ token: z.string(), expiresAt: z.iso.datetime() }),
    status: 201,
    async handler({ body }) {
      if (!(await deps.customers.get(body.customerId))) throw notFound('customer', body.customerId);
      const expiresAt = new Date(clock.now().getTime() + PERSONAL_LINK_DAYS * 86_400_000);
      const token = deps.links.sign({ action: 'chat', subject: body.customerId, expiresAt });
      return { token, expiresAt: expiresAt.toISOString() };
    },
  });
}
