import { sql, type Kysely } from 'kysely';

// A payment confirmed by a payment provider carries the provider's reference, once: a
// confirmation delivered twice records nothing the second time.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table payments add column reference text;
    create unique index payments_reference on payments (reference) where reference is not null;
  `.execute(db);
}
