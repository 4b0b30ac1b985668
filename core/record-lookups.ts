import { z } from 'zod';
import { ChannelPilotError, notFound } from './errors.ts';
import type { StaffUser } from './staff.ts';
import type { Stores } from './storage/postgres-stores.ts';
import { Uuid } from './vocabulary.ts';

// What several routers (the app's and the channels') need alike: the shapes of ids and link
// tokens in paths, and the lookups that answer 404 for an unknown record.

export const ById = z.object({ id: Uuid });
export const ByToken = z.object({ token: z.string().min(10).max(300) });

export function createRecordLookups(stores: Pick<Stores, 'appointments' | 'advisors' | 'customers'>) {
  const appointmentOrThrow = async (id: string) => {
    const appointment = await stores.appointments.appointment(id);
    if (!appointment) throw notFound('appointment', id);
    return appointment;
  };
  return {
    appointment: appointmentOrThrow,
    /**
     * A consultation is its assigned advisor's (and admins', to help): nobody else reads, moves,
     * cancels, joins, admits or records it. The one rule of every route that names one.
     */
    async assignedAppointment(id: string, staff: StaffUser | undefined) {
      const appointment = await appointmentOrThrow(id);
      const advisor = await stores.advisors.advisor(appointment.advisorId);
      if (!advisor) throw notFound('advisor', appointment.advisorId);
      if (staff?.role !== 'admin' && advisor.staffUserId !== staff?.id) {
        throw new ChannelPilotError(
          'forbidden',
          `consultation ${appointment.id} is assigned to another advisor`,
        );
      }
      return { appointment, advisor };
    },
    async customer(id: string) {
      const customer = await stores.customers.get(id);
      if (!customer) throw notFound('customer', id);
      return customer;
    },
  };
}
