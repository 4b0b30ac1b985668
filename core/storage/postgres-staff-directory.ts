import { sql, type Kysely, type Selectable } from 'kysely';
import {
  StaffUserInput,
  decoyPasswordHash,
  hashPassword,
  newSessionToken,
  sessionTokenHash,
  verifyPassword,
  type StaffDirectory,
  type StaffUser,
} from '../staff.ts';
import { parseInput } from '../validation.ts';
import { translating } from './database-errors.ts';
import type { Clock } from '../clock.ts';
import type { Database, StaffUsersTable } from './schema.ts';

export function createPostgresStaffDirectory(
  db: Kysely<Database>,
  newId: () => string,
  clock: Clock,
): StaffDirectory {
  return {
    async addUser(input) {
      const user = parseInput(StaffUserInput, input, 'staff user');
      const row = await translating(`staff user ${user.username}`, async () =>
        db
          .insertInto('staff_users')
          .values({
            id: newId(),
            username: user.username,
            display_name: user.displayName,
            role: user.role,
            password_hash: await hashPassword(user.password),
          })
          .returningAll()
          .executeTakeFirstOrThrow(),
      );
      return toUser(row);
    },

    async verifyLogin(username, password) {
      const row = await db
        .selectFrom('staff_users')
        .selectAll()
        .where('username', '=', username.trim().toLowerCase())
        .executeTakeFirst();
      const matches = await verifyPassword(password, row?.password_hash ?? (await decoyPasswordHash()));
      return row && matches ? toUser(row) : undefined;
    },

    async openSession(userId, ttlMs) {
      const token = newSessionToken();
      const now = clock.now();
      const expiresAt = new Date(now.getTime() + ttlMs);
      await db.deleteFrom('staff_sessions').where('expires_at', '<', now).execute();
      await db
        .insertInto('staff_sessions')
        .values({ token_hash: sessionTokenHash(token), user_id: userId, expires_at: expiresAt })
        .execute();
      return { token, expiresAt };
    },

    async session(token) {
      const row = await db
        .selectFrom('staff_sessions')
        .innerJoin('staff_users', 'staff_users.id', 'staff_sessions.user_id')
        .selectAll('staff_users')
        .select('staff_sessions.expires_at')
        .where('staff_sessions.token_hash', '=', sessionTokenHash(token))
        .where('staff_sessions.expires_at', '>', clock.now())
        .executeTakeFirst();
      return row && { user: toUser(row), expiresAt: row.expires_at };
    },

    async closeSession(token) {
      await db.deleteFrom('staff_sessions').where('token_hash', '=', sessionTokenHash(token)).execute();
    },

    async count() {
      const { n } = await db
        .selectFrom('staff_users')
        .select(sql<number>`count(*)::int`.as('n'))
        .executeTakeFirstOrThrow();
      return n;
    },
  };
}

function toUser(row: Selectable<StaffUsersTable>): StaffUser {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role as StaffUser['role'],
    createdAt: row.created_at,
  };
}
