import { sql, type Kysely } from 'kysely';
import type { ConsultationSession, ConsultationState } from '../consultations.ts';
import type { ConsultationLog, ConsultationRecord } from '../consultation-lifecycle.ts';
import { Uuid } from '../vocabulary.ts';
import { translating } from './database-errors.ts';
import { toAppointment } from './postgres-advisor-roster.ts';
import type { Database } from './schema.ts';

/**
 * The consultation log on Kysely. Every change runs in one transaction holding the
 * appointment's row lock, so events for one appointment apply one at a time whichever
 * instance receives them, and an event id is remembered in the same transaction.
 */
export function createPostgresConsultationLog(db: Kysely<Database>): ConsultationLog {
  return {
    async apply(eventId, appointmentId, decide) {
      if (!Uuid.safeParse(appointmentId).success) return { kind: 'unknown_appointment' };
      return translating('consultation', () =>
        db.transaction().execute(async (trx) => {
          const before = await load(trx, appointmentId, true);
          if (!before) return { kind: 'unknown_appointment' as const };
          if (eventId !== null) {
            const fresh = await trx
              .insertInto('consultation_events')
              .values({ event_id: eventId, appointment_id: appointmentId })
              .onConflict((oc) => oc.column('event_id').doNothing())
              .returning('event_id')
              .executeTakeFirst();
            if (!fresh) return { kind: 'duplicate' as const };
          }
          const after = decide(before);
          await store(trx, before, after);
          return { kind: 'applied' as const, before, after };
        }),
      );
    },

    async consultation(appointmentId) {
      if (!Uuid.safeParse(appointmentId).success) return undefined;
      return load(db, appointmentId, false);
    },

    async overdue(noShowBefore, closedBefore, limit) {
      const rows = await db
        .selectFrom('appointments')
        .select('id')
        .where((eb) =>
          eb.or([
            eb.and([eb('status', '=', 'booked'), eb('starts_at', '<=', noShowBefore)]),
            eb.and([eb('status', '=', 'in_progress'), eb('ends_at', '<=', closedBefore)]),
          ]),
        )
        .orderBy('starts_at')
        .limit(limit)
        .execute();
      return rows.map((r) => r.id);
    },

    async unrecorded(limit) {
      const rows = await db
        .selectFrom('consultations')
        .select('appointment_id')
        .where('ended_at', 'is not', null)
        .where('journey_recorded', '=', false)
        .orderBy('ended_at')
        .limit(limit)
        .execute();
      return rows.map((r) => r.appointment_id);
    },

    async markRecorded(appointmentId) {
      await db
        .updateTable('consultations')
        .set({ journey_recorded: true, updated_at: sql<Date>`now()` })
        .where('appointment_id', '=', appointmentId)
        .execute();
    },

    async forgetEvents(before) {
      const result = await db
        .deleteFrom('consultation_events')
        .where('received_at', '<', before)
        .executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}

async function load(
  db: Kysely<Database>,
  appointmentId: string,
  lock: boolean,
): Promise<ConsultationRecord | undefined> {
  let query = db.selectFrom('appointments').selectAll().where('id', '=', appointmentId);
  if (lock) query = query.forUpdate();
  const row = await query.executeTakeFirst();
  if (!row) return undefined;
  const consultation = await db
    .selectFrom('consultations')
    .selectAll()
    .where('appointment_id', '=', appointmentId)
    .executeTakeFirst();
  const sessions = await db
    .selectFrom('consultation_sessions')
    .selectAll()
    .where('appointment_id', '=', appointmentId)
    .orderBy(sql`coalesce(joined_at, left_at)`)
    .orderBy('session_id')
    .execute();
  const appointment = toAppointment(row);
  const state: ConsultationState = {
    status: appointment.status,
    startsAt: appointment.startsAt,
    endsAt: appointment.endsAt,
    startedAt: consultation?.started_at ?? null,
    endedAt: consultation?.ended_at ?? null,
    endedBy: (consultation?.ended_by ?? null) as ConsultationState['endedBy'],
    sessions: sessions.map((s): ConsultationSession => ({
      id: s.session_id,
      role: s.role as ConsultationSession['role'],
      identity: s.identity,
      joinedAt: s.joined_at,
      leftAt: s.left_at,
      endReason: s.end_reason as ConsultationSession['endReason'],
    })),
  };
  return { appointment, state, journeyRecorded: consultation?.journey_recorded ?? false };
}

async function store(db: Kysely<Database>, before: ConsultationRecord, after: ConsultationState) {
  const appointmentId = before.appointment.id;
  await db
    .insertInto('consultations')
    .values({
      appointment_id: appointmentId,
      started_at: after.startedAt,
      ended_at: after.endedAt,
      ended_by: after.endedBy,
    })
    .onConflict((oc) =>
      oc.column('appointment_id').doUpdateSet({
        started_at: after.startedAt,
        ended_at: after.endedAt,
        ended_by: after.endedBy,
        updated_at: sql<Date>`now()`,
      }),
    )
    .execute();
  const known = new Map(before.state.sessions.map((s) => [s.id, s]));
  const changed = after.sessions.filter((s) => {
    const old = known.get(s.id);
    return !old || old.joinedAt !== s.joinedAt || old.leftAt !== s.leftAt || old.endReason !== s.endReason;
  });
  for (const s of changed) {
    const values = { joined_at: s.joinedAt, left_at: s.leftAt, end_reason: s.endReason };
    await db
      .insertInto('consultation_sessions')
      .values({
        appointment_id: appointmentId,
        session_id: s.id,
        role: s.role,
        identity: s.identity,
        ...values,
      })
      .onConflict((oc) => oc.columns(['appointment_id', 'session_id']).doUpdateSet(values))
      .execute();
  }
  if (after.status !== before.state.status) {
    await db
      .updateTable('appointments')
      .set({ status: after.status })
      .where('id', '=', appointmentId)
      .execute();
  }
}
