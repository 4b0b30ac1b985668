import { sql, type Kysely, type Selectable } from 'kysely';
import {
  InteractionInput,
  createJourneyTracker,
  type Interaction,
  type InteractionLog,
} from '../interactions.ts';
import { parseInput } from '../validation.ts';
import { notFound } from '../errors.ts';
import { translating } from './database-errors.ts';
import type { Database, InteractionsTable } from './schema.ts';

type Parsed = ReturnType<typeof InteractionInput.parse> & { id: string };

const INSERT_CHUNK = 5000;

export function createPostgresInteractionLog(
  db: Kysely<Database>,
  options: { newId: () => string; journeyWindowDays?: number },
): InteractionLog {
  const { newId } = options;
  const tracker = () =>
    createJourneyTracker({
      newId,
      ...(options.journeyWindowDays ? { windowDays: options.journeyWindowDays } : {}),
    });

  return {
    async record(input) {
      const contact: Parsed = { ...parseInput(InteractionInput, input, 'interaction'), id: newId() };
      return translating('interaction', () =>
        db.transaction().execute(async (trx) => {
          // Two contacts for one customer and reason, arriving together, must not open two journeys.
          if (contact.customerId) {
            await sql`select pg_advisory_xact_lock(hashtext(${`${contact.customerId}:${contact.reason}`}))`.execute(
              trx,
            );
          }
          const journeys = tracker();
          const handoff = contact.handoffFromId ? await handoffOrigin(trx, contact.handoffFromId) : undefined;
          if (!handoff && contact.customerId) {
            const tails = await journeyTails(trx, [contact.customerId], contact.startedAt);
            for (const tail of tails) journeys.remember(tail.customer_id, tail.reason, toTail(tail));
          }
          const placed = journeys.place(contact, handoff);
          const row = await trx
            .insertInto('interactions')
            .values(toRow(contact, placed))
            .returningAll()
            .executeTakeFirstOrThrow();
          return toInteraction(row);
        }),
      );
    },

    async recordMany(inputs) {
      const contacts: Parsed[] = inputs.map((input, index) => ({
        ...parseInput(InteractionInput, input, `interaction [${index}]`),
        id: input.id ?? newId(),
      }));
      return translating('interactions', () =>
        db.transaction().execute(async (trx) => {
          const fresh = await withoutStored(trx, contacts);
          fresh.sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
          const journeys = tracker();
          const customers = [
            ...new Set(fresh.map((c) => c.customerId).filter((id): id is string => id !== null)),
          ];
          const earliest = fresh[0]?.startedAt;
          if (earliest) {
            for (const tail of await journeyTails(trx, customers, earliest)) {
              journeys.remember(tail.customer_id, tail.reason, toTail(tail));
            }
          }
          const placedById = new Map<string, { journeyId: string; step: number }>();
          const rows = [];
          for (const contact of fresh) {
            let handoff: { journeyId: string; step: number } | undefined;
            if (contact.handoffFromId) {
              handoff =
                placedById.get(contact.handoffFromId) ?? (await handoffOrigin(trx, contact.handoffFromId));
            }
            const placed = journeys.place(contact, handoff);
            placedById.set(contact.id, { journeyId: placed.journeyId, step: placed.journeyStep });
            // A later step of a handed-off journey continues after this one.
            if (handoff)
              placedById.set(contact.handoffFromId as string, {
                journeyId: placed.journeyId,
                step: placed.journeyStep,
              });
            rows.push(toRow(contact, placed));
          }
          for (let i = 0; i < rows.length; i += INSERT_CHUNK)
            await insertMany(trx, rows.slice(i, i + INSERT_CHUNK));
          return rows.length;
        }),
      );
    },

    async interaction(id) {
      const row = await db.selectFrom('interactions').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toInteraction(row);
    },

    async forCustomer(customerId, { limit, before }) {
      let q = db.selectFrom('interactions').selectAll().where('customer_id', '=', customerId);
      if (before) q = q.where('started_at', '<', before);
      const rows = await q.orderBy('started_at', 'desc').orderBy('id').limit(limit).execute();
      return rows.map(toInteraction);
    },

    async journey(journeyId) {
      const rows = await db
        .selectFrom('interactions')
        .selectAll()
        .where('journey_id', '=', journeyId)
        .orderBy('journey_step')
        .orderBy('started_at')
        .execute();
      return rows.map(toInteraction);
    },
  };
}

/** The journey a handed-off contact continues, and the last step it has reached. */
async function handoffOrigin(
  db: Kysely<Database>,
  fromId: string,
): Promise<{ journeyId: string; step: number }> {
  const origin = await db
    .selectFrom('interactions as i')
    .select(['i.journey_id'])
    .select((eb) =>
      eb
        .selectFrom('interactions as j')
        .select(sql<number>`max(j.journey_step)`.as('s'))
        .whereRef('j.journey_id', '=', 'i.journey_id')
        .as('step'),
    )
    .where('i.id', '=', fromId)
    .executeTakeFirst();
  if (!origin) throw notFound('interaction (handoffFromId)', fromId);
  return { journeyId: origin.journey_id, step: origin.step ?? 1 };
}

/** For each (customer, reason): the newest stored contact at or before `until`, with its journey's last step. */
async function journeyTails(db: Kysely<Database>, customerIds: string[], until: Date) {
  if (customerIds.length === 0) return [];
  const result = await sql<{
    customer_id: string;
    reason: string;
    journey_id: string;
    started_at: Date;
    step: number;
  }>`
    select distinct on (i.customer_id, i.reason)
      i.customer_id, i.reason, i.journey_id, i.started_at,
      (select max(j.journey_step) from interactions j where j.journey_id = i.journey_id) as step
    from interactions i
    where i.customer_id = any(${customerIds}::uuid[]) and i.started_at <= ${until}
    order by i.customer_id, i.reason, i.started_at desc`.execute(db);
  return result.rows;
}

function toTail(tail: { journey_id: string; step: number; started_at: Date }) {
  return { journeyId: tail.journey_id, step: tail.step, lastAt: tail.started_at };
}

/** Drops contacts whose (source, externalId) is already stored: a re-import adds nothing twice. */
async function withoutStored(db: Kysely<Database>, contacts: Parsed[]): Promise<Parsed[]> {
  const keyed = contacts.filter((c) => c.externalId !== null);
  if (keyed.length === 0) return contacts;
  const seen = new Set<string>();
  for (let i = 0; i < keyed.length; i += INSERT_CHUNK) {
    const chunk = keyed.slice(i, i + INSERT_CHUNK);
    const found = await sql<{ source: string; external_id: string }>`
      select source, external_id from interactions
      where (source, external_id) in (
        select * from unnest(${chunk.map((c) => c.source)}::text[], ${chunk.map((c) => c.externalId)}::text[]))`.execute(
      db,
    );
    for (const row of found.rows) seen.add(`${row.source}\u0000${row.external_id}`);
  }
  const unique = new Map<string, Parsed>();
  const out: Parsed[] = [];
  for (const contact of contacts) {
    if (contact.externalId === null) {
      out.push(contact);
      continue;
    }
    const key = `${contact.source}\u0000${contact.externalId}`;
    if (seen.has(key) || unique.has(key)) continue;
    unique.set(key, contact);
    out.push(contact);
  }
  return out;
}

type Row = ReturnType<typeof toRow>;

function toRow(contact: Parsed, placed: { journeyId: string; journeyStep: number }) {
  return {
    id: contact.id,
    customer_id: contact.customerId,
    channel: contact.channel,
    touchpoint: contact.touchpoint,
    direction: contact.direction,
    reason: contact.reason,
    started_at: contact.startedAt,
    ended_at: contact.endedAt,
    outcome: contact.outcome,
    journey_id: placed.journeyId,
    journey_step: placed.journeyStep,
    handoff_from_id: contact.handoffFromId,
    source: contact.source,
    external_id: contact.externalId,
    details: JSON.stringify(contact.details),
  };
}

/** One statement per chunk with a parameter per column (not per cell): fast on both databases. */
async function insertMany(db: Kysely<Database>, rows: Row[]): Promise<void> {
  const col = <K extends keyof Row>(key: K) => rows.map((r) => r[key]);
  await sql`
    insert into interactions (id, customer_id, channel, touchpoint, direction, reason, started_at, ended_at, outcome,
      journey_id, journey_step, handoff_from_id, source, external_id, details)
    select * from unnest(
      ${col('id')}::uuid[], ${col('customer_id')}::uuid[], ${col('channel')}::text[], ${col('touchpoint')}::text[],
      ${col('direction')}::text[], ${col('reason')}::text[], ${col('started_at')}::timestamptz[],
      ${col('ended_at')}::timestamptz[], ${col('outcome')}::text[], ${col('journey_id')}::uuid[],
      ${col('journey_step')}::int[], ${col('handoff_from_id')}::uuid[], ${col('source')}::text[],
      ${col('external_id')}::text[], ${col('details')}::jsonb[])`.execute(db);
}

function toInteraction(row: Selectable<InteractionsTable>): Interaction {
  return {
    id: row.id,
    customerId: row.customer_id,
    channel: row.channel,
    touchpoint: row.touchpoint,
    direction: row.direction as Interaction['direction'],
    reason: row.reason,
    startedAt: row.started_at,
    endedAt: row.ended_at,
    outcome: row.outcome as Interaction['outcome'],
    journeyId: row.journey_id,
    journeyStep: row.journey_step,
    handoffFromId: row.handoff_from_id,
    source: row.source,
    externalId: row.external_id,
    details: row.details,
  };
}
