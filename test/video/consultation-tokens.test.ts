import { AccessToken, RoomServiceClient, TokenVerifier } from 'livekit-server-sdk';
import { Room, dispose } from '@livekit/rtc-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ChannelPilotError,
  createPostgresStores,
  type StorageHandle,
  type Stores,
} from '../../core/index.ts';
import { type Appointment } from '../../core/services.ts';
import type { ConsultationRooms } from '../../core/services.ts';
import { createLivekitConsultationRooms } from '../../video/livekit-consultation-rooms.ts';
import { createConsultationTokens } from '../../video/consultation-tokens.ts';
import { openTestDatabase } from '../support/database.ts';
import { consultationFor } from '../support/fixtures.ts';
import { LIVEKIT_INSTALL_TIMEOUT_MS, startLivekitServer, type LivekitServer } from '../support/livekit.ts';

let storage: StorageHandle;
let stores: Stores;
let livekit: LivekitServer;
let rooms: ConsultationRooms;
let admin: RoomServiceClient;
const openRooms: Room[] = [];

beforeAll(async () => {
  storage = await openTestDatabase();
  stores = createPostgresStores(storage.db);
  livekit = await startLivekitServer();
  rooms = createLivekitConsultationRooms({
    url: livekit.httpUrl,
    apiKey: livekit.apiKey,
    apiSecret: livekit.apiSecret,
  });
  admin = new RoomServiceClient(livekit.httpUrl, livekit.apiKey, livekit.apiSecret);
}, LIVEKIT_INSTALL_TIMEOUT_MS);

afterAll(async () => {
  await Promise.allSettled(openRooms.map((room) => room.disconnect()));
  await livekit?.stop();
  await storage?.close();
  await dispose();
});

const START = new Date('2026-03-10T10:00:00Z');
const END = new Date('2026-03-10T10:30:00Z');

function tokensAt(now: Date) {
  return createConsultationTokens({
    url: livekit.wsUrl,
    apiKey: livekit.apiKey,
    apiSecret: livekit.apiSecret,
    rooms,
    clock: { now: () => now },
    policy: { joinBeforeMs: 10 * 60_000, lateGraceMs: 15 * 60_000 },
  });
}

const book = (startsAt = START, endsAt = END) => consultationFor(stores, { startsAt, endsAt });

async function roomExists(appointment: Appointment) {
  const list = await admin.listRooms([`consultation-${appointment.id}`]);
  return list.length > 0;
}

async function refusal(work: () => Promise<unknown>): Promise<ChannelPilotError> {
  const error = await work().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ChannelPilotError);
  return error as ChannelPilotError;
}

describe('consultation tokens', () => {
  it('refuses a token before the window opens and after it closes, names the window, and creates no room', async () => {
    const { customer, advisor, appointment } = await book();
    const early = await refusal(() =>
      tokensAt(new Date('2026-03-10T09:49:59Z')).forCustomer(appointment, customer),
    );
    expect(early.code).toBe('forbidden');
    expect(early.message).toContain('2026-03-10T09:50:00.000Z');
    expect(early.message).toContain('2026-03-10T10:45:00.000Z');
    const late = await refusal(() =>
      tokensAt(new Date('2026-03-10T10:45:01Z')).forAdvisor(appointment, advisor),
    );
    expect(late.code).toBe('forbidden');
    expect(await roomExists(appointment)).toBe(false);
  });

  it('refuses tokens for another customer, another advisor, or an appointment that is no longer booked', async () => {
    const { customer, advisor, appointment } = await book();
    const other = await book();
    const tokens = tokensAt(new Date('2026-03-10T09:55:00Z'));
    expect((await refusal(() => tokens.forCustomer(appointment, other.customer))).code).toBe('forbidden');
    expect((await refusal(() => tokens.forAdvisor(appointment, other.advisor))).code).toBe('forbidden');
    const cancelled: Appointment = { ...appointment, status: 'cancelled' };
    expect((await refusal(() => tokens.forCustomer(cancelled, customer))).code).toBe('conflict');
    expect((await refusal(() => tokens.forAdvisor(cancelled, advisor))).code).toBe('conflict');
    expect(await roomExists(appointment)).toBe(false);
  });

  it("scopes the customer's token to the appointment's room, in the lobby, valid from issue to the end of the window", async () => {
    const { customer, appointment } = await book();
    const now = new Date('2026-03-10T09:55:00Z');
    const access = await tokensAt(now).forCustomer(appointment, customer);
    const claims = await new TokenVerifier(livekit.apiKey, livekit.apiSecret).verify(access.token, '100000d');
    expect(claims).toMatchObject({
      sub: `customer:${customer.id}`,
      name: 'Giulia Rossi',
      attributes: { appointmentId: appointment.id, role: 'customer' },
      video: {
        room: `consultation-${appointment.id}`,
        roomJoin: true,
        canSubscribe: true,
        canPublish: false,
        canPublishData: false,
      },
    });
    expect(claims.video?.roomAdmin).toBeFalsy();
    const { nbf, exp } = claims as { nbf: number; exp: number };
    // nbf is stamped by the signing library at the real current time; the window is checked against our clock.
    expect(Math.abs(nbf * 1000 - Date.now())).toBeLessThan(5_000);
    expect(exp - nbf).toBe((new Date('2026-03-10T10:45:00Z').getTime() - now.getTime()) / 1000);
  });

  it('creates the room on demand with a participant limit, so a third person cannot join', async () => {
    const { customer, advisor, appointment } = await book(
      new Date(Date.now() + 60_000),
      new Date(Date.now() + 31 * 60_000),
    );
    const tokens = tokensAt(new Date());
    expect(await roomExists(appointment)).toBe(false);
    const customerAccess = await tokens.forCustomer(appointment, customer);
    const [room] = await admin.listRooms([customerAccess.roomName]);
    expect(room).toMatchObject({ maxParticipants: 2, emptyTimeout: 600, departureTimeout: 60 });

    for (const access of [customerAccess, await tokens.forAdvisor(appointment, advisor)]) {
      const participant = new Room();
      openRooms.push(participant);
      await participant.connect(access.url, access.token, { autoSubscribe: false, dynacast: false });
    }
    const intruder = new AccessToken(livekit.apiKey, livekit.apiSecret, { identity: 'someone-else' });
    intruder.addGrant({ roomJoin: true, room: customerAccess.roomName });
    const third = new Room();
    openRooms.push(third);
    await expect(
      third.connect(livekit.wsUrl, await intruder.toJwt(), { autoSubscribe: false, dynacast: false }),
    ).rejects.toThrow();
    // The client only sees a failed handshake; the server says why.
    expect(livekit.output()).toContain('room has exceeded its max participants');
    expect((await rooms.participants(appointment.id)).map((p) => p.role).sort()).toEqual([
      'advisor',
      'customer',
    ]);
  });

  it("gives the advisor admin rights in that appointment's room only, and the customer none", async () => {
    const mine = await book(new Date(Date.now() + 60_000), new Date(Date.now() + 31 * 60_000));
    const theirs = await book(new Date(Date.now() + 60_000), new Date(Date.now() + 31 * 60_000));
    const tokens = tokensAt(new Date());
    const advisor = await tokens.forAdvisor(mine.appointment, mine.advisor);
    const customer = await tokens.forCustomer(mine.appointment, mine.customer);
    await tokens.forCustomer(theirs.appointment, theirs.customer);
    const as = (token: string) => new RoomServiceClient(livekit.httpUrl, undefined, undefined, { token });

    await expect(as(advisor.token).listParticipants(advisor.roomName)).resolves.toEqual([]);
    await expect(
      as(advisor.token).listParticipants(`consultation-${theirs.appointment.id}`),
    ).rejects.toMatchObject({
      status: 401,
    });
    await expect(as(customer.token).listParticipants(customer.roomName)).rejects.toMatchObject({
      status: 401,
    });
  });

  it('admits only someone who is in the room', async () => {
    const { appointment, customer } = await book(
      new Date(Date.now() + 60_000),
      new Date(Date.now() + 31 * 60_000),
    );
    await tokensAt(new Date()).forCustomer(appointment, customer);
    const error = await refusal(() => rooms.admit(appointment.id, `customer:${customer.id}`));
    expect(error.code).toBe('not_found');
  });
});
