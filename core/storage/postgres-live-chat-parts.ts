import { sql, type Kysely } from 'kysely';
import type { LiveChatPartRow, LiveChatPartsSource } from '../live-chat-figures.ts';
import type { Database } from './schema.ts';

/**
 * The live chat's parts from the interaction log: its contacts that name their part (the bot
 * turns logged beside them do not), each with its first CSAT answer. Few rows beside the log's
 * size: a partial index keeps them apart.
 */
export function createPostgresLiveChatParts(db: Kysely<Database>): LiveChatPartsSource {
  return {
    async parts({ from, to, segment, reason, pilotId }) {
      const rows = await sql<LiveChatPartRow>`
        select i.details->>'part' as part, i.outcome, i.details,
          (select s.score from survey_answers s
            where s.interaction_id = i.id and s.metric = 'csat'
            order by s.answered_at, s.id limit 1) as csat
        from interactions i
        ${segment === undefined ? sql`` : sql`join customers c on c.id = i.customer_id and c.segment = ${segment}`}
        ${
          pilotId === undefined
            ? sql``
            : sql`join pilot_enrolments e
                on e.customer_id = i.customer_id and e.pilot_id = ${pilotId} and e.arm = 'pilot'`
        }
        where i.channel = 'live_chat' and i.details ? 'part'
          and i.started_at >= ${from} and i.started_at < ${to}
          ${reason === undefined ? sql`` : sql`and i.reason = ${reason}`}`.execute(db);
      return rows.rows;
    },
  };
}
