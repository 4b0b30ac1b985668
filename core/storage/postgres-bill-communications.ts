import type { Kysely, Selectable } from 'kysely';
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
          id: options.newId(),
          bill_id: input.billId,
          customer_id: input.customerId,
          style: input.style,
          medium: input.medium,
          pilot_id: input.pilotId,
          arm: input.arm,
          sent_interaction_id: input.sentInteractionId,
          created_at: options.clock.now(),
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
