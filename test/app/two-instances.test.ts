import { randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { AccessToken } from 'livekit-server-sdk';
import { pino } from 'pino';
import { composeApp } from '../../app/compose.ts';
import {
  openDatabase,
  type MessageSender,
  type OutboxMessage,
  type StorageHandle,
} from '../../core/index.ts';
import { createClosedDays } from '../../core/services.ts';
import { createScratchDatabase } from '../support/database.ts';
import { until } from '../support/waiting.ts';
import { sharedPostgresServer } from '../support/postgres-server.ts';
import {
  consultationFor,
  gasCustomer,
  officeHoursAdvisor,
  staffPassword,
  staffUsers,
  voicePilotOf,
} from '../support/fixtures.ts';

// Two instances of the app, each with its own connections, on one PostgreSQL database: what
// must happen once happens once, whichever instance a request reaches. The real clock runs.

const video = {
  url: 'ws://127.0.0.1:9',
  apiKey: 'twokey',
  apiSecret: 'two-instances-share-this-secret-0123',
};
let server: Awaited<ReturnType<typeof sharedPostgresServer>>;
let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
const storages: StorageHandle[] = [];
const sent: string[] = [];
let apps: Awaited<ReturnType<typeof composeApp>>[];

/** Records what it sends, slowly enough that the instances' sweeps overlap. */
const recording = (medium: 'email' | 'sms'): MessageSender => ({
  medium,
  async send(message: OutboxMessage) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    sent.push(message.id);
  },
});

beforeAll(async () => {
  server = await sharedPostgresServer();
  scratch = await createScratchDatabase(server.url, 'channel_pilot_two');
  apps = [];
  for (let i = 0; i < 2; i++) {
    const storage = await openDatabase({ kind: 'postgres', url: scratch.url, poolSize: 5 });
    storages.push(storage);
    apps.push(
      await composeApp({
        storage,
        config: { PUBLIC_URL: 'http://localhost:3000', SESSION_TTL_HOURS: 1, COOKIE_SECURE: false },
        logger: pino({ level: 'silent' }),
        senders: [recording('email'), recording('sms')],
        video,
      }),
    );
    await storage.warm(); // as the server does before it listens
  }
}, 600_000);

afterAll(async () => {
  for (const storage of storages) await storage.close();
  await scratch?.drop();
  await server?.stop();
});

const instance = (i: number) => apps[i % 2]!.app;

describe('two instances on one database', () => {
  it('hold the login limit together: of 60 wrong passwords spread over both, ten are checked', async () => {
    const stores = apps[0]!.stores;
    await stores.staff.addUser({
      username: 'shared-target',
      displayName: 'T',
      role: 'advisor',
      password: staffPassword,
    });
    const answers = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        request(instance(i))
          .post('/api/auth/login')
          .send({ username: 'shared-target', password: `guess ${i}` }),
      ),
    );
    expect(answers.filter((r) => r.status === 401).length).toBe(10);
    expect(answers.filter((r) => r.status === 429).length).toBe(50);
    for (const i of [0, 1]) {
      await request(instance(i))
        .post('/api/auth/login')
        .send({ username: 'shared-target', password: staffPassword })
        .expect(429);
    }
  });

  it('book one slot once when 20 requests race for it through both', async () => {
    const stores = apps[0]!.stores;
    const users = await staffUsers(stores);
    await officeHoursAdvisor(stores, { name: 'Luca Ferri', languages: ['it-IT'] });
    const agents = await Promise.all(
      [0, 1].map(async (i) => {
        const agent = request.agent(instance(i));
        await agent
          .post('/api/auth/login')
          .send({ username: users.advisor.username, password: staffPassword });
        return agent;
      }),
    );
    const customers = await Promise.all(Array.from({ length: 20 }, () => gasCustomer(stores)));
    // The whole of a Tuesday one to two weeks ahead in Rome, its first slot at 09:05. A public
    // holiday on it (Immacolata, Christmas…) would leave no slot at all: the Tuesday after, then.
    const closed = createClosedDays();
    let day = DateTime.now().setZone('Europe/Rome').startOf('day');
    day = day.plus({ days: ((9 - day.weekday) % 7 || 7) + 7 });
    while (closed(day.toISODate() as string)) day = day.plus({ weeks: 1 });
    const slots = await agents[0]!
      .get('/api/appointments/slots')
      .query({
        topic: 'billing',
        locale: 'it-IT',
        from: day.toUTC().toISO(),
        to: day.plus({ days: 1 }).toUTC().toISO(),
      })
      .expect(200);
    const startsAt = slots.body[0].startsAt as string;
    expect(startsAt).toBe(day.set({ hour: 9, minute: 5 }).toUTC().toISO({ suppressMilliseconds: false }));
    const answers = await Promise.all(
      customers.map(({ customer }, i) =>
        agents[i % 2]!.post('/api/appointments').send({
          customerId: customer.id,
          topic: 'billing',
          locale: 'it-IT',
          startsAt,
        }),
      ),
    );
    const booked = answers.filter((r) => r.status === 201);
    const advisorsOfSlot = slots.body[0].advisorIds.length as number;
    expect(booked.length).toBe(advisorsOfSlot);
    expect(answers.filter((r) => r.status !== 201).every((r) => r.status === 409)).toBe(true);
    const rows = await storages[0]!.db
      .selectFrom('appointments')
      .select('id')
      .where('starts_at', '=', new Date(startsAt))
      .where('status', '=', 'booked')
      .execute();
    expect(rows.length).toBe(advisorsOfSlot);
  });

  it('send each due message once when both sweep the outbox at the same time', async () => {
    const stores = apps[0]!.stores;
    const { customer } = await gasCustomer(stores);
    const ids = Array.from({ length: 40 }, (_, i) => `two-instances-${customer.id}-${i}`);
    await stores.outbox.enqueue(
      ids.map((dedupeKey, i) => ({
        dedupeKey,
        customerId: customer.id,
        appointmentId: null,
        kind: 'test_notice',
        medium: i % 2 ? 'email' : 'sms',
        recipient: i % 2 ? 'giulia.rossi@example.it' : '+393331234567',
        subject: i % 2 ? 'Promemoria' : null,
        body: `Messaggio ${i}`,
        attachments: [],
        sendAfter: new Date(Date.now() - 1000),
      })),
    );
    sent.length = 0;
    await Promise.all([
      apps[0]!.dispatcher.runOnce(),
      apps[1]!.dispatcher.runOnce(),
      apps[0]!.dispatcher.runOnce(),
      apps[1]!.dispatcher.runOnce(),
    ]);
    const mine = (await stores.outbox.recent({ limit: 100, customerId: customer.id })).filter(
      (m) => m.kind === 'test_notice',
    );
    expect(mine.every((m) => m.status === 'sent')).toBe(true);
    const ofMine = sent.filter((id) => mine.some((m) => m.id === id));
    expect(ofMine.length).toBe(40);
    expect(new Set(ofMine).size).toBe(40);
  });

  it('apply a webhook delivered to both, and delivered again, once', async () => {
    const stores = apps[0]!.stores;
    const now = Date.now();
    const { appointment, advisor } = await consultationFor(stores, {
      startsAt: new Date(now - 60_000),
      endsAt: new Date(now + 29 * 60_000),
    });
    const body = JSON.stringify({
      event: 'participant_joined',
      id: `EV_two_${randomBytes(6).toString('hex')}`,
      createdAt: String(Math.floor(now / 1000)),
      room: { sid: 'RM_two', name: `consultation-${appointment.id}` },
      participant: {
        sid: `PA_${randomBytes(6).toString('hex')}`,
        identity: `advisor:${advisor.id}`,
        state: 'ACTIVE',
      },
    });
    const token = new AccessToken(video.apiKey, video.apiSecret, { ttl: '5m' });
    token.sha256 = Buffer.from(
      await crypto.subtle.digest('SHA-256', new TextEncoder().encode(body)),
    ).toString('base64');
    const authorization = await token.toJwt();
    const deliveries = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        request(instance(i))
          .post('/api/video/webhooks')
          .set('Content-Type', 'application/webhook+json')
          .set('Authorization', authorization)
          .send(body),
      ),
    );
    expect(deliveries.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    const events = await storages[1]!.db
      .selectFrom('consultation_events')
      .selectAll()
      .where('appointment_id', '=', appointment.id)
      .execute();
    expect(events).toHaveLength(1);
    const sessions = await storages[1]!.db
      .selectFrom('consultation_sessions')
      .selectAll()
      .where('appointment_id', '=', appointment.id)
      .execute();
    expect(sessions).toHaveLength(1);
  });

  it('tell each other at once who may use the voice assistant and who is speaking', async () => {
    const [one, two] = [apps[0]!, apps[1]!];
    const member = (await gasCustomer(one.stores)).customer;
    const today = DateTime.now().setZone('Europe/Rome');
    const pilot = await one.pilotDesk.define(
      voicePilotOf([member.id], {
        startsOn: today.toISODate()!,
        endsOn: today.plus({ months: 3 }).toISODate()!,
      }),
    );
    await one.pilotDesk.transition(pilot.code, 'running');
    const allowedOnTwo = async () =>
      (await two.pilotDesk.access.permit(member.id, 'voice_assistant')).allowed;
    expect(await allowedOnTwo()).toBe(true);
    // Paused on the first: the second, which keeps its answers a minute, stops serving at once.
    await one.pilotDesk.transition(pilot.code, 'paused');
    expect(await until(async () => !(await allowedOnTwo()))).toBeLessThan(2_000);
    await one.pilotDesk.transition(pilot.code, 'running');
    expect(await until(allowedOnTwo)).toBeLessThan(2_000);
    // Paused by an administrator in SQL, through neither instance: the database tells both.
    const allowedOnOne = async () =>
      (await one.pilotDesk.access.permit(member.id, 'voice_assistant')).allowed;
    expect(await allowedOnOne()).toBe(true);
    await storages[0]!.db
      .updateTable('pilots')
      .set({ status: 'paused' })
      .where('id', '=', pilot.id)
      .execute();
    expect(await until(async () => !(await allowedOnOne()) && !(await allowedOnTwo()))).toBeLessThan(2_000);

    // A speaker linked again, to someone else, on the first is that customer on the second.
    const other = (await gasCustomer(one.stores)).customer;
    const speaker = `amzn1.ask.account.two-${randomBytes(6).toString('hex')}`;
    const link = async (customerId: string) => {
      const { code } = await one.voice.linking.issueCode(customerId);
      return one.voice.linking.redeem({ platform: 'alexa', platformUserId: speaker, code });
    };
    expect(await link(member.id)).toEqual({ status: 'linked', customerId: member.id });
    expect(await two.voice.linking.linkedCustomer('alexa', speaker)).toBe(member.id);
    expect(await link(other.id)).toEqual({ status: 'linked', customerId: other.id });
    const heard = await until(
      async () => (await two.voice.linking.linkedCustomer('alexa', speaker)) === other.id,
    );
    expect(heard).toBeLessThan(2_000);
  });
});
