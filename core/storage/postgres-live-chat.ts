import { sql, type Kysely, type Selectable } from 'kysely';
import { ChannelPilotError, notFound } from '../errors.ts';
import type {
  ChatAuthor,
  ChatConversation,
  ChatIdentity,
  ChatMessage,
  ChatStatus,
  LiveChatStore,
} from '../live-chat.ts';
import type { Locale } from '../vocabulary.ts';
import type { ChatConversationsTable, ChatMessagesTable } from './live-chat-schema.ts';
import type { Database } from './schema.ts';

// Several instances assign at once: one lock number serializes their assignment passes.
export const ASSIGNMENT_LOCK = 270_001;

export function toConversation(row: Selectable<ChatConversationsTable>): ChatConversation {
  return {
    id: row.id,
    customerId: row.customer_id,
    identity: row.identity as ChatIdentity,
    visitorKeyHash: row.visitor_key_hash,
    locale: row.locale as Locale,
    touchpoint: row.touchpoint,
    status: row.status as ChatStatus,
    botState: row.bot_state,
    advisorId: row.advisor_id,
    botContactId: row.bot_contact_id,
    humanContactId: row.human_contact_id,
    lastSeq: row.last_seq,
    createdAt: row.created_at,
    queuedAt: row.queued_at,
    assignedAt: row.assigned_at,
    closedAt: row.closed_at,
    outcome: row.outcome,
  };
}

function toMessage(row: Selectable<ChatMessagesTable>): ChatMessage {
  return {
    conversationId: row.conversation_id,
    seq: row.seq,
    author: row.author as ChatAuthor,
    authorId: row.author_id,
    body: row.body,
    quickReplies: row.quick_replies,
    createdAt: row.created_at,
  };
}

export function createPostgresLiveChat(db: Kysely<Database>): LiveChatStore {
  const find = (id: string) =>
    db.selectFrom('chat_conversations').selectAll().where('id', '=', id).executeTakeFirst();

  /** The conversation after a guarded change, or why the change did not apply. */
  async function changed(
    id: string,
    row: Selectable<ChatConversationsTable> | undefined,
    refused: string,
  ): Promise<ChatConversation> {
    if (row) return toConversation(row);
    if (!(await find(id))) throw notFound('chat', id);
    throw new ChannelPilotError('conflict', refused);
  }

  return {
    async start(input) {
      const row = await db
        .insertInto('chat_conversations')
        .values({
          id: input.id,
          customer_id: input.customerId,
          identity: input.identity,
          visitor_key_hash: input.visitorKeyHash,
          locale: input.locale,
          touchpoint: input.touchpoint,
          status: 'bot',
          bot_contact_id: input.botContactId,
          created_at: input.at,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
      return toConversation(row);
    },

    async conversation(id) {
      const row = await find(id);
      return row ? toConversation(row) : undefined;
    },

    async post(conversationId, message, at) {
      return db.transaction().execute(async (trx) => {
        const numbered = await trx
          .updateTable('chat_conversations')
          .set((eb) => ({ last_seq: eb('last_seq', '+', 1) }))
          .where('id', '=', conversationId)
          .where('status', '!=', 'closed')
          .returning('last_seq')
          .executeTakeFirst();
        if (!numbered) {
          if (!(await find(conversationId))) throw notFound('chat', conversationId);
          throw new ChannelPilotError('conflict', 'this chat is closed');
        }
        const row = await trx
          .insertInto('chat_messages')
          .values({
            conversation_id: conversationId,
            seq: numbered.last_seq,
            author: message.author,
            author_id: message.authorId,
            body: message.body,
            quick_replies: JSON.stringify(message.quickReplies),
            created_at: at,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        return toMessage(row);
      });
    },

    async messages(conversationId, afterSeq, limit) {
      const rows = await db
        .selectFrom('chat_messages')
        .selectAll()
        .where('conversation_id', '=', conversationId)
        .where('seq', '>', afterSeq)
        .orderBy('seq')
        .limit(limit)
        .execute();
      return rows.map(toMessage);
    },

    async countSince(conversationId, author, since) {
      const row = await db
        .selectFrom('chat_messages')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('conversation_id', '=', conversationId)
        .where('author', '=', author)
        .where('created_at', '>=', since)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async saveBotState(conversationId, state) {
      await db
        .updateTable('chat_conversations')
        .set({ bot_state: JSON.stringify(state) })
        .where('id', '=', conversationId)
        .execute();
    },

    async queue(conversationId, humanContactId, at) {
      const row = await db
        .updateTable('chat_conversations')
        .set({ status: 'waiting', queued_at: at, human_contact_id: humanContactId })
        .where('id', '=', conversationId)
        .where('status', '=', 'bot')
        .returningAll()
        .executeTakeFirst();
      return changed(conversationId, row, 'this chat is already with an advisor or closed');
    },

    async claim(conversationId, advisorId, limit, at) {
      return db.transaction().execute(async (trx) => {
        await sql`select pg_advisory_xact_lock(${ASSIGNMENT_LOCK})`.execute(trx);
        const load = await trx
          .selectFrom('chat_conversations')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('advisor_id', '=', advisorId)
          .where('status', '=', 'assigned')
          .executeTakeFirstOrThrow();
        if (Number(load.n) >= limit)
          throw new ChannelPilotError('conflict', `you already have ${limit} chats open, the most allowed`);
        const row = await trx
          .updateTable('chat_conversations')
          .set({ status: 'assigned', advisor_id: advisorId, assigned_at: at })
          .where('id', '=', conversationId)
          .where('status', '=', 'waiting')
          .returningAll()
          .executeTakeFirst();
        return changed(conversationId, row, 'this chat is not waiting any more');
      });
    },

    async assignWaiting(limit, at, heardSince) {
      return db.transaction().execute(async (trx) => {
        await sql`select pg_advisory_xact_lock(${ASSIGNMENT_LOCK})`.execute(trx);
        const waiting = await trx
          .selectFrom('chat_conversations')
          .select('id')
          .where('status', '=', 'waiting')
          .orderBy('queued_at')
          .orderBy('id')
          .execute();
        if (waiting.length === 0) return [];
        const agents = await trx
          .selectFrom('chat_agents')
          .select('staff_user_id')
          .where('available', '=', true)
          .where('heard_at', '>=', heardSince)
          .execute();
        const open = await trx
          .selectFrom('chat_conversations')
          .select(['advisor_id', (eb) => eb.fn.countAll<number>().as('n')])
          .where('status', '=', 'assigned')
          .groupBy('advisor_id')
          .execute();
        const loadOf = new Map(open.map((r) => [r.advisor_id, Number(r.n)]));
        const loads = agents.map((a) => ({ id: a.staff_user_id, load: loadOf.get(a.staff_user_id) ?? 0 }));
        const assigned: ChatConversation[] = [];
        for (const { id } of waiting) {
          const advisor = loads
            .filter((a) => a.load < limit)
            .sort((a, b) => a.load - b.load || a.id.localeCompare(b.id))[0];
          if (!advisor) break;
          const row = await trx
            .updateTable('chat_conversations')
            .set({ status: 'assigned', advisor_id: advisor.id, assigned_at: at })
            .where('id', '=', id)
            .where('status', '=', 'waiting')
            .returningAll()
            .executeTakeFirstOrThrow();
          advisor.load += 1;
          assigned.push(toConversation(row));
        }
        return assigned;
      });
    },

    async setAvailable(advisorId, available, at) {
      await db
        .insertInto('chat_agents')
        .values({ staff_user_id: advisorId, available, updated_at: at, heard_at: at })
        .onConflict((oc) =>
          oc.column('staff_user_id').doUpdateSet({ available, updated_at: at, heard_at: at }),
        )
        .execute();
    },

    async advisorsHeard(advisorIds, at) {
      if (advisorIds.length === 0) return;
      await db
        .updateTable('chat_agents')
        .set({ heard_at: sql<Date>`greatest(heard_at, ${at})` })
        .where('staff_user_id', 'in', advisorIds)
        .execute();
    },

    async close(conversationId, outcome, at, from) {
      const row = await db
        .updateTable('chat_conversations')
        .set({ status: 'closed', closed_at: at, outcome })
        .where('id', '=', conversationId)
        .where('status', '!=', 'closed')
        .$if(from !== undefined, (query) => query.where('status', '=', from!))
        .returningAll()
        .executeTakeFirst();
      return changed(
        conversationId,
        row,
        from ? `this chat is no longer ${from}` : 'this chat is closed already',
      );
    },

    async waiting() {
      const rows = await db
        .selectFrom('chat_conversations')
        .selectAll()
        .where('status', '=', 'waiting')
        .orderBy('queued_at')
        .orderBy('id')
        .execute();
      return rows.map((row, i) => ({ conversation: toConversation(row), position: i + 1 }));
    },

    async position(conversationId) {
      const me = await find(conversationId);
      if (!me || me.status !== 'waiting' || !me.queued_at) return undefined;
      const ahead = await db
        .selectFrom('chat_conversations')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('status', '=', 'waiting')
        .where((eb) =>
          eb.or([
            eb('queued_at', '<', me.queued_at!),
            eb.and([eb('queued_at', '=', me.queued_at!), eb('id', '<', me.id)]),
          ]),
        )
        .executeTakeFirstOrThrow();
      return Number(ahead.n) + 1;
    },

    async assignedTo(advisorId) {
      const rows = await db
        .selectFrom('chat_conversations')
        .selectAll()
        .where('advisor_id', '=', advisorId)
        .where('status', '=', 'assigned')
        .orderBy('assigned_at')
        .execute();
      return rows.map(toConversation);
    },

    async markRead(conversationId, participant, seq, at) {
      await db
        .insertInto('chat_participants')
        .values({ conversation_id: conversationId, participant, last_read_seq: seq, updated_at: at })
        .onConflict((oc) =>
          oc.columns(['conversation_id', 'participant']).doUpdateSet({
            last_read_seq: sql`greatest(chat_participants.last_read_seq, excluded.last_read_seq)`,
            updated_at: at,
          }),
        )
        .execute();
    },

    async readState(conversationId) {
      const rows = await db
        .selectFrom('chat_participants')
        .select(['participant', 'last_read_seq'])
        .where('conversation_id', '=', conversationId)
        .execute();
      return Object.fromEntries(rows.map((r) => [r.participant, r.last_read_seq]));
    },

    async waitFacts(since, limit, heardSince) {
      const [agents, handled] = await Promise.all([
        db
          .selectFrom('chat_agents')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('available', '=', true)
          .where('heard_at', '>=', heardSince)
          .executeTakeFirstOrThrow(),
        db
          .selectFrom('chat_conversations')
          .select(['assigned_at', 'closed_at'])
          .where('status', '=', 'closed')
          .where('assigned_at', 'is not', null)
          .where('closed_at', '>=', since)
          .orderBy('closed_at', 'desc')
          .limit(limit)
          .execute(),
      ]);
      return {
        availableAdvisors: Number(agents.n),
        handleMs: handled.map((r) => r.closed_at!.getTime() - r.assigned_at!.getTime()),
      };
    },
  };
}
