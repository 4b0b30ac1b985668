import type { Express } from 'express';
import { DateTime } from 'luxon';
import { z } from 'zod';
import {
  ChannelPilotError,
  REFERENCE_ZONE,
  Uuid,
  can,
  type OutboxMessage,
  type Stores,
} from '../../core/index.ts';
import { staffOf, type createApi } from './api.ts';
import { sessionMiddleware } from './staff-auth.ts';
import { CUSTOMER_LINK_TOKEN } from './problem.ts';

const OutboxMessageSchema = z
  .object({
    id: z.uuid(),
    dedupeKey: z.string(),
    customerId: z.uuid(),
    appointmentId: z.uuid().nullable(),
    kind: z.string(),
    medium: z.enum(['email', 'sms']),
    recipient: z.string(),
    subject: z.string().nullable(),
    body: z.string(),
    /** An e-mail's HTML part (none for SMS), its customer links masked like the text's. */
    html: z.string().nullable(),
    /** A binary attachment's content is left out: only its name and type show. */
    attachments: z.array(
      z.object({
        filename: z.string(),
        contentType: z.string(),
        content: z.string(),
        encoding: z.literal('base64').optional(),
      }),
    ),
    sendAfter: z.iso.datetime({ offset: true }),
    bulk: z
      .boolean()
      .meta({ description: 'one of many queued at once: sent after every due message that is not' }),
    status: z.enum(['pending', 'sending', 'sent', 'failed', 'cancelled']),
    attempts: z.number().int(),
    lastError: z.string().nullable(),
    sentAt: z.iso.datetime({ offset: true }).nullable(),
    createdAt: z.iso.datetime({ offset: true }),
  })
  .meta({ id: 'OutboxMessage' });

/** What was (or will be) sent to customers: as JSON, and as a page for people trying the pilot. */
export function registerOutboxRoutes(
  app: Express,
  api: ReturnType<typeof createApi>,
  { stores }: { stores: Stores },
): void {
  api.route({
    method: 'get',
    path: '/api/outbox',
    summary: 'Messages to customers, newest first: queued, sent, failed or withdrawn',
    tag: 'notifications',
    permission: 'customers:read',
    query: z.object({
      customerId: Uuid.optional(),
      limit: z.coerce.number().int().min(1).max(500).default(100),
    }),
    response: z.array(OutboxMessageSchema),
    handler: async ({ query }) =>
      (
        await stores.outbox.recent({
          limit: query.limit,
          ...(query.customerId ? { customerId: query.customerId } : {}),
        })
      ).map(shownToStaff),
  });

  app.get('/outbox', sessionMiddleware(stores.staff), async (req, res) => {
    const staff = staffOf(res);
    // A page: someone not logged in is sent to the login page, and back here after it.
    if (!staff) return void res.redirect(303, `/manage/login?next=${encodeURIComponent(req.originalUrl)}`);
    if (!can(staff.role, 'customers:read'))
      throw new ChannelPilotError('forbidden', `the ${staff.role} role may not read messages to customers`);
    const messages = (await stores.outbox.recent({ limit: 200 })).map(shownToStaff);
    res.setHeader(
      'Content-Security-Policy',
      "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
    );
    res.type('html').send(page(messages));
  });
}

/** An instant as staff read it: the reference zone's date and time to the second. */
const localTime = (at: Date) =>
  DateTime.fromJSDate(at, { zone: REFERENCE_ZONE }).toFormat('dd/MM/yyyy HH:mm:ss');

function page(messages: StaffView[]): string {
  const rows = messages
    .map(
      (
        m,
      ) => `<tr><td><time datetime="${m.sendAfter.toISOString()}">${localTime(m.sendAfter)}</time></td><td>${escape(m.status)}${m.sentAt ? ` <time datetime="${m.sentAt.toISOString()}">${localTime(m.sentAt)}</time>` : ''}</td><td>${escape(m.medium)}</td>
<td>${escape(m.recipient)}</td><td>${escape(m.kind)}</td><td><strong>${escape(m.subject ?? '')}</strong><pre>${escape(m.body)}</pre>
${m.attachments.map((a) => `<details><summary>${escape(a.filename)}</summary><pre>${escape(a.content)}</pre></details>`).join('')}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html><html lang="en"><meta charset="utf-8"><title>Outbox · channel-pilot</title>
<style>body{font:15px/1.4 system-ui,sans-serif;margin:2rem;color:#111}table{border-collapse:collapse;width:100%}
td,th{border-bottom:1px solid #ccc;padding:.4rem;text-align:left;vertical-align:top}pre{white-space:pre-wrap;margin:.3rem 0}</style>
<h1>Outbox</h1><p>Messages to customers. With the development senders nothing leaves this machine: this page is where they arrive.</p>
<table><thead><tr><th>Due (${REFERENCE_ZONE})</th><th>Status</th><th>Medium</th><th>To</th><th>Kind</th><th>Message</th></tr></thead><tbody>
${rows || '<tr><td colspan="6">Nothing yet.</td></tr>'}</tbody></table></html>`;
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

type StaffView = Omit<OutboxMessage, 'claimToken'>;

/**
 * A message as staff may read it. A linking code and the customer's live links are the
 * customer's alone (a code said to a voice assistant opens their account, a link opens their
 * consultation or payment page), so they are hidden; the sender's claim on it stays inside.
 */
function shownToStaff({ claimToken: _claim, ...message }: OutboxMessage): StaffView {
  const hide = (text: string) => {
    const masked = text.replace(CUSTOMER_LINK_TOKEN, '$1••••••');
    return message.kind === 'link_code' ? masked.replace(/\d{6}/g, '••••••') : masked;
  };
  return {
    ...message,
    subject: message.subject && hide(message.subject),
    body: hide(message.body),
    html: message.html ? hide(message.html) : null,
    // Calendar files fold long lines, which would cut a link in two: unfolded first.
    // A binary attachment (a bill's PDF) carries the live link in its QR code: only its name shows.
    attachments: message.attachments.map((a) => ({
      ...a,
      content: a.encoding === 'base64' ? '' : hide(a.content.replace(/\r?\n[ \t]/g, '')),
    })),
  };
}
