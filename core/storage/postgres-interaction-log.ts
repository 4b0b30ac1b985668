import { sql, type Kysely, type Selectable } from 'kysely';
import {
  DEFAULT_JOURNEY_WINDOW_DAYS,
  InteractionAmendment,
  InteractionInput,
  type Interaction,
  type InteractionLog,
  type Outcome,
} from '../interactions.ts';
import { settles } from '../journeys.ts';
import { placeContacts, type Placement } from './postgres-journey-placement.ts';
import { createInteractionMonths } from './interaction-months.ts';
import { parseInput } from '../validation.ts';
import { ChannelPilotError, notFound } from '../errors.ts';
import { translating } from './database-errors.ts';
import type { Database, InteractionsTable } from './schema.ts';
import { executeKept } from './kept-plans.ts';

type Parsed = ReturnType<typeof InteractionInput.parse> & { id: string };

/** Rows per insert statement: the rollups' triggers run once per statement. */
const INSERT_CHUNK = 25_000;

export function createPostgresInteractionLog(
  db: Kysely<Database>,
  options: { newId: () => string; journeyWindowDays?: number },
): InteractionLog {
  const { newId } = options;
  const windowDays = options.journeyWindowDays ?? DEFAULT_JOURNEY_WINDOW_DAYS;
  const months = createInteractionMonths(db);

  /**
   * Stores contacts in their journeys, one transaction: each customer's contacts are written
   * under a lock on that customer (taken in one order, so writers never deadlock), and a contact
   * that arrives late moves what it changes of the contacts around it. Unless `waiting`, the
   * contacts of customers another transaction holds are left out (returned as `busy`).
   */
  async function write(
    all: Parsed[],
    what: string,
    waiting = true,
  ): Promise<{ rows: Row[]; busy: ReadonlySet<string> }> {
    await months.ensure(all.map((c) => c.startedAt));
    return translating(what, () =>
      db.transaction().execute(async (trx) => {
        const busy = await lockForWrite(trx, all, waiting);
        const contacts = busy.size === 0 ? all : all.filter((c) => !busy.has(c.customerId ?? ''));
        const fresh = await withoutStored(trx, contacts);
        const { placed, changed, merged } = await placeContacts(trx, fresh, { windowDays, newId });
        const rows = fresh.map((contact) => toRow(contact, placed.get(contact.id)!));
        for (let i = 0; i < rows.length; i += INSERT_CHUNK)
          await insertMany(trx, rows.slice(i, i + INSERT_CHUNK));
        await applyChanges(trx, changed, merged);
        return { rows, busy };
      }),
    );
  }

  const parsed = (inputs: readonly (InteractionInput & { id?: string })[]): Parsed[] =>
    inputs.map((input, index) => ({
      ...parseInput(InteractionInput, input, `interaction [${index}]`),
      id: input.id ?? newId(),
    }));

  return {
    async record(input) {
      const contact: Parsed = {
        ...parseInput(InteractionInput, input, 'interaction'),
        id: input.id ?? newId(),
      };
      await write([contact], 'interaction');
      const stored = await readInteraction(db, contact.id);
      if (!stored)
        throw new ChannelPilotError(
          'conflict',
          `interaction ${contact.source}:${contact.externalId} is already recorded`,
        );
      return stored;
    },

    async recordMany(inputs) {
      return (await write(parsed(inputs), 'interactions')).rows.length;
    },

    async recordUnlessBusy(inputs) {
      const contacts = parsed(inputs);
      const { rows, busy } = await write(contacts, 'interactions', false);
      return {
        stored: rows.length,
        busy: inputs.filter((_, i) => busy.has(contacts[i]!.customerId ?? '')),
      };
    },

    interaction: (id) => readInteraction(db, id),

    async amend(id, change) {
      const { outcome, details } = parseInput(InteractionAmendment, change, 'interaction amendment');
      return translating('interaction amendment', () =>
        db.transaction().execute(async (trx) => {
          const owner = await trx
            .selectFrom('interactions')
            .select('customer_id')
            .where('id', '=', id)
            .executeTakeFirst();
          if (!owner) throw notFound('interaction', id);
          await lockForWrite(trx, [{ customerId: owner.customer_id }]);
          const before = await trx
            .selectFrom('interactions')
            .select('outcome')
            .where('id', '=', id)
            .executeTakeFirstOrThrow();
          // One statement: the merge happens on the stored details, so keys written meanwhile stay.
          const row = await trx
            .updateTable('interactions')
            .set({
              details: sql`details || ${JSON.stringify(details)}::jsonb`,
              ...(outcome ? { outcome } : {}),
            })
            .where('id', '=', id)
            .returningAll()
            .executeTakeFirstOrThrow();
          const contact = toInteraction(row);
          if (outcome && settles({ outcome }) !== settles({ outcome: before.outcome as Outcome })) {
            // Settling (or no longer settling) changes the contact's steps and the transitions around it.
            const { changed, merged } = await placeContacts(trx, [], {
              windowDays,
              newId,
              touched: [contact],
            });
            await applyChanges(trx, changed, merged);
            return (await readInteraction(trx, id))!;
          }
          return contact;
        }),
      );
    },

    async fromSource(source, externalId) {
      const key = await db
        .selectFrom('interaction_sources')
        .select('interaction_id')
        .where('source', '=', source)
        .where('external_id', '=', externalId)
        .executeTakeFirst();
      return key && readInteraction(db, key.interaction_id);
    },

    async fromSourceMany(source, externalIds) {
      const found = new Map<string, Interaction>();
      for (let i = 0; i < externalIds.length; i += INSERT_CHUNK) {
        const rows = await db
          .selectFrom('interaction_sources as s')
          .innerJoin('interactions as i', 'i.id', 's.interaction_id')
          .selectAll('i')
          .where('s.source', '=', source)
          .where('s.external_id', '=', sql<string>`any(${externalIds.slice(i, i + INSERT_CHUNK)}::text[])`)
          .execute();
        for (const row of rows) found.set(row.external_id!, toInteraction(row));
      }
      return found;
    },

    async forCustomer(customerId, { limit, before }) {
      const rows = await executeKept(db, latestContactsOf(db, customerId, { limit, before }));
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

async function readInteraction(db: Kysely<Database>, id: string): Promise<Interaction | undefined> {
  const row = await db.selectFrom('interactions').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toInteraction(row);
}

/** The advisory lock a bulk load holds exclusively (see postgres-interaction-loader.ts). */
export const LOAD_LOCK = "hashtext('interaction log load')";

/**
 * Waits for a bulk load of the log to commit before this transaction reads what it places
 * against (writers do not wait for each other: that lock is shared among them), and locks the
 * customers of `contacts` in one order for the rest of the transaction (unless `waiting` is false:
 * then those free now, returning the others); one statement. It also
 * turns off JIT compilation for the transaction: the placement's reads are index probes that run
 * in milliseconds, but a batch's estimate passes the server's JIT thresholds, and PostgreSQL 15
 * as Debian ships it spent 2.6 s compiling a read that then ran in 70 ms. And its statements use
 * generic plans: they are probes by key whose best plan does not depend on the keys, and planning
 * one over the log's months for the values given cost up to 8 ms of the server's CPU for a read
 * that ran in 0.1 ms (a voice turn's batch; see kept-plans.ts for the reads kept by name).
 */
async function lockForWrite(
  db: Kysely<Database>,
  contacts: { customerId: string | null }[],
  waiting = true,
): Promise<ReadonlySet<string>> {
  const keys = [...new Set(contacts.flatMap((c) => (c.customerId ? [c.customerId] : [])))].sort();
  // Waiting, in one order; or only those free now, without waiting (no order needed), the rest named.
  const customers = waiting
    ? sql`(select count(*) from (select pg_advisory_xact_lock(hashtext(k))
        from unnest(${keys}::text[]) with ordinality as t(k, n) order by n) l), '{}'::text[] as busy`
    : sql`(select coalesce(array_agg(k), '{}') from unnest(${keys}::text[]) as t(k)
        where not pg_try_advisory_xact_lock(hashtext(k))) as busy`;
  const { rows } = await sql<{ busy: string[] }>`select set_config('jit', 'off', true),
    set_config('plan_cache_mode', 'force_generic_plan', true),
    pg_advisory_xact_lock_shared(${sql.raw(LOAD_LOCK)}), ${customers}`.execute(db);
  return new Set(rows[0]?.busy);
}

/** Writes what a placement changed of stored contacts, and points merged journeys' bookings at the journey that took them. */
async function applyChanges(
  db: Kysely<Database>,
  changed: Map<string, Placement>,
  merged: Map<string, string>,
): Promise<void> {
  if (changed.size > 0) {
    const ids = [...changed.keys()];
    const p = [...changed.values()];
    await sql`
      update interactions i set journey_id = c.journey_id, journey_step = c.journey_step, settled_step = c.settled_step,
        previous_channel = c.previous_channel, previous_started_at = c.previous_started_at,
        previous_gap_days = c.previous_gap_days, segment = c.segment
      from unnest(${ids}::uuid[], ${p.map((x) => x.journeyId)}::uuid[], ${p.map((x) => x.journeyStep)}::int[],
        ${p.map((x) => x.settledStep)}::int[], ${p.map((x) => x.previousChannel)}::text[],
        ${p.map((x) => x.previousStartedAt)}::timestamptz[], ${p.map((x) => x.previousGapDays)}::int[],
        ${p.map((x) => x.segment)}::text[])
        as c(id, journey_id, journey_step, settled_step, previous_channel, previous_started_at, previous_gap_days, segment)
      where i.id = c.id`.execute(db);
  }
  if (merged.size > 0) {
    // One statement: only journeys that bookings point at are looked up, and one that no longer
    // has contacts of its own was merged whole.
    await sql`
      update appointments a set journey_id = m.to_id
      from unnest(${[...merged.keys()]}::uuid[], ${[...merged.values()]}::uuid[]) as m(from_id, to_id)
      where a.journey_id = m.from_id
        and not exists (select 1 from interactions i where i.journey_id = m.from_id)`.execute(db);
  }
}

/** Drops contacts whose (source, externalId) is already stored: a re-import adds nothing twice. */
async function withoutStored(db: Kysely<Database>, contacts: Parsed[]): Promise<Parsed[]> {
  const keyed = contacts.filter((c) => c.externalId !== null);
  if (keyed.length === 0) return contacts;
  const seen = new Set<string>();
  for (let i = 0; i < keyed.length; i += INSERT_CHUNK) {
    const chunk = keyed.slice(i, i + INSERT_CHUNK);
    // One probe of interaction_sources' primary key per key.
    const found = await sql<{ source: string; external_id: string }>`
      select k.source, k.external_id
      from unnest(${chunk.map((c) => c.source)}::text[], ${chunk.map((c) => c.externalId)}::text[]) as k(source, external_id)
      where exists (
        select 1 from interaction_sources i where i.source = k.source and i.external_id = k.external_id)`.execute(
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

function toRow(contact: Parsed, placed: Placement) {
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
    settled_step: placed.settledStep,
    previous_channel: placed.previousChannel,
    previous_started_at: placed.previousStartedAt,
    previous_gap_days: placed.previousGapDays,
    segment: placed.segment,
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
      journey_id, journey_step, settled_step, previous_channel, previous_started_at, previous_gap_days, segment, handoff_from_id,
      source, external_id, details)
    select * from unnest(
      ${col('id')}::uuid[], ${col('customer_id')}::uuid[], ${col('channel')}::text[], ${col('touchpoint')}::text[],
      ${col('direction')}::text[], ${col('reason')}::text[], ${col('started_at')}::timestamptz[],
      ${col('ended_at')}::timestamptz[], ${col('outcome')}::text[], ${col('journey_id')}::uuid[],
      ${col('journey_step')}::int[], ${col('settled_step')}::int[], ${col('previous_channel')}::text[],
      ${col('previous_started_at')}::timestamptz[], ${col('previous_gap_days')}::int[], ${col('segment')}::text[],
      ${col('handoff_from_id')}::uuid[], ${col('source')}::text[],
      ${col('external_id')}::text[], ${col('details')}::jsonb[])`.execute(db);
  const keyed = rows.filter((r) => r.external_id !== null);
  if (keyed.length > 0) {
    await sql`
      insert into interaction_sources (source, external_id, interaction_id)
      select * from unnest(${keyed.map((r) => r.source)}::text[], ${keyed.map((r) => r.external_id)}::text[],
        ${keyed.map((r) => r.id)}::uuid[])`.execute(db);
  }
}

/** A customer's contacts, newest first (those started before `before`, when given). */
export function latestContactsOf(
  db: Kysely<Database>,
  customerId: string,
  { limit, before }: { limit: number; before?: Date | undefined },
) {
  let q = db.selectFrom('interactions').selectAll().where('customer_id', '=', customerId);
  if (before) q = q.where('started_at', '<', before);
  return q.orderBy('started_at', 'desc').orderBy('id').limit(limit);
}

export function toInteraction(row: Selectable<InteractionsTable>): Interaction {
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
