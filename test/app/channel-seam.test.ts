import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Command, CommanderError } from 'commander';
import request from 'supertest';
import { pino } from 'pino';
import { composeApp } from '../../app/compose.ts';
import { addChannelCommands } from '../../app/cli-channels.ts';
import { calendarDate, type StorageHandle } from '../../core/index.ts';
import { openTestDatabase } from '../support/database.ts';
import { gasCustomer, staffPassword, staffUsers } from '../support/fixtures.ts';
import { createKioskChannel } from '../fixtures/kiosk-channel/index.ts';

// A channel from a folder of its own, handed to the app as composeApp's callers hand it any
// channel: no file the app, core or the other channels share is edited for it. On the real clock.

let storage: StorageHandle;
let composed: Awaited<ReturnType<typeof composeApp>>;

beforeAll(async () => {
  storage = await openTestDatabase();
  composed = await composeApp({
    storage,
    config: { PUBLIC_URL: 'http://localhost:3000', SESSION_TTL_HOURS: 1, COOKIE_SECURE: false },
    logger: pino({ level: 'silent' }),
    channels: [createKioskChannel],
  });
});

afterAll(async () => {
  await storage?.close();
});

async function advisor() {
  const { advisor: user } = await staffUsers(composed.stores);
  const agent = request.agent(composed.app);
  await agent.post('/api/auth/login').send({ username: user.username, password: staffPassword }).expect(200);
  return agent;
}

describe('a channel added as one folder', () => {
  it('is registered as a pilot channel with its touchpoint', async () => {
    expect(await composed.stores.channels.channel('kiosk')).toMatchObject({
      code: 'kiosk',
      kind: 'pilot',
      touchpoints: [{ code: 'check_in', name: 'Check-in kiosk' }],
    });
  });

  it('gains a touchpoint it adds later, keeping the names the organisation gave', async () => {
    await composed.stores.channels.register({
      code: 'voice_assistant',
      name: 'Assistente vocale',
      kind: 'pilot',
      touchpoints: [{ code: 'alexa', name: 'Skill Alexa' }],
    });
    await composeApp({
      storage,
      config: { PUBLIC_URL: 'http://localhost:3000', SESSION_TTL_HOURS: 1, COOKIE_SECURE: false },
      logger: pino({ level: 'silent' }),
    });
    const voice = await composed.stores.channels.channel('voice_assistant');
    expect(voice?.name).toBe('Assistente vocale');
    expect(voice?.touchpoints.map((t) => `${t.code}: ${t.name}`)).toEqual([
      'alexa: Skill Alexa',
      'dialogflow: Dialogflow CX agent',
      'phone: Phone line (Dialogflow CX)',
    ]);
  });

  it('serves its route behind a staff session, writing the visit the answer names into the journey', async () => {
    const { customer } = await gasCustomer(composed.stores);
    await request(composed.app)
      .post('/api/kiosk/visits')
      .send({ customerId: customer.id, reason: 'bill_explanation' })
      .expect(401);
    const agent = await advisor();
    const answer = await agent
      .post('/api/kiosk/visits')
      .send({ customerId: customer.id, reason: 'bill_explanation' })
      .expect(201);
    const contacts = await composed.stores.interactions.forCustomer(customer.id, { limit: 10 });
    expect(contacts).toEqual([
      expect.objectContaining({
        id: answer.body.interactionId,
        journeyId: answer.body.journeyId,
        channel: 'kiosk',
        touchpoint: 'check_in',
        reason: 'bill_explanation',
      }),
    ]);
    const bad = await agent.post('/api/kiosk/visits').send({ customerId: 'not-an-id', reason: 'Bill!' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors.map((i: { path: string }) => i.path).sort()).toEqual([
      'body.customerId',
      'body.reason',
    ]);
  });

  it('appears in the OpenAPI document with its schemas and permission', async () => {
    const { body } = await request(composed.app).get('/api/openapi.json').expect(200);
    const operation = body.paths['/api/kiosk/visits'].post;
    expect(operation.tags).toEqual(['kiosk']);
    expect(operation.description).toContain('customers:write');
    expect(Object.keys(operation.requestBody.content['application/json'].schema.properties)).toEqual([
      'customerId',
      'reason',
    ]);
  });

  it('is counted in the census beside the existing channels', async () => {
    const { customer } = await gasCustomer(composed.stores);
    const agent = await advisor();
    await agent.post('/api/kiosk/visits').send({ customerId: customer.id, reason: 'payment' }).expect(201);
    const today = calendarDate(new Date());
    const answer = await composed.census({ from: today, to: today, withinDays: 7 }, true);
    if (answer.status !== 'ready') throw new Error(`the census is ${answer.status}`);
    const kiosk = answer.result.channels.find((c) => c.channel === 'kiosk');
    expect(kiosk?.contacts).toBeGreaterThanOrEqual(2);
    expect(answer.result.reasons).toContainEqual({ channel: 'kiosk', reason: 'payment', contacts: 1 });
  });

  it('is labelled on the census page with the name it registered, beside the built-in channels’ and the organisation’s own', async () => {
    const { customer } = await gasCustomer(composed.stores);
    const now = new Date();
    for (const [channel, touchpoint] of [
      ['kiosk', 'check_in'],
      ['video', 'consultation'],
      ['voice_assistant', 'alexa'],
    ] as const)
      await composed.stores.interactions.record({
        customerId: customer.id,
        channel,
        touchpoint,
        direction: 'inbound',
        reason: 'bill_explanation',
        startedAt: now,
        endedAt: now,
        outcome: 'resolved',
      });
    const { admin } = await staffUsers(composed.stores);
    const agent = request.agent(composed.app);
    await agent
      .post('/api/auth/login')
      .send({ username: admin.username, password: staffPassword })
      .expect(200);
    const today = calendarDate(now);
    // Computed afresh: an earlier test's census of today is kept for a minute.
    await composed.census({ from: today, to: today, withinDays: 7 }, true);
    const page = await agent.get(`/manage/census?from=${today}&to=${today}&withinDays=7`).expect(200);
    const jumps = [...page.text.matchAll(/<a href="#heatmap-(\w+)">([^<]+)<\/a>/g)].map(
      (m) => `${m[1]}: ${m[2]}`,
    );
    // The voice assistant was renamed in Italian by the organisation (a test above): its name stands.
    expect(jumps).toEqual(
      expect.arrayContaining([
        'kiosk: Shop kiosk',
        'video: Video consultation',
        'voice_assistant: Assistente vocale',
      ]),
    );
  });

  it('serves its page in the app’s layout through the page kit, escaping what the visitor sent', async () => {
    const page = await request(composed.app)
      .get('/kiosk/welcome')
      .query({ shop: 'Via Roma <script>alert(1)</script>' })
      .expect(200);
    expect(page.text).toContain('<html lang="it">');
    expect(page.text).toContain('<title>Benvenuto · channel-pilot</title>');
    expect(page.text).toContain('data-state="welcome"');
    expect(page.text).toContain('Benvenuto da Via Roma &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page.text).not.toContain('<script>alert');
  });

  it('adds its command to the CLI, which writes the visit it prints into the journey', async () => {
    const { customer } = await gasCustomer(composed.stores);
    const cli = () => {
      const program = new Command().exitOverride();
      program.configureOutput({ writeErr: (text) => void errors.push(text) });
      addChannelCommands(program, composed.channels);
      return program;
    };
    const errors: string[] = [];
    const printed = vi.spyOn(console, 'log').mockImplementation(() => {});
    try {
      await cli().parseAsync(['kiosk', 'visit', customer.id, '--reason', 'meter_reading'], { from: 'user' });
      const line = printed.mock.calls.map((call) => String(call[0])).join('\n');
      const [, id, journey] = /visit (\S+) noted in journey (\S+)/.exec(line) ?? [];
      expect(await composed.stores.interactions.forCustomer(customer.id, { limit: 10 })).toEqual([
        expect.objectContaining({ id, journeyId: journey, channel: 'kiosk', reason: 'meter_reading' }),
      ]);
      const refused = await cli()
        .parseAsync(['kiosk', 'visit', customer.id, '--reason', 'Meter reading!'], { from: 'user' })
        .catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(CommanderError);
      expect(errors.join('')).toContain(
        "option '--reason <reason>' argument 'Meter reading!' is invalid. must be a lower-case code like bill_explanation",
      );
      expect(await composed.stores.interactions.forCustomer(customer.id, { limit: 10 })).toHaveLength(1);
    } finally {
      printed.mockRestore();
    }
  });

  it('is piloted like the built-in channels: only the cohort may use it while the pilot runs', async () => {
    const { customer: enrolled } = await gasCustomer(composed.stores);
    const { customer: outside } = await gasCustomer(composed.stores);
    const today = calendarDate(new Date());
    const pilot = await composed.pilotDesk.define({
      code: 'kiosk_checkin',
      name: 'Check-in kiosks',
      channel: 'kiosk',
      touchpoints: ['check_in'],
      reasons: ['payment'],
      startsOn: today,
      endsOn: calendarDate(new Date(Date.now() + 30 * 86_400_000)),
      cohort: { customerIds: [enrolled.id] },
    });
    await composed.pilotDesk.transition(pilot.code, 'running');
    const agent = await advisor();
    await agent.post('/api/kiosk/visits').send({ customerId: enrolled.id, reason: 'payment' }).expect(201);
    const refused = await agent.post('/api/kiosk/visits').send({ customerId: outside.id, reason: 'payment' });
    expect(refused.status).toBe(403);
    expect(await composed.stores.interactions.forCustomer(outside.id, { limit: 10 })).toEqual([]);
  });
});
