import { sql, type Kysely } from 'kysely';
import type { Database } from '../../core/storage/schema.ts';

// What the log and its rollups hold, in forms two databases filled different ways can be
// compared by: journeys named by their members' external ids rather than by random ids.

/**
 * What placement gave each contact, by its external id, with its journey named by its members;
 * `handoffs` adds the contact each one was handed off from (its id, the same in both).
 */
export async function placements(db: Kysely<Database>, options: { handoffs?: boolean } = {}) {
  const rows = await db.selectFrom('interactions').selectAll().execute();
  const members = new Map<string, string[]>();
  for (const r of rows) members.set(r.journey_id, [...(members.get(r.journey_id) ?? []), r.external_id!]);
  return Object.fromEntries(
    rows.map((r) => [
      r.external_id,
      {
        journey: [...members.get(r.journey_id)!].sort().join(' '),
        step: r.journey_step,
        settled: r.settled_step,
        previous: r.previous_channel,
        previousAt: r.previous_started_at?.toISOString() ?? null,
        gap: r.previous_gap_days,
        segment: r.segment,
        ...(options.handoffs ? { handoffFrom: r.handoff_from_id } : {}),
      },
    ]),
  );
}

/** Every rollup row, as text, in key order. */
export async function rollups(db: Kysely<Database>) {
  const rows = async (query: ReturnType<typeof sql<{ row: string }>>) =>
    (await query.execute(db)).rows.map((r) => r.row);
  return {
    days: await rows(sql`select t::text as row from census_days t
      order by reason, segment, day, channel, touchpoint`),
    transitions: await rows(sql`select t::text as row from census_transitions t
      order by reason, segment, day, channel, next_channel`),
    reach: await rows(sql`select t::text as row from census_reach t order by reason, segment, day, channel`),
  };
}
