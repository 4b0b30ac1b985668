import { sql, type Kysely } from 'kysely';

// The customers a pilot's definition names, kept as named: the enrolments hold only those who
// exist, and what a pilot shows must not tell a pilot manager which ids are customers.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table pilots add column named_customer_ids uuid[] not null default '{}';
    update pilots set named_customer_ids = array(
      select e.customer_id from pilot_enrolments e
      where e.pilot_id = pilots.id and e.via = 'explicit' order by e.customer_id);
  `.execute(db);
}
