// Token minting rate and webhook ingestion rate, each beside a baseline measured in the same run.
import { createHash, randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { AccessToken } from 'livekit-server-sdk';
import { pino } from 'pino';
import { composeApp } from '../app/compose.ts';
import { participantIdentity, type Appointment } from '../core/services.ts';
import { createConsultationTokens } from '../video/consultation-tokens.ts';
import { freshTarget, openTarget } from './support.ts';

export async function videoFigures(options: {
  kind: 'embedded' | 'postgres';
  serverUrl?: string;
}): Promise<string[]> {
  const target = await freshTarget(options.kind, options.serverUrl);
  const storage = await openTarget(target);
  const keys = { apiKey: 'bench', apiSecret: randomBytes(32).toString('hex') };
  // Webhooks of customers joining only: nothing completes, so no room needs closing.
  const composed = await composeApp({
    storage,
    config: { PUBLIC_URL: 'http://127.0.0.1', SESSION_TTL_HOURS: 1, COOKIE_SECURE: false },
    logger: pino({ level: 'silent' }),
    video: { url: 'ws://127.0.0.1:9', ...keys },
  });
  const server = composed.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const { stores } = composed;
    const now = new Date();
    const appointments: Appointment[] = [];
    // 200 consultations at once: one advisor each, as the database allows no overlap.
    for (let i = 0; i < 200; i++) {
      const advisor = await stores.advisors.addAdvisor({
        name: `Bench Advisor ${i}`,
        email: `bench${i}@advisor.example`,
        languages: ['it-IT'],
        topics: ['billing'],
        timeZone: 'Europe/Rome',
      });
      const customer = await stores.customers.create({
        firstName: 'Bench',
        lastName: `C${i}`,
        locale: 'it-IT',
        segment: 'residential',
      });
      appointments.push(
        await stores.advisors.addAppointment({
          customerId: customer.id,
          advisorId: advisor.id,
          topic: 'billing',
          locale: 'it-IT',
          startsAt: new Date(now.getTime() + 60_000),
          endsAt: new Date(now.getTime() + 31 * 60_000),
          bookedVia: 'web',
        }),
      );
    }

    // Token minting (no room creation: the figure is the signing and the window checks).
    const tokens = createConsultationTokens({ ...keys, url: 'ws://127.0.0.1:9' });
    const customer = { id: appointments[0]!.customerId, firstName: 'Bench', lastName: 'C0' };
    const mintCount = 3000;
    let start = performance.now();
    for (let i = 0; i < mintCount; i++) await tokens.forCustomer(appointments[0]!, customer);
    const mintPerSecond = mintCount / ((performance.now() - start) / 1000);
    start = performance.now();
    for (let i = 0; i < mintCount; i++) {
      const bare = new AccessToken(keys.apiKey, keys.apiSecret, { identity: 'x', ttl: '30m' });
      bare.addGrant({ roomJoin: true, room: 'r' });
      await bare.toJwt();
    }
    const barePerSecond = mintCount / ((performance.now() - start) / 1000);

    // Webhook ingestion: signed participant_joined events, 10 clients at once.
    const bodies = await Promise.all(
      Array.from({ length: 2000 }, async (_, i) => {
        const appointment = appointments[i % appointments.length]!;
        const body = JSON.stringify({
          event: 'participant_joined',
          id: `EV_bench_${i}_${randomBytes(4).toString('hex')}`,
          createdAt: String(Math.floor(Date.now() / 1000)),
          room: { sid: 'RM_bench', name: `consultation-${appointment.id}` },
          participant: {
            sid: `PA_${i}`,
            identity: participantIdentity('customer', appointment.customerId),
            state: 'ACTIVE',
          },
        });
        const token = new AccessToken(keys.apiKey, keys.apiSecret, { ttl: '10m' });
        token.sha256 = createHash('sha256').update(body).digest('base64');
        return { body, authorization: await token.toJwt() };
      }),
    );
    const drive = async (count: number, send: (i: number) => Promise<Response>) => {
      let next = 0;
      let failed = 0;
      const t0 = performance.now();
      await Promise.all(
        Array.from({ length: 10 }, async () => {
          while (next < count) {
            const res = await send(next++);
            await res.arrayBuffer();
            if (!res.ok) failed++;
          }
        }),
      );
      return { perSecond: count / ((performance.now() - t0) / 1000), failed };
    };
    const webhooks = await drive(bodies.length, (i) =>
      fetch(`${base}/api/video/webhooks`, {
        method: 'POST',
        headers: { 'content-type': 'application/webhook+json', authorization: bodies[i]!.authorization },
        body: bodies[i]!.body,
      }),
    );
    const health = await drive(bodies.length, () => fetch(`${base}/healthz`));
    const { applied } = await storage.db
      .selectFrom('consultation_events')
      .select((eb) => eb.fn.countAll<number>().as('applied'))
      .executeTakeFirstOrThrow();
    return [
      `video [${target.label}]: customer tokens ${mintPerSecond.toFixed(0)}/s; bare AccessToken ${barePerSecond.toFixed(0)}/s (×${(barePerSecond / mintPerSecond).toFixed(1)})`,
      `  webhook ingestion, 10 concurrent senders: ${webhooks.perSecond.toFixed(0)} events/s (${Number(applied)} of ${bodies.length} recorded, ${webhooks.failed} refused); /healthz ${health.perSecond.toFixed(0)}/s (×${(health.perSecond / webhooks.perSecond).toFixed(1)})`,
    ];
  } finally {
    await new Promise((resolve) => server.close(resolve));
    await storage.close();
    await target.cleanup();
  }
}
