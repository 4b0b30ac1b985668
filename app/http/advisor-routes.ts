import { z } from 'zod';
import { IsoDate, Uuid, notFound, type Stores } from '../../core/index.ts';
import { AdvisorInput, AdvisorOverrideInput, WorkingHours } from '../../core/services.ts';
import type { createApi } from './api.ts';
import { ById } from '../../core/index.ts';
import { AdvisorSchema } from '../../core/index.ts';

const OverrideSchema = z
  .object({
    id: z.uuid(),
    advisorId: z.uuid(),
    day: z.iso.date(),
    hours: z.array(z.object({ start: z.string(), end: z.string() })),
    reason: z.string().nullable(),
  })
  .meta({
    id: 'AdvisorOverride',
    description: 'A day with other hours than usual; no hours means a day off.',
  });

/** Advisors and their availability: what booking offers. Changing them is for admins. */
export function registerAdvisorRoutes(
  api: ReturnType<typeof createApi>,
  { stores }: { stores: Stores },
): void {
  const advisorOrThrow = async (id: string) => {
    const advisor = await stores.advisors.advisor(id);
    if (!advisor) throw notFound('advisor', id);
    return advisor;
  };

  api.route({
    method: 'get',
    path: '/api/advisors',
    summary: 'Advisors, their languages, topics and weekly hours',
    tag: 'advisors',
    permission: 'catalog:read',
    response: z.array(AdvisorSchema),
    handler: () => stores.advisors.advisors(),
  });

  api.route({
    method: 'post',
    path: '/api/advisors',
    summary: 'Add an advisor with their languages, topics, time zone and weekly hours',
    tag: 'advisors',
    permission: 'staff:manage',
    body: AdvisorInput,
    response: AdvisorSchema,
    status: 201,
    handler: ({ body }) => stores.advisors.addAdvisor(body),
  });

  api.route({
    method: 'put',
    path: '/api/advisors/:id/working-hours',
    summary: 'Replace an advisor’s weekly hours (in their own time zone)',
    tag: 'advisors',
    permission: 'staff:manage',
    params: ById,
    body: z.object({ workingHours: z.array(WorkingHours) }),
    response: AdvisorSchema,
    handler: ({ params, body }) => stores.advisors.setWorkingHours(params.id, body.workingHours),
  });

  api.route({
    method: 'put',
    path: '/api/advisors/:id/overrides/:day',
    summary: 'Set other hours for one day (none: a day off); replaces that day’s earlier override',
    tag: 'advisors',
    permission: 'staff:manage',
    params: z.object({ id: Uuid, day: IsoDate }),
    body: AdvisorOverrideInput.pick({ hours: true, reason: true }),
    response: OverrideSchema,
    async handler({ params, body }) {
      await advisorOrThrow(params.id);
      return stores.appointments.addOverride({ ...body, advisorId: params.id, day: params.day });
    },
  });

  api.route({
    method: 'get',
    path: '/api/advisors/:id/overrides',
    summary: 'An advisor’s day overrides between two dates',
    tag: 'advisors',
    permission: 'catalog:read',
    params: ById,
    query: z.object({ from: IsoDate, to: IsoDate }),
    response: z.array(OverrideSchema),
    async handler({ params, query }) {
      await advisorOrThrow(params.id);
      return stores.appointments.overrides([params.id], query.from, query.to);
    },
  });
}
