import { sql, type Kysely } from 'kysely';
import { recomputeRollups, rollupSchema, TRANSITION_DAYS } from '../census-rollup-sql.ts';

// The census from rollups kept current as contacts arrive. Each contact carries what the rollups
// need of its neighbours (its settled step in its journey, the previous contact for the same
// reason, whose transition it is)
// and of its customer (the segment), so that a statement-level trigger can add and take away its
// part whatever writes it. Contacts are ordered by (started_at, source, external_id, id), bytewise.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table interactions
      add column segment text,
      add column settled_step smallint,
      add column previous_channel text,
      add column previous_started_at timestamptz,
      add column previous_gap_days smallint check (previous_gap_days between 0 and ${sql.lit(TRANSITION_DAYS)});

    update interactions i set segment = c.segment from customers c where c.id = i.customer_id;

    -- Steps follow the contacts' order, whatever order they were written in: a late contact moves
    -- the ones after it, inside one transaction.
    drop index interactions_journey_step;
    alter table interactions add constraint interactions_journey_step
      unique (journey_id, journey_step) deferrable initially deferred;

    with ordered as (
      select id,
        row_number() over (partition by journey_id
          order by started_at, source collate "C", external_id collate "C", id) as step,
        case when outcome <> 'continued' then row_number() over (partition by journey_id, outcome = 'continued'
          order by started_at, source collate "C", external_id collate "C", id) end as settled
      from interactions)
    update interactions i set journey_step = o.step, settled_step = least(o.settled, 32767)
    from ordered o where o.id = i.id;

    with counted as (
      select id, started_at,
        lag(channel) over w as previous_channel, lag(started_at) over w as previous_at
      from interactions where outcome <> 'continued' and customer_id is not null
      window w as (partition by customer_id, reason
        order by started_at, source collate "C", external_id collate "C", id))
    update interactions i set
      previous_channel = c.previous_channel,
      previous_started_at = c.previous_at,
      previous_gap_days = ceil(extract(epoch from c.started_at - c.previous_at) / 86400)
    from counted c
    where c.id = i.id and c.previous_at >= c.started_at - interval '${sql.raw(String(TRANSITION_DAYS))} days';

    -- A day of contacts for the rare rebuild of a day's reach; small, and cheap to keep.
    create index interactions_started on interactions using brin (started_at);
  `.execute(db);
  await sql.raw(rollupSchema()).execute(db);
  await sql`
    create trigger interactions_census_insert after insert on interactions
      referencing new table as new_rows for each statement execute function census_rollup();
    create trigger interactions_census_update after update on interactions
      referencing new table as new_rows old table as old_rows for each statement execute function census_rollup();
    create trigger interactions_census_delete after delete on interactions
      referencing old table as old_rows for each statement execute function census_rollup();

    -- A customer who changes segment takes their contacts along.
    create function interactions_follow_segment() returns trigger language plpgsql as $$
    begin
      update interactions i set segment = n.segment
      from new_rows n join old_rows o on o.id = n.id
      where n.segment is distinct from o.segment and i.customer_id = n.id;
      return null;
    end $$;
    create trigger customers_segment after update on customers
      referencing new table as new_rows old table as old_rows for each statement
      execute function interactions_follow_segment();
  `.execute(db);
  await sql.raw(recomputeRollups()).execute(db);
}
