import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import {
  ChannelPilotError,
  notFound,
  type Clock,
  type StaffDirectory,
  type StaffUser,
} from '../../core/index.ts';
import type { createApi } from './api.ts';
import { StaffUserSchema } from '../../core/index.ts';

const ByStaff = z.object({
  id: z.string().min(1).max(80).meta({ description: 'the login’s id or username' }),
});

/** A password to hand over once: 16 random bytes, URL-safe. */
export const newStaffPassword = () => randomBytes(16).toString('base64url');

/** Staff management for admins: the logins, disabling and enabling one, resetting a password. */
export function registerStaffRoutes(
  api: ReturnType<typeof createApi>,
  { staff, clock }: { staff: StaffDirectory; clock: Clock },
): void {
  const loginOrThrow = async (idOrUsername: string, by: StaffUser | undefined) => {
    const user = await staff.find(idOrUsername);
    if (!user) throw notFound('staff user', idOrUsername);
    if (user.id === by?.id) {
      throw new ChannelPilotError(
        'conflict',
        'an admin may not disable, enable or reset their own login here',
        {
          hint: 'ask another admin, or use channel-pilot user on the server',
        },
      );
    }
    return user;
  };

  api.route({
    method: 'get',
    path: '/api/staff',
    summary: 'Every staff login, disabled ones included',
    tag: 'staff',
    permission: 'staff:manage',
    response: z.array(StaffUserSchema),
    handler: () => staff.list(),
  });

  api.route({
    method: 'post',
    path: '/api/staff/:id/disable',
    summary: 'Disable a staff login: it can no longer log in, and its sessions end',
    tag: 'staff',
    permission: 'staff:manage',
    params: ByStaff,
    response: StaffUserSchema,
    async handler({ params, staff: by }) {
      return staff.disable((await loginOrThrow(params.id, by)).id, clock.now());
    },
  });

  // Both give a login a new password, shown once.
  const newPasswordRoute = (
    path: string,
    summary: string,
    apply: (id: string, password: string) => Promise<StaffUser>,
  ) =>
    api.route({
      method: 'post',
      path,
      summary,
      tag: 'staff',
      permission: 'staff:manage',
      params: ByStaff,
      response: z.object({ user: StaffUserSchema, password: z.string() }),
      async handler({ params, staff: by }) {
        const password = newStaffPassword();
        const user = await apply((await loginOrThrow(params.id, by)).id, password);
        return { user, password };
      },
    });
  newPasswordRoute(
    '/api/staff/:id/password',
    'Reset a staff login’s password to a new one, shown once; its sessions end',
    (id, password) => staff.resetPassword(id, password),
  );
  newPasswordRoute(
    '/api/staff/:id/enable',
    'Let a disabled staff login log in again, with a new password, shown once',
    (id, password) => staff.enable(id, password),
  );
}
