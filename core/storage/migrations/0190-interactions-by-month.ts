import { sql, type Kysely } from 'kysely';

// The interaction log partitioned by month (of started_at, UTC months): each month's contacts
// and their indexes in a table of their own, so that the log grows by adding months, queries
// bounded in time read only theirs, and old months can be archived whole. A partitioned table
// keeps no unique index across months: a contact's (source, external id) is kept unique in
// interaction_sources, and references to contacts are checked by the code that writes them.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table interactions rename to interactions_by_row;

    -- Whatever referenced a contact by id alone cannot reference a partitioned log.
    do $$
    declare k record;
    begin
      for k in select conrelid::regclass as t, conname from pg_constraint
               where contype = 'f' and confrelid = 'interactions_by_row'::regclass loop
        execute format('alter table %s drop constraint %I', k.t, k.conname);
      end loop;
    end $$;

    create table interactions (
      like interactions_by_row including defaults including constraints,
      primary key (id, started_at),
      foreign key (customer_id) references customers (id)
    ) partition by range (started_at);

    create function interaction_month(at timestamptz) returns text language sql immutable as $f$
      select 'interactions_' || to_char(at at time zone 'UTC', 'YYYY_MM')
    $f$;
    -- Creates the month's partition of the log unless it exists; returns its name.
    create function ensure_interaction_month(at timestamptz) returns text language plpgsql as $f$
    declare
      first timestamptz := date_trunc('month', at at time zone 'UTC') at time zone 'UTC';
      name text := interaction_month(at);
    begin
      if to_regclass(name) is null then
        execute format('create table %I partition of interactions for values from (%L) to (%L)',
          name, first, (first at time zone 'UTC' + interval '1 month') at time zone 'UTC');
      end if;
      return name;
    end $f$;

    -- Every month the log holds, and the next two (mid-month points: month steps land in the right month in any zone).
    select ensure_interaction_month(m)
    from generate_series(
      (date_trunc('month', coalesce((select min(started_at) from interactions_by_row), now()) at time zone 'UTC')
        + interval '14 days') at time zone 'UTC',
      greatest(coalesce((select max(started_at) from interactions_by_row), now()), now()) + interval '2 months',
      interval '1 month') as m;

    insert into interactions select * from interactions_by_row;
    drop table interactions_by_row;

    create index interactions_customer on interactions (customer_id, started_at desc);
    create index interactions_customer_reason on interactions (customer_id, reason, started_at desc);
    create index interactions_journey on interactions (journey_id, journey_step);
    create index interactions_continued on interactions (journey_id, journey_step) where outcome = 'continued';
    create index interactions_started on interactions using brin (started_at);

    create table interaction_sources (
      source text not null,
      external_id text not null,
      interaction_id uuid not null,
      primary key (source, external_id)
    );
    insert into interaction_sources select source, external_id, id from interactions where external_id is not null;

    create trigger interactions_note_reasons after insert on interactions
      referencing new table as new_rows for each statement execute function note_contact_reasons();
    create trigger interactions_census_insert after insert on interactions
      referencing new table as new_rows for each statement execute function census_rollup();
    create trigger interactions_census_update after update on interactions
      referencing new table as new_rows old table as old_rows for each statement execute function census_rollup();
    create trigger interactions_census_delete after delete on interactions
      referencing old table as old_rows for each statement execute function census_rollup();
  `.execute(db);
}
