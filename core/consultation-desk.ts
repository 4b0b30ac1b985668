import type { Appointment } from './advisors.ts';
import type { AppointmentNotices } from './appointment-notices.ts';
import type { BookingService } from './booking-service.ts';

/** Books, moves and cancels consultations for every channel alike, and tells the customer each time. */
export interface ConsultationDesk {
  book(request: Parameters<BookingService['book']>[0]): Promise<Appointment>;
  reschedule(appointmentId: string, startsAt: Date): Promise<Appointment>;
  cancel(appointmentId: string, reason: string): Promise<Appointment>;
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
  const followUp = async (appointment: Appointment, steps: (() => Promise<unknown>)[]) => {
    for (const step of steps) {
      try {
        await step();
      } catch (error) {
        options.onFollowUpError(error, appointment);
      }
    }
    return appointment;
  };
  return {
    async book(request) {
      const appointment = await booking.book(request);
      return followUp(appointment, [() => notices.booked(appointment)]);
    },
    async reschedule(appointmentId, startsAt) {
      const appointment = await booking.reschedule(appointmentId, startsAt);
      return followUp(appointment, [() => notices.moved(appointment)]);
    },
    async cancel(appointmentId, reason) {
      const appointment = await booking.cancel(appointmentId, reason);
      return followUp(appointment, [
        () => notices.cancelled(appointment),
        async () => options.afterCancel?.(appointment),
      ]);
    },
  };
}
