import { sql, type Kysely } from 'kysely';

// One schema for PGlite and PostgreSQL 15+. Rules that must hold whatever code writes
// (ranges, uniqueness, references) live here as constraints, not only in TypeScript.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table channels (
      code text primary key,
      name text not null,
      kind text not null check (kind in ('existing', 'pilot')),
      touchpoints jsonb not null
    );

    create table customers (
      id uuid primary key,
      first_name text not null,
      last_name text not null,
      locale text not null check (locale in ('it-IT', 'en-US')),
      phone text,
      email text,
      segment text not null,
      preferred_medium text check (preferred_medium in ('email', 'sms', 'phone', 'post')),
      created_at timestamptz not null default now()
    );
    create index customers_last_name on customers (lower(last_name), lower(first_name));
    create index customers_email on customers (lower(email));
    create index customers_phone on customers (phone);

    create table consents (
      id uuid primary key,
      customer_id uuid not null references customers (id) on delete cascade,
      purpose text not null check (purpose in ('data_processing', 'contact')),
      medium text check (medium in ('email', 'sms', 'phone', 'post')),
      granted boolean not null,
      given_at timestamptz not null,
      source text not null,
      check ((purpose = 'contact') = (medium is not null))
    );
    create index consents_customer on consents (customer_id, given_at);

    create table accounts (
      id uuid primary key,
      customer_id uuid not null references customers (id) on delete cascade,
      number text not null unique,
      kind text not null,
      supply_address text not null,
      tariff text not null,
      started_on date not null,
      closed_on date
    );
    create index accounts_customer on accounts (customer_id);

    create table bills (
      id uuid primary key,
      account_id uuid not null references accounts (id),
      customer_id uuid not null references customers (id),
      number text not null unique,
      period_start date not null,
      period_end date not null check (period_end >= period_start),
      issued_on date not null,
      due_on date not null check (due_on >= issued_on),
      currency text not null default 'EUR',
      amount_cents integer not null,
      consumption_quantity numeric,
      consumption_unit text,
      lines jsonb not null,
      cancelled boolean not null default false
    );
    create index bills_customer on bills (customer_id, period_end desc);
    create index bills_account on bills (account_id, period_end desc);

    create table payments (
      id uuid primary key,
      customer_id uuid not null references customers (id),
      bill_id uuid references bills (id),
      amount_cents integer not null check (amount_cents > 0),
      paid_at timestamptz not null,
      method text not null,
      channel text not null
    );
    create index payments_customer on payments (customer_id, paid_at desc);
    create index payments_bill on payments (bill_id);

    create table staff_users (
      id uuid primary key,
      username text not null unique,
      display_name text not null,
      role text not null check (role in ('advisor', 'pilot_manager', 'admin')),
      password_hash text not null,
      created_at timestamptz not null default now()
    );

    create table staff_sessions (
      token_hash text primary key,
      user_id uuid not null references staff_users (id) on delete cascade,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null
    );
    create index staff_sessions_expiry on staff_sessions (expires_at);

    create table advisors (
      id uuid primary key,
      name text not null,
      email text not null unique,
      languages text[] not null,
      topics text[] not null,
      time_zone text not null,
      working_hours jsonb not null default '[]',
      staff_user_id uuid references staff_users (id)
    );

    create table appointments (
      id uuid primary key,
      customer_id uuid not null references customers (id),
      advisor_id uuid not null references advisors (id),
      topic text not null,
      locale text not null,
      starts_at timestamptz not null,
      ends_at timestamptz not null check (ends_at > starts_at),
      status text not null check (status in ('booked', 'in_progress', 'completed', 'no_show', 'cancelled')),
      booked_via text not null,
      journey_id uuid,
      cancel_reason text,
      created_at timestamptz not null default now()
    );
    create index appointments_customer on appointments (customer_id, starts_at);
    create index appointments_advisor on appointments (advisor_id, starts_at);

    create table interactions (
      id uuid primary key,
      customer_id uuid references customers (id),
      channel text not null,
      touchpoint text not null,
      direction text not null check (direction in ('inbound', 'outbound')),
      reason text not null,
      started_at timestamptz not null,
      ended_at timestamptz check (ended_at is null or ended_at >= started_at),
      outcome text not null check (outcome in ('resolved', 'handed_off', 'abandoned', 'failed')),
      journey_id uuid not null,
      journey_step integer not null check (journey_step >= 1),
      handoff_from_id uuid references interactions (id),
      source text not null default 'app',
      external_id text,
      details jsonb not null default '{}'
    );
    create index interactions_customer on interactions (customer_id, started_at desc);
    create index interactions_customer_reason on interactions (customer_id, reason, started_at desc);
    create index interactions_journey on interactions (journey_id, journey_step);
    create unique index interactions_external on interactions (source, external_id) where external_id is not null;

    create table survey_answers (
      id uuid primary key,
      interaction_id uuid not null references interactions (id),
      metric text not null check (metric in ('nps', 'csat', 'ces')),
      score integer not null check (
        (metric = 'nps' and score between 0 and 10) or
        (metric = 'csat' and score between 1 and 5) or
        (metric = 'ces' and score between 1 and 7)
      ),
      comment text,
      answered_at timestamptz not null,
      unique (interaction_id, metric)
    );
  `.execute(db);
}
