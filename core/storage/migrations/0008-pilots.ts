import { sql, type Kysely } from 'kysely';

// Pilots with their cohorts, the manager's ratings for the scorecard, and the analyses (census,
// pilot metrics) computed off the request path and kept for the dashboards to read.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table channels add column staffed boolean not null default false;
    update channels set staffed = true where code in ('call_centre', 'shop', 'video');

    -- Every contact reason the log holds, kept by the database as contacts arrive, so that
    -- listing them never scans the log.
    -- The census numbers a contact among the settled contacts of its journey: the turns before it
    -- that were not settled are found here.
    create index interactions_continued on interactions (journey_id, journey_step) where outcome = 'continued';

    create table contact_reasons (reason text primary key);
    insert into contact_reasons select distinct reason from interactions;
    create function note_contact_reasons() returns trigger language plpgsql as $$
    begin
      insert into contact_reasons select distinct reason from new_rows on conflict do nothing;
      return null;
    end $$;
    create trigger interactions_note_reasons after insert on interactions
      referencing new table as new_rows for each statement execute function note_contact_reasons();

    create table pilots (
      id uuid primary key,
      code text not null unique,
      name text not null,
      channel text not null references channels (code),
      touchpoints text[] not null,
      reasons text[] not null,
      objectives jsonb not null,
      starts_on date not null,
      ends_on date not null check (ends_on >= starts_on),
      status text not null check (status in ('draft', 'running', 'paused', 'ended')),
      segments text[] not null,
      rollout_percent numeric(5, 2) not null check (rollout_percent between 0 and 100),
      control_percent numeric(5, 2) not null check (control_percent between 0 and 50),
      check (rollout_percent + control_percent <= 100),
      open_to_everyone boolean not null,
      closing_survey boolean not null,
      within_days integer not null check (within_days between 1 and 90),
      advisor_share numeric(4, 3) not null check (advisor_share > 0 and advisor_share <= 1),
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    );
    -- A channel follows one pilot at a time: the one running or paused.
    create unique index pilots_live_channel on pilots (channel) where status in ('running', 'paused');

    create table pilot_enrolments (
      pilot_id uuid not null references pilots (id) on delete cascade,
      customer_id uuid not null references customers (id),
      arm text not null check (arm in ('pilot', 'control')),
      -- 'explicit': named in the pilot's list; 'rollout': drawn by the sticky percentage.
      via text not null check (via in ('explicit', 'rollout')),
      enrolled_at timestamptz not null,
      -- When the invitation sweep dealt with the customer; invited_at only when a message was queued
      -- (a customer who consented to no medium is tried once, never messaged).
      invitation_tried_at timestamptz,
      invited_at timestamptz,
      primary key (pilot_id, customer_id)
    );
    create index pilot_enrolments_customer on pilot_enrolments (customer_id);
    create index pilot_enrolments_uninvited on pilot_enrolments (pilot_id, customer_id) where arm = 'pilot' and invitation_tried_at is null;

    create table pilot_ratings (
      pilot_id uuid not null references pilots (id) on delete cascade,
      criterion text not null check (criterion in ('appropriate', 'relevant', 'significant', 'functional', 'connected', 'capacity')),
      rating integer not null check (rating between 1 and 5),
      note text not null default '',
      rated_by uuid references staff_users (id),
      rated_at timestamptz not null,
      primary key (pilot_id, criterion)
    );

    create table analysis_runs (
      id uuid primary key,
      kind text not null check (kind in ('census', 'pilot_metrics')),
      -- The canonical form of what was asked (filters, the pilot), so the same question finds its answer.
      question text not null,
      status text not null check (status in ('running', 'done', 'failed')),
      started_at timestamptz not null,
      finished_at timestamptz,
      result jsonb,
      error text
    );
    create index analysis_runs_question on analysis_runs (kind, question, started_at desc);
    create unique index analysis_runs_one_running on analysis_runs (kind, question) where status = 'running';
  `.execute(db);
}
