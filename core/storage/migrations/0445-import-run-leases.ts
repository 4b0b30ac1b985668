import { sql, type Kysely } from 'kysely';

// An import holds a lease on its run (a session-level advisory lock, see postgres-import-runs.ts)
// while it runs; a run still marked running whose lease nobody holds was interrupted: its process
// was killed or crashed. Runs left running before leases existed had no way to say so and are
// marked interrupted now (an import of an older version still running marks its own end over it).
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table import_runs drop constraint import_runs_status_check;
    alter table import_runs add constraint import_runs_status_check
      check (status in ('running', 'done', 'failed', 'interrupted'));
    alter table import_runs add column leased boolean not null default false;
    update import_runs set status = 'interrupted',
      error = 'the import stopped before it finished (its process ended: killed, or a crash)'
      where status = 'running';
  `.execute(db);
}
