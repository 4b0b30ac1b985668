import { sql, type Kysely } from 'kysely';

// Who changed what in a pilot and when (defined, revised, started, paused, ended, rated, paused by
// a guardrail), and the one guardrail check a day each running pilot gets.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table pilot_changes (
      id bigint generated always as identity primary key,
      pilot_id uuid not null references pilots (id) on delete cascade,
      at timestamptz not null,
      -- A staff user, or null for the command line and the guardrail check (named in actor_name).
      actor_id uuid references staff_users (id),
      actor_name text not null,
      action text not null check (action in ('defined', 'revised', 'status', 'rated', 'guardrail')),
      summary text not null
    );
    create index pilot_changes_pilot on pilot_changes (pilot_id, at);

    create table pilot_guardrail_checks (
      pilot_id uuid not null references pilots (id) on delete cascade,
      -- The day in the reference zone: one check a day, whichever instance claims it first.
      day date not null,
      claimed_at timestamptz not null,
      breached boolean,
      primary key (pilot_id, day)
    );
  `.execute(db);
}
