import type { Appointment } from './advisors.ts';
import type { AppointmentNotices } from './appointment-notices.ts';
import type { BookingService } from './booking-service.ts';
import type { MessageMedium, QueuedMessage } from './notifications.ts';

/**
 * What became of the notice of a change: queued (its outbox row), not queued because the customer
 * allowed no e-mail or SMS with an address on file, or not queued because queueing failed.
 */
export type DeskNotice =
  ({ status: 'queued' } & QueuedMessage) | { status: 'unreachable' } | { status: 'failed' };

/** A change the desk made, and where the customer was told of it. */
export interface DeskChange {
  appointment: Appointment;
  /**
   * The notice of the change; null for a move to where the consultation already was, which
   * changed nothing and of which nobody is told.
   */
  notice: DeskNotice | null;
}

/**
 * The medium the confirmation, "moved" or "cancelled" notice of a change was queued on; null when
 * nothing was queued (the customer allowed no messages, queueing failed, nothing changed).
 */
export const toldOn = ({ notice }: DeskChange): MessageMedium | null =>
  notice?.status === 'queued' ? notice.medium : null;

/** Books, moves and cancels consultations for every channel alike, and tells the customer each time. */
export interface ConsultationDesk {
  book(request: Parameters<BookingService['book']>[0]): Promise<DeskChange>;
  reschedule(appointmentId: string, startsAt: Date): Promise<DeskChange>;
  cancel(appointmentId: string, reason: string): Promise<DeskChange>;
}

/**
 * The booking service plus what follows each change: the customer's confirmation, reminders or
 * cancellation notice, and `afterCancel` (closing a room). Once a change is stored it stands: a
 * failing follow-up goes to `onFollowUpError` rather than becoming an error that would make the
 * caller retry a booking that exists.
 */
export function createConsultationDesk(options: {
  booking: BookingService;
  notices: AppointmentNotices;
  afterCancel?: (appointment: Appointment) => Promise<void>;
  onFollowUpError: (error: unknown, appointment: Appointment) => void;
}): ConsultationDesk {
  const { booking, notices } = options;
  const attempt = async <T>(appointment: Appointment, step: () => Promise<T>): Promise<T | null> => {
    try {
      return await step();
    } catch (error) {
      options.onFollowUpError(error, appointment);
      return null;
    }
  };
  const tell = async (
    appointment: Appointment,
    queue: (a: Appointment) => Promise<QueuedMessage | null>,
  ): Promise<DeskChange> => {
    // A failed queueing is told apart from a customer who allowed no messages.
    const queued = await attempt(
      appointment,
      async () => (await queue(appointment)) ?? ('unreachable' as const),
    );
    const notice: DeskNotice =
      queued === null
        ? { status: 'failed' }
        : queued === 'unreachable'
          ? { status: 'unreachable' }
          : { status: 'queued', ...queued };
    return { appointment, notice };
  };
  return {
    async book(request) {
      return tell(await booking.book(request), notices.booked);
    },
    async reschedule(appointmentId, startsAt) {
      const { appointment, moved } = await booking.reschedule(appointmentId, startsAt);
      // Nobody is told of a move that changed nothing.
      return moved ? tell(appointment, notices.moved) : { appointment, notice: null };
    },
    async cancel(appointmentId, reason) {
      const change = await tell(await booking.cancel(appointmentId, reason), notices.cancelled);
      await attempt(change.appointment, async () => options.afterCancel?.(change.appointment));
      return change;
    },
  };
}
