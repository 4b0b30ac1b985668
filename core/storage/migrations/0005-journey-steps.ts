import { sql, type Kysely } from 'kysely';

// Two contacts can never share a step of one journey, whatever writes them.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    drop index if exists interactions_journey;
    create unique index interactions_journey_step on interactions (journey_id, journey_step);
  `.execute(db);
}
