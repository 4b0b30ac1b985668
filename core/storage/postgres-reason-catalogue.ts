import { sql, type Kysely, type Selectable } from 'kysely';
import { ContactReasonInput, type ContactReason, type ReasonCatalogue } from '../reasons.ts';
import { parseInput } from '../validation.ts';
import type { ContactReasonsTable } from './pilot-schema.ts';
import type { Database } from './schema.ts';

export function createPostgresReasonCatalogue(db: Kysely<Database>): ReasonCatalogue {
  return {
    async reasons() {
      const rows = await db.selectFrom('contact_reasons').selectAll().orderBy('reason').execute();
      return rows.map(toReason);
    },
    async save(input) {
      const reason = parseInput(ContactReasonInput, input, 'contact reason');
      const row = { reason: reason.code, labels: JSON.stringify(reason.labels), reason_group: reason.group };
      await db
        .insertInto('contact_reasons')
        .values(row)
        .onConflict((oc) =>
          oc.column('reason').doUpdateSet({ labels: row.labels, reason_group: row.reason_group }),
        )
        .execute();
      return reason;
    },
    async ensure(inputs) {
      const reasons = inputs.map((input, i) =>
        parseInput(ContactReasonInput, input, `contact reason [${i}]`),
      );
      if (reasons.length === 0) return;
      // A reason the log has met keeps no labels yet: it gets them, and keeps any it has.
      await sql`
        insert into contact_reasons (reason, labels, reason_group)
        select * from unnest(${reasons.map((r) => r.code)}::text[], ${reasons.map((r) => JSON.stringify(r.labels))}::jsonb[],
          ${reasons.map((r) => r.group)}::text[])
        on conflict (reason) do update set
          labels = excluded.labels || contact_reasons.labels,
          reason_group = coalesce(contact_reasons.reason_group, excluded.reason_group)`.execute(db);
    },
  };
}

function toReason(row: Selectable<ContactReasonsTable>): ContactReason {
  return { code: row.reason, labels: row.labels, group: row.reason_group };
}
