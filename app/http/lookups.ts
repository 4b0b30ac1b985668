import { z } from 'zod';
import { Uuid, notFound, type Stores } from '../../core/index.ts';

// What several routers need alike: the shapes of ids and link tokens in paths, and the
// lookups that answer 404 for an unknown record.

export const ById = z.object({ id: Uuid });
export const ByToken = z.object({ token: z.string().min(10).max(300) });

export function createLookups(stores: Stores) {
  return {
    async appointment(id: string) {
      const appointment = await stores.appointments.appointment(id);
      if (!appointment) throw notFound('appointment', id);
      return appointment;
    },
    async customer(id: string) {
      const customer = await stores.customers.get(id);
      if (!customer) throw notFound('customer', id);
      return customer;
    },
  };
}
