import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock, type StorageHandle, type Stores } from '../../core/index.ts';
import { LINK_CODE_RULES } from '../../core/services.ts';
import { startAlexaApp } from '../support/alexa-app.ts';
import { alexaSession, heard, intent, linkedUser } from '../support/alexa-session.ts';
import { openTestDatabase } from '../support/database.ts';
import { until } from '../support/waiting.ts';
import { dualFuelEnglish, dualFuelTurin } from '../support/households.ts';

// What the voice channel stamps and expires, on the real clock (no fixed time anywhere): linking
// codes and callback requests. What the skill says happened is checked against the rows.

const METRICS_TOKEN = 'scrape-me-with-this-token-0123456789';
let storage: StorageHandle;
let stores: Stores;
let alexa: Awaited<ReturnType<typeof startAlexaApp>>;

beforeAll(async () => {
  storage = await openTestDatabase();
  alexa = await startAlexaApp({ storage, clock: systemClock, config: { METRICS_TOKEN } });
  stores = alexa.composed.stores;
});

afterAll(async () => {
  await storage?.close();
});

/** The code in the last linking message sent to the customer. */
async function sentCode(customerId: string): Promise<string> {
  const [message] = (await stores.outbox.recent({ limit: 5, customerId })).filter(
    (m) => m.kind === 'link_code',
  );
  const code = /\d{6}/.exec(message?.body ?? '')?.[0];
  if (!code) throw new Error('no linking code was sent');
  return code;
}

describe('voice requests on the real clock', () => {
  it('sends a linking code due at once that expires ten minutes after it was sent, and refuses it once expired', async () => {
    const home = await dualFuelTurin(stores);
    const before = Date.now();
    const issued = await alexa.composed.voice.linking.issueCode(home.customer.id);
    const after = Date.now();
    const [message] = await stores.outbox.recent({ limit: 5, customerId: home.customer.id });
    expect(message?.kind).toBe('link_code');
    expect(message?.sendAfter.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(message?.sendAfter.getTime()).toBeLessThanOrEqual(after);
    const { rows } = await sql<{ expires_at: Date }>`
      select expires_at from account_link_codes where customer_id = ${home.customer.id}`.execute(storage.db);
    expect(rows).toHaveLength(1);
    const expires = (rows[0] as { expires_at: Date }).expires_at.getTime();
    expect(expires).toBe(issued.expiresAt.getTime());
    expect(expires - before).toBeGreaterThanOrEqual(LINK_CODE_RULES.ttlMs - 1000);
    expect(expires - after).toBeLessThanOrEqual(LINK_CODE_RULES.ttlMs);

    // Ten minutes pass (the row is aged, the clock is not touched): the code no longer links.
    await sql`update account_link_codes set expires_at = now() - interval '1 second'
      where customer_id = ${home.customer.id}`.execute(storage.db);
    const userId = `amzn1.ask.account.${randomUUID()}`;
    const { say } = alexaSession(alexa, { userId, locale: 'it-IT' });
    await say(intent('LinkAccountIntent'));
    const refused = await say(
      intent('LinkAccountIntent', { slots: { code: await sentCode(home.customer.id) } }),
    );
    expect(heard(refused)).toContain('Questo codice è scaduto');
    expect(await alexa.composed.voice.linking.linkedCustomer('alexa', userId)).toBeUndefined();
  });

  for (const [locale, make] of [
    ['it-IT', dualFuelTurin],
    ['en-US', dualFuelEnglish],
  ] as const) {
    it(`queues a callback in ${locale} stamped when it was asked for, as the skill says`, async () => {
      const home = await make(stores);
      const who = await linkedUser(alexa, home.customer);
      const { say } = alexaSession(alexa, who);
      await say(intent('WhatDoIOweIntent'));
      const before = Date.now();
      const asked = await say(intent('TalkToPersonIntent'));
      const after = Date.now();
      expect(heard(asked)).toMatch(locale === 'it-IT' ? /richiamarti/ : /call you back/);
      const open = (await stores.callbacks.open({ limit: 500 })).filter(
        (c) => c.customerId === home.customer.id,
      );
      expect(open).toHaveLength(1);
      const stamped = (open[0] as { createdAt: Date }).createdAt.getTime();
      expect(stamped).toBeGreaterThanOrEqual(before - 1000);
      expect(stamped).toBeLessThanOrEqual(after);
    });
  }

  it('answers about a supply added by an administrator in SQL at once, though the skill keeps supplies a minute', async () => {
    const home = await dualFuelEnglish(stores);
    const { say } = alexaSession(alexa, await linkedUser(alexa, home.customer));
    const askWater = async () =>
      heard(await say(intent('BillDetailIntent', { resolved: { supply: 'water' } })));
    expect(await askWater()).toBe("I don't have a supply of that kind in your name.");
    await sql`insert into accounts (id, customer_id, number, kind, supply_address, tariff, started_on)
      values (${randomUUID()}, ${home.customer.id}, ${`W-${randomUUID().slice(0, 8)}`}, 'water',
        'Via dei Serragli 48, 50124 Firenze FI', 'Acqua Domestica', '2026-03-01')`.execute(storage.db);
    const known = await until(async () => (await askWater()) === 'I have no water bills yet.');
    expect(known).toBeLessThan(2_000);
  });

  it('tells the metrics how long each voice turn waited to be stored, for every turn the log holds', async () => {
    const home = await dualFuelTurin(stores);
    const who = await linkedUser(alexa, home.customer);
    const { say } = alexaSession(alexa, who);
    await say(intent('WhatDoIOweIntent'));
    await say(intent('WhyHigherIntent'));
    const metrics = await request(alexa.composed.app)
      .get('/metrics')
      .set('Authorization', `Bearer ${METRICS_TOKEN}`)
      .expect(200);
    const figure = (name: string) =>
      Number(
        new RegExp(`^channel_pilot_voice_turn_log_delay_seconds_${name} (\\S+)$`, 'm').exec(
          metrics.text,
        )?.[1],
      );
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from interactions where channel = 'voice_assistant'`.execute(storage.db);
    expect(rows[0]!.n).toBeGreaterThanOrEqual(2);
    expect(figure('count')).toBe(rows[0]!.n);
    // Each waited for the log's gathering of turns (50 ms) and its write, not for anything else.
    expect(figure('sum') / figure('count')).toBeGreaterThanOrEqual(0.045);
    expect(figure('sum') / figure('count')).toBeLessThan(5);
    expect(metrics.text).toMatch(/channel_pilot_voice_turns_total\{outcome="resolved"\} [1-9]/);
  });
});
