import { sql, type Kysely, type Selectable } from 'kysely';
import {
  AdvisorInput,
  AppointmentInput,
  type Advisor,
  type AdvisorRoster,
  type Appointment,
  WorkingHours,
} from '../advisors.ts';
import { z } from 'zod';
import { notFound } from '../errors.ts';
import { parseInput } from '../validation.ts';
import { translating } from './database-errors.ts';
import type { AdvisorsTable, AppointmentsTable, Database } from './schema.ts';
import { executeKept } from './kept-plans.ts';

export function createPostgresAdvisorRoster(db: Kysely<Database>, newId: () => string): AdvisorRoster {
  return {
    async addAdvisor(input) {
      const advisor = parseInput(AdvisorInput, input, 'advisor');
      const row = await translating(
        'advisor',
        () =>
          db
            .insertInto('advisors')
            .values({
              id: newId(),
              name: advisor.name,
              email: advisor.email,
              languages: advisor.languages,
              topics: advisor.topics,
              time_zone: advisor.timeZone,
              working_hours: JSON.stringify(advisor.workingHours),
              staff_user_id: advisor.staffUserId,
            })
            .returningAll()
            .executeTakeFirstOrThrow(),
        {
          advisors_email_key: {
            detail: `an advisor with the e-mail ${advisor.email} already exists`,
            issue: { path: 'email', message: `${advisor.email} is another advisor's` },
          },
        },
      );
      return toAdvisor(row);
    },

    async advisor(id) {
      const row = await db.selectFrom('advisors').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toAdvisor(row);
    },

    async advisors() {
      const rows = await db.selectFrom('advisors').selectAll().orderBy('name').execute();
      return rows.map(toAdvisor);
    },

    async setWorkingHours(advisorId, hours) {
      const parsed = parseInput(z.array(WorkingHours), hours, 'working hours');
      const row = await db
        .updateTable('advisors')
        .set({ working_hours: JSON.stringify(parsed) })
        .where('id', '=', advisorId)
        .returningAll()
        .executeTakeFirst();
      if (!row) throw notFound('advisor', advisorId);
      return toAdvisor(row);
    },

    async setStaffUser(advisorId, staffUserId) {
      const row = await translating('advisor login', () =>
        db
          .updateTable('advisors')
          .set({ staff_user_id: staffUserId })
          .where('id', '=', advisorId)
          .returningAll()
          .executeTakeFirst(),
      );
      if (!row) throw notFound('advisor', advisorId);
      return toAdvisor(row);
    },

    async addAppointment(input) {
      const appointment = parseInput(AppointmentInput, input, 'appointment');
      const row = await translating('appointment', () =>
        db
          .insertInto('appointments')
          .values(
            appointmentRow(newId(), appointment, { from: appointment.startsAt, until: appointment.endsAt }),
          )
          .returningAll()
          .executeTakeFirstOrThrow(),
      );
      return toAppointment(row);
    },

    async upcomingAppointments(customerId, now) {
      const rows = await executeKept(db, upcomingAppointmentsOf(db, customerId, now));
      return rows.map(toAppointment);
    },

    async schedule({ from, to, advisorIds }) {
      if (advisorIds?.length === 0) return [];
      // Advisor by advisor, so that each reads its range off the (advisor_id, starts_at) index
      // however many appointments the table holds and whichever advisors are asked for. `offset 0`
      // keeps the planner from flattening the lateral subquery into a join, which it then answers
      // with a scan of the whole table (measured on 1M appointments: 100 advisors, 14 days).
      let q = db
        .selectFrom('advisors as ad')
        .innerJoinLateral(
          (eb) =>
            eb
              .selectFrom('appointments')
              .selectAll()
              .whereRef('appointments.advisor_id', '=', 'ad.id')
              .where('appointments.starts_at', '>=', from)
              .where('appointments.starts_at', '<', to)
              .offset(0)
              .as('ap'),
          (join) => join.onTrue(),
        )
        .innerJoin('customers as c', 'c.id', 'ap.customer_id')
        .selectAll('ap')
        .select(['ad.name as advisor_name', 'c.first_name', 'c.last_name']);
      if (advisorIds) q = q.where('ad.id', 'in', [...advisorIds]);
      const rows = await q.orderBy('ap.starts_at').orderBy('ap.id').execute();
      return rows.map((row) => ({
        ...toAppointment(row),
        customerName: `${row.first_name} ${row.last_name}`,
        advisorName: row.advisor_name,
      }));
    },
  };
}

/** The stored form of a booked appointment that keeps its advisor busy over `blocked`. */
export function appointmentRow(
  id: string,
  a: Omit<Appointment, 'id' | 'status' | 'cancelReason' | 'createdAt'>,
  blocked: { from: Date; until: Date },
) {
  return {
    id,
    customer_id: a.customerId,
    advisor_id: a.advisorId,
    topic: a.topic,
    locale: a.locale,
    starts_at: a.startsAt,
    ends_at: a.endsAt,
    status: 'booked',
    booked_via: a.bookedVia,
    journey_id: a.journeyId,
    blocked: sql<string>`tstzrange(${blocked.from}, ${blocked.until})`,
  };
}

function toAdvisor(row: Selectable<AdvisorsTable>): Advisor {
  return {
    id: row.id,
    name: row.name,
    email: row.email,
    languages: row.languages as Advisor['languages'],
    topics: row.topics,
    timeZone: row.time_zone,
    workingHours: row.working_hours as WorkingHours[],
    staffUserId: row.staff_user_id,
  };
}

/** A customer's appointments not over yet, booked or under way, soonest first. */
export const upcomingAppointmentsOf = (db: Kysely<Database>, customerId: string, now: Date) =>
  db
    .selectFrom('appointments')
    .selectAll()
    .where('customer_id', '=', customerId)
    .where('ends_at', '>', now)
    .where('status', 'in', ['booked', 'in_progress'])
    .orderBy('starts_at');

export function toAppointment(row: Selectable<AppointmentsTable>): Appointment {
  return {
    id: row.id,
    customerId: row.customer_id,
    advisorId: row.advisor_id,
    topic: row.topic,
    locale: row.locale as Appointment['locale'],
    startsAt: row.starts_at,
    endsAt: row.ends_at,
    status: row.status as Appointment['status'],
    bookedVia: row.booked_via,
    journeyId: row.journey_id,
    cancelReason: row.cancel_reason,
    createdAt: row.created_at,
  };
}
