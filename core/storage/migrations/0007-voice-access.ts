import { sql, type Kysely } from 'kysely';

// Account linking by one-time code, callback requests a channel hands to the call centre, and the
// outcome of a conversational turn that asked the customer something and goes on.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table account_link_codes (
      id uuid primary key,
      customer_id uuid not null references customers (id),
      code_hash text not null,
      expires_at timestamptz not null,
      used_at timestamptz,
      created_at timestamptz not null default now()
    );
    -- A live code is unique, so that saying it names one customer.
    create unique index account_link_codes_live on account_link_codes (code_hash) where used_at is null;
    create index account_link_codes_by_hash on account_link_codes (code_hash);

    create table account_links (
      platform text not null,
      platform_user_id text not null,
      customer_id uuid not null references customers (id),
      linked_at timestamptz not null,
      primary key (platform, platform_user_id)
    );

    create table account_link_failures (
      platform text not null,
      platform_user_id text not null,
      failed_at timestamptz not null
    );
    create index account_link_failures_recent on account_link_failures (platform, platform_user_id, failed_at);

    create table callback_requests (
      id uuid primary key,
      customer_id uuid not null references customers (id),
      -- The asking contact may be logged just after the request is stored: no foreign key.
      interaction_id uuid,
      channel text not null,
      reason text not null,
      summary text not null,
      context jsonb not null default '{}',
      status text not null default 'open' check (status in ('open', 'done')),
      created_at timestamptz not null,
      done_at timestamptz,
      done_by uuid references staff_users (id)
    );
    alter table interactions drop constraint interactions_outcome_check;
    alter table interactions add constraint interactions_outcome_check
      check (outcome in ('resolved', 'handed_off', 'abandoned', 'failed', 'continued'));

    create index callback_requests_open on callback_requests (created_at) where status = 'open';
  `.execute(db);
}
