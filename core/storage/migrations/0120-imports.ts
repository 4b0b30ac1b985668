import { sql, type Kysely } from 'kysely';

// Imports in other systems' shapes: customers keep the code their CRM knows them by, contact
// reasons become a catalogue with labels and groups, mapping profiles are saved by name, and
// every import leaves a record of what it did.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table customers add column source text;
    alter table customers add column external_ref text;
    create unique index customers_reference on customers (source, external_ref) where external_ref is not null;

    alter table contact_reasons add column labels jsonb not null default '{}';
    alter table contact_reasons add column reason_group text;

    create table import_profiles (
      name text primary key,
      profile jsonb not null,
      updated_at timestamptz not null
    );

    create table import_runs (
      id uuid primary key,
      kind text not null check (kind in ('interactions', 'customers')),
      source text not null,
      profile text,
      file_name text,
      started_by uuid references staff_users (id) on delete set null,
      started_at timestamptz not null,
      finished_at timestamptz,
      status text not null check (status in ('running', 'done', 'failed')),
      bytes_read bigint not null default 0,
      bytes_total bigint,
      summary jsonb,
      error text
    );
    create index import_runs_recent on import_runs (started_at desc);
  `.execute(db);
}
