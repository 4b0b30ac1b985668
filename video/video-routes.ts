import { z } from 'zod';
import {
  ChannelPilotError,
  type Clock,
  type SignedLinks,
  type StaffUser,
  type RouteKit,
  type Stores,
} from '../core/index.ts';
import { type ConsultationRooms } from '../core/services.ts';
import type { ConsultationTokens } from './consultation-tokens.ts';
import { ById, ByToken, createRecordLookups } from '../core/index.ts';

/** The video side as the app was configured: absent when no LiveKit is reachable. */
export interface VideoServices {
  rooms: ConsultationRooms;
  tokens: ConsultationTokens;
  /** The LiveKit server browsers connect to. */
  url: string;
}

const AccessSchema = z
  .object({
    url: z.string(),
    token: z.string(),
    roomName: z.string(),
    identity: z.string(),
    role: z.enum(['advisor', 'customer']),
    validFrom: z.iso.datetime({ offset: true }),
    validUntil: z.iso.datetime({ offset: true }),
  })
  .meta({
    id: 'ConsultationAccess',
    description: 'Where and with which token to join the consultation room.',
  });
const ParticipantSchema = z.object({
  identity: z.string(),
  name: z.string(),
  role: z.enum(['advisor', 'customer']).optional(),
  canPublish: z.boolean(),
  joinedAt: z.iso.datetime({ offset: true }),
});

/** What a video route answers while no LiveKit server is there (yet). */
export function videoUnavailable(): ChannelPilotError {
  return new ChannelPilotError(
    'unavailable',
    'video consultations are not available: no LiveKit server is configured',
    {
      hint: 'set LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET, or let npm start build the local server (Go needed)',
    },
  );
}

export function registerVideoRoutes(
  api: RouteKit,
  deps: { stores: Stores; links: SignedLinks; clock: Clock; video: () => VideoServices | null },
): void {
  const { stores, links, clock } = deps;
  const video = () => {
    const current = deps.video();
    if (!current) throw videoUnavailable();
    return current;
  };
  const find = createRecordLookups(stores);
  const appointmentOrThrow = find.appointment;
  const asAssignedAdvisor = find.assignedAppointment;

  api.route({
    method: 'get',
    path: '/api/links/join/:token',
    summary: 'The consultation a join link opens: when, with whom, and its status',
    tag: 'customer links',
    permission: 'public',
    params: ByToken,
    response: z.object({
      appointmentId: z.uuid(),
      startsAt: z.iso.datetime({ offset: true }),
      endsAt: z.iso.datetime({ offset: true }),
      topic: z.string(),
      locale: z.string(),
      status: z.string(),
      advisorName: z.string(),
    }),
    async handler({ params }) {
      const appointment = await appointmentOrThrow(links.verify(params.token, 'join', clock.now()).subject);
      const advisor = await stores.advisors.advisor(appointment.advisorId);
      return {
        appointmentId: appointment.id,
        startsAt: appointment.startsAt,
        endsAt: appointment.endsAt,
        topic: appointment.topic,
        locale: appointment.locale,
        status: appointment.status,
        advisorName: advisor?.name ?? '',
      };
    },
  });

  api.route({
    method: 'post',
    path: '/api/links/join/:token/access',
    summary:
      'The customer’s token for their consultation room (lobby until admitted), inside its time window',
    tag: 'customer links',
    permission: 'public',
    params: ByToken,
    response: AccessSchema,
    async handler({ params }) {
      const appointment = await appointmentOrThrow(links.verify(params.token, 'join', clock.now()).subject);
      return video().tokens.forCustomer(appointment, await find.customer(appointment.customerId));
    },
  });

  api.route({
    method: 'post',
    path: '/api/appointments/:id/access',
    summary:
      'The assigned advisor’s token for the consultation room, with admin rights in that room only (admins too)',
    tag: 'video',
    permission: 'customers:write',
    params: ById,
    response: AccessSchema,
    async handler({ params, staff }) {
      const { appointment, advisor } = await asAssignedAdvisor(params.id, staff);
      const user = staff as StaffUser;
      const standIn = advisor.staffUserId === user.id ? undefined : { id: user.id, name: user.displayName };
      return video().tokens.forAdvisor(appointment, advisor, standIn);
    },
  });

  api.route({
    method: 'get',
    path: '/api/appointments/:id/participants',
    summary: 'Who is in the consultation room now, and who waits in the lobby (cannot publish)',
    tag: 'video',
    permission: 'customers:read',
    params: ById,
    response: z.array(ParticipantSchema),
    async handler({ params, staff }) {
      await asAssignedAdvisor(params.id, staff);
      return video().rooms.participants(params.id);
    },
  });

  api.route({
    method: 'post',
    path: '/api/appointments/:id/admit',
    summary: 'Let a participant out of the lobby: they may now publish camera and microphone',
    tag: 'video',
    permission: 'customers:write',
    params: ById,
    body: z.object({ identity: z.string().min(1).max(200) }),
    response: null,
    status: 204,
    async handler({ params, body, staff }) {
      await asAssignedAdvisor(params.id, staff);
      await video().rooms.admit(params.id, body.identity);
    },
  });
}
