import type { Kysely, Selectable } from 'kysely';
import { CallbackRequestInput, type CallbackQueue, type CallbackRequest } from '../callbacks.ts';
import { ChannelPilotError, notFound } from '../errors.ts';
import { parseInput } from '../validation.ts';
import { translating } from './database-errors.ts';
import type { CallbackRequestsTable, Database } from './schema.ts';

function toRequest(row: Selectable<CallbackRequestsTable>): CallbackRequest {
  return {
    id: row.id,
    customerId: row.customer_id,
    interactionId: row.interaction_id,
    channel: row.channel,
    reason: row.reason,
    summary: row.summary,
    context: row.context,
    status: row.status as CallbackRequest['status'],
    createdAt: row.created_at,
    doneAt: row.done_at,
    doneBy: row.done_by,
  };
}

export function createPostgresCallbackQueue(db: Kysely<Database>, newId: () => string): CallbackQueue {
  return {
    async request(input, at) {
      const r = parseInput(CallbackRequestInput, input, 'callback request');
      const row = await translating('callback request', () =>
        db
          .insertInto('callback_requests')
          .values({
            id: newId(),
            customer_id: r.customerId,
            interaction_id: r.interactionId,
            channel: r.channel,
            reason: r.reason,
            summary: r.summary,
            context: JSON.stringify(r.context),
            status: 'open',
            created_at: at,
          })
          .returningAll()
          .executeTakeFirstOrThrow(),
      );
      return toRequest(row);
    },

    async open({ limit }) {
      const rows = await db
        .selectFrom('callback_requests')
        .selectAll()
        .where('status', '=', 'open')
        .orderBy('created_at')
        .limit(limit)
        .execute();
      return rows.map(toRequest);
    },

    async complete(id, staffUserId, at) {
      const row = await translating('callback request', () =>
        db
          .updateTable('callback_requests')
          .set({ status: 'done', done_at: at, done_by: staffUserId })
          .where('id', '=', id)
          .where('status', '=', 'open')
          .returningAll()
          .executeTakeFirst(),
      );
      if (row) return toRequest(row);
      const exists = await db
        .selectFrom('callback_requests')
        .select('id')
        .where('id', '=', id)
        .executeTakeFirst();
      if (!exists) throw notFound('callback request', id);
      throw new ChannelPilotError('conflict', `callback request ${id} is done already`);
    },
  };
}
