import { sql, type Kysely, type Selectable } from 'kysely';
import { ChannelPilotError, notFound } from '../errors.ts';
import {
  DRAW_BUCKETS,
  type Enrolment,
  type Pilot,
  type PilotInput,
  type PilotStatus,
  type PilotStore,
} from '../pilots.ts';
import type { z } from 'zod';
import { Uuid } from '../vocabulary.ts';
import { translating } from './database-errors.ts';
import { walkInChunks } from './adaptive-chunks.ts';
import type { PilotEnrolmentsTable, PilotsTable } from './pilot-schema.ts';
import type { Database } from './schema.ts';
import { executeKept } from './kept-plans.ts';

type Definition = z.output<typeof PilotInput>;

function toPilot(row: Selectable<PilotsTable>): Pilot {
  return {
    id: row.id,
    code: row.code,
    name: row.name,
    channel: row.channel,
    touchpoints: row.touchpoints,
    reasons: row.reasons,
    objectives: row.objectives as Pilot['objectives'],
    startsOn: row.starts_on,
    endsOn: row.ends_on,
    status: row.status as PilotStatus,
    cohort: {
      segments: row.segments as Pilot['cohort']['segments'],
      customerIds: row.named_customer_ids,
      rolloutPercent: Number(row.rollout_percent),
      controlPercent: Number(row.control_percent),
    },
    openToEveryone: row.open_to_everyone,
    closingSurvey: row.closing_survey,
    withinDays: row.within_days,
    advisorShare: Number(row.advisor_share),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toEnrolment(row: Omit<Selectable<PilotEnrolmentsTable>, 'invitation_tried_at'>): Enrolment {
  return {
    pilotId: row.pilot_id,
    customerId: row.customer_id,
    arm: row.arm as Enrolment['arm'],
    via: row.via as Enrolment['via'],
    enrolledAt: row.enrolled_at,
    invitedAt: row.invited_at,
  };
}

function columns(input: Definition) {
  return {
    code: input.code,
    name: input.name,
    channel: input.channel,
    touchpoints: input.touchpoints,
    reasons: input.reasons,
    objectives: JSON.stringify(input.objectives),
    starts_on: input.startsOn,
    ends_on: input.endsOn,
    segments: input.cohort.segments,
    rollout_percent: input.cohort.rolloutPercent,
    control_percent: input.cohort.controlPercent,
    open_to_everyone: input.openToEveryone,
    closing_survey: input.closingSurvey,
    within_days: input.withinDays,
    advisor_share: input.advisorShare,
    named_customer_ids: [...new Set(input.cohort.customerIds)].sort(),
  };
}

/**
 * Writes a definition; a code another pilot took meanwhile is a conflict named by the code (not by
 * the database's own words).
 */
const writing = <T>(code: string, work: () => Promise<T>): Promise<T> =>
  translating('pilot', work, {
    pilots_code_key: {
      detail: `a pilot with the code ${code} exists already`,
      hint: 'choose another code',
      issue: { path: 'code', message: `${code} is the code of another pilot` },
    },
  });

/**
 * Pilots in PostgreSQL. The explicit list of a cohort is kept as named, and its customers who
 * exist are enrolled (via 'explicit'); the desk refuses ids of nobody, and one of a customer
 * deleted since enrols nobody.
 */
export function createPostgresPilotStore(db: Kysely<Database>, newId: () => string): PilotStore {
  const pilotRows = () => db.selectFrom('pilots').selectAll();
  const byIdOrCode = (idOrCode: string) =>
    Uuid.safeParse(idOrCode).success
      ? pilotRows().where('id', '=', idOrCode)
      : pilotRows().where('code', '=', idOrCode);

  async function enrolExplicit(trx: Kysely<Database>, pilotId: string, ids: readonly string[], at: Date) {
    const known =
      ids.length === 0 ? [] : await trx.selectFrom('customers').select('id').where('id', 'in', ids).execute();
    if (known.length === 0) return [];
    // An explicitly named customer joins the pilot arm, even one the draw had put in control.
    const rows = await trx
      .insertInto('pilot_enrolments')
      .values(
        known.map(({ id: customerId }) => ({
          pilot_id: pilotId,
          customer_id: customerId,
          arm: 'pilot',
          via: 'explicit',
          enrolled_at: at,
        })),
      )
      .onConflict((oc) =>
        oc
          .columns(['pilot_id', 'customer_id'])
          .doUpdateSet({ arm: 'pilot', via: 'explicit' })
          .where('pilot_enrolments.arm', '=', 'control'),
      )
      .returning('customer_id')
      .execute();
    return rows.map((r) => r.customer_id);
  }

  return {
    async create(input, at) {
      const id = newId();
      const row = await writing(input.code, () =>
        db.transaction().execute(async (trx) => {
          const created = await trx
            .insertInto('pilots')
            .values({ id, ...columns(input), status: 'draft', created_at: at, updated_at: at })
            .returningAll()
            .executeTakeFirstOrThrow();
          await enrolExplicit(trx, id, input.cohort.customerIds, at);
          return created;
        }),
      );
      return toPilot(row);
    },

    async update(id, input, at) {
      const row = await writing(input.code, () =>
        db.transaction().execute(async (trx) => {
          const updated = await trx
            .updateTable('pilots')
            .set({ ...columns(input), updated_at: at })
            .where('id', '=', id)
            .returningAll()
            .executeTakeFirst();
          if (!updated) throw notFound('pilot', id);
          // A draft's explicit list is replaced; once the pilot ran, nobody enrolled is taken out.
          if (updated.status === 'draft') {
            await trx
              .deleteFrom('pilot_enrolments')
              .where('pilot_id', '=', id)
              .where('via', '=', 'explicit')
              .where(
                'customer_id',
                'not in',
                input.cohort.customerIds.length ? input.cohort.customerIds : [id],
              )
              .execute();
          }
          await enrolExplicit(trx, id, input.cohort.customerIds, at);
          return updated;
        }),
      );
      return toPilot(row);
    },

    async setStatus(id, from, to, at) {
      const row = await translating(
        'pilot',
        () =>
          db
            .updateTable('pilots')
            .set({ status: to, updated_at: at })
            .where('id', '=', id)
            .where('status', '=', from)
            .returningAll()
            .executeTakeFirst(),
        {
          pilots_live_channel: {
            detail: `another pilot of this pilot's channel became ${to} meanwhile: a channel runs one pilot at a time`,
            hint: 'end the other pilot first',
          },
        },
      );
      if (!row) {
        throw new ChannelPilotError('conflict', `pilot ${id} is no longer ${from}`, {
          hint: 'read it again and retry',
        });
      }
      return toPilot(row);
    },

    async pilot(idOrCode) {
      const row = await byIdOrCode(idOrCode).executeTakeFirst();
      return row && toPilot(row);
    },

    async pilots() {
      const rows = await pilotRows().orderBy('starts_on', 'desc').orderBy('code').execute();
      return rows.map(toPilot);
    },

    async liveOn(channel, customerId) {
      // Every voice turn and chat asks it (through a short cache): its plan is kept.
      const [row] = await executeKept(
        db,
        db
          .selectFrom('pilots')
          .leftJoin('pilot_enrolments', (join) =>
            join
              .onRef('pilot_enrolments.pilot_id', '=', 'pilots.id')
              .on('pilot_enrolments.customer_id', '=', customerId),
          )
          .selectAll('pilots')
          .select([
            'pilot_enrolments.customer_id as enrolled_customer',
            'pilot_enrolments.arm',
            'pilot_enrolments.via',
            'pilot_enrolments.enrolled_at',
            'pilot_enrolments.invited_at',
          ])
          .where('pilots.channel', '=', channel)
          .where('pilots.status', 'in', ['running', 'paused']),
      );
      if (!row) return undefined;
      const enrolment =
        row.enrolled_customer === null
          ? undefined
          : toEnrolment({
              pilot_id: row.id,
              customer_id: row.enrolled_customer,
              arm: row.arm as string,
              via: row.via as string,
              enrolled_at: row.enrolled_at as Date,
              invited_at: row.invited_at,
            });
      return { pilot: toPilot(row), enrolment };
    },

    async enrol(pilot, at) {
      // The draw runs in SQL, slice by slice of customers so that no statement holds the
      // database for long, and no customer crosses the wire: the same bucket as drawBucket().
      const pilotBelow = Math.round(pilot.cohort.rolloutPercent * 100);
      const controlFrom = DRAW_BUCKETS - Math.round(pilot.cohort.controlPercent * 100);
      const segments = pilot.cohort.segments;
      let after = '00000000-0000-0000-0000-000000000000';
      let added = 0;
      await walkInChunks({}, async (size, time) => {
        const { rows } = await time(() =>
          sql<{ last: string | null; seen: number; added: number }>`
            with slice as (
              select id from customers
              where id > ${after}::uuid ${segments.length > 0 ? sql`and segment = any(${segments}::text[])` : sql``}
              order by id limit ${size}
            ),
            drawn as (
              select id, (('x' || substr(md5(${pilot.id} || ':' || id::text), 1, 8))::bit(32)::bigint % ${DRAW_BUCKETS}) as bucket
              from slice
            ),
            enrolled as (
              insert into pilot_enrolments (pilot_id, customer_id, arm, via, enrolled_at)
              select ${pilot.id}::uuid, id, case when bucket < ${pilotBelow} then 'pilot' else 'control' end, 'rollout', ${at}::timestamptz
              from drawn where bucket < ${pilotBelow} or bucket >= ${controlFrom}
              on conflict (pilot_id, customer_id) do nothing
              returning 1
            )
            select (select max(id::text) from slice) as last, (select count(*) from slice)::int as seen,
              (select count(*) from enrolled)::int as added
          `.execute(db),
        );
        const row = rows[0] as { last: string | null; seen: number; added: number };
        added += row.added;
        if (row.last) after = row.last;
        return { units: row.seen, done: row.seen < size };
      });
      // The enrolments' statistics, refreshed now: a report computed right after the start would
      // otherwise be planned for a cohort of the size the old statistics give a pilot they have
      // not seen (one customer at 100,000), its sorts spilling to disk. Autovacuum comes later.
      if (added > 0) await sql`analyze pilot_enrolments`.execute(db);
      return added;
    },

    async uninvited(pilotId, limit) {
      const rows = await db
        .selectFrom('pilot_enrolments')
        .select('customer_id')
        .where('pilot_id', '=', pilotId)
        .where('arm', '=', 'pilot')
        .where('invitation_tried_at', 'is', null)
        .orderBy('customer_id')
        .limit(limit)
        .execute();
      return rows.map((r) => r.customer_id);
    },

    async markInvited(pilotId, { messaged, unreachable }, at) {
      const tried = [...messaged, ...unreachable];
      if (tried.length === 0) return;
      await db
        .updateTable('pilot_enrolments')
        .set({
          invitation_tried_at: at,
          invited_at:
            messaged.length > 0
              ? sql`case when customer_id = any(${messaged}::uuid[]) then ${at}::timestamptz end`
              : null,
        })
        .where('pilot_id', '=', pilotId)
        .where('customer_id', 'in', tried)
        .where('invitation_tried_at', 'is', null)
        .execute();
    },

    async cohortSize(pilotId) {
      const row = await db
        .selectFrom('pilot_enrolments')
        .select([
          sql<number>`count(*) filter (where arm = 'pilot')::int`.as('pilot'),
          sql<number>`count(*) filter (where arm = 'control')::int`.as('control'),
          sql<number>`count(*) filter (where via = 'explicit')::int`.as('explicit'),
          sql<number>`count(invited_at)::int`.as('invited'),
        ])
        .where('pilot_id', '=', pilotId)
        .executeTakeFirstOrThrow();
      return row;
    },

    async rate(pilotId, rating) {
      await translating('pilot rating', () =>
        db
          .insertInto('pilot_ratings')
          .values({
            pilot_id: pilotId,
            criterion: rating.criterion,
            rating: rating.rating,
            note: rating.note,
            rated_by: rating.ratedBy,
            rated_at: rating.ratedAt,
          })
          .onConflict((oc) =>
            oc.columns(['pilot_id', 'criterion']).doUpdateSet({
              rating: rating.rating,
              note: rating.note,
              rated_by: rating.ratedBy,
              rated_at: rating.ratedAt,
            }),
          )
          .execute(),
      );
    },

    async ratings(pilotId) {
      const rows = await db
        .selectFrom('pilot_ratings')
        .selectAll()
        .where('pilot_id', '=', pilotId)
        .orderBy('criterion')
        .execute();
      return rows.map((r) => ({
        criterion: r.criterion,
        rating: r.rating,
        note: r.note,
        ratedBy: r.rated_by,
        ratedAt: r.rated_at,
      }));
    },
  };
}
