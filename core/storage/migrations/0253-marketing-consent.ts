import { sql, type Kysely } from 'kysely';

// Consent to marketing (offers shown beside a bill): a purpose of its own, with no medium.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table consents drop constraint consents_purpose_check;
    alter table consents add constraint consents_purpose_check
      check (purpose in ('data_processing', 'contact', 'marketing'));
  `.execute(db);
}
