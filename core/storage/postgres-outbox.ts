import { randomUUID } from 'node:crypto';
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Attachment, Outbox, OutboxMessage } from '../notifications.ts';
import type { Database, OutboxTable } from './schema.ts';

export function createPostgresOutbox(db: Kysely<Database>, newId: () => string): Outbox {
  return {
    async enqueue(messages) {
      if (messages.length === 0) return 0;
      const inserted = await db
        .insertInto('outbox')
        .values(
          messages.map((m) => ({
            id: newId(),
            dedupe_key: m.dedupeKey,
            customer_id: m.customerId,
            appointment_id: m.appointmentId,
            kind: m.kind,
            medium: m.medium,
            recipient: m.recipient,
            subject: m.subject,
            body: m.body,
            html: m.html ?? null,
            attachments: JSON.stringify(m.attachments),
            send_after: m.sendAfter,
            bulk: m.bulk ?? false,
            status: 'pending',
          })),
        )
        .onConflict((oc) =>
          oc
            .column('dedupe_key')
            .doUpdateSet((eb) => ({
              medium: eb.ref('excluded.medium'),
              recipient: eb.ref('excluded.recipient'),
              subject: eb.ref('excluded.subject'),
              body: eb.ref('excluded.body'),
              html: eb.ref('excluded.html'),
              attachments: eb.ref('excluded.attachments'),
              send_after: eb.ref('excluded.send_after'),
              bulk: eb.ref('excluded.bulk'),
              status: 'pending',
              attempts: 0,
              last_error: null,
              sent_at: null,
            }))
            .where('outbox.status', '=', 'cancelled'),
        )
        .returning('id')
        .execute();
      return inserted.length;
    },

    async cancelPending(appointmentId, kinds) {
      let q = db
        .updateTable('outbox')
        .set({ status: 'cancelled' })
        .where('appointment_id', '=', appointmentId)
        .where('status', 'in', ['pending', 'sending']);
      if (kinds) q = q.where('kind', 'in', kinds);
      const result = await q.executeTakeFirst();
      return Number(result.numUpdatedRows);
    },

    async claimDue(now, limit, leaseMs) {
      // SKIP LOCKED: instances claiming at the same moment take different rows. Bulk messages
      // after the others, the oldest first: claimed so, and sent in that order too (an update
      // returns its rows in no order of its own).
      const rows = await sql<Selectable<OutboxTable>>`
        with claimed as (
          update outbox set status = 'sending', lease_until = ${new Date(now.getTime() + leaseMs)},
            claim_token = ${randomUUID()}
          where id in (
            select id from outbox
            where send_after <= ${now}
              and (status = 'pending' or (status = 'sending' and lease_until < ${now}))
            order by bulk, send_after
            limit ${limit}
            for update skip locked)
          returning *)
        select * from claimed order by bulk, send_after`.execute(db);
      return rows.rows.map(toMessage);
    },

    async markSent(message, at) {
      await db
        .updateTable('outbox')
        .set({
          status: 'sent',
          sent_at: at,
          lease_until: null,
          claim_token: null,
          attempts: sql`attempts + 1`,
        })
        .where('id', '=', message.id)
        .where('status', '=', 'sending')
        .where('claim_token', '=', message.claimToken)
        .execute();
    },

    async markFailed(message, error, retryAt) {
      await db
        .updateTable('outbox')
        .set({
          status: retryAt ? 'pending' : 'failed',
          send_after: retryAt ?? sql`send_after`,
          lease_until: null,
          claim_token: null,
          last_error: error.slice(0, 1000),
          attempts: sql`attempts + 1`,
        })
        .where('id', '=', message.id)
        .where('status', '=', 'sending')
        .where('claim_token', '=', message.claimToken)
        .execute();
    },

    async recent({ limit, customerId }) {
      let q = db.selectFrom('outbox').selectAll();
      if (customerId) q = q.where('customer_id', '=', customerId);
      const rows = await q.orderBy('created_at', 'desc').orderBy('send_after', 'desc').limit(limit).execute();
      return rows.map(toMessage);
    },
    async queued(dedupeKey) {
      const row = await db
        .selectFrom('outbox')
        .selectAll()
        .where('dedupe_key', '=', dedupeKey)
        .executeTakeFirst();
      return row && toMessage(row);
    },
  };
}

function toMessage(row: Selectable<OutboxTable>): OutboxMessage {
  return {
    id: row.id,
    dedupeKey: row.dedupe_key,
    claimToken: row.claim_token,
    customerId: row.customer_id,
    appointmentId: row.appointment_id,
    kind: row.kind,
    medium: row.medium as OutboxMessage['medium'],
    recipient: row.recipient,
    subject: row.subject,
    body: row.body,
    html: row.html,
    attachments: row.attachments as Attachment[],
    sendAfter: new Date(row.send_after),
    bulk: row.bulk,
    status: row.status as OutboxMessage['status'],
    attempts: row.attempts,
    lastError: row.last_error,
    sentAt: row.sent_at && new Date(row.sent_at),
    createdAt: new Date(row.created_at),
  };
}
