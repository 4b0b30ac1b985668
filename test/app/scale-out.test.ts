import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AudioFrame,
  AudioSource,
  AudioStream,
  LocalAudioTrack,
  Room,
  RoomEvent,
  TrackKind,
  TrackPublishOptions,
  TrackSource,
  dispose,
  type RemoteTrack,
} from '@livekit/rtc-node';
import {
  createPostgresStores,
  createSignedLinks,
  openDatabase,
  type StorageHandle,
} from '../../core/index.ts';
import { createScratchDatabase } from '../support/database.ts';
import { sharedPostgresServer } from '../support/postgres-server.ts';
import { freePort, login, printedCredentials, startApp, type RunningApp } from '../support/app-process.ts';
import { LIVEKIT_INSTALL_TIMEOUT_MS, startLivekitServer, type LivekitServer } from '../support/livekit.ts';

// Scale-out shown: two app instances (the real CLI) on one PostgreSQL database, LiveKit as two
// nodes sharing a Redis (Debian's redis-server). The advisor works through instance A and node A,
// the customer through instance B and node B; both nodes send their webhooks to both instances,
// as they would to a load balancer. Instance A is killed mid-consultation: nothing is lost.

const timings: Record<string, number> = {};
const since = (start: number) => Date.now() - start;
let server: Awaited<ReturnType<typeof sharedPostgresServer>>;
let scratch: Awaited<ReturnType<typeof createScratchDatabase>>;
let storage: StorageHandle;
let redis: ChildProcess;
const nodes: LivekitServer[] = [];
const apps: RunningApp[] = [];
const rooms: Room[] = [];
const LINK_SECRET = randomBytes(32).toString('hex');

/** Debian's redis-server on a free loopback port; installed first when missing and the user may. */
async function startRedis(): Promise<{ process: ChildProcess; address: string }> {
  if (spawnSync('sh', ['-c', 'command -v redis-server']).status !== 0) {
    if (process.getuid?.() !== 0) throw new Error('redis-server is missing: apt-get install -y redis-server');
    const installed = spawnSync(
      'sh',
      ['-c', 'apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server'],
      { stdio: 'inherit' },
    );
    if (installed.status !== 0) throw new Error('redis-server is missing and apt-get could not install it');
  }
  const port = await freePort();
  const child = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  for (let i = 0; i < 100; i++) {
    if (
      spawnSync('redis-cli', ['-p', String(port), 'ping'])
        .stdout?.toString()
        .trim() === 'PONG'
    ) {
      return { process: child, address: `127.0.0.1:${port}` };
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error('redis-server did not answer');
}

beforeAll(async () => {
  let start = Date.now();
  server = await sharedPostgresServer();
  scratch = await createScratchDatabase(server.url, 'channel_pilot_scale');
  const started = await startRedis();
  redis = started.process;
  const credentials = { apiKey: 'cluster', apiSecret: randomBytes(32).toString('hex') };
  const ports = [await freePort(), await freePort()];
  const webhooks = ports.map((port) => `http://127.0.0.1:${port}/api/video/webhooks`);
  for (let i = 0; i < 2; i++) {
    nodes.push(
      await startLivekitServer({
        credentials,
        redisAddress: started.address,
        webhookUrl: webhooks,
        room: { empty_timeout: 600, departure_timeout: 20 },
      }),
    );
  }
  timings.livekitNodesStartMs = since(start);
  start = Date.now();
  for (let i = 0; i < 2; i++) {
    apps.push(
      await startApp({
        PORT: String(ports[i]),
        DATABASE_URL: scratch.url,
        LINK_SECRET,
        LIVEKIT_URL: nodes[i]!.wsUrl,
        LIVEKIT_API_KEY: credentials.apiKey,
        LIVEKIT_API_SECRET: credentials.apiSecret,
        SEED_CUSTOMERS: '60',
        SEED_INTERACTIONS: '500',
        OUTBOX_POLL_MS: '500',
      }),
    );
    timings[`app${i ? 'B' : 'A'}StartMs`] = since(start);
    start = Date.now();
  }
  storage = await openDatabase({ kind: 'postgres', url: scratch.url, poolSize: 2 });
}, LIVEKIT_INSTALL_TIMEOUT_MS);

afterAll(async () => {
  for (const room of rooms) await room.disconnect().catch(() => undefined);
  await dispose();
  for (const app of apps) await app.stop();
  for (const node of nodes) await node.stop();
  redis?.kill('SIGTERM');
  await storage?.close();
  await scratch?.drop();
  await server?.stop();
  console.log(`scale-out timings: ${JSON.stringify(timings)}`);
});

async function join(access: { url: string; token: string }): Promise<Room> {
  const room = new Room();
  rooms.push(room);
  await room.connect(access.url, access.token, { autoSubscribe: true, dynacast: false });
  return room;
}

async function publishTone(room: Room, hz: number) {
  const source = new AudioSource(48_000, 1);
  const samples = Int16Array.from({ length: 480 }, (_, i) =>
    Math.round(8000 * Math.sin((2 * Math.PI * hz * i) / 48_000)),
  );
  const options = new TrackPublishOptions();
  options.source = TrackSource.SOURCE_MICROPHONE;
  await room.localParticipant!.publishTrack(LocalAudioTrack.createAudioTrack('microphone', source), options);
  let feeding = true;
  void (async () => {
    while (feeding) await source.captureFrame(new AudioFrame(samples, 48_000, 1, 480));
  })();
  return () => {
    feeding = false;
  };
}

/** Resolves once `room` hears `identity` (audible frames of its microphone). */
function hears(room: Room, identity: string): Promise<void> {
  return new Promise((resolve) => {
    const listen = (track: RemoteTrack, participant: { identity: string }) => {
      if (participant.identity !== identity || track.kind !== TrackKind.KIND_AUDIO) return;
      void (async () => {
        for await (const frame of new AudioStream(track, 48_000, 1)) {
          if (frame.data.some((s) => Math.abs(s) > 1000)) return resolve();
        }
      })();
    };
    room.on(RoomEvent.TrackSubscribed, (track, _publication, participant) => listen(track, participant));
  });
}

async function until<T>(what: string, read: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (ok(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('scale-out', () => {
  it('holds a consultation between an advisor on instance A and node A and a customer on instance B and node B, and loses nothing when instance A is killed', async () => {
    const [appA, appB] = apps as [RunningApp, RunningApp];
    const [nodeA, nodeB] = nodes as [LivekitServer, LivekitServer];
    const stores = createPostgresStores(storage.db);
    const logins = printedCredentials(appA.output());
    const advisorLogin = await stores.staff.find('advisor');
    const advisor = (await stores.advisors.advisors()).find((a) => a.staffUserId === advisorLogin?.id)!;
    const customer = (await stores.customers.search({ limit: 50, offset: 0 })).customers.find((c) =>
      (advisor.languages as string[]).includes(c.locale),
    )!;
    const now = Date.now();
    const appointment = await stores.advisors.addAppointment({
      customerId: customer.id,
      advisorId: advisor.id,
      topic: advisor.topics[0] as string,
      locale: customer.locale,
      startsAt: new Date(now - 60_000),
      endsAt: new Date(now + 29 * 60_000),
      bookedVia: 'web',
      journeyId: null,
    });
    const joinToken = createSignedLinks({ secret: Buffer.from(LINK_SECRET, 'utf8') }).sign({
      action: 'join',
      subject: appointment.id,
      expiresAt: new Date(now + 60 * 60_000),
    });

    // The advisor through instance A, the customer through instance B: each gets their own node.
    const cookie = await login(appA.baseUrl, 'advisor', logins.advisor as string);
    const api = (base: string, path: string, body: unknown = {}, headers: Record<string, string> = {}) =>
      fetch(`${base}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie, ...headers },
        body: JSON.stringify(body),
      });
    type Access = { url: string; token: string; identity: string };
    const started = Date.now();
    const advisorAccess = (await (
      await api(appA.baseUrl, `/api/appointments/${appointment.id}/access`)
    ).json()) as Access;
    const customerAccess = (await (
      await api(appB.baseUrl, `/api/links/join/${joinToken}/access`, {}, { cookie: '' })
    ).json()) as Access;
    expect(advisorAccess.url).toBe(nodeA.wsUrl);
    expect(customerAccess.url).toBe(nodeB.wsUrl);
    const advisorRoom = await join(advisorAccess);
    const customerRoom = await join(customerAccess);
    timings.bothConnectedMs = since(started);
    const admitted = await api(appA.baseUrl, `/api/appointments/${appointment.id}/admit`, {
      identity: customerAccess.identity,
    });
    expect(admitted.status).toBe(204);
    const advisorHears = hears(advisorRoom, customerAccess.identity);
    const customerHears = hears(customerRoom, advisorAccess.identity);
    const stopAdvisor = await publishTone(advisorRoom, 440);
    // The admission travels from node A to node B through Redis: publish once it has arrived.
    const stopCustomer = await until(
      'the customer to be allowed to speak',
      () => publishTone(customerRoom, 660).catch(() => null),
      (stop) => stop !== null,
    );
    await Promise.all([advisorHears, customerHears]);
    timings.eachHearsTheOtherMs = since(started);
    await until(
      'the appointment to be in progress',
      async () => (await stores.appointments.appointment(appointment.id))?.status,
      (status) => status === 'in_progress',
    );
    timings.inProgressMs = since(started);

    // Instance A dies mid-consultation; the call goes on (media never passes through the app).
    appA.process.kill('SIGKILL');
    await appA.stop();
    await until(
      'the call to go on',
      async () => advisorRoom.isConnected && customerRoom.isConnected,
      Boolean,
    );

    // The advisor ends the call; the customer leaves: every event reaches instance B.
    stopAdvisor();
    stopCustomer?.();
    await advisorRoom.disconnect();
    await customerRoom.disconnect();
    const ended = Date.now();
    const completed = await until(
      'the consultation to be completed',
      async () => stores.appointments.appointment(appointment.id),
      (a) => a?.status === 'completed',
      30_000,
    );
    expect(completed?.status).toBe('completed');
    const entry = await until(
      'its journey entry',
      async () => stores.interactions.fromSource('video', `consultation:${appointment.id}`),
      (e) => e !== undefined,
    );
    timings.completedAfterLeavingMs = since(ended);
    expect(entry).toMatchObject({ channel: 'video', outcome: 'resolved' });
    // The advisor's session lives in the database: instance B takes their wrap-up.
    const wrapped = await api(appB.baseUrl, `/api/appointments/${appointment.id}/wrap-up`, {
      outcome: 'resolved',
      notes: 'Verificato il piano di rateizzazione.',
    });
    expect(wrapped.status, await wrapped.clone().text()).toBe(200);
    expect((await stores.interactions.interaction(entry!.id))?.details.wrapUp).toMatchObject({
      outcome: 'resolved',
    });
  });
});
