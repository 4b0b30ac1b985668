import { sql, type Kysely, type Transaction } from 'kysely';
import type { AccountLinkStore, CodeRedemption, StoredRedemption } from '../account-linking.ts';
import { translateDatabaseError } from './database-errors.ts';
import type { Database } from './schema.ts';
import { executeKept } from './kept-plans.ts';

// Expired codes are kept a day, so that saying one is answered "expired" rather than "wrong".
const KEEP_EXPIRED_MS = 86_400_000;

export function createPostgresAccountLinks(db: Kysely<Database>, newId: () => string): AccountLinkStore {
  return {
    async saveCode({ customerId, codeHash, expiresAt, now }) {
      try {
        await db.transaction().execute(async (trx) => {
          await trx
            .deleteFrom('account_link_codes')
            .where('used_at', 'is', null)
            .where((eb) =>
              eb.or([
                eb('customer_id', '=', customerId),
                eb('expires_at', '<', new Date(now.getTime() - KEEP_EXPIRED_MS)),
              ]),
            )
            .execute();
          await trx
            .insertInto('account_link_codes')
            .values({ id: newId(), customer_id: customerId, code_hash: codeHash, expires_at: expiresAt })
            .execute();
        });
      } catch (error) {
        throw translateDatabaseError(error, 'linking code');
      }
    },

    redeemCode(input) {
      const { codeHash, platform, platformUserId, deviceId, now, failuresSince } = input;
      return db.transaction().execute(async (trx): Promise<StoredRedemption> => {
        // Attempts of one platform user, and of one device, queue here, so that parallel guesses
        // count one by one (the user's lock first, always: two attempts never wait on each other).
        await sql`select pg_advisory_xact_lock(hashtext(${`account-link:${platform}:${platformUserId}`}))`.execute(
          trx,
        );
        if (deviceId) {
          await sql`select pg_advisory_xact_lock(hashtext(${`account-link-device:${platform}:${deviceId}`}))`.execute(
            trx,
          );
        }
        const { user, device, everyone } = await trx
          .selectFrom('account_link_failures')
          .select([
            sql<number>`count(*) filter (where platform = ${platform} and platform_user_id = ${platformUserId})::int`.as(
              'user',
            ),
            sql<number>`count(*) filter (where platform = ${platform} and device_id = ${deviceId})::int`.as(
              'device',
            ),
            sql<number>`count(*)::int`.as('everyone'),
          ])
          .where('failed_at', '>', failuresSince)
          .executeTakeFirstOrThrow();
        const limit = everyone >= input.globalFailureLimit ? input.slowedFailureLimit : input.failureLimit;
        if (user >= limit || device >= limit) return { status: 'rate_limited' };
        const result = codeHash
          ? await useCode(trx, codeHash, platform, platformUserId, now)
          : { status: 'unknown' as const };
        if (result.status !== 'linked') {
          await trx.deleteFrom('account_link_failures').where('failed_at', '<', failuresSince).execute();
          await trx
            .insertInto('account_link_failures')
            .values({ platform, platform_user_id: platformUserId, device_id: deviceId, failed_at: now })
            .execute();
        }
        return result;
      });
    },

    async linkedCustomer(platform, platformUserId) {
      // Every voice turn asks it first: its plan is kept.
      const [row] = await executeKept(
        db,
        db
          .selectFrom('account_links')
          .select('customer_id')
          .where('platform', '=', platform)
          .where('platform_user_id', '=', platformUserId),
      );
      return row?.customer_id;
    },
  };
}

async function useCode(
  trx: Transaction<Database>,
  codeHash: string,
  platform: string,
  platformUserId: string,
  now: Date,
): Promise<CodeRedemption> {
  const rows = await trx
    .selectFrom('account_link_codes')
    .select(['id', 'customer_id', 'expires_at', 'used_at'])
    .where('code_hash', '=', codeHash)
    .orderBy('created_at', 'desc')
    .forUpdate()
    .execute();
  const live = rows.find((row) => row.used_at === null);
  if (!live) return { status: rows.length > 0 ? 'used' : 'unknown' };
  if (live.expires_at <= now) return { status: 'expired' };
  await trx.updateTable('account_link_codes').set({ used_at: now }).where('id', '=', live.id).execute();
  await trx
    .insertInto('account_links')
    .values({ platform, platform_user_id: platformUserId, customer_id: live.customer_id, linked_at: now })
    .onConflict((oc) =>
      oc
        .columns(['platform', 'platform_user_id'])
        .doUpdateSet({ customer_id: live.customer_id, linked_at: now }),
    )
    .execute();
  return { status: 'linked', customerId: live.customer_id };
}
