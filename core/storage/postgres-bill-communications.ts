import { sql, type Kysely, type Selectable } from 'kysely';
import { BILL_LINK_SOURCE, BILL_SENT_SOURCE } from '../bill-communications.ts';
import { BILL_PAPERLESS_SOURCE } from '../bill-page-actions.ts';
import { StylePilotDesign, type CommunicationFacts } from '../bill-styles.ts';
import type {
  BillCommunication,
  BillCommunicationStore,
  BillMedium,
  BillStyle,
} from '../bill-communications.ts';
import type { Database, BillCommunicationsTable } from './schema.ts';

export function createPostgresBillCommunications(
  db: Kysely<Database>,
  options: { newId: () => string; clock: { now(): Date } },
): BillCommunicationStore {
  const byBill = async (billId: string) => {
    const row = await db
      .selectFrom('bill_communications')
      .selectAll()
      .where('bill_id', '=', billId)
      .executeTakeFirst();
    return row && toCommunication(row);
  };
  return {
    async record(input) {
      const inserted = await db
        .insertInto('bill_communications')
        .values({
          id: input.id ?? options.newId(),
          bill_id: input.billId,
          customer_id: input.customerId,
          style: input.style,
          medium: input.medium,
          pilot_id: input.pilotId,
          arm: input.arm,
          sent_interaction_id: input.sentInteractionId,
          created_at: input.createdAt ?? options.clock.now(),
        })
        .onConflict((oc) => oc.column('bill_id').doNothing())
        .returningAll()
        .executeTakeFirst();
      if (inserted) return toCommunication(inserted);
      return (await byBill(input.billId)) as BillCommunication;
    },
    async communication(id) {
      const row = await db
        .selectFrom('bill_communications')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row && toCommunication(row);
    },
    forBill: byBill,

    async uncommunicated(issuedOn, limit, after) {
      let query = db
        .selectFrom('bills')
        .select('bills.id')
        .where('bills.issued_on', '=', issuedOn)
        .where('bills.cancelled', '=', false)
        .where(({ not, exists, selectFrom }) =>
          not(
            exists(
              selectFrom('bill_communications as c').select('c.id').whereRef('c.bill_id', '=', 'bills.id'),
            ),
          ),
        );
      if (after !== undefined) query = query.where('bills.id', '>', after);
      const rows = await query.orderBy('bills.id').limit(limit).execute();
      return rows.map((r) => r.id);
    },

    async saveDesign(pilotId, design) {
      const json = JSON.stringify(StylePilotDesign.parse(design));
      await db
        .insertInto('bill_style_designs')
        .values({ pilot_id: pilotId, design: json })
        .onConflict((oc) => oc.column('pilot_id').doUpdateSet({ design: json }))
        .execute();
    },

    async design(pilotId) {
      const row = await db
        .selectFrom('bill_style_designs')
        .select('design')
        .where('pilot_id', '=', pilotId)
        .executeTakeFirst();
      return row && StylePilotDesign.parse(row.design);
    },

    async pilotFacts(pilotId, withinDays) {
      const rows = await sql<
        Selectable<BillCommunicationsTable> & {
          due_on: string;
          amount_cents: number;
          delivered: boolean;
          opened: boolean;
          switched: boolean;
        }
      >`
        select c.*, b.due_on, b.amount_cents,
          (c.medium = 'post' or exists (
            select 1 from outbox o where o.dedupe_key = 'bill:' || c.bill_id and o.status = 'sent')) as delivered,
          exists (
            select 1 from interactions i
            where i.customer_id = c.customer_id and i.started_at >= c.created_at
              and i.source = ${BILL_LINK_SOURCE} and i.handoff_from_id = c.sent_interaction_id) as opened,
          exists (
            select 1 from interactions i
            where i.source = ${BILL_PAPERLESS_SOURCE} and i.external_id = c.id::text) as switched
        from bill_communications c join bills b on b.id = c.bill_id
        where c.pilot_id = ${pilotId}
        order by c.created_at, c.id`.execute(db);
      if (rows.rows.length === 0) return [];
      const billIds = rows.rows.map((r) => r.bill_id);
      const payments = await db
        .selectFrom('payments')
        .select(['bill_id', 'paid_at', 'amount_cents', 'channel'])
        .where('bill_id', 'in', billIds)
        .orderBy('paid_at')
        .execute();
      const contacts = await sql<{ id: string; channel: string; contacts: string }>`
        select c.id, i.channel, count(*) as contacts
        from bill_communications c
        join interactions i on i.customer_id = c.customer_id
          and i.started_at >= c.created_at
          and i.started_at < c.created_at + make_interval(days => ${withinDays})
        where c.pilot_id = ${pilotId}
          and (i.reason in ('billing', 'payment') or i.reason in (
            select r.reason from contact_reasons r where r.reason_group in ('billing', 'payments')))
          and i.source not in (${BILL_SENT_SOURCE}, ${BILL_LINK_SOURCE}, ${BILL_PAPERLESS_SOURCE}, 'payment_link')
        group by c.id, i.channel`.execute(db);
      const answers = await sql<{ id: string; answer_id: string; score: number }>`
        select c.id, a.id as answer_id, a.score
        from bill_communications c
        join interactions i on i.customer_id = c.customer_id
        join survey_answers a on a.interaction_id = i.id and a.metric = 'nps'
        where c.pilot_id = ${pilotId}
          and a.answered_at >= c.created_at
          and a.answered_at < c.created_at + make_interval(days => ${withinDays})
        order by a.answered_at`.execute(db);
      return rows.rows.map((row): CommunicationFacts => ({
        communication: toCommunication(row),
        bill: { dueOn: row.due_on, amountCents: row.amount_cents },
        delivered: row.delivered,
        opened: row.opened,
        switchedToPaperless: row.switched,
        payments: payments
          .filter((p) => p.bill_id === row.bill_id)
          .map((p) => ({ paidAt: new Date(p.paid_at), amountCents: p.amount_cents, channel: p.channel })),
        contacts: Object.fromEntries(
          contacts.rows.filter((c) => c.id === row.id).map((c) => [c.channel, Number(c.contacts)]),
        ),
        npsAnswers: answers.rows
          .filter((a) => a.id === row.id)
          .map((a) => ({ id: a.answer_id, score: a.score })),
      }));
    },
  };
}

function toCommunication(row: Selectable<BillCommunicationsTable>): BillCommunication {
  return {
    id: row.id,
    billId: row.bill_id,
    customerId: row.customer_id,
    style: row.style as BillStyle,
    medium: row.medium as BillMedium,
    pilotId: row.pilot_id,
    arm: row.arm,
    sentInteractionId: row.sent_interaction_id,
    createdAt: new Date(row.created_at),
  };
}
