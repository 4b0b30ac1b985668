import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createPostgresStores,
  type Customer,
  type InteractionLog,
  type StorageHandle,
  type Stores,
} from '../../core/index.ts';
import {
  createConsultationLifecycle,
  type ConsultationEvent,
  type ConsultationLog,
  type ConsultationRole,
} from '../../core/services.ts';
import { createPostgresConsultationLog } from '../../core/storage/postgres-consultation-log.ts';
import { openTestDatabase } from '../support/database.ts';
import { consultationFor } from '../support/fixtures.ts';

// The lifecycle on the real database, fed the events LiveKit's webhooks become; the media
// server itself is exercised in consultation-call.test.ts.

let storage: StorageHandle;
let stores: Stores;
let log: ConsultationLog;

beforeAll(async () => {
  storage = await openTestDatabase();
  stores = createPostgresStores(storage.db);
  log = createPostgresConsultationLog(storage.db);
});

afterAll(async () => {
  await storage?.close();
});

const START = new Date('2026-03-10T10:00:00Z');
const GRACE_MS = 15 * 60_000;
const at = (minutes: number, seconds = 0) => new Date(START.getTime() + minutes * 60_000 + seconds * 1000);

function lifecycleAt(now: Date, interactions: InteractionLog = stores.interactions) {
  return createConsultationLifecycle({
    log,
    interactions,
    clock: { now: () => now },
    policy: { noShowGraceMs: GRACE_MS },
  });
}

async function book(within: { journeyId?: string; customer?: Customer } = {}) {
  const { customer, advisor, appointment } = await consultationFor(stores, {
    startsAt: START,
    endsAt: at(30),
    ...within,
  });
  const ids = { customer: customer.id, advisor: advisor.id };
  let counter = 0;
  const participant = (role: ConsultationRole, session: string) => ({
    sessionId: session,
    role,
    identity: `${role}:${ids[role]}`,
  });
  const event = <K extends ConsultationEvent['kind']>(
    kind: K,
    when: Date,
    extra: Record<string, unknown> = {},
  ): ConsultationEvent =>
    ({
      kind,
      id: `EV_${appointment.id}_${counter++}`,
      appointmentId: appointment.id,
      at: when,
      ...extra,
    }) as ConsultationEvent;
  return {
    appointment,
    customer,
    joined: (role: ConsultationRole, session: string, when: Date) =>
      event('participant_joined', when, { participant: participant(role, session) }),
    left: (role: ConsultationRole, session: string, when: Date, replaced = false) =>
      event('participant_left', when, { participant: participant(role, session), replaced }),
    aborted: (role: ConsultationRole, session: string, when: Date) =>
      event('connection_aborted', when, { participant: participant(role, session) }),
    finished: (when: Date) => event('room_finished', when),
  };
}

async function feed(events: ConsultationEvent[], now = at(60)) {
  const lifecycle = lifecycleAt(now);
  for (const e of events) await lifecycle.handle(e);
}

const stateOf = async (appointmentId: string) => (await log.consultation(appointmentId))?.state;
const journeyOf = (customerId: string) => stores.interactions.forCustomer(customerId, { limit: 10 });

describe('the consultation lifecycle', () => {
  it('completes a call whose departures never arrived once its window has closed', async () => {
    const b = await book();
    await feed([b.joined('customer', 'PA_c1', at(0)), b.joined('advisor', 'PA_a1', at(1))]);
    expect(await stateOf(b.appointment.id)).toMatchObject({ status: 'in_progress' });
    const windowCloses = new Date(b.appointment.endsAt.getTime() + 30 * 60_000);
    await lifecycleAt(new Date(windowCloses.getTime() - 1000)).sweep();
    expect((await stateOf(b.appointment.id))?.status).toBe('in_progress');
    await lifecycleAt(windowCloses).sweep();
    expect(await stateOf(b.appointment.id)).toMatchObject({
      status: 'completed',
      endedAt: windowCloses,
      endedBy: 'room',
    });
    expect((await journeyOf(b.customer.id)).map((i) => i.channel)).toEqual(['video']);
  });

  it('treats a reconnect from another device as staying, and completes on the first real departure', async () => {
    const b = await book();
    await feed([
      b.joined('customer', 'PA_c1', at(-2)),
      b.joined('advisor', 'PA_a1', at(0, 30)),
      b.left('customer', 'PA_c1', at(5), true),
      b.joined('customer', 'PA_c2', at(5, 2)),
    ]);
    expect(await stateOf(b.appointment.id)).toMatchObject({ status: 'in_progress', startedAt: at(0, 30) });
    await feed([b.left('advisor', 'PA_a1', at(20, 15)), b.left('customer', 'PA_c2', at(20, 16))]);
    const state = await stateOf(b.appointment.id);
    expect(state).toMatchObject({
      status: 'completed',
      startedAt: at(0, 30),
      endedAt: at(20, 15),
      endedBy: 'advisor',
    });
    expect(state?.sessions.map((s) => [s.id, s.endReason])).toEqual([
      ['PA_c1', 'replaced'],
      ['PA_a1', 'left'],
      ['PA_c2', 'left'],
    ]);
    const [entry] = await journeyOf(b.customer.id);
    expect(entry).toMatchObject({
      channel: 'video',
      touchpoint: 'consultation',
      outcome: 'resolved',
      reason: 'billing',
    });
    expect(entry?.details).toMatchObject({ durationSeconds: 19 * 60 + 45, endedBy: 'advisor' });
  });

  it("continues the journey it was booked in, under that journey's contact reason", async () => {
    const customer = await stores.customers.create({
      firstName: 'Anna',
      lastName: 'Neri',
      locale: 'it-IT',
      segment: 'senior',
    });
    const asked = await stores.interactions.record({
      customerId: customer.id,
      channel: 'voice_assistant',
      touchpoint: 'alexa',
      direction: 'inbound',
      reason: 'bill_explanation',
      startedAt: at(-60 * 24 * 2),
      outcome: 'handed_off',
    });
    const b = await book({ journeyId: asked.journeyId, customer });
    await feed([
      b.joined('customer', 'PA_c1', at(0)),
      b.joined('advisor', 'PA_a1', at(1)),
      b.left('advisor', 'PA_a1', at(20)),
    ]);
    const journey = await stores.interactions.journey(asked.journeyId);
    expect(journey.map((i) => [i.channel, i.reason, i.journeyStep])).toEqual([
      ['voice_assistant', 'bill_explanation', 1],
      ['video', 'bill_explanation', 2],
    ]);
    expect(journey[1]?.handoffFromId).toBe(asked.id);
  });

  it('counts a departure reported before its arrival as a visit, and ignores the late arrival', async () => {
    const b = await book();
    await feed([
      b.left('customer', 'PA_c1', at(1)),
      b.joined('customer', 'PA_c1', at(0)),
      b.joined('advisor', 'PA_a1', at(2)),
    ]);
    const state = await stateOf(b.appointment.id);
    expect(state?.status).toBe('booked');
    expect(state?.sessions.find((s) => s.id === 'PA_c1')).toMatchObject({ leftAt: at(1), endReason: 'left' });
  });

  it('completes when the room ends during the call, ended by the room', async () => {
    const b = await book();
    await feed([
      b.joined('advisor', 'PA_a1', at(0)),
      b.joined('customer', 'PA_c1', at(1)),
      b.finished(at(31)),
    ]);
    expect(await stateOf(b.appointment.id)).toMatchObject({
      status: 'completed',
      endedAt: at(31),
      endedBy: 'room',
    });
  });

  it('marks a no-show after the grace period when nobody came, or only a connection that never completed', async () => {
    const nobody = await book();
    const aborted = await book();
    await feed([aborted.aborted('customer', 'PA_c1', at(1)), aborted.joined('advisor', 'PA_a1', at(2))]);

    expect(await lifecycleAt(at(14, 59)).sweep()).toMatchObject({ noShows: 0 });
    expect((await stateOf(nobody.appointment.id))?.status).toBe('booked');
    await lifecycleAt(at(15)).sweep();

    // A consultation the customer missed stays an appointment, no_show, and is no contact of
    // theirs: no video contact (it would make them an adopter, with a handle time), both done with.
    expect((await stateOf(nobody.appointment.id))?.status).toBe('no_show');
    expect(await journeyOf(nobody.customer.id)).toEqual([]);
    expect((await stateOf(aborted.appointment.id))?.status).toBe('no_show');
    expect(await journeyOf(aborted.customer.id)).toEqual([]);
    for (const b of [nobody, aborted])
      expect((await log.consultation(b.appointment.id))?.journeyRecorded).toBe(true);
    // Arriving after it was declared a no-show changes nothing.
    await feed([aborted.joined('customer', 'PA_c2', at(16))]);
    expect((await stateOf(aborted.appointment.id))?.status).toBe('no_show');
  });

  it('records presence in a cancelled appointment without changing its status', async () => {
    const b = await book();
    await storage.db
      .updateTable('appointments')
      .set({ status: 'cancelled' })
      .where('id', '=', b.appointment.id)
      .execute();
    await feed([b.joined('advisor', 'PA_a1', at(0)), b.joined('customer', 'PA_c1', at(1))]);
    const state = await stateOf(b.appointment.id);
    expect(state?.status).toBe('cancelled');
    expect(state?.sessions).toHaveLength(2);
    expect(await journeyOf(b.customer.id)).toEqual([]);
  });

  it('ignores events for appointments that do not exist', async () => {
    const lifecycle = lifecycleAt(at(0));
    const ghost = { sessionId: 'PA_x', role: 'customer' as const, identity: 'customer:x' };
    for (const appointmentId of ['00000000-0000-4000-8000-000000000000', 'not-a-uuid']) {
      expect(
        await lifecycle.handle({
          kind: 'participant_joined',
          id: `EV_${appointmentId}`,
          appointmentId,
          at: at(0),
          participant: ghost,
        }),
      ).toBe('unknown_appointment');
    }
  });

  it('writes a journey entry that failed on the next sweep, once, even when two instances sweep together', async () => {
    const b = await book();
    let failures = 1;
    const flaky: InteractionLog = {
      ...stores.interactions,
      record: async (input) => {
        if (failures-- > 0) throw new Error('database hiccup');
        return stores.interactions.record(input);
      },
    };
    const errors: unknown[] = [];
    const first = createConsultationLifecycle({ log, interactions: flaky, onError: (e) => errors.push(e) });
    for (const e of [
      b.joined('advisor', 'PA_a1', at(0)),
      b.joined('customer', 'PA_c1', at(1)),
      b.left('customer', 'PA_c1', at(9)),
    ]) {
      await first.handle(e);
    }
    expect((await stateOf(b.appointment.id))?.status).toBe('completed');
    expect(errors).toHaveLength(1);
    expect(await journeyOf(b.customer.id)).toEqual([]);

    await Promise.all([lifecycleAt(at(60)).sweep(), lifecycleAt(at(60)).sweep()]);
    expect((await journeyOf(b.customer.id)).map((i) => i.outcome)).toEqual(['resolved']);
    expect((await log.consultation(b.appointment.id))?.journeyRecorded).toBe(true);
  });

  it('marks a no-show once when two instances sweep at the same time', async () => {
    // The customer came; the advisor never did: a failed contact of the customer's, written once.
    const b = await book();
    await feed([b.joined('customer', 'PA_c1', at(1))]);
    await Promise.all([lifecycleAt(at(20)).sweep(), lifecycleAt(at(20)).sweep()]);
    expect((await stateOf(b.appointment.id))?.status).toBe('no_show');
    expect(await journeyOf(b.customer.id)).toMatchObject([
      { channel: 'video', outcome: 'failed', details: { status: 'no_show', came: ['customer'] } },
    ]);
  });
});
