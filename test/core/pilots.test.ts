import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createHash, randomUUID } from 'node:crypto';
import {
  ChannelPilotError,
  createPostgresStores,
  type Customer,
  type StorageHandle,
  type Stores,
} from '../../core/index.ts';
import { createPilotDesk, standardReasons, type PilotInput } from '../../core/evidence.ts';
import { createPostgresBulkLoader } from '../../core/imports.ts';
import { openTestDatabase } from '../support/database.ts';
import { everyChannel, fixedClock } from '../support/fixtures.ts';

let storage: StorageHandle;
let stores: Stores;
let desk: ReturnType<typeof createPilotDesk>;
const customers: Customer[] = [];
const segmentOf = (i: number) =>
  (['family', 'senior', 'young'] as const)[i % 3] as 'family' | 'senior' | 'young';

beforeAll(async () => {
  storage = await openTestDatabase();
  stores = createPostgresStores(storage.db, { clock: fixedClock });
  for (const channel of everyChannel) await stores.channels.register(channel);
  await stores.reasons.ensure(standardReasons);
  // A channel the organisation adds itself, with no pilot on it yet.
  await stores.channels.register({
    code: 'kiosk',
    name: 'Kiosk',
    kind: 'pilot',
    touchpoints: [{ code: 'lobby', name: 'Lobby' }],
  });
  const given = new Date('2024-01-01T00:00:00Z');
  const records = Array.from({ length: 600 }, (_, i) => {
    const customer: Customer = {
      id: randomUUID(),
      firstName: i % 2 ? 'Anna' : 'Ann',
      lastName: `Draw${i}`,
      locale: i % 2 ? 'it-IT' : 'en-US',
      phone: `+39333${String(i).padStart(7, '0')}`,
      email: `c${i}@example.com`,
      segment: segmentOf(i),
      preferredMedium: 'email',
      createdAt: given,
    };
    customers.push(customer);
    // Every tenth customer never agreed to be contacted.
    const contact = i % 10 !== 0;
    return {
      customer,
      consents: [
        {
          id: randomUUID(),
          customerId: customer.id,
          purpose: 'data_processing' as const,
          medium: null,
          granted: true,
          givenAt: given,
          source: 'import' as const,
        },
        ...(contact
          ? [
              {
                id: randomUUID(),
                customerId: customer.id,
                purpose: 'contact' as const,
                medium: 'email' as const,
                granted: true,
                givenAt: given,
                source: 'import' as const,
              },
            ]
          : []),
      ],
      accounts: [],
    };
  });
  await createPostgresBulkLoader(storage).customers(records);
  desk = createPilotDesk({
    pilots: stores.pilots,
    log: stores.pilotLog,
    channels: stores.channels,
    reasons: stores.reasons,
    customers: stores.customers,
    outbox: stores.outbox,
    clock: fixedClock,
  });
});

afterAll(async () => {
  await storage?.close();
});

/** The draw as the README states it, computed here without the code under test. */
function expectedArm(pilotId: string, customerId: string, rollout: number, control: number) {
  const bucket = createHash('md5').update(`${pilotId}:${customerId}`).digest().readUInt32BE(0) % 10_000;
  if (bucket < rollout * 100) return 'pilot';
  if (bucket >= 10_000 - control * 100) return 'control';
  return null;
}

async function arms(pilotId: string) {
  const rows = await storage.db
    .selectFrom('pilot_enrolments')
    .select(['customer_id', 'arm', 'via'])
    .where('pilot_id', '=', pilotId)
    .execute();
  return new Map(rows.map((r) => [r.customer_id, r]));
}

const voicePilot = (overrides: Partial<PilotInput> = {}): PilotInput => ({
  code: `voice_${randomUUID().slice(0, 8)}`,
  name: 'Alexa for bills',
  channel: 'voice_assistant',
  touchpoints: ['alexa'],
  reasons: ['bill_explanation', 'payment'],
  startsOn: '2026-03-01',
  endsOn: '2026-05-31',
  cohort: { segments: ['family', 'senior'], rolloutPercent: 30, controlPercent: 20 },
  ...overrides,
});

describe('cohorts', () => {
  it('draws the pilot and control arms from the eligible segments by the sticky bucket, and keeps them when the rollout grows', async () => {
    const pilot = await desk.define(voicePilot());
    await desk.transition(pilot.code, 'running');
    let enrolled = await arms(pilot.id);
    const eligible = customers.filter((c) => c.segment === 'family' || c.segment === 'senior');
    const expected = (rollout: number) =>
      new Map(
        eligible
          .map((c) => [c.id, expectedArm(pilot.id, c.id, rollout, 20)] as const)
          .filter((e): e is [string, 'pilot' | 'control'] => e[1] !== null),
      );
    expect(new Map([...enrolled].map(([id, r]) => [id, r.arm]))).toEqual(expected(30));
    expect([...enrolled.values()].every((r) => r.via === 'rollout')).toBe(true);
    expect([...enrolled.keys()].some((id) => customers.find((c) => c.id === id)?.segment === 'young')).toBe(
      false,
    );
    const before = enrolled;

    await desk.revise(
      pilot.code,
      voicePilot({
        code: pilot.code,
        cohort: { segments: ['family', 'senior'], rolloutPercent: 55, controlPercent: 20 },
      }),
    );
    enrolled = await arms(pilot.id);
    expect(new Map([...enrolled].map(([id, r]) => [id, r.arm]))).toEqual(expected(55));
    for (const [id, row] of before) expect(enrolled.get(id)?.arm).toBe(row.arm);
    expect(enrolled.size).toBeGreaterThan(before.size);
  });

  it('puts explicitly named customers in the pilot arm whatever the draw says', async () => {
    const kiosk = { channel: 'kiosk', touchpoints: ['lobby'] };
    const draft = await desk.define(
      voicePilot({ ...kiosk, cohort: { segments: [], rolloutPercent: 0, controlPercent: 50 } }),
    );
    const drawnToControl = customers.find(
      (c) => expectedArm(draft.id, c.id, 0, 50) === 'control',
    ) as Customer;
    const young = customers.find((c) => c.segment === 'young' && c.id !== drawnToControl.id) as Customer;
    await desk.revise(
      draft.code,
      voicePilot({
        ...kiosk,
        code: draft.code,
        cohort: {
          segments: [],
          customerIds: [drawnToControl.id, young.id],
          rolloutPercent: 0,
          controlPercent: 50,
        },
      }),
    );
    const { pilot } = await desk.transition(draft.code, 'running');
    expect(pilot.cohort.customerIds).toEqual([drawnToControl.id, young.id].sort());
    const enrolled = await arms(pilot.id);
    expect(enrolled.get(drawnToControl.id)).toMatchObject({ arm: 'pilot', via: 'explicit' });
    expect(enrolled.get(young.id)).toMatchObject({ arm: 'pilot', via: 'explicit' });
    await desk.transition(pilot.code, 'ended');
  });

  it('leaves the planner expecting a started cohort at about its size, so that its report is planned for it', async () => {
    const draft = await desk.define(
      voicePilot({
        channel: 'kiosk',
        touchpoints: ['lobby'],
        cohort: { segments: [], rolloutPercent: 80, controlPercent: 20 },
      }),
    );
    const { pilot, enrolled } = await desk.transition(draft.code, 'running');
    expect(enrolled).toBe(customers.length);
    const { rows } = await sql<{ 'QUERY PLAN': [{ Plan: { 'Plan Rows': number } }] }>`
      explain (format json) select customer_id from pilot_enrolments where pilot_id = ${pilot.id}`.execute(
      storage.db,
    );
    const expected = rows[0]?.['QUERY PLAN'][0].Plan['Plan Rows'] ?? 0;
    expect(expected).toBeGreaterThan(enrolled * 0.8);
    expect(expected).toBeLessThan(enrolled * 1.25);
    await desk.transition(pilot.code, 'ended');
  });

  it('refuses to narrow a started cohort or change its control group, and names the fields', async () => {
    const pilot = await desk.define(voicePilot({ channel: 'video', touchpoints: ['consultation'] }));
    await desk.transition(pilot.code, 'running');
    const attempt = desk.revise(
      pilot.code,
      voicePilot({
        code: pilot.code,
        channel: 'video',
        touchpoints: ['consultation'],
        cohort: { segments: ['family'], rolloutPercent: 10, controlPercent: 25 },
      }),
    );
    await expect(attempt).rejects.toMatchObject({ code: 'invalid_input' });
    const error = (await attempt.catch((e: unknown) => e)) as ChannelPilotError;
    expect(error.issues.map((i) => i.path).sort()).toEqual([
      'cohort.controlPercent',
      'cohort.rolloutPercent',
      'cohort.segments',
    ]);
    expect((await stores.pilots.pilot(pilot.code))?.cohort.rolloutPercent).toBe(30);
    await desk.transition(pilot.code, 'ended');
  });

  it('rejects a touchpoint its channel lacks, naming the field', async () => {
    const attempt = desk.define(voicePilot({ touchpoints: ['kiosk'] }));
    const error = (await attempt.catch((e: unknown) => e)) as ChannelPilotError;
    expect(error.code).toBe('invalid_input');
    expect(error.issues.map((i) => i.path)).toEqual(['touchpoints.0']);
  });

  it('enrols a named customer, and refuses an id nobody has, naming it, storing nothing', async () => {
    const [real] = (await stores.customers.search({ limit: 1, offset: 0 })).customers;
    const ghost = randomUUID();
    const named = await desk.define(voicePilot({ cohort: { customerIds: [real!.id] } }));
    expect((await stores.pilots.pilot(named.code))?.cohort.customerIds).toEqual([real!.id]);
    expect([...(await arms(named.id)).keys()]).toEqual([real!.id]);
    const unknown = voicePilot({ cohort: { customerIds: [real!.id, ghost] } });
    const error = (await desk.define(unknown).catch((e: unknown) => e)) as ChannelPilotError;
    expect(error.code).toBe('invalid_input');
    expect(error.issues).toEqual([
      { path: 'cohort.customerIds.1', message: `no customer has the id ${ghost}` },
    ]);
    expect(await stores.pilots.pilot(unknown.code)).toBeUndefined();
  });
});

describe('status', () => {
  it('moves draft → running → paused → running → ended and refuses anything else', async () => {
    const pilot = await desk.define(voicePilot({ channel: 'video', touchpoints: ['consultation'] }));
    await expect(desk.transition(pilot.code, 'paused')).rejects.toMatchObject({ code: 'conflict' });
    await desk.transition(pilot.code, 'running');
    await desk.transition(pilot.code, 'paused');
    await desk.transition(pilot.code, 'running');
    await desk.transition(pilot.code, 'ended');
    await expect(desk.transition(pilot.code, 'running')).rejects.toMatchObject({ code: 'conflict' });
    await expect(desk.revise(pilot.code, voicePilot({ code: pilot.code }))).rejects.toMatchObject({
      code: 'conflict',
    });
  });

  it('answers not found for a pilot id or code that names nothing, however it is spelt', async () => {
    for (const name of ['-'.repeat(36), randomUUID(), 'no_such_pilot']) {
      await expect(desk.find(name)).rejects.toMatchObject({ code: 'not_found' });
    }
  });

  it('lets a channel follow one live pilot at a time', async () => {
    const live = (await stores.pilots.pilots()).find(
      (p) => p.channel === 'voice_assistant' && p.status === 'running',
    );
    expect(live).toBeDefined();
    const second = await desk.define(voicePilot());
    const error = (await desk
      .transition(second.code, 'running')
      .catch((e: unknown) => e)) as ChannelPilotError;
    expect(error.code).toBe('conflict');
    expect(error.message).toContain(live?.code);
    expect((await stores.pilots.pilot(second.code))?.status).toBe('draft');
  });
});

describe('channel access and invitations', () => {
  it('serves the pilot arm, refuses control and strangers while running, and nobody while paused', async () => {
    const pilot = (await stores.pilots.pilots()).find(
      (p) => p.channel === 'voice_assistant' && p.status === 'running',
    );
    if (!pilot) throw new Error('the cohort test leaves a running voice pilot');
    const enrolled = await arms(pilot.id);
    const member = [...enrolled].find(([, r]) => r.arm === 'pilot')?.[0] as string;
    const control = [...enrolled].find(([, r]) => r.arm === 'control')?.[0] as string;
    const stranger = customers.find((c) => c.segment === 'young' && !enrolled.has(c.id))?.id as string;
    const allowed = async (id: string, channel = 'voice_assistant') =>
      (await desk.access.permit(id, channel)).allowed;
    expect([await allowed(member), await allowed(control), await allowed(stranger)]).toEqual([
      true,
      false,
      false,
    ]);
    // A channel no pilot governs stays open.
    expect(await allowed(stranger, 'sms')).toBe(true);

    await desk.revise(pilot.code, {
      ...voicePilot({ code: pilot.code, cohort: pilot.cohort }),
      openToEveryone: true,
      closingSurvey: true,
    });
    expect([await allowed(member), await allowed(control), await allowed(stranger)]).toEqual([
      true,
      false,
      true,
    ]);
    expect((await desk.access.permit(member, 'voice_assistant')).closingSurvey).toBe(true);

    await desk.transition(pilot.code, 'paused');
    expect([await allowed(member), await allowed(stranger)]).toEqual([false, false]);
    await desk.transition(pilot.code, 'running');
  });

  it('invites each pilot-arm customer once, on their consented medium and in their language', async () => {
    const pilot = (await stores.pilots.pilots()).find(
      (p) => p.channel === 'voice_assistant' && p.status === 'running',
    );
    if (!pilot) throw new Error('the cohort test leaves a running voice pilot');
    await desk.inviteAll();
    expect(await desk.inviteEnrolled()).toEqual({ queued: 0, more: false });
    const messages = await storage.db
      .selectFrom('outbox')
      .select(['customer_id', 'medium', 'subject', 'body', 'bulk'])
      .where('kind', '=', 'pilot_invitation')
      .where('dedupe_key', 'like', `pilot-invitation:${pilot.id}:%`)
      .execute();
    // Queued in bulk: after any code or reply asked for meanwhile.
    expect(messages.length).toBeGreaterThan(0);
    expect(messages.every((m) => m.bulk)).toBe(true);
    const enrolled = await arms(pilot.id);
    const index = new Map(customers.map((c, i) => [c.id, i]));
    const reachable = [...enrolled]
      .filter(([id, r]) => r.arm === 'pilot' && (index.get(id) as number) % 10 !== 0)
      .map(([id]) => id)
      .sort();
    expect(messages.map((m) => m.customer_id).sort()).toEqual(reachable);
    for (const m of messages) {
      const customer = customers[index.get(m.customer_id) as number] as Customer;
      expect(m.medium).toBe('email');
      expect(m.subject).toBe(
        customer.locale === 'it-IT' ? 'Un nuovo modo per parlare con noi' : 'A new way to reach us',
      );
      expect(m.body).toContain('Alexa');
    }
    const size = await stores.pilots.cohortSize(pilot.id);
    // Those who agreed to no medium are not counted as invited, and are not tried again.
    expect(size.invited).toBe(reachable.length);
    expect(reachable.length).toBeLessThan([...enrolled.values()].filter((r) => r.arm === 'pilot').length);
  });
});
