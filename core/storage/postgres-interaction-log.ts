import { sql, type Kysely, type Selectable } from 'kysely';
import {
  DEFAULT_JOURNEY_WINDOW_DAYS,
  InteractionAmendment,
  InteractionInput,
  createJourneyTracker,
  type Interaction,
  type InteractionLog,
} from '../interactions.ts';
import { parseInput } from '../validation.ts';
import { notFound } from '../errors.ts';
import { translateDatabaseError } from './database-errors.ts';
import type { Database, InteractionsTable } from './schema.ts';

type Parsed = ReturnType<typeof InteractionInput.parse> & { id: string };
type Tracker = ReturnType<typeof createJourneyTracker>;

const INSERT_CHUNK = 5000;

export function createPostgresInteractionLog(
  db: Kysely<Database>,
  options: { newId: () => string; journeyWindowDays?: number },
): InteractionLog {
  const { newId } = options;
  const windowDays = options.journeyWindowDays ?? DEFAULT_JOURNEY_WINDOW_DAYS;

  /**
   * Places contacts (in time order) into journeys, continuing those already stored: the
   * latest journey of each (customer, reason) and the journeys that handoffs point into.
   */
  async function place(trx: Kysely<Database>, contacts: Parsed[]) {
    const journeys = createJourneyTracker({ newId, windowDays });
    const earliest = contacts[0]?.startedAt;
    // Live batches mix customers: a contact stored after the batch's first one still counts.
    const latest = contacts.at(-1)?.startedAt;
    const pairs = new Map<string, { customerId: string; reason: string }>();
    for (const { customerId, reason } of contacts) {
      if (customerId !== null) pairs.set(`${customerId}:${reason}`, { customerId, reason });
    }
    if (earliest && latest) {
      for (const tail of await journeyTails(trx, [...pairs.values()], earliest, latest, windowDays)) {
        journeys.remember(tail.customer_id, tail.reason, toTail(tail));
      }
    }
    const journeyOf = new Map<string, string>();
    const inBatch = new Set(contacts.map((c) => c.id));
    const storedOrigins = contacts.flatMap((c) =>
      c.handoffFromId && !inBatch.has(c.handoffFromId) ? [c.handoffFromId] : [],
    );
    for (const [id, journey] of await handoffJourneys(trx, journeys, storedOrigins))
      journeyOf.set(id, journey);
    return contacts.map((contact) => {
      if (contact.handoffFromId && !journeyOf.has(contact.handoffFromId)) {
        throw notFound('interaction (handoffFromId, not earlier in the same batch)', contact.handoffFromId);
      }
      const placed = journeys.place(
        contact,
        contact.handoffFromId ? journeyOf.get(contact.handoffFromId) : undefined,
      );
      journeyOf.set(contact.id, placed.journeyId);
      return toRow(contact, placed);
    });
  }

  return {
    async record(input) {
      const contact: Parsed = {
        ...parseInput(InteractionInput, input, 'interaction'),
        id: input.id ?? newId(),
      };
      return withStepRetry(
        () =>
          db.transaction().execute(async (trx) => {
            // Two contacts for one customer and reason, arriving together, must not open two journeys.
            if (contact.customerId) {
              const key = `${contact.customerId}:${contact.reason}`;
              await sql`select pg_advisory_xact_lock(hashtext(${key}))`.execute(trx);
            }
            const [placed] = await place(trx, [contact]);
            const stored = await trx
              .insertInto('interactions')
              .values(placed as Row)
              .returningAll()
              .executeTakeFirstOrThrow();
            return toInteraction(stored);
          }),
        'interaction',
      );
    },

    async recordMany(inputs, options = {}) {
      const contacts: Parsed[] = inputs.map((input, index) => ({
        ...parseInput(InteractionInput, input, `interaction [${index}]`),
        id: input.id ?? newId(),
      }));
      const write = () =>
        db.transaction().execute(async (trx) => {
          if (options.live) {
            // In a fixed order, so that two instances locking overlapping batches cannot deadlock.
            const keys = [
              ...new Set(contacts.flatMap((c) => (c.customerId ? [`${c.customerId}:${c.reason}`] : []))),
            ].sort();
            if (keys.length > 0) {
              await sql`select pg_advisory_xact_lock(hashtext(k)) from unnest(${keys}::text[]) with ordinality as t(k, n) order by n`.execute(
                trx,
              );
            }
          }
          const fresh = await withoutStored(trx, contacts);
          fresh.sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
          const rows = await place(trx, fresh);
          for (let i = 0; i < rows.length; i += INSERT_CHUNK)
            await insertMany(trx, rows.slice(i, i + INSERT_CHUNK));
          return rows.length;
        });
      return withStepRetry(write, 'interactions');
    },

    async interaction(id) {
      const row = await db.selectFrom('interactions').selectAll().where('id', '=', id).executeTakeFirst();
      return row && toInteraction(row);
    },

    async amend(id, change) {
      const { outcome, details } = parseInput(InteractionAmendment, change, 'interaction amendment');
      // One statement: the merge happens on the stored details, so keys written meanwhile stay.
      const row = await db
        .updateTable('interactions')
        .set({
          details: sql`details || ${JSON.stringify(details)}::jsonb`,
          ...(outcome ? { outcome } : {}),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      if (!row) throw notFound('interaction', id);
      return toInteraction(row);
    },

    async fromSource(source, externalId) {
      const row = await db
        .selectFrom('interactions')
        .selectAll()
        .where('source', '=', source)
        .where('external_id', '=', externalId)
        .executeTakeFirst();
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

    async reasons() {
      const rows = await db.selectFrom('contact_reasons').select('reason').orderBy('reason').execute();
      return rows.map((r) => r.reason);
    },
  };
}

/**
 * Runs a write that places contacts in journeys. A contact takes the step after the last one its
 * journey had; should another contact take that step meanwhile (a handoff into the journey,
 * under another reason's lock), the unique (journey, step) index refuses it and the write runs
 * afresh: rare, and cheaper than locking the journey on every contact.
 */
async function withStepRetry<T>(write: () => Promise<T>, what: string): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (error) {
      const stepTaken =
        (error as { code?: string }).code === '23505' &&
        (error as { constraint?: string }).constraint === 'interactions_journey_step';
      if (stepTaken && attempt < 10) continue;
      throw translateDatabaseError(error, what);
    }
  }
}

/** The journeys that stored contacts belong to, keyed by contact id; the tracker learns their last steps. */
async function handoffJourneys(
  db: Kysely<Database>,
  journeys: Tracker,
  ids: string[],
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  if (ids.length === 0) return found;
  const result = await sql<{ id: string; journey_id: string; step: number }>`
    with origin as (select id, journey_id from interactions where id = any(${[...new Set(ids)]}::uuid[]))
    select origin.id, origin.journey_id,
      (select max(j.journey_step) from interactions j where j.journey_id = origin.journey_id) as step
    from origin`.execute(db);
  for (const row of result.rows) {
    journeys.rememberJourney(row.journey_id, row.step);
    found.set(row.id, row.journey_id);
  }
  return found;
}

/**
 * For each (customer, reason) the contacts are placed under: the newest stored contact at or
 * before `until` and recent enough to be continued, with its journey's last step. One index probe
 * per pair (customer_id, reason, started_at desc), whatever else the customers' logs hold.
 */
async function journeyTails(
  db: Kysely<Database>,
  pairs: { customerId: string; reason: string }[],
  from: Date,
  until: Date,
  windowDays: number,
) {
  if (pairs.length === 0) return [];
  const since = new Date(from.getTime() - windowDays * 86_400_000);
  const result = await sql<{
    customer_id: string;
    reason: string;
    journey_id: string;
    started_at: Date;
    step: number;
  }>`
    select k.customer_id, k.reason, t.journey_id, t.started_at,
      (select max(j.journey_step) from interactions j where j.journey_id = t.journey_id) as step
    from unnest(${pairs.map((p) => p.customerId)}::uuid[], ${pairs.map((p) => p.reason)}::text[]) as k(customer_id, reason)
    cross join lateral (
      select i.journey_id, i.started_at from interactions i
      where i.customer_id = k.customer_id and i.reason = k.reason and i.started_at <= ${until} and i.started_at >= ${since}
      order by i.started_at desc
      limit 1) t`.execute(db);
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
    // One index probe per key (the partial unique index on source, external_id).
    const found = await sql<{ source: string; external_id: string }>`
      select k.source, k.external_id
      from unnest(${chunk.map((c) => c.source)}::text[], ${chunk.map((c) => c.externalId)}::text[]) as k(source, external_id)
      where exists (
        select 1 from interactions i
        where i.source = k.source and i.external_id = k.external_id and i.external_id is not null)`.execute(
      db,
    );
    for (const row of found.rows) seen.add(`${row.source}\u0000${row.external_id}`);
  }
  const unique = new Set<string>();
  return contacts.filter((contact) => {
    if (contact.externalId === null) return true;
    const key = `${contact.source}\u0000${contact.externalId}`;
    if (seen.has(key) || unique.has(key)) return false;
    unique.add(key);
    return true;
  });
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
