import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import request from 'supertest';
import { decodeJwt } from 'jose';
import { RoomServiceClient } from 'livekit-server-sdk';
import { pino } from 'pino';
import { composeApp } from '../../app/compose.ts';
import type { StorageHandle } from '../../core/index.ts';
import { openTestDatabase } from '../support/database.ts';
import { gasCustomer, staffPassword, staffUsers, officeHoursAdvisor } from '../support/fixtures.ts';
import { LIVEKIT_INSTALL_TIMEOUT_MS, startLivekitServer, type LivekitServer } from '../support/livekit.ts';

// Monday 23 March 2026, 09:00 in Rome.
let now = new Date('2026-03-23T08:00:00Z');
const clock = { now: () => now };
const config = { PUBLIC_URL: 'http://localhost:3000', SESSION_TTL_HOURS: 1000, COOKIE_SECURE: false };

let storage: StorageHandle;
let livekit: LivekitServer;
let composed: Awaited<ReturnType<typeof composeApp>>;
let withoutVideo: Awaited<ReturnType<typeof composeApp>>;
let cookie: string[];
let otherAdvisorCookie: string[];
let adminCookie: string[];

beforeAll(async () => {
  storage = await openTestDatabase();
  livekit = await startLivekitServer();
  const video = { url: livekit.wsUrl, apiKey: livekit.apiKey, apiSecret: livekit.apiSecret };
  composed = await composeApp({ storage, config, logger: pino({ level: 'silent' }), clock, video });
  withoutVideo = await composeApp({ storage, config, logger: pino({ level: 'silent' }), clock, video: null });
  const users = await staffUsers(composed.stores);
  const login = await request(composed.app)
    .post('/api/auth/login')
    .send({ username: users.advisor.username, password: staffPassword });
  cookie = [String(login.headers['set-cookie']).split(';')[0] as string];
  const adminLogin = await request(composed.app)
    .post('/api/auth/login')
    .send({ username: users.admin.username, password: staffPassword });
  adminCookie = [String(adminLogin.headers['set-cookie']).split(';')[0] as string];
  await composed.stores.staff.addUser({
    username: 'other-advisor',
    displayName: 'Other',
    role: 'advisor',
    password: staffPassword,
  });
  const other = await request(composed.app)
    .post('/api/auth/login')
    .send({ username: 'other-advisor', password: staffPassword });
  otherAdvisorCookie = [String(other.headers['set-cookie']).split(';')[0] as string];
  await officeHoursAdvisor(composed.stores, {
    name: 'Elena Galli',
    languages: ['it-IT'],
    staffUserId: users.advisor.id,
  });
}, LIVEKIT_INSTALL_TIMEOUT_MS);

afterAll(async () => {
  await livekit?.stop();
  await storage?.close();
});

async function booked(startsAt: string) {
  const { customer } = await gasCustomer(composed.stores);
  const res = await request(composed.app)
    .post('/api/appointments')
    .set('Cookie', cookie)
    .send({ customerId: customer.id, topic: 'billing', locale: 'it-IT', startsAt })
    .expect(201);
  return res.body as { appointment: { id: string; advisorId: string }; links: { join: { token: string } } };
}

const roomExists = async (appointmentId: string) => {
  const admin = new RoomServiceClient(livekit.httpUrl, livekit.apiKey, livekit.apiSecret);
  return (await admin.listRooms([`consultation-${appointmentId}`])).length > 0;
};

describe('joining a consultation through the app', () => {
  it('shows what a join link opens, and gives a lobby token only inside the window, opening the room', async () => {
    const { appointment, links } = await booked('2026-03-24T08:05:00Z');
    const info = await request(composed.app).get(`/api/links/join/${links.join.token}`).expect(200);
    expect(info.body).toMatchObject({
      appointmentId: appointment.id,
      advisorName: 'Elena Galli',
      status: 'booked',
    });

    const early = await request(composed.app)
      .post(`/api/links/join/${links.join.token}/access`)
      .send({})
      .expect(403);
    expect(early.body.code).toBe('forbidden');
    expect(await roomExists(appointment.id)).toBe(false);

    now = new Date('2026-03-24T08:00:00Z');
    try {
      const access = await request(composed.app)
        .post(`/api/links/join/${links.join.token}/access`)
        .send({})
        .expect(200);
      expect(access.body).toMatchObject({
        role: 'customer',
        url: livekit.wsUrl,
        roomName: `consultation-${appointment.id}`,
      });
      expect(await roomExists(appointment.id)).toBe(true);
      const advisor = await request(composed.app)
        .post(`/api/appointments/${appointment.id}/access`)
        .set('Cookie', cookie)
        .send({})
        .expect(200);
      expect(advisor.body.role).toBe('advisor');
      expect(advisor.body.identity).toBe(`advisor:${appointment.advisorId}`);
      // An admin helping joins on the advisor's side as themselves, never as the advisor.
      const admin = await request(composed.app)
        .post(`/api/appointments/${appointment.id}/access`)
        .set('Cookie', adminCookie)
        .send({})
        .expect(200);
      expect(admin.body.identity).not.toBe(advisor.body.identity);
      expect(admin.body.identity).toMatch(/^advisor:/);
      expect(decodeJwt(admin.body.token)).toMatchObject({ name: 'admin', sub: admin.body.identity });
      const stranger = await request(composed.app)
        .post(`/api/appointments/${appointment.id}/access`)
        .set('Cookie', otherAdvisorCookie)
        .send({})
        .expect(403);
      expect(stranger.body.detail).toMatch(/assigned to another advisor/);
      await request(composed.app)
        .get(`/api/appointments/${appointment.id}/participants`)
        .set('Cookie', otherAdvisorCookie)
        .expect(403);
      await request(composed.app)
        .post(`/api/appointments/${appointment.id}/admit`)
        .set('Cookie', otherAdvisorCookie)
        .send({ identity: 'customer:x' })
        .expect(403);
      const inRoom = await request(composed.app)
        .get(`/api/appointments/${appointment.id}/participants`)
        .set('Cookie', cookie)
        .expect(200);
      expect(inRoom.body).toEqual([]);
      await request(composed.app).post(`/api/appointments/${appointment.id}/access`).expect(401);

      // Cancelling the consultation takes its room away.
      await request(composed.app)
        .post(`/api/appointments/${appointment.id}/cancel`)
        .set('Cookie', cookie)
        .send({ reason: 'customer called instead' })
        .expect(200);
      expect(await roomExists(appointment.id)).toBe(false);
    } finally {
      now = new Date('2026-03-23T08:00:00Z');
    }
  });

  it('refuses a webhook that LiveKit did not sign', async () => {
    const res = await request(composed.app)
      .post('/api/video/webhooks')
      .set('Content-Type', 'application/webhook+json')
      .set('Authorization', 'not-a-token')
      .send(JSON.stringify({ event: 'room_finished', id: 'EV_forged', room: { name: 'consultation-x' } }))
      .expect(401);
    expect(res.body.code).toBe('unauthenticated');
  });

  it('says clearly that video is unavailable when no LiveKit server is configured', async () => {
    const { links } = await booked('2026-03-24T08:50:00Z');
    const res = await request(withoutVideo.app)
      .post(`/api/links/join/${links.join.token}/access`)
      .send({})
      .expect(503);
    expect(res.body.detail).toMatch(/no LiveKit server is configured/);
    expect(res.body.hint).toMatch(/LIVEKIT_URL/);
  });
});
