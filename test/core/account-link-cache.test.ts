import { describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { type StorageHandle, type Stores } from '../../core/index.ts';
import { cachedAccountLinks, type AccountLinkStore } from '../../core/services.ts';
import { databaseKind, withTestStores } from '../support/database.ts';
import { gasCustomer } from '../support/fixtures.ts';

let storage: StorageHandle;
let stores: Stores;
withTestStores((opened) => ({ storage, stores } = opened));

const now = new Date('2026-03-10T09:00:00Z');
const alexaUser = () => ({ platform: 'alexa', platformUserId: `amzn1.account.${randomUUID()}` });

/** Links a user the way another instance of the app would: straight in the database. */
const linkElsewhere = (user: { platform: string; platformUserId: string }, customerId: string) =>
  storage.db
    .insertInto('account_links')
    .values({
      platform: user.platform,
      platform_user_id: user.platformUserId,
      customer_id: customerId,
      linked_at: now,
    })
    .onConflict((oc) => oc.columns(['platform', 'platform_user_id']).doUpdateSet({ customer_id: customerId }))
    .execute();

/** Redeems a code for `customerId` through `store`. */
async function linkThrough(
  store: AccountLinkStore,
  user: { platform: string; platformUserId: string },
  customerId: string,
) {
  const codeHash = `test-${randomUUID()}`;
  await store.saveCode({ customerId, codeHash, expiresAt: new Date(now.getTime() + 600_000), now });
  return store.redeemCode({
    ...user,
    codeHash,
    deviceId: null,
    now,
    failureLimit: 5,
    globalFailureLimit: 100,
    slowedFailureLimit: 1,
    failuresSince: new Date(now.getTime() - 900_000),
  });
}

describe(`cached account links on the ${databaseKind} database`, () => {
  it('answers with the linked customer for the time to live, then reads the link again', async () => {
    let t = 0;
    const links = cachedAccountLinks(stores.accountLinks, { ttlMs: 5_000, now: () => t });
    const first = (await gasCustomer(stores)).customer;
    const second = (await gasCustomer(stores)).customer;
    const user = alexaUser();
    await linkElsewhere(user, first.id);
    expect(await links.linkedCustomer(user.platform, user.platformUserId)).toBe(first.id);

    await linkElsewhere(user, second.id);
    t += 4_999;
    expect(await links.linkedCustomer(user.platform, user.platformUserId)).toBe(first.id);
    t += 1;
    expect(await links.linkedCustomer(user.platform, user.platformUserId)).toBe(second.id);
  });

  it('sees a link made through it at once, and never keeps "not linked"', async () => {
    const t = 0;
    const links = cachedAccountLinks(stores.accountLinks, { ttlMs: 5_000, now: () => t });
    const first = (await gasCustomer(stores)).customer;
    const second = (await gasCustomer(stores)).customer;
    const user = alexaUser();
    expect(await links.linkedCustomer(user.platform, user.platformUserId)).toBeUndefined();
    // Linked on another instance: seen on the next turn, not 5 s later.
    await linkElsewhere(user, first.id);
    expect(await links.linkedCustomer(user.platform, user.platformUserId)).toBe(first.id);

    expect(await linkThrough(links, user, second.id)).toEqual({ status: 'linked', customerId: second.id });
    expect(await links.linkedCustomer(user.platform, user.platformUserId)).toBe(second.id);
  });
});
