import { z } from 'zod';
import {
  Instant,
  Locale,
  Slug,
  Uuid,
  invalidInput,
  notFound,
  type Clock,
  type SignedLinks,
  type Stores,
} from '../../core/index.ts';
import {
  createConsultationLinks,
  type Appointment,
  type BookingService,
  type ConsultationDesk,
  type DeskChange,
} from '../../core/services.ts';
import { consultationLinkPath, type ConsultationLinkAction } from '../../video/index.ts';
import type { createApi } from './api.ts';
import { ById, ByToken, createRecordLookups } from '../../core/index.ts';
import { AppointmentSchema } from '../../core/index.ts';

const LinkSchema = z.object({ token: z.string(), url: z.url(), expiresAt: z.iso.datetime({ offset: true }) });
const SlotSchema = z
  .object({
    startsAt: z.iso.datetime({ offset: true }),
    endsAt: z.iso.datetime({ offset: true }),
    advisorIds: z.array(z.uuid()),
  })
  .meta({ id: 'Slot' });
const QueuedSchema = z.object({
  status: z.literal('queued'),
  medium: z.enum(['email', 'sms']),
  recipient: z.string(),
  messageId: z.uuid().meta({ description: 'the outbox message carrying it' }),
});
const UNREACHABLE =
  'nothing was sent: the customer has consented to no e-mail or SMS with an address on file';
const Unreachable = z.object({
  status: z.literal('unreachable'),
  detail: z.string().meta({ description: 'why nothing was sent; tell the customer yourself' }),
});
const BookedSchema = z
  .object({
    appointment: AppointmentSchema,
    links: z.object({ join: LinkSchema, reschedule: LinkSchema, cancel: LinkSchema }),
    notice: z
      .discriminatedUnion('status', [
        QueuedSchema,
        Unreachable,
        z.object({
          status: z.literal('failed'),
          detail: z.string().meta({ description: 'the change stands; tell the customer yourself' }),
        }),
      ])
      .nullable()
      .meta({
        description:
          'The confirmation (or "moved" notice) sent to the customer: its outbox row, or why none was queued; null for a move that changed nothing',
      }),
  })
  .meta({
    id: 'BookedAppointment',
    description:
      'The appointment, the customer’s links to manage and join it, and the medium the customer was told on.',
  });
/**
 * What a customer's own link is answered: whether they were told and on which medium, and
 * nothing of the outbox (the address on file, the message's id) to whoever holds the link.
 */
const CustomerBookedSchema = BookedSchema.extend({
  notice: z
    .object({
      status: z.enum(['queued', 'unreachable', 'failed']),
      medium: z.enum(['email', 'sms']).optional(),
    })
    .nullable()
    .meta({
      description:
        'Whether the customer was told of the change, and on which medium; null for a move that changed nothing',
    }),
}).meta({
  id: 'CustomerBookedAppointment',
  description: 'The appointment, the links to manage and join it, and whether the customer was told.',
});
const SlotRange = z.object({ from: Instant, to: Instant });
const StartsAt = z.object({ startsAt: Instant });
const Reason = z.object({ reason: z.string().trim().min(1).max(500) });
const BookingLinkRequest = z.object({
  send: z
    .boolean()
    .default(false)
    .meta({
      description:
        'Also send the link to the customer, on the medium their appointment notices would use ' +
        '(their preferred one among e-mail and SMS they consented to)',
    }),
});
const BookingLinkSchema = LinkSchema.extend({
  sent: z
    .discriminatedUnion('status', [QueuedSchema, Unreachable])
    .nullable()
    .meta({ description: 'What became of sending the link; null when `send` was not asked' }),
}).meta({ id: 'BookingLink', description: 'A booking link: the page’s address, and whether it was sent.' });

export interface AppointmentLinks {
  issue(action: ConsultationLinkAction, subject: string, expiresAt: Date): z.infer<typeof LinkSchema>;
  forAppointment(appointment: Appointment): z.infer<typeof BookedSchema>['links'];
}

/** Customer links: manage until the start, join until a grace period after the end. */
export function createAppointmentLinks(options: {
  links: SignedLinks;
  publicUrl: string;
  joinGraceMinutes: number;
}) {
  const issue = (action: ConsultationLinkAction, subject: string, expiresAt: Date) => {
    const token = options.links.sign({ action, subject, expiresAt });
    return {
      token,
      // Each opens a page for the customer; programs act with the token on /api/links/….
      url: `${options.publicUrl}${consultationLinkPath(action, token)}`,
      expiresAt: expiresAt.toISOString(),
    };
  };
  return {
    issue,
    forAppointment: (a: Appointment) => ({
      join: issue('join', a.id, new Date(a.endsAt.getTime() + options.joinGraceMinutes * 60_000)),
      reschedule: issue('reschedule', a.id, a.startsAt),
      cancel: issue('cancel', a.id, a.startsAt),
    }),
  } satisfies AppointmentLinks;
}

export function registerAppointmentRoutes(
  api: ReturnType<typeof createApi>,
  deps: {
    stores: Stores;
    booking: BookingService;
    desk: ConsultationDesk;
    links: SignedLinks;
    appointmentLinks: AppointmentLinks;
    clock: Clock;
    /** Told when recording a customer's step fails: the change itself stands. */
    onFollowUpError: (error: unknown, appointment: Appointment) => void;
  },
): void {
  const { stores, booking, desk, links, appointmentLinks, clock } = deps;
  const booked = ({ appointment, notice }: DeskChange) => ({
    appointment,
    links: appointmentLinks.forAppointment(appointment),
    notice:
      notice?.status === 'unreachable'
        ? { status: 'unreachable' as const, detail: UNREACHABLE }
        : notice?.status === 'failed'
          ? {
              status: 'failed' as const,
              detail: 'the notice could not be queued (the change stands): tell the customer yourself',
            }
          : notice,
  });
  const bookedByLink = (change: DeskChange) => {
    const { notice, ...rest } = booked(change);
    return {
      ...rest,
      notice: notice && {
        status: notice.status,
        ...(notice.status === 'queued' ? { medium: notice.medium } : {}),
      },
    };
  };
  const find = createRecordLookups(stores);
  // Customers act through signed links: no login, and each link opens one action on one subject.
  const customerLinks = createConsultationLinks({
    links,
    desk,
    booking,
    stores,
    clock,
    onFollowUpError: deps.onFollowUpError,
  });

  api.route({
    method: 'get',
    path: '/api/appointments/slots',
    summary: 'Free consultation slots for a topic and language',
    tag: 'appointments',
    permission: 'customers:read',
    query: SlotRange.extend({ topic: Slug, locale: Locale }),
    response: z.array(SlotSchema),
    handler: ({ query }) => booking.slots(query),
  });

  api.route({
    method: 'post',
    path: '/api/appointments',
    summary: 'Book a consultation on a customer’s behalf',
    tag: 'appointments',
    permission: 'customers:write',
    body: z.object({
      customerId: Uuid,
      topic: Slug,
      locale: Locale,
      startsAt: Instant,
      bookedVia: Slug.default('call_centre'),
      journeyId: Uuid.nullable().default(null),
    }),
    response: BookedSchema,
    status: 201,
    async handler({ body }) {
      await find.customer(body.customerId);
      if (body.journeyId) {
        const steps = await stores.interactions.journey(body.journeyId);
        if (steps.length === 0) throw notFound('journey', body.journeyId);
        if (steps.some((step) => step.customerId !== body.customerId)) {
          throw invalidInput(`journey ${body.journeyId} is another customer's`, [
            { path: 'body.journeyId', message: "is another customer's journey" },
          ]);
        }
      }
      return booked(await desk.book(body));
    },
  });

  api.route({
    method: 'get',
    path: '/api/appointments/:id',
    summary: 'One appointment',
    tag: 'appointments',
    permission: 'customers:read',
    params: ById,
    response: AppointmentSchema,
    handler: async ({ params, staff }) => (await find.assignedAppointment(params.id, staff)).appointment,
  });

  api.route({
    method: 'post',
    path: '/api/appointments/:id/reschedule',
    summary: 'Move a booked consultation to another free slot',
    tag: 'appointments',
    permission: 'customers:write',
    params: ById,
    body: StartsAt,
    response: BookedSchema,
    async handler({ params, body, staff }) {
      await find.assignedAppointment(params.id, staff);
      return booked(await desk.reschedule(params.id, body.startsAt));
    },
  });

  api.route({
    method: 'post',
    path: '/api/appointments/:id/cancel',
    summary: 'Cancel a booked consultation, saying why',
    tag: 'appointments',
    permission: 'customers:write',
    params: ById,
    body: Reason,
    response: AppointmentSchema,
    async handler({ params, body, staff }) {
      await find.assignedAppointment(params.id, staff);
      return (await desk.cancel(params.id, body.reason)).appointment;
    },
  });

  api.route({
    method: 'post',
    path: '/api/customers/:id/booking-link',
    summary:
      'Issue a link with which the customer books a consultation themselves (valid 7 days), and send it when asked',
    tag: 'appointments',
    permission: 'customers:write',
    params: ById,
    body: BookingLinkRequest,
    response: BookingLinkSchema,
    async handler({ params, body }) {
      const customer = await find.customer(params.id);
      const expiresAt = new Date(clock.now().getTime() + 7 * 86_400_000);
      const link = appointmentLinks.issue('book', customer.id, expiresAt);
      if (!body.send) return { ...link, sent: null };
      const message = await customerLinks.sendBookingLink(customer.id, { url: link.url, expiresAt });
      return {
        ...link,
        sent: message
          ? { status: 'queued' as const, ...message }
          : { status: 'unreachable' as const, detail: UNREACHABLE },
      };
    },
  });

  api.route({
    method: 'get',
    path: '/api/links/book/:token/slots',
    summary: 'Free slots, in the customer’s language, for the customer holding a booking link',
    tag: 'customer links',
    permission: 'public',
    params: ByToken,
    query: SlotRange.extend({ topic: Slug }),
    response: z.array(SlotSchema.omit({ advisorIds: true })),
    async handler({ params, query }) {
      const slots = await customerLinks.slots(params.token, query);
      return slots.map(({ startsAt, endsAt }) => ({ startsAt, endsAt }));
    },
  });

  api.route({
    method: 'post',
    path: '/api/links/book/:token',
    summary: 'Book a consultation with a booking link',
    tag: 'customer links',
    permission: 'public',
    params: ByToken,
    body: z.object({ topic: Slug, startsAt: Instant }),
    response: CustomerBookedSchema,
    status: 201,
    async handler({ params, body }) {
      return bookedByLink(await customerLinks.book(params.token, body));
    },
  });

  api.route({
    method: 'post',
    path: '/api/links/reschedule/:token',
    summary: 'Move the consultation a reschedule link belongs to',
    tag: 'customer links',
    permission: 'public',
    params: ByToken,
    body: StartsAt,
    response: CustomerBookedSchema,
    async handler({ params, body }) {
      return bookedByLink(await customerLinks.reschedule(params.token, body.startsAt));
    },
  });

  api.route({
    method: 'post',
    path: '/api/links/cancel/:token',
    summary: 'Cancel the consultation a cancel link belongs to',
    tag: 'customer links',
    permission: 'public',
    params: ByToken,
    body: Reason,
    response: AppointmentSchema,
    async handler({ params, body }) {
      return (await customerLinks.cancel(params.token, body.reason)).appointment;
    },
  });
}
