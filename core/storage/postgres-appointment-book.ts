import { sql, type Kysely, type Selectable } from 'kysely';
import { AdvisorOverrideInput, type AdvisorOverride, type AppointmentBook } from '../booking.ts';
import { ChannelPilotError, notFound } from '../errors.ts';
import { parseInput } from '../validation.ts';
import { translating } from './database-errors.ts';
import { appointmentRow, toAppointment } from './postgres-advisor-roster.ts';
import type { AdvisorOverridesTable, Database } from './schema.ts';

const active = ['booked', 'in_progress'];

export function createPostgresAppointmentBook(db: Kysely<Database>, newId: () => string): AppointmentBook {
  /** Serializes writes for one advisor, so that the daily cap holds under concurrent bookings. */
  async function guardDay(
    trx: Kysely<Database>,
    advisorId: string,
    day: { from: Date; until: Date; dailyCap: number },
    except?: string,
  ): Promise<void> {
    await sql`select pg_advisory_xact_lock(hashtext(${`advisor:${advisorId}`}))`.execute(trx);
    let q = trx
      .selectFrom('appointments')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('advisor_id', '=', advisorId)
      .where('status', 'in', active)
      .where('starts_at', '>=', day.from)
      .where('starts_at', '<', day.until);
    if (except) q = q.where('id', '<>', except);
    const { n } = await q.executeTakeFirstOrThrow();
    if (n >= day.dailyCap) {
      throw new ChannelPilotError('conflict', `the advisor's day is full (${day.dailyCap} consultations)`);
    }
  }

  async function guardCustomer(
    trx: Kysely<Database>,
    customerId: string,
    upcoming: { now: Date; max: number },
  ) {
    await sql`select pg_advisory_xact_lock(hashtext(${`customer:${customerId}`}))`.execute(trx);
    const { n } = await trx
      .selectFrom('appointments')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('customer_id', '=', customerId)
      .where('status', '=', 'booked')
      .where('starts_at', '>', upcoming.now)
      .executeTakeFirstOrThrow();
    if (n >= upcoming.max) {
      throw new ChannelPilotError('conflict', `the customer already has ${n} upcoming consultations`, {
        hint: 'move or cancel one of them first',
        issues: [{ path: 'customerId', message: `already has ${n} upcoming consultations` }],
      });
    }
  }

  return {
    async addOverride(input) {
      const override = parseInput(AdvisorOverrideInput, input, 'advisor override');
      const row = await translating('advisor override', () =>
        db
          .insertInto('advisor_overrides')
          .values({
            id: newId(),
            advisor_id: override.advisorId,
            day: override.day,
            hours: JSON.stringify(override.hours),
            reason: override.reason,
          })
          .onConflict((oc) =>
            oc
              .columns(['advisor_id', 'day'])
              .doUpdateSet({ hours: JSON.stringify(override.hours), reason: override.reason }),
          )
          .returningAll()
          .executeTakeFirstOrThrow(),
      );
      return toOverride(row);
    },

    async overrides(advisorIds, fromDay, toDay) {
      if (advisorIds.length === 0) return [];
      const rows = await db
        .selectFrom('advisor_overrides')
        .selectAll()
        .where('advisor_id', 'in', advisorIds)
        .where('day', '>=', fromDay)
        .where('day', '<=', toDay)
        .execute();
      return rows.map(toOverride);
    },

    async busy(advisorIds, from, to) {
      if (advisorIds.length === 0) return [];
      const rows = await db
        .selectFrom('appointments')
        .select([
          'id',
          'advisor_id',
          'starts_at',
          'created_at',
          sql<Date>`lower(blocked)`.as('blocked_from'),
          sql<Date>`upper(blocked)`.as('blocked_until'),
        ])
        .where('advisor_id', 'in', advisorIds)
        .where('status', 'in', active)
        .where(sql<boolean>`blocked && tstzrange(${from}, ${to})`)
        .execute();
      return rows.map((r) => ({
        appointmentId: r.id,
        advisorId: r.advisor_id,
        startsAt: r.starts_at,
        createdAt: r.created_at,
        blockedFrom: new Date(r.blocked_from),
        blockedUntil: new Date(r.blocked_until),
      }));
    },

    async book({ appointment, blocked, day, upcoming }) {
      return bookingGuarded(() =>
        db.transaction().execute(async (trx) => {
          await guardCustomer(trx, appointment.customerId, upcoming);
          await guardDay(trx, appointment.advisorId, day);
          const row = await trx
            .insertInto('appointments')
            .values(appointmentRow(newId(), appointment, blocked))
            .returningAll()
            .executeTakeFirstOrThrow();
          return toAppointment(row);
        }),
      );
    },

    async move(id, input) {
      return bookingGuarded(() =>
        db.transaction().execute(async (trx) => {
          // Moves of one appointment one at a time: each sees where the one before left it.
          const held = await trx
            .selectFrom('appointments')
            .selectAll()
            .where('id', '=', id)
            .forUpdate()
            .executeTakeFirst();
          if (held?.status !== 'booked')
            throw new ChannelPilotError('conflict', `appointment ${id} is no longer booked`);
          // Asked to go where it already is (a second click, a request sent twice): nothing moves.
          if (held.advisor_id === input.advisorId && held.starts_at.getTime() === input.startsAt.getTime()) {
            return { appointment: toAppointment(held), moved: false };
          }
          await guardDay(trx, input.advisorId, input.day, id);
          const row = await trx
            .updateTable('appointments')
            .set({
              advisor_id: input.advisorId,
              starts_at: input.startsAt,
              ends_at: input.endsAt,
              blocked: sql<string>`tstzrange(${input.blocked.from}, ${input.blocked.until})`,
            })
            .where('id', '=', id)
            .where('status', '=', 'booked')
            .returningAll()
            .executeTakeFirst();
          if (!row) throw new ChannelPilotError('conflict', `appointment ${id} is no longer booked`);
          return { appointment: toAppointment(row), moved: true };
        }),
      );
    },

    async cancel(id, reason) {
      const row = await db
        .updateTable('appointments')
        .set({ status: 'cancelled', cancel_reason: reason })
        .where('id', '=', id)
        .where('status', '=', 'booked')
        .returningAll()
        .executeTakeFirst();
      if (!row) {
        const exists = await this.appointment(id);
        if (!exists) throw notFound('appointment', id);
        throw new ChannelPilotError('conflict', `appointment ${id} is ${exists.status}, not booked`);
      }
      return toAppointment(row);
    },

    async appointment(id) {
      const row = await db.selectFrom('appointments').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toAppointment(row);
    },

    async joinJourney(id, journeyId) {
      const row = await db
        .updateTable('appointments')
        .set({ journey_id: sql`coalesce(journey_id, ${journeyId}::uuid)` })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      return row && toAppointment(row);
    },
  };
}

function toOverride(row: Selectable<AdvisorOverridesTable>): AdvisorOverride {
  return {
    id: row.id,
    advisorId: row.advisor_id,
    day: row.day,
    hours: row.hours as AdvisorOverride['hours'],
    reason: row.reason,
  };
}

/** Overlaps the database refused, told apart: the customer's own overlap is about the request, not the slot. */
const bookingGuarded = <T>(work: () => Promise<T>): Promise<T> =>
  translating('an overlapping appointment', work, {
    appointments_customer_free: {
      detail: 'the customer already has a consultation at that time',
      issue: { path: 'customerId', message: 'already has a consultation at that time' },
    },
    appointments_advisor_free: 'the advisor already has a consultation at that time',
  });
