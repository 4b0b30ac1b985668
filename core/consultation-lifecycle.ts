import type { Appointment } from './advisors.ts';
import { systemClock, type Clock } from './clock.ts';
import { ChannelPilotError } from './errors.ts';
import type { InteractionInput, InteractionLog } from './interactions.ts';
import {
  type ConsultationPolicy,
  defaultConsultationPolicy,
  type ConsultationEvent,
  type ConsultationState,
  type ConsultationRooms,
  advanceConsultation,
  expireConsultation,
  sidesThatCame,
  consultationDurationMs,
  finalStatuses,
} from './consultations.ts';

// What follows from room events: the persisted log, and the lifecycle that applies events
// once, sweeps for no-shows and writes each finished consultation into the journey.

export interface ConsultationRecord {
  appointment: Appointment;
  state: ConsultationState;
  /** Whether the finished consultation is already an interaction in the customer's journey. */
  journeyRecorded: boolean;
}

export type ApplyResult =
  | { kind: 'applied'; before: ConsultationRecord; after: ConsultationState }
  | { kind: 'duplicate' }
  | { kind: 'unknown_appointment' };

/** Port: the persisted side of consultations. Safe with several app instances. */
export interface ConsultationLog {
  /**
   * Loads the appointment's consultation with the appointment locked, stores what `decide`
   * returns (sessions, times, appointment status) and, when `eventId` is given, remembers it:
   * an event id seen before changes nothing and answers `duplicate`.
   */
  apply(
    eventId: string | null,
    appointmentId: string,
    decide: (current: ConsultationRecord) => ConsultationState,
  ): Promise<ApplyResult>;
  consultation(appointmentId: string): Promise<ConsultationRecord | undefined>;
  /** Booked appointments that started at or before `startedBefore`, oldest first. */
  /** Booked appointments that started before `noShowBefore`, and ones in progress that ended before `closedBefore`. */
  overdue(noShowBefore: Date, closedBefore: Date, limit: number): Promise<string[]>;
  /** Finished consultations not yet written to the customer's journey. */
  unrecorded(limit: number): Promise<string[]>;
  markRecorded(appointmentId: string): Promise<void>;
  /** Forgets event ids received before `before` (redeliveries older than that are refused anyway). */
  forgetEvents(before: Date): Promise<number>;
}

/** The id a consultation's entry in the customer's journey is stored under, from source `video`. */
export const consultationEntryId = (appointmentId: string) => `consultation:${appointmentId}`;

/** A consultation's entry in the customer's journey, once the lifecycle has written it. */
export const consultationEntry = (interactions: Pick<InteractionLog, 'fromSource'>, appointmentId: string) =>
  interactions.fromSource('video', consultationEntryId(appointmentId));

/**
 * What a finished consultation is as a contact of the customer's journey (its channel, times,
 * outcome and details; the journey's reason and origin are the caller's), or null when the
 * customer never came: a missed appointment is no contact of theirs (it stays an appointment,
 * `no_show`), and counting it would make them an adopter of the channel with a handle time.
 */
export function consultationContact(
  appointment: Appointment,
  state: ConsultationState,
): Omit<InteractionInput, 'customerId' | 'reason' | 'handoffFromId'> | null {
  const came = sidesThatCame(state);
  if (!came.includes('customer')) return null;
  const durationMs = consultationDurationMs(state);
  return {
    channel: 'video',
    touchpoint: 'consultation',
    direction: 'inbound',
    startedAt: state.startedAt ?? appointment.startsAt,
    endedAt: state.endedAt,
    // The customer came: the advisor did not, or the consultation did not complete.
    outcome: state.status === 'completed' ? 'resolved' : 'failed',
    source: 'video',
    externalId: consultationEntryId(appointment.id),
    details: {
      appointmentId: appointment.id,
      advisorId: appointment.advisorId,
      status: state.status,
      came,
      endedBy: state.endedBy,
      ...(durationMs === null ? {} : { durationSeconds: Math.round(durationMs / 100) / 10 }),
    },
  };
}

export interface ConsultationLifecycle {
  /** Applies one event; a redelivered event (same id) changes nothing. */
  handle(event: ConsultationEvent): Promise<ApplyResult['kind']>;
  /**
   * Marks overdue appointments as no-shows, closes their rooms and writes any journey entry
   * still missing. Safe to run on every instance, any number of times.
   */
  sweep(): Promise<{ noShows: number; journeyEntries: number }>;
}

export function createConsultationLifecycle(options: {
  log: ConsultationLog;
  interactions: InteractionLog;
  rooms?: ConsultationRooms;
  clock?: Clock;
  policy?: Partial<ConsultationPolicy>;
  /** Told about failures that must not fail the event (closing a room); the sweep retries. */
  onError?: (error: unknown) => void;
}): ConsultationLifecycle {
  const { log, interactions, rooms } = options;
  const clock = options.clock ?? systemClock;
  const policy = { ...defaultConsultationPolicy, ...options.policy };
  const onError = options.onError ?? (() => {});

  async function recordJourney(record: ConsultationRecord, state: ConsultationState) {
    const { appointment } = record;
    const contact = consultationContact(appointment, state);
    if (contact === null) {
      await log.markRecorded(appointment.id);
      return;
    }
    const previous = appointment.journeyId ? await interactions.journey(appointment.journeyId) : [];
    const entry: InteractionInput = {
      ...contact,
      customerId: appointment.customerId,
      // A consultation booked within a journey (asked for on a call, through the voice assistant)
      // carries on that journey's contact reason; one booked on its own is about its topic.
      reason: previous[0]?.reason ?? appointment.topic,
      handoffFromId: previous.at(-1)?.id ?? null,
    };
    try {
      await interactions.record(entry);
    } catch (error) {
      // Another instance wrote it first: the (source, externalId) key is unique.
      if (!(error instanceof ChannelPilotError && error.code === 'conflict')) throw error;
    }
    await log.markRecorded(appointment.id);
  }

  async function settle(result: ApplyResult): Promise<boolean> {
    if (result.kind !== 'applied') return false;
    const { before, after } = result;
    if (finalStatuses.includes(before.state.status) || !finalStatuses.includes(after.status)) return false;
    if (rooms) await rooms.close(before.appointment.id).catch(onError);
    await recordJourney(before, after).catch(onError);
    return true;
  }

  return {
    async handle(event) {
      const result = await log.apply(event.id, event.appointmentId, ({ state }) =>
        advanceConsultation(state, event, policy),
      );
      await settle(result);
      return result.kind;
    },

    async sweep() {
      const now = clock.now();
      let noShows = 0;
      let journeyEntries = 0;
      const overdue = await log.overdue(
        new Date(now.getTime() - policy.noShowGraceMs),
        new Date(now.getTime() - policy.lateGraceMs),
        100,
      );
      // One record that fails must not stop the others: it is reported and retried next time.
      for (const id of overdue) {
        try {
          const result = await log.apply(null, id, ({ state }) => expireConsultation(state, now, policy));
          if (await settle(result)) noShows++;
        } catch (error) {
          onError(error);
        }
      }
      for (const id of await log.unrecorded(100)) {
        try {
          const record = await log.consultation(id);
          if (!record || record.journeyRecorded) continue;
          await recordJourney(record, record.state);
          journeyEntries++;
        } catch (error) {
          onError(error);
        }
      }
      await log.forgetEvents(new Date(now.getTime() - 86_400_000));
      return { noShows, journeyEntries };
    },
  };
}
