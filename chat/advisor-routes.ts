import { Router } from 'express';
import { z } from 'zod';
import {
  locales,
  Slug,
  Uuid,
  type Clock,
  type RouteKit,
  type SignedLinks,
  type StaffDirectory,
  type StaffUser,
} from '../core/index.ts';
import { CannedReplyInput, escapeXml, type CannedReply, type ChatConsoleStore } from '../core/services.ts';
import { CONTINUE_PATH, type AdvisorDesk } from './advisor-desk.ts';
import { ADVISOR_SOCKET_PATH } from './advisor-socket.ts';
import { chatTexts } from './chat-texts.ts';

const ById = z.object({ id: Uuid });
const tag = 'live chat';

const CannedReplySchema = z.object({
  id: z.uuid(),
  locale: z.enum(locales),
  title: z.string(),
  body: z.string(),
  position: z.number().int(),
  updatedAt: z.iso.datetime(),
});
const cannedView = (r: CannedReply): z.input<typeof CannedReplySchema> => ({
  ...r,
  updatedAt: r.updatedAt.toISOString(),
});

/** The advisors' console beyond replying: colleagues to hand a chat to, canned replies, video. */
export function registerAdvisorRoutes(
  kit: RouteKit,
  deps: { desk: AdvisorDesk; console: ChatConsoleStore; staff: StaffDirectory; clock: Clock },
) {
  const { desk, console: store, clock } = deps;
  const me = (staff: StaffUser | undefined) => staff!;

  kit.route({
    method: 'get',
    path: '/api/chat/advisors',
    summary:
      'The advisors who take chats, with how many they have open (to hand a chat over); `away`: taking chats, but their console has gone silent',
    tag,
    permission: 'customers:read',
    response: z.array(
      z.object({
        advisorId: z.uuid(),
        name: z.string(),
        available: z.boolean(),
        away: z.boolean(),
        open: z.number().int(),
      }),
    ),
    async handler() {
      const agents = await desk.team();
      return Promise.all(
        agents.map(async (a) => ({ ...a, name: (await deps.staff.find(a.advisorId))?.displayName ?? '' })),
      );
    },
  });

  kit.route({
    method: 'post',
    path: '/api/chat/conversations/:id/transfer',
    summary: 'Hands a chat assigned to the advisor to a colleague who takes chats and has room for it',
    tag,
    permission: 'customers:write',
    params: ById,
    body: z.object({ advisorId: Uuid }),
    response: z.object({ id: z.uuid(), advisorId: z.uuid().nullable() }),
    async handler({ params, body, staff }) {
      const moved = await desk.transfer(params.id, me(staff), body.advisorId);
      return { id: moved.id, advisorId: moved.advisorId };
    },
  });

  kit.route({
    method: 'post',
    path: '/api/chat/conversations/:id/video',
    summary:
      'Books a video consultation starting now with the advisor, in the chat’s journey, and posts its join link in the chat',
    tag,
    permission: 'customers:write',
    params: ById,
    body: z.object({ topic: Slug.default('billing') }),
    response: z.object({
      appointmentId: z.uuid(),
      startsAt: z.iso.datetime(),
      endsAt: z.iso.datetime(),
      joinUrl: z.string(),
      seq: z.number().int(),
    }),
    status: 201,
    async handler({ params, body, staff }) {
      const { appointment, joinUrl, message } = await desk.switchToVideo(params.id, me(staff), body.topic);
      return {
        appointmentId: appointment.id,
        startsAt: appointment.startsAt.toISOString(),
        endsAt: appointment.endsAt.toISOString(),
        joinUrl,
        seq: message.seq,
      };
    },
  });

  kit.route({
    method: 'get',
    path: '/api/chat/canned-replies',
    summary: 'The canned replies advisors insert, in one language or all',
    tag,
    permission: 'customers:read',
    query: z.object({ locale: z.enum(locales).optional() }),
    response: z.array(CannedReplySchema),
    async handler({ query }) {
      return (await store.cannedReplies(query.locale)).map(cannedView);
    },
  });

  kit.route({
    method: 'post',
    path: '/api/chat/canned-replies',
    summary: 'Adds a canned reply (administrators)',
    tag,
    permission: 'staff:manage',
    body: CannedReplyInput,
    response: CannedReplySchema,
    status: 201,
    async handler({ body }) {
      return cannedView(await store.addCannedReply(body, clock.now()));
    },
  });

  kit.route({
    method: 'put',
    path: '/api/chat/canned-replies/:id',
    summary: 'Rewrites a canned reply (administrators)',
    tag,
    permission: 'staff:manage',
    params: ById,
    body: CannedReplyInput,
    response: CannedReplySchema,
    async handler({ params, body }) {
      return cannedView(await store.updateCannedReply(params.id, body, clock.now()));
    },
  });

  kit.route({
    method: 'delete',
    path: '/api/chat/canned-replies/:id',
    summary: 'Removes a canned reply (administrators)',
    tag,
    permission: 'staff:manage',
    params: ById,
    response: null,
    status: 204,
    async handler({ params }) {
      await store.removeCannedReply(params.id);
    },
  });

  kit.describe('get', ADVISOR_SOCKET_PATH, {
    summary:
      'The advisors’ chat WebSocket (upgrade, with the console’s session cookie, from the app’s own pages): `watch` a chat after a message number, say `typing` and `read`',
    tags: [tag],
    responses: { 101: { description: 'Switching to the WebSocket protocol' } },
  });
  kit.describe('get', `${CONTINUE_PATH}/{token}`, {
    summary: 'The page a reply by e-mail links to: the chat widget, opened on that conversation',
    tags: [tag],
    parameters: [{ name: 'token', in: 'path', required: true, schema: { type: 'string' } }],
    responses: { 200: { description: 'The page', content: { 'text/html': { schema: { type: 'string' } } } } },
  });
}

/** The page behind a reply by e-mail's link: the widget, open on the conversation the link names. */
export function continuePage(deps: {
  links: SignedLinks;
  clock: Clock;
  locale: (conversationId: string) => Promise<string | undefined>;
}) {
  const router = Router();
  router.get(`${CONTINUE_PATH}/:token`, async (req, res) => {
    res.setHeader(
      'Content-Security-Policy',
      "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; connect-src 'self'; base-uri 'none'; frame-ancestors 'none'",
    );
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Referrer-Policy', 'no-referrer');
    const inspection = deps.links.inspect(req.params.token, 'resume_chat', deps.clock.now());
    const locale = inspection.status === 'invalid' ? undefined : await deps.locale(inspection.claims.subject);
    const lang = locale === 'en-US' ? 'en-US' : 'it-IT';
    const t = chatTexts[lang].continuePage;
    const page = (text: string, script = '') =>
      `<!doctype html><html lang="${lang.slice(0, 2)}"><head><meta charset="utf-8">` +
      `<meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeXml(t.title)}</title></head>` +
      `<body><main><h1>${escapeXml(t.title)}</h1><p>${escapeXml(text)}</p></main>${script}</body></html>`;
    if (inspection.status !== 'valid' || !locale) {
      res
        .status(inspection.status === 'expired' ? 410 : 404)
        .type('html')
        .send(page(inspection.status === 'expired' ? t.expired : t.invalid));
      return;
    }
    // The widget opens on the conversation the link names (its `data-resume`).
    const widget = `<script src="/assets/chatwidget.js" data-locale="${lang}" data-page="widget" data-resume="${escapeXml(req.params.token)}" async></script>`;
    res.type('html').send(page(t.intro, widget));
  });
  return router;
}
