import { ChannelPilotError, type Locale, type Stores } from '../../core/index.ts';
import {
  advanceConsultation,
  createBookingService,
  participantIdentity,
  type Appointment,
  type ConsultationEvent,
  type ConsultationRole,
  type ConsultationState,
} from '../../core/services.ts';
import type { DemoRandom } from './demo-random.ts';

const MINUTE = 60_000;
/** Share of consultations the customer misses. */
const NO_SHOW = 0.1;

export interface DemoConsultation {
  appointment: Appointment;
  /** How it went, as the room's events made it. */
  state: ConsultationState;
}

/**
 * Past video consultations, booked through the booking service as customers booked them (the
 * clock set to the moment of booking, so that advisors' hours, the slot grid, buffers, daily
 * caps and every overlap rule hold), and played out through the consultation state machine.
 */
export function createDemoConsultations(options: { stores: Stores; random: DemoRandom }) {
  const { stores, random } = options;
  let bookedAt = new Date(0);
  const booking = createBookingService({
    advisors: stores.advisors,
    book: stores.appointments,
    clock: { now: () => bookedAt },
  });
  const held: DemoConsultation[] = [];
  // Missed ones come at irregular intervals but at the stated rate, even in a small pilot.
  let owed = random.next();

  return {
    /**
     * Books the free slot starting in [from, to) nearest before `prefer` (or else the first after
     * it) and plays it out; null when no advisor is free then.
     */
    async book(request: {
      customerId: string;
      locale: Locale;
      topic: string;
      bookedVia: string;
      bookedAt: Date;
      from: number;
      to: number;
      prefer: number;
    }): Promise<DemoConsultation | null> {
      if (request.from >= request.to) return null;
      bookedAt = request.bookedAt;
      const slots = await booking.slots({
        topic: request.topic,
        locale: request.locale,
        from: new Date(request.from),
        to: new Date(request.to),
      });
      const slot = slots.filter((s) => s.startsAt.getTime() <= request.prefer).at(-1) ?? slots[0];
      if (!slot) return null;
      let appointment: Appointment;
      try {
        appointment = await booking.book({
          customerId: request.customerId,
          topic: request.topic,
          locale: request.locale,
          startsAt: slot.startsAt,
          bookedVia: request.bookedVia,
        });
      } catch (error) {
        // The customer already holds two upcoming consultations then: this contact stays as it was.
        if (error instanceof ChannelPilotError && error.code === 'conflict') return null;
        throw error;
      }
      owed += 2 * NO_SHOW * random.next();
      const missed = owed >= 1;
      if (missed) owed -= 1;
      const consultation = { appointment, state: playOut(appointment, random, missed) };
      held.push(consultation);
      return consultation;
    },

    /**
     * Stores how the booked consultations went. Only once all are booked: a finished one no
     * longer holds its advisor's time, and a later booking must still find it taken.
     */
    async settle(): Promise<number> {
      for (const { appointment, state } of held) {
        await stores.consultations.apply(null, appointment.id, () => state);
        // The seed writes the consultation into the journey itself.
        await stores.consultations.markRecorded(appointment.id);
      }
      return held.length;
    },
  };
}

/** The room's events of a consultation that took place (or that the customer missed), applied in order. */
function playOut(appointment: Appointment, random: DemoRandom, missed: boolean): ConsultationState {
  const start = appointment.startsAt.getTime();
  const side = (role: ConsultationRole, id: string) => ({
    sessionId: `PA_${random.uuid().replace(/-/g, '').slice(0, 12)}`,
    role,
    identity: participantIdentity(role, id),
  });
  const advisor = side('advisor', appointment.advisorId);
  const customer = side('customer', appointment.customerId);
  const events: ConsultationEvent[] = [];
  let sequence = 0;
  const participantEvent = (
    kind: 'participant_joined' | 'participant_left',
    at: number,
    participant: typeof advisor,
  ): ConsultationEvent => {
    const base = { id: `demo-${appointment.id}-${++sequence}`, appointmentId: appointment.id };
    return kind === 'participant_joined'
      ? { ...base, kind, at: new Date(at), participant }
      : { ...base, kind, at: new Date(at), participant, replaced: false };
  };
  const advisorJoins = start - random.int(60, 360) * 1000;
  events.push(participantEvent('participant_joined', advisorJoins, advisor));
  let closedAt: number;
  if (missed) {
    closedAt = start + random.int(16, 25) * MINUTE;
    events.push(participantEvent('participant_left', closedAt, advisor));
  } else {
    const customerJoins = start + random.int(-240, 300) * 1000;
    const together = Math.max(advisorJoins, customerJoins);
    const minutes = Math.min(30, Math.max(15, random.logNormal(21, 0.22)));
    const first = random.chance(0.55) ? customer : advisor;
    const firstLeaves = together + Math.round(minutes * 60) * 1000;
    closedAt = firstLeaves + random.int(5, 60) * 1000;
    events.push(
      participantEvent('participant_joined', customerJoins, customer),
      participantEvent('participant_left', firstLeaves, first),
      participantEvent('participant_left', closedAt, first === customer ? advisor : customer),
    );
  }
  events.push({
    kind: 'room_finished',
    id: `demo-${appointment.id}-${++sequence}`,
    appointmentId: appointment.id,
    at: new Date(closedAt + MINUTE),
  });
  events.sort((a, b) => a.at.getTime() - b.at.getTime());
  const booked: ConsultationState = {
    status: 'booked',
    startsAt: appointment.startsAt,
    endsAt: appointment.endsAt,
    sessions: [],
    startedAt: null,
    endedAt: null,
    endedBy: null,
  };
  return events.reduce((state, event) => advanceConsultation(state, event), booked);
}
