import type { Kysely } from 'kysely';
import type pg from 'pg';
import {
  DEFAULT_JOURNEY_WINDOW_DAYS,
  InteractionInput,
  type InteractionLoad,
  type InteractionLoader,
  type Outcome,
  type ParsedInteraction,
} from '../interactions.ts';
import { createTimeOrderedIds } from '../ids.ts';
import { parseInput } from '../validation.ts';
import { translating } from './database-errors.ts';
import { createInteractionMonths, MONTHS_LOCK } from './interaction-months.ts';
import { createPostgresInteractionLog, LOAD_LOCK } from './postgres-interaction-log.ts';
import { BATCH, inBulk, type StagedRow } from './postgres-bulk-placement.ts';
import { journeyOrder, STAGED_COLUMNS } from './bulk-journeys-sql.ts';
import { REACH_BACK_MS } from './postgres-journey-reads.ts';
import type { Database } from './schema.ts';
import { copyIn, copyLine } from './copy-lines.ts';
import { inTransaction, openSession } from './own-session.ts';
import { inBackground } from './background-sessions.ts';

// A load stages its contacts in a temporary table of its own session (COPY, any order), then in
// one transaction: when the log holds no contacts, it locks the log against other writers, places
// the staged contacts with the journey rule (in SQL, or in memory when a hand-off leaves its
// reason's journey: postgres-bulk-placement.ts) and writes them with the rollup triggers deferred (a month without a
// partition yet into a table of its own, attached once filled), then writes their rollups, added
// up in memory. Otherwise the months' partitions are made and the staged contacts go the
// incremental way (`recordMany`, a transaction per call), a customer's together.

/**
 * Contacts per `recordMany` on the incremental way, counting the stored ones it reads back to
 * place the new ones against: a call ends at the next customer once it holds that many, so that
 * its memory stays bounded; a customer's own beyond four times that go in more calls. A call
 * holds its customers' locks until it commits, and a live contact of one of them (a chat
 * started, a payment link opened) waits for it: calls are kept short. 30,000 contacts into a
 * year of 1,000,000 of the same 3,000 customers, on a quiet machine: with 40,000 per call, 26
 * calls of 2.4–3.5 s; with 10,000, 100 calls of at most 1.1 s. Three runs of each in turn, the
 * whole CLI: 81.0 s and 271 MiB at the median with 40,000, 91.0 s and 203 MiB with 10,000.
 */
const CALL_ROWS = 2 * BATCH;

/** A staged row as the incremental way reads it back. */
type StagedContact = Omit<StagedRow, 'ended_at' | 'details' | 'segment' | 'handle_ms'> & {
  ended_at: Date | null;
  details: Record<string, unknown>;
};

const toInput = (r: StagedContact): InteractionInput & { id: string } => ({
  id: r.id,
  customerId: r.customer_id,
  channel: r.channel,
  touchpoint: r.touchpoint,
  direction: r.direction as InteractionInput['direction'],
  reason: r.reason,
  startedAt: r.started_at,
  endedAt: r.ended_at,
  outcome: r.outcome as Outcome,
  handoffFromId: r.handoff_from_id,
  source: r.source,
  externalId: r.external_id,
  details: r.details,
});

export function createPostgresInteractionLoader(options: {
  /** The database's connection string: a load holds a session of its own. */
  url: string;
  db: Kysely<Database>;
  /** Ids of contacts given none, and of journeys. */
  newId?: () => string;
  journeyWindowDays?: number;
  /** Contacts per `recordMany` on the incremental way, stored ones of its customers counted (CALL_ROWS). */
  callRows?: number;
}): InteractionLoader {
  const newId = options.newId ?? createTimeOrderedIds();
  const windowDays = options.journeyWindowDays ?? DEFAULT_JOURNEY_WINDOW_DAYS;
  const callRows = options.callRows ?? CALL_ROWS;
  const log = createPostgresInteractionLog(options.db, { newId, journeyWindowDays: windowDays });
  const months = createInteractionMonths(options.db);

  return {
    async start(): Promise<InteractionLoad> {
      // A load is bulk work: its session yields the CPU to the live channels' (background-sessions.ts).
      const client = await openSession(inBackground(options.url));
      let open = true;
      const close = async () => {
        if (open) await client.end();
        open = false;
      };
      try {
        await client.query(
          `create temporary table interaction_load (n bigint generated always as identity,
            id uuid not null, customer_id uuid, channel text not null, touchpoint text not null,
            direction text not null, reason text not null, started_at timestamptz not null,
            ended_at timestamptz, outcome text not null, handoff_from_id uuid, source text not null,
            external_id text, details jsonb not null)`,
        );
      } catch (error) {
        await close();
        throw error;
      }
      // One instant per month seen (by year × 12 + month).
      const monthsSeen = new Map<number, Date>();
      /** Whether a staged contact is handed off from another, and whether an import checked them all. */
      let handoffs = false;
      let importChecked = true;
      /** Stages contacts as they are: each checked already. */
      const stage = async (contacts: readonly (ParsedInteraction & { id?: string | undefined })[]) => {
        if (!open) throw new Error('this load is finished');
        const lines: string[] = [];
        for (const c of contacts) {
          monthsSeen.set(c.startedAt.getUTCFullYear() * 12 + c.startedAt.getUTCMonth(), c.startedAt);
          if (c.handoffFromId !== null) handoffs = true;
          lines.push(
            copyLine([
              c.id ?? newId(),
              c.customerId,
              c.channel,
              c.touchpoint,
              c.direction,
              c.reason,
              c.startedAt,
              c.endedAt,
              c.outcome,
              c.handoffFromId,
              c.source,
              c.externalId,
              JSON.stringify(c.details),
            ]),
          );
        }
        if (lines.length > 0)
          await translating('interactions', () =>
            copyIn(client, `copy interaction_load (${STAGED_COLUMNS.join(', ')}) from stdin`, lines),
          );
      };

      return {
        async add(inputs) {
          importChecked = false;
          await stage(
            inputs.map((input, index) => ({
              ...parseInput(InteractionInput, input, `interaction [${index}]`),
              id: input.id,
            })),
          );
        },

        addChecked: stage,

        async finish(onStored) {
          if (!open) throw new Error('this load is finished');
          try {
            // A (source, externalId) given twice is stored once, as first given. Looked for by hashing
            // (1.0 s for 1,000,000 contacts against 1.9 s numbering each key's rows in a sort), and a
            // load that gives none twice deletes nothing.
            await client.query(`delete from interaction_load l using (
                select source, external_id, min(n) as first from interaction_load
                where external_id is not null group by source, external_id having count(*) > 1
              ) twice where l.source = twice.source and l.external_id = twice.external_id and l.n > twice.first`);
            return await translating('interactions', async () => {
              const bulk = await inTransaction(client, async () => {
                // Writers of the log wait until this commits, the log's own before they read what
                // they place against, any other at its first write; readers do not wait. Months
                // are made after this commits, so that one the load makes is not made twice
                // (taken first: making a month waits for the lock on the log taken next).
                await client.query(`select pg_advisory_xact_lock(${MONTHS_LOCK})`);
                await client.query(`select pg_advisory_xact_lock(${LOAD_LOCK})`);
                await client.query('lock table interactions in share row exclusive mode');
                const filled = await client.query('select exists (select 1 from interactions) as filled');
                // A log that holds contacts takes them the incremental way, once this has committed.
                return filled.rows[0].filled
                  ? null
                  : await inBulk(client, {
                      windowDays,
                      newId,
                      months: [...monthsSeen.values()],
                      handoffs,
                      customersChecked: importChecked,
                    });
              });
              if (bulk !== null) {
                // The statistics of what the load filled, at once: autovacuum analyzes each month a
                // while later but never the log as a whole (a partitioned table), and without both
                // the planner misjudges the next reads of the log (a report's groups by customer
                // taken for 200, its aggregates spilling to disk).
                await client.query('analyze interactions');
                return { ...bulk, path: 'bulk' as const };
              }
              // The months' partitions are made before the incremental way's transaction.
              await months.ensure([...monthsSeen.values()]);
              return { stored: await incrementally(client, onStored), path: 'incremental' as const };
            });
          } finally {
            await close();
          }
        },

        abort: close,
      };

      /**
       * The staged contacts the way `recordMany` takes them: each customer's together, in journey
       * order, several customers to a call, so that what a customer has stored is read and placed
       * against once (in time order, a batch would read and renumber every journey it lands in).
       */
      async function incrementally(session: pg.Client, onStored?: (stored: number) => void): Promise<number> {
        return inTransaction(session, async () => {
          // What is stored already is left out at once (`recordMany` checks again, under its locks).
          await session.query(`delete from interaction_load l using interaction_sources s
            where s.source = l.source and s.external_id = l.external_id`);
          // Each with how many of its customer's stored contacts a call reads back to place it: those
          // from its customer's first new contact on, less the longest reach back (a file of the next
          // month reads back little of a year; one spread over the year reads back nearly all of it).
          await session.query(
            `declare staged no scroll cursor for select l.*, coalesce(s.stored, 0)::int as stored
              from interaction_load l left join (
                select i.customer_id, count(*) as stored
                from (select customer_id, min(started_at) as first from interaction_load
                  where customer_id is not null group by customer_id) f
                join interactions i on i.customer_id = f.customer_id
                  and i.started_at >= f.first - interval '${REACH_BACK_MS} milliseconds'
                group by i.customer_id
              ) s on s.customer_id = l.customer_id
              order by l.customer_id, ${journeyOrder('l')}`,
          );
          let stored = 0;
          let pending: StagedContact[] = [];
          /** The contacts a call holds and reads back: its own, and those its customers have stored. */
          let weight = 0;
          const flush = async () => {
            if (pending.length === 0) return;
            stored += await log.recordMany(pending.map(toInput));
            pending = [];
            weight = 0;
            onStored?.(stored);
          };
          for (;;) {
            const { rows } = await session.query<StagedContact & { stored: number }>(
              `fetch ${BATCH} from staged`,
            );
            if (rows.length === 0) break;
            for (const row of rows) {
              // A call ends between two customers once it weighs `callRows`; a customer's own
              // contacts beyond four times that go in more calls, in order.
              const between = row.customer_id === null || pending.at(-1)?.customer_id !== row.customer_id;
              if ((between && weight >= callRows) || pending.length >= 4 * callRows) await flush();
              if (between || pending.length === 0) weight += row.stored;
              pending.push(row);
              weight++;
            }
          }
          await flush();
          return stored;
        });
      }
    },
  };
}
