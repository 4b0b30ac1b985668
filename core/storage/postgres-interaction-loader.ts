import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Kysely } from 'kysely';
import pg from 'pg';
import copyStreams from 'pg-copy-streams';
import {
  DEFAULT_JOURNEY_WINDOW_DAYS,
  InteractionInput,
  type InteractionLoad,
  type InteractionLoader,
  type Outcome,
} from '../interactions.ts';
import {
  assignJourneys,
  compareContacts,
  numberSteps,
  type JourneySteps,
  settles,
  transitionFrom,
  type Transition,
} from '../journeys.ts';
import { createTimeOrderedIds } from '../ids.ts';
import { notFound } from '../errors.ts';
import { parseInput } from '../validation.ts';
import { translating } from './database-errors.ts';
import { createInteractionMonths } from './interaction-months.ts';
import { createPostgresInteractionLog, LOAD_LOCK } from './postgres-interaction-log.ts';
import { placeAnonymous, type Placement } from './postgres-journey-placement.ts';
import { ROLLUPS_DEFERRED, rollupsAdded, TRANSITION_DAYS } from './census-rollup-sql.ts';
import type { Database } from './schema.ts';

// A load stages its contacts in a temporary table of its own session (COPY, any order), then in
// one transaction: when the log holds no contacts, it locks the log against other writers, reads
// the staged contacts back customer by customer in the journey order, places each customer's
// contacts in memory with the journey rule, COPYs them into the log with the rollup triggers
// deferred, and adds all of them to the rollups in one pass. Otherwise every staged contact goes
// the incremental way, in time order.

const STAGED_COLUMNS = [
  'id',
  'customer_id',
  'channel',
  'touchpoint',
  'direction',
  'reason',
  'started_at',
  'ended_at',
  'outcome',
  'handoff_from_id',
  'source',
  'external_id',
  'details',
] as const;
const LOG_COLUMNS = [
  ...STAGED_COLUMNS,
  'journey_id',
  'journey_step',
  'settled_step',
  'previous_channel',
  'previous_started_at',
  'previous_gap_days',
  'segment',
];
/** Rows per FETCH, and per `recordMany` on the incremental way. */
const BATCH = 5000;
/** Rows per COPY into the log: each statement also runs the log's statement triggers once. */
const COPY_ROWS = 50_000;
/** The journey order of contacts (see compareContacts), in SQL. */
const JOURNEY_ORDER = 'started_at, source collate "C", external_id collate "C", id';

interface StagedRow {
  id: string;
  customer_id: string | null;
  channel: string;
  touchpoint: string;
  direction: string;
  reason: string;
  started_at: Date;
  ended_at: string | null;
  outcome: string;
  handoff_from_id: string | null;
  source: string;
  external_id: string | null;
  details: string;
  segment: string | null;
}

/** A staged contact as the journey rule reads it, with the row it came from. */
interface Staged {
  id: string;
  customerId: string | null;
  channel: string;
  reason: string;
  startedAt: Date;
  source: string;
  externalId: string | null;
  outcome: Outcome;
  handoffFromId: string | null;
  row: StagedRow;
}

export function createPostgresInteractionLoader(options: {
  /** The database's connection string: a load holds a session of its own. */
  url: string;
  db: Kysely<Database>;
  /** Ids of contacts given none, and of journeys. */
  newId?: () => string;
  journeyWindowDays?: number;
}): InteractionLoader {
  const newId = options.newId ?? createTimeOrderedIds();
  const windowDays = options.journeyWindowDays ?? DEFAULT_JOURNEY_WINDOW_DAYS;
  const log = createPostgresInteractionLog(options.db, { newId, journeyWindowDays: windowDays });
  const months = createInteractionMonths(options.db);

  return {
    async logIsEmpty() {
      const row = await options.db.selectFrom('interactions').select('id').limit(1).executeTakeFirst();
      return row === undefined;
    },

    async start(): Promise<InteractionLoad> {
      const client = new pg.Client({ connectionString: options.url });
      await client.connect();
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
      // One instant per month seen: the months' partitions are made before the load's transaction.
      const monthsSeen = new Map<string, Date>();

      return {
        async add(inputs) {
          if (!open) throw new Error('this load is finished');
          const lines: string[] = [];
          inputs.forEach((input, index) => {
            const c = parseInput(InteractionInput, input, `interaction [${index}]`);
            monthsSeen.set(`${c.startedAt.getUTCFullYear()}-${c.startedAt.getUTCMonth()}`, c.startedAt);
            lines.push(
              copyLine([
                input.id ?? newId(),
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
          });
          if (lines.length > 0)
            await translating('interactions', () =>
              copyIn(client, `copy interaction_load (${STAGED_COLUMNS.join(', ')}) from stdin`, lines),
            );
        },

        async finish() {
          if (!open) throw new Error('this load is finished');
          try {
            await months.ensure([...monthsSeen.values()]);
            // A (source, externalId) given twice is stored once, as first given.
            await client.query(`delete from interaction_load where n in (
              select n from (select n, row_number() over (partition by source, external_id order by n) as r
                from interaction_load where external_id is not null) d where r > 1)`);
            return await translating('interactions', async () => {
              await client.query('begin');
              try {
                // Writers of the log wait until this commits, the log's own before they read what
                // they place against, any other at its first write; readers do not wait.
                await client.query(`select pg_advisory_xact_lock(${LOAD_LOCK})`);
                await client.query('lock table interactions in share row exclusive mode');
                const filled = await client.query('select exists (select 1 from interactions) as filled');
                if (filled.rows[0].filled) {
                  await client.query('commit');
                  return { stored: await incrementally(client), path: 'incremental' as const };
                }
                const stored = await inBulk(client, { windowDays, newId });
                await client.query('commit');
                return { stored, path: 'bulk' as const };
              } catch (error) {
                await client.query('rollback').catch(() => {});
                throw error;
              }
            });
          } finally {
            await close();
          }
        },

        abort: close,
      };

      /** The staged contacts the way `recordMany` takes them, in time order. */
      async function incrementally(session: pg.Client): Promise<number> {
        let stored = 0;
        await session.query('begin');
        try {
          await session.query(
            `declare staged no scroll cursor for select * from interaction_load order by ${JOURNEY_ORDER}`,
          );
          for (;;) {
            const { rows } = await session.query<
              Omit<StagedRow, 'ended_at' | 'details'> & {
                ended_at: Date | null;
                details: Record<string, unknown>;
              }
            >(`fetch ${BATCH} from staged`);
            if (rows.length === 0) break;
            stored += await log.recordMany(
              rows.map((r) => ({
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
              })),
            );
          }
          await session.query('commit');
        } catch (error) {
          await session.query('rollback').catch(() => {});
          throw error;
        }
        return stored;
      }
    },
  };
}

/** Ends and details as text: written back as read. */
const stagedSelect = `l.id, l.customer_id, l.channel, l.touchpoint, l.direction, l.reason, l.started_at,
  l.ended_at::text as ended_at, l.outcome, l.handoff_from_id, l.source, l.external_id, l.details::text as details`;

/** Places and stores the staged contacts in a log that holds none, inside the caller's transaction. */
async function inBulk(
  session: pg.Client,
  options: { windowDays: number; newId: () => string },
): Promise<number> {
  await session.query(`set local ${ROLLUPS_DEFERRED} = 'on'`);
  // The rollups of every loaded contact are added up in one pass: sorts in memory, not on disk.
  await session.query(`set local work_mem = '256MB'`);
  const unknown = await session.query<{ customer_id: string }>(
    `select l.customer_id from interaction_load l where l.customer_id is not null
      and not exists (select 1 from customers c where c.id = l.customer_id) limit 1`,
  );
  if (unknown.rows[0]) throw notFound('customer', unknown.rows[0].customer_id);
  await session.query(
    `declare staged no scroll cursor for select ${stagedSelect}, c.segment
      from interaction_load l left join customers c on c.id = l.customer_id
      order by l.customer_id, ${JOURNEY_ORDER.split(', ')
        .map((k) => `l.${k}`)
        .join(', ')}`,
  );
  let stored = 0;
  let out: string[] = [];
  let customer: Staged[] = [];
  const place = () => {
    for (const [contact, placement] of placeCustomer(customer, options))
      out.push(logLine(contact, placement));
    customer = [];
  };
  const copy = async () => {
    if (out.length === 0) return;
    await copyIn(session, `copy interactions (${LOG_COLUMNS.join(', ')}) from stdin`, out);
    stored += out.length;
    out = [];
  };
  for (;;) {
    const { rows } = await session.query<StagedRow>(`fetch ${BATCH} from staged`);
    for (const row of rows) {
      const contact = toStaged(row);
      if (customer.length > 0 && customer[0]!.customerId !== contact.customerId) place();
      if (contact.customerId === null) out.push(logLine(contact, placeAnonymous(contact, options.newId)));
      else customer.push(contact);
    }
    if (rows.length === 0) break;
    if (out.length >= COPY_ROWS) await copy();
  }
  place();
  await copy();
  await session.query('close staged');
  await session.query(`insert into interaction_sources (source, external_id, interaction_id)
    select source, external_id, id from interactions where external_id is not null`);
  await session.query(rollupsAdded('select i.*, 1 as sign from interactions i'));
  return stored;
}

/**
 * One customer's contacts, in journey order, placed in a log that held none of theirs: the
 * journey rule from an empty state, each journey's steps, each settled contact's transition.
 */
function placeCustomer(
  contacts: readonly Staged[],
  options: { windowDays: number; newId: () => string },
): [Staged, Placement][] {
  if (contacts.length === 0) return [];
  contacts = [...contacts].sort(compareContacts);
  const journeys = assignJourneys(contacts, {
    windowDays: options.windowDays,
    open: new Map(),
    journeyOf: new Map(),
    previous: () => undefined,
    newId: options.newId,
  });
  const members = new Map<string, Staged[]>();
  for (const contact of contacts) {
    const journeyId = journeys.get(contact.id)!;
    const list = members.get(journeyId);
    if (list) list.push(contact);
    else members.set(journeyId, [contact]);
  }
  const steps = new Map<string, JourneySteps>();
  for (const list of members.values()) numberSteps(list, steps);
  const lastSettled = new Map<string, Staged>();
  const segment = contacts[0]!.row.segment;
  return contacts.map((contact) => {
    let transition: Transition = transitionFrom(undefined, contact, TRANSITION_DAYS);
    if (settles(contact)) {
      transition = transitionFrom(lastSettled.get(contact.reason), contact, TRANSITION_DAYS);
      lastSettled.set(contact.reason, contact);
    }
    return [
      contact,
      { journeyId: journeys.get(contact.id)!, ...steps.get(contact.id)!, ...transition, segment },
    ];
  });
}

function toStaged(row: StagedRow): Staged {
  return {
    id: row.id,
    customerId: row.customer_id,
    channel: row.channel,
    reason: row.reason,
    startedAt: row.started_at,
    source: row.source,
    externalId: row.external_id,
    outcome: row.outcome as Outcome,
    handoffFromId: row.handoff_from_id,
    row,
  };
}

function logLine({ row }: Staged, p: Placement): string {
  return copyLine([
    row.id,
    row.customer_id,
    row.channel,
    row.touchpoint,
    row.direction,
    row.reason,
    row.started_at,
    row.ended_at,
    row.outcome,
    row.handoff_from_id,
    row.source,
    row.external_id,
    row.details,
    p.journeyId,
    p.journeyStep,
    p.settledStep,
    p.previousChannel,
    p.previousStartedAt,
    p.previousGapDays,
    p.segment,
  ]);
}

/** A row in COPY's text format: tab-separated, `\N` for null, backslash escapes. */
function copyLine(values: readonly (string | number | Date | null)[]): string {
  return `${values.map(copyValue).join('\t')}\n`;
}

function copyValue(value: string | number | Date | null): string {
  if (value === null) return '\\N';
  const text = value instanceof Date ? value.toISOString() : String(value);
  return /[\\\t\n\r]/.test(text)
    ? text.replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c]!)
    : text;
}

async function copyIn(client: pg.Client, statement: string, lines: string[]): Promise<void> {
  await pipeline(Readable.from([lines.join('')]), client.query(copyStreams.from(statement)));
}
