import { sql, type Kysely, type Selectable } from 'kysely';
import {
  LOGIN_FAILURE_LIMIT,
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
import { ChannelPilotError, notFound } from '../errors.ts';
import { Uuid } from '../vocabulary.ts';
import type { Clock } from '../clock.ts';
import type { Database, StaffUsersTable } from './schema.ts';
import { executeKept } from './kept-plans.ts';

export function createPostgresStaffDirectory(
  db: Kysely<Database>,
  newId: () => string,
  clock: Clock,
): StaffDirectory {
  /**
   * Gives a login of the state expected a new password, clears its failed logins and ends its
   * sessions; a disabled login is enabled by it.
   */
  const setPassword = async (id: string, password: string, expected: 'active' | 'disabled') => {
    const checked = parseInput(StaffUserInput.shape.password, password, 'password');
    const hash = await hashPassword(checked);
    return db.transaction().execute(async (tx) => {
      const found = await tx
        .selectFrom('staff_users')
        .select(['username', 'disabled_at'])
        .where('id', '=', id)
        .forUpdate()
        .executeTakeFirst();
      if (!found) throw notFound('staff user', id);
      if ((found.disabled_at === null) !== (expected === 'active')) {
        throw expected === 'active'
          ? new ChannelPilotError(
              'conflict',
              `staff login ${found.username} is disabled: it could not use a new password`,
              {
                hint: 'enable it again, which gives it a new password',
              },
            )
          : new ChannelPilotError('conflict', `staff login ${found.username} is not disabled`, {
              hint: 'to give it a new password, reset its password',
            });
      }
      const row = await tx
        .updateTable('staff_users')
        .set({ password_hash: hash, disabled_at: null })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
      await tx.deleteFrom('staff_sessions').where('user_id', '=', id).execute();
      await tx.deleteFrom('login_failures').where('username', '=', row.username).execute();
      return toUser(row);
    });
  };

  return {
    async addUser(input) {
      const user = parseInput(StaffUserInput, input, 'staff user');
      const given = input.username.trim();
      const row = await translating(
        `staff login ${user.username}`,
        async () =>
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
        {
          staff_users_username_key: {
            detail: `a staff login named ${user.username} already exists${given === user.username ? '' : ` (logins ignore case: ${given} is ${user.username})`}`,
            hint: 'Choose another username.',
          },
        },
      );
      return toUser(row);
    },

    async verifyLogin(username, password) {
      const name = username.trim().toLowerCase();
      const now = clock.now();
      const since = new Date(now.getTime() - LOGIN_FAILURE_LIMIT.windowMs);
      const limited = async (q: Kysely<Database>) => {
        const { failures } = await q
          .selectFrom('login_failures')
          .select(sql<number>`count(*)::int`.as('failures'))
          .where('username', '=', name)
          .where('failed_at', '>', since)
          .executeTakeFirstOrThrow();
        return failures >= LOGIN_FAILURE_LIMIT.attempts;
      };
      const refused = () =>
        new ChannelPilotError('rate_limited', `too many failed logins for ${name}; try again later`, {
          hint: `wait ${LOGIN_FAILURE_LIMIT.windowMs / 60_000} minutes, or ask an admin`,
        });
      // Once the limit is reached, refused without the cost of checking a password.
      if (await limited(db)) throw refused();
      const row = await db
        .selectFrom('staff_users')
        .selectAll()
        .where('username', '=', name)
        .executeTakeFirst();
      const matches = await verifyPassword(password, row?.password_hash ?? (await decoyPasswordHash()));
      // A disabled login fails like a wrong password, at the same cost.
      const accepted = row !== undefined && matches && row.disabled_at === null;
      // The verdict is given under a lock on the username, one attempt after another (on any
      // instance): a failure counts only once it has failed, so parallel logins with the right
      // password all get in; of parallel wrong ones, only as many as the limit are answered, and
      // one answered after them is refused whatever its password, so guessing in parallel learns
      // no more than guessing one at a time.
      const verdict = await db.transaction().execute(async (tx) => {
        await sql`select pg_advisory_xact_lock(hashtextextended(${`login:${name}`}, 0))`.execute(tx);
        if (await limited(tx)) return 'refused';
        if (accepted) {
          await tx.deleteFrom('login_failures').where('username', '=', name).execute();
          return 'accepted';
        }
        await tx.insertInto('login_failures').values({ username: name, failed_at: now }).execute();
        return 'failed';
      });
      if (verdict === 'refused') throw refused();
      if (verdict === 'accepted') return toUser(row as Selectable<StaffUsersTable>);
      await db.deleteFrom('login_failures').where('failed_at', '<', since).execute();
      return undefined;
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
      // Every request of a logged-in advisor or manager reads it.
      const [row] = await executeKept(
        db,
        db
          .selectFrom('staff_sessions')
          .innerJoin('staff_users', 'staff_users.id', 'staff_sessions.user_id')
          .selectAll('staff_users')
          .select('staff_sessions.expires_at')
          .where('staff_sessions.token_hash', '=', sessionTokenHash(token))
          .where('staff_sessions.expires_at', '>', clock.now())
          .where('staff_users.disabled_at', 'is', null),
      );
      return row && { user: toUser(row), expiresAt: row.expires_at };
    },

    async closeSession(token) {
      await db.deleteFrom('staff_sessions').where('token_hash', '=', sessionTokenHash(token)).execute();
    },

    async list() {
      const rows = await db.selectFrom('staff_users').selectAll().orderBy('username').execute();
      return rows.map(toUser);
    },

    async find(idOrUsername) {
      const row = await db
        .selectFrom('staff_users')
        .selectAll()
        .where((eb) =>
          Uuid.safeParse(idOrUsername).success
            ? eb('id', '=', idOrUsername)
            : eb('username', '=', idOrUsername.trim().toLowerCase()),
        )
        .executeTakeFirst();
      return row && toUser(row);
    },

    async disable(id, at) {
      return db.transaction().execute(async (tx) => {
        const row = await tx
          .updateTable('staff_users')
          .set({ disabled_at: sql`coalesce(disabled_at, ${at})` })
          .where('id', '=', id)
          .returningAll()
          .executeTakeFirst();
        if (!row) throw notFound('staff user', id);
        await tx.deleteFrom('staff_sessions').where('user_id', '=', id).execute();
        return toUser(row);
      });
    },

    async resetPassword(id, password) {
      return setPassword(id, password, 'active');
    },

    async enable(id, password) {
      return setPassword(id, password, 'disabled');
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
    disabledAt: row.disabled_at,
  };
}
