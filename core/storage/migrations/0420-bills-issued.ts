import { sql, type Kysely } from 'kysely';

// A billing run reads the bills of its issue day not yet communicated, page by page in id order:
// each page is a range of this index, not a scan of every bill.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index bills_issued on bills (issued_on, id)`.execute(db);
}
