import { sql, type Kysely } from 'kysely';

// A slot can never be booked twice: the database itself refuses overlapping appointments of
// one advisor (including the buffers around them) and of one customer.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create extension if not exists btree_gist;

    alter table appointments add column blocked tstzrange;
    update appointments set blocked = tstzrange(starts_at, ends_at);
    alter table appointments alter column blocked set not null;
    alter table appointments add constraint appointments_advisor_free
      exclude using gist (advisor_id with =, blocked with &&) where (status in ('booked', 'in_progress'));
    alter table appointments add constraint appointments_customer_free
      exclude using gist (customer_id with =, tstzrange(starts_at, ends_at) with &&)
      where (status in ('booked', 'in_progress'));

    create table advisor_overrides (
      id uuid primary key,
      advisor_id uuid not null references advisors (id) on delete cascade,
      day date not null,
      hours jsonb not null default '[]',
      reason text,
      unique (advisor_id, day)
    );

    -- Secrets every app instance must share (the key that signs customer links).
    create table app_secrets (
      name text primary key,
      value bytea not null,
      created_at timestamptz not null default now()
    );
  `.execute(db);
}
