import type { Kysely } from 'kysely';
import type { PilotChange, PilotLog } from '../pilot-log.ts';
import type { Database } from './schema.ts';

export function createPostgresPilotLog(db: Kysely<Database>): PilotLog {
  return {
    async record(change) {
      await db
        .insertInto('pilot_changes')
        .values({
          pilot_id: change.pilotId,
          at: change.at,
          actor_id: change.actor.id,
          actor_name: change.actor.name,
          action: change.action,
          summary: change.summary,
        })
        .execute();
    },

    async changes(pilotId) {
      const rows = await db
        .selectFrom('pilot_changes')
        .selectAll()
        .where('pilot_id', '=', pilotId)
        .orderBy('at')
        .orderBy('id')
        .execute();
      return rows.map((r): PilotChange => ({
        pilotId: r.pilot_id,
        at: r.at,
        actor: { id: r.actor_id, name: r.actor_name },
        action: r.action as PilotChange['action'],
        summary: r.summary,
      }));
    },

    async claimGuardrailCheck(pilotId, day, at) {
      const claimed = await db
        .insertInto('pilot_guardrail_checks')
        .values({ pilot_id: pilotId, day, claimed_at: at, breached: null })
        .onConflict((oc) => oc.columns(['pilot_id', 'day']).doNothing())
        .returning('pilot_id')
        .executeTakeFirst();
      return claimed !== undefined;
    },

    async finishGuardrailCheck(pilotId, day, breached) {
      await db
        .updateTable('pilot_guardrail_checks')
        .set({ breached })
        .where('pilot_id', '=', pilotId)
        .where('day', '=', day)
        .execute();
    },
  };
}
