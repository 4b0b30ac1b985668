import type { Appointment, AppointmentStatus } from './advisors.ts';
import { ChannelPilotError } from './errors.ts';

// The video consultation lifecycle, platform-neutral: a room per appointment, participants
// joining and leaving, and the appointment status and journey entry that follow from it.

export const consultationRoles = ['advisor', 'customer'] as const;
export type ConsultationRole = (typeof consultationRoles)[number];

/** Timing and room rules of consultations. */
export interface ConsultationPolicy {
  /** How early before the start a participant may get a token and join. */
  joinBeforeMs: number;
  /** How long after the end a participant may still get a token (overruns). */
  lateGraceMs: number;
  /** How long after the start both sides have to be present, or it is a no-show. */
  noShowGraceMs: number;
  /** People in a room at once (customer and advisor). */
  maxParticipants: number;
  /** A room nobody joins closes after this long. */
  emptyTimeoutSeconds: number;
  /** A room everybody left closes after this long. */
  departureTimeoutSeconds: number;
}

export const defaultConsultationPolicy: ConsultationPolicy = {
  joinBeforeMs: 10 * 60_000,
  lateGraceMs: 30 * 60_000,
  noShowGraceMs: 15 * 60_000,
  maxParticipants: 2,
  emptyTimeoutSeconds: 10 * 60,
  departureTimeoutSeconds: 60,
};

/** When tokens for an appointment's room may be issued, and until when they stay valid. */
export function consultationWindow(
  appointment: Pick<Appointment, 'startsAt' | 'endsAt'>,
  policy: ConsultationPolicy = defaultConsultationPolicy,
): { opensAt: Date; closesAt: Date } {
  return {
    opensAt: new Date(appointment.startsAt.getTime() - policy.joinBeforeMs),
    closesAt: new Date(appointment.endsAt.getTime() + policy.lateGraceMs),
  };
}

/** Refuses, with a reason a person understands, to let anyone into a room outside its window. */
export function assertJoinable(
  appointment: Appointment,
  now: Date,
  policy = defaultConsultationPolicy,
): void {
  if (appointment.status !== 'booked' && appointment.status !== 'in_progress') {
    throw new ChannelPilotError('conflict', `appointment ${appointment.id} is ${appointment.status}`, {
      hint: 'Only booked appointments can be joined; book a new one.',
    });
  }
  const { opensAt, closesAt } = consultationWindow(appointment, policy);
  if (now < opensAt || now > closesAt) {
    throw new ChannelPilotError(
      'forbidden',
      `the consultation room can be joined only from ${opensAt.toISOString()} to ${closesAt.toISOString()}`,
      {
        hint: now < opensAt ? 'Come back shortly before the appointment starts.' : 'The appointment is over.',
      },
    );
  }
}

/** The room of an appointment, and the identities of its two sides, as every adapter names them. */
export const consultationRoomName = (appointmentId: string) => `consultation-${appointmentId}`;
export const appointmentIdOfRoom = (room: string) =>
  /^consultation-([0-9a-f-]{36})$/.exec(room)?.[1] ?? undefined;
export const participantIdentity = (role: ConsultationRole, id: string) => `${role}:${id}`;
export function parseParticipantIdentity(
  identity: string,
): { role: ConsultationRole; id: string } | undefined {
  const [role, id] = identity.split(':');
  return consultationRoles.includes(role as ConsultationRole) && id
    ? { role: role as ConsultationRole, id }
    : undefined;
}

export type ConsultationRoomLimits = Pick<
  ConsultationPolicy,
  'maxParticipants' | 'emptyTimeoutSeconds' | 'departureTimeoutSeconds'
>;

export interface ConsultationParticipant {
  identity: string;
  name: string;
  /** Undefined for someone who is neither side (a recorder, an agent). */
  role: ConsultationRole | undefined;
  /** False while waiting in the lobby. */
  canPublish: boolean;
  joinedAt: Date;
}

/** Port: the media server's rooms, one per appointment. */
export interface ConsultationRooms {
  /** Creates the appointment's room; does nothing when it exists. */
  open(appointmentId: string, limits: ConsultationRoomLimits): Promise<void>;
  /** Deletes the room, disconnecting everyone; does nothing when it is gone. */
  close(appointmentId: string): Promise<void>;
  /** Lets a participant out of the lobby: they may now publish audio and video. */
  admit(appointmentId: string, identity: string): Promise<void>;
  participants(appointmentId: string): Promise<ConsultationParticipant[]>;
}

interface ParticipantEvent {
  /** The media server's event id: a redelivered event carries the same one. */
  id: string;
  appointmentId: string;
  at: Date;
  /** `sessionId`: one connection of a participant (a reconnect is a new session). */
  participant: { sessionId: string; role: ConsultationRole; identity: string; joinedAt?: Date };
}

/** What the media server reports about a room, translated by the channel adapter. */
export type ConsultationEvent =
  | (ParticipantEvent & { kind: 'participant_joined' })
  /** `replaced`: the same person reconnected elsewhere; not a departure. */
  | (ParticipantEvent & { kind: 'participant_left'; replaced: boolean })
  /** The participant never fully connected. */
  | (ParticipantEvent & { kind: 'connection_aborted' })
  | { kind: 'room_finished'; id: string; appointmentId: string; at: Date };

export type SessionEndReason = 'left' | 'replaced' | 'connection_aborted' | 'room_finished';

export interface ConsultationSession {
  id: string;
  role: ConsultationRole;
  identity: string;
  /** Null for a connection that never became active. */
  joinedAt: Date | null;
  leftAt: Date | null;
  endReason: SessionEndReason | null;
}

export interface ConsultationState {
  status: AppointmentStatus;
  startsAt: Date;
  endsAt: Date;
  sessions: ConsultationSession[];
  /** When advisor and customer were first both present. */
  startedAt: Date | null;
  endedAt: Date | null;
  endedBy: ConsultationRole | 'room' | 'no_show' | null;
}

/** Statuses after which nothing about the consultation changes. */
export const finalStatuses: AppointmentStatus[] = ['completed', 'no_show', 'cancelled'];
const isPresent = (s: ConsultationSession) => s.joinedAt !== null && s.leftAt === null;
const present = (state: ConsultationState, role: ConsultationRole) =>
  state.sessions.some((s) => s.role === role && isPresent(s));

/** The sides that joined at least once. */
export const sidesThatCame = (state: ConsultationState): ConsultationRole[] =>
  consultationRoles.filter((role) => state.sessions.some((s) => s.role === role && s.joinedAt !== null));

/** Real duration: from both sides present to the first departure or the room's end. */
export const consultationDurationMs = (state: ConsultationState): number | null =>
  state.startedAt && state.endedAt ? state.endedAt.getTime() - state.startedAt.getTime() : null;

/**
 * The state machine: booked → in_progress when advisor and customer are both present →
 * completed when one of them leaves or the room ends; booked → no_show when the room ends
 * after the grace period without both having been there. Final states only record presence.
 */
export function advanceConsultation(
  state: ConsultationState,
  event: ConsultationEvent,
  policy: ConsultationPolicy = defaultConsultationPolicy,
): ConsultationState {
  const next: ConsultationState = { ...state, sessions: state.sessions.map((s) => ({ ...s })) };
  const open = !finalStatuses.includes(next.status);
  const finish = (at: Date, by: NonNullable<ConsultationState['endedBy']>, status: AppointmentStatus) => {
    next.status = status;
    next.endedAt = next.startedAt && at < next.startedAt ? next.startedAt : at;
    next.endedBy = by;
  };
  if (event.kind === 'room_finished') {
    for (const s of next.sessions.filter((s) => s.leftAt === null)) {
      s.leftAt = event.at;
      s.endReason = 'room_finished';
    }
    if (open && next.status === 'in_progress') finish(event.at, 'room', 'completed');
    else if (open && event.at.getTime() >= next.startsAt.getTime() + policy.noShowGraceMs) {
      finish(event.at, 'no_show', 'no_show');
    }
    return next;
  }
  const { participant } = event;
  let s = next.sessions.find((known) => known.id === participant.sessionId);
  if (!s) {
    const { sessionId: id, role, identity } = participant;
    s = { id, role, identity, joinedAt: null, leftAt: null, endReason: null };
    next.sessions.push(s);
  }
  if (event.kind === 'participant_joined') {
    if (s.leftAt !== null) return next; // a late "joined" for a connection already gone
    s.joinedAt ??= event.at;
    if (open && next.status === 'booked' && present(next, 'advisor') && present(next, 'customer')) {
      next.status = 'in_progress';
      next.startedAt = event.at;
    }
    return next;
  }
  if (s.leftAt !== null) return next;
  const wasPresent = isPresent(s);
  // A "left" seen before its "joined" still means the participant was there.
  if (event.kind === 'participant_left') s.joinedAt ??= participant.joinedAt ?? event.at;
  s.leftAt = event.at;
  s.endReason =
    event.kind === 'connection_aborted' ? 'connection_aborted' : event.replaced ? 'replaced' : 'left';
  const departed = event.kind === 'connection_aborted' ? wasPresent : !event.replaced;
  if (open && next.status === 'in_progress' && departed) finish(event.at, participant.role, 'completed');
  return next;
}

/** The no-show deadline: still booked once the grace period after the start is over. */
export function expireConsultation(
  state: ConsultationState,
  now: Date,
  policy: ConsultationPolicy = defaultConsultationPolicy,
): ConsultationState {
  if (state.status === 'booked' && now.getTime() >= state.startsAt.getTime() + policy.noShowGraceMs) {
    return { ...state, status: 'no_show', endedAt: now, endedBy: 'no_show' };
  }
  // The end of a call whose leave events never arrived: completed when its window closes, at
  // the last departure seen (or the window's close).
  const closes = state.endsAt.getTime() + policy.lateGraceMs;
  if (state.status === 'in_progress' && now.getTime() >= closes) {
    const lastLeft = Math.max(0, ...state.sessions.map((s) => s.leftAt?.getTime() ?? 0));
    const endedAt = new Date(lastLeft > (state.startedAt?.getTime() ?? 0) ? lastLeft : closes);
    return { ...state, status: 'completed', endedAt, endedBy: 'room' };
  }
  return state;
}
