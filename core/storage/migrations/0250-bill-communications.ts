import { sql, type Kysely } from 'kysely';

// Each issued bill goes to its customer once, in one style on one medium; the outbound contact
// that carried it opens the bill's journey, which every link from it continues. The contact is
// not a foreign key: the interaction log is partitioned by month.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table bill_communications (
      id uuid primary key,
      bill_id uuid not null unique references bills (id),
      customer_id uuid not null references customers (id),
      style text not null check (style in ('passive', 'active', 'reactive')),
      medium text not null check (medium in ('email', 'sms', 'post')),
      pilot_id uuid references pilots (id),
      arm text,
      sent_interaction_id uuid not null,
      created_at timestamptz not null,
      check ((pilot_id is null) = (arm is null))
    );
    create index bill_communications_customer on bill_communications (customer_id);
    create index bill_communications_pilot on bill_communications (pilot_id, arm) where pilot_id is not null;
  `.execute(db);
}
