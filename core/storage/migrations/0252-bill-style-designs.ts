import { sql, type Kysely } from 'kysely';

// A bill style pilot's arms (several styles beside a control), kept beside the pilot they belong to.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table bill_style_designs (
      pilot_id uuid primary key references pilots (id),
      design jsonb not null
    );
  `.execute(db);
}
