import { sql, type Kysely } from 'kysely';

// The database tells every instance whose bills or payments changed (whoever changes them: the
// app, an import, the seed, SQL), and each forgets what it kept of those customers' bills for
// conversations. A statement names each customer its rows belong to, or every answer ("null")
// when they are more than 100 (a billing run's bills) or the table is emptied.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create function told_customers() returns trigger language plpgsql as $$
    declare
      heard text[];
      customer text;
    begin
      if tg_op = 'INSERT' then
        heard := array(select distinct customer_id::text from changed limit 101);
      elsif tg_op = 'DELETE' then
        heard := array(select distinct customer_id::text from gone limit 101);
      elsif tg_op = 'UPDATE' then
        heard := array(select customer_id::text from changed union select customer_id::text from gone limit 101);
      end if;
      if heard is null or cardinality(heard) > 100 then
        perform pg_notify('channel_pilot_broadcast', json_build_object('topic', tg_argv[0], 'payload', 'null')::text);
        return null;
      end if;
      foreach customer in array heard loop
        perform pg_notify('channel_pilot_broadcast',
          json_build_object('topic', tg_argv[0], 'payload', to_json(customer)::text)::text);
      end loop;
      return null;
    end $$;
  `.execute(db);
  for (const table of ['bills', 'payments']) {
    await sql`
      create trigger ${sql.raw(`${table}_told_insert`)} after insert on ${sql.table(table)}
        referencing new table as changed
        for each statement execute function told_customers('customer bills');
      create trigger ${sql.raw(`${table}_told_update`)} after update on ${sql.table(table)}
        referencing old table as gone new table as changed
        for each statement execute function told_customers('customer bills');
      create trigger ${sql.raw(`${table}_told_delete`)} after delete on ${sql.table(table)}
        referencing old table as gone
        for each statement execute function told_customers('customer bills');
      create trigger ${sql.raw(`${table}_told_truncate`)} after truncate on ${sql.table(table)}
        for each statement execute function told_customers('customer bills');
    `.execute(db);
  }
}
