import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import { ChannelPilotError, notFound } from '../errors.ts';
import { CannedReplyInput, type CannedReply, type ChatConsoleStore } from '../chat-console.ts';
import { parseInput } from '../validation.ts';
import type { Locale } from '../vocabulary.ts';
import type { ChatCannedRepliesTable } from './chat-console-schema.ts';
import { ASSIGNMENT_LOCK, toConversation } from './postgres-live-chat.ts';
import type { Database } from './schema.ts';

const toReply = (row: Selectable<ChatCannedRepliesTable>): CannedReply => ({
  id: row.id,
  locale: row.locale as Locale,
  title: row.title,
  body: row.body,
  position: row.position,
  updatedAt: row.updated_at,
});

export function createPostgresChatConsole(db: Kysely<Database>): ChatConsoleStore {
  return {
    async transfer(conversationId, fromAdvisorId, toAdvisorId, limit, at) {
      return db.transaction().execute(async (trx) => {
        // The same lock as claims and assignment: nobody's load changes while this one is counted.
        await sql`select pg_advisory_xact_lock(${ASSIGNMENT_LOCK})`.execute(trx);
        const load = await trx
          .selectFrom('chat_conversations')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('advisor_id', '=', toAdvisorId)
          .where('status', '=', 'assigned')
          .executeTakeFirstOrThrow();
        if (Number(load.n) >= limit)
          throw new ChannelPilotError(
            'conflict',
            `that advisor already has ${limit} chats open, the most allowed`,
          );
        const row = await trx
          .updateTable('chat_conversations')
          .set({ advisor_id: toAdvisorId, assigned_at: at })
          .where('id', '=', conversationId)
          .where('status', '=', 'assigned')
          .where('advisor_id', '=', fromAdvisorId)
          .returningAll()
          .executeTakeFirst();
        if (row) return toConversation(row);
        const exists = await trx
          .selectFrom('chat_conversations')
          .select('id')
          .where('id', '=', conversationId)
          .executeTakeFirst();
        if (!exists) throw notFound('chat', conversationId);
        throw new ChannelPilotError('conflict', 'this chat is not assigned to you any more');
      });
    },

    async visitorSeen(conversationIds, at) {
      if (conversationIds.length === 0) return;
      await db
        .insertInto('chat_presence')
        .values(conversationIds.map((id) => ({ conversation_id: id, seen_at: at })))
        .onConflict((oc) =>
          oc.column('conversation_id').doUpdateSet({
            seen_at: sql`greatest(chat_presence.seen_at, excluded.seen_at)`,
          }),
        )
        .execute();
    },

    async visitorLastSeen(conversationId) {
      const row = await db
        .selectFrom('chat_presence')
        .select('seen_at')
        .where('conversation_id', '=', conversationId)
        .executeTakeFirst();
      return row?.seen_at;
    },

    async waitingUnseenSince(since) {
      const rows = await db
        .selectFrom('chat_conversations')
        .leftJoin('chat_presence', 'chat_presence.conversation_id', 'chat_conversations.id')
        .select('chat_conversations.id')
        .where('chat_conversations.status', '=', 'waiting')
        .where(sql<boolean>`coalesce(chat_presence.seen_at, chat_conversations.queued_at) < ${since}`)
        .orderBy('chat_conversations.queued_at')
        .execute();
      return rows.map((row) => row.id);
    },

    async agents(heardSince) {
      const rows = await db
        .selectFrom('chat_agents')
        .leftJoin('chat_conversations', (join) =>
          join
            .onRef('chat_conversations.advisor_id', '=', 'chat_agents.staff_user_id')
            .on('chat_conversations.status', '=', 'assigned'),
        )
        .select([
          'chat_agents.staff_user_id',
          'chat_agents.available',
          'chat_agents.heard_at',
          (eb) => eb.fn.count<number>('chat_conversations.id').as('open'),
        ])
        .groupBy(['chat_agents.staff_user_id', 'chat_agents.available', 'chat_agents.heard_at'])
        .orderBy('chat_agents.staff_user_id')
        .execute();
      return rows.map((r) => {
        const heard = r.heard_at >= heardSince;
        return {
          advisorId: r.staff_user_id,
          available: r.available && heard,
          away: r.available && !heard,
          open: Number(r.open),
        };
      });
    },

    async cannedReplies(locale) {
      let query = db.selectFrom('chat_canned_replies').selectAll();
      if (locale) query = query.where('locale', '=', locale);
      const rows = await query.orderBy('locale').orderBy('position').orderBy('title').execute();
      return rows.map(toReply);
    },

    async addCannedReply(input, at) {
      const r = parseInput(CannedReplyInput, input, 'canned reply');
      const row = await db
        .insertInto('chat_canned_replies')
        .values({ id: randomUUID(), ...r, updated_at: at })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toReply(row);
    },

    async updateCannedReply(id, input, at) {
      const r = parseInput(CannedReplyInput, input, 'canned reply');
      const row = await db
        .updateTable('chat_canned_replies')
        .set({ ...r, updated_at: at })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
      if (!row) throw notFound('canned reply', id);
      return toReply(row);
    },

    async removeCannedReply(id) {
      const done = await db.deleteFrom('chat_canned_replies').where('id', '=', id).executeTakeFirst();
      if (Number(done.numDeletedRows) === 0) throw notFound('canned reply', id);
    },
  };
}
