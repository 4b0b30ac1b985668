import { sql, type Kysely } from 'kysely';

// The database tells every instance of the app, on the channel they listen on, when who may use a
// channel or who a voice platform's user is changes, whoever changes it (the app, the CLI, SQL):
// each forgets what it kept of it. A notice goes out when its transaction commits, not before.
// Pilots and their enrolments: every answer ("null"); a link: its platform and user.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create function told_channel_access() returns trigger language plpgsql as $$
    begin
      perform pg_notify('channel_pilot_broadcast', json_build_object('topic', 'channel access', 'payload', 'null')::text);
      return null;
    end $$;

    create trigger pilots_told after insert or update or delete or truncate on pilots
      for each statement execute function told_channel_access();
    -- An invitation sent (invited_at) changes nobody's access.
    create trigger pilot_enrolments_told
      after insert or delete or truncate or update of pilot_id, customer_id, arm on pilot_enrolments
      for each statement execute function told_channel_access();

    -- A key too long for a notice (8,000 bytes) forgets every link instead.
    create function told_account_link_key(platform text, platform_user_id text) returns text
      language sql immutable as $$
        select case when octet_length(platform_user_id) > 7000 then 'null'
          else to_json(platform || ':' || platform_user_id)::text end
      $$;

    create function told_account_link() returns trigger language plpgsql as $$
    begin
      if tg_op = 'TRUNCATE' then
        perform pg_notify('channel_pilot_broadcast', json_build_object('topic', 'account links', 'payload', 'null')::text);
        return null;
      end if;
      if tg_op in ('UPDATE', 'DELETE') then
        perform pg_notify('channel_pilot_broadcast', json_build_object('topic', 'account links',
          'payload', told_account_link_key(old.platform, old.platform_user_id))::text);
      end if;
      if tg_op in ('INSERT', 'UPDATE') then
        perform pg_notify('channel_pilot_broadcast', json_build_object('topic', 'account links',
          'payload', told_account_link_key(new.platform, new.platform_user_id))::text);
      end if;
      return null;
    end $$;

    create trigger account_links_told after insert or update or delete on account_links
      for each row execute function told_account_link();
    create trigger account_links_truncate_told after truncate on account_links
      for each statement execute function told_account_link();
  `.execute(db);
}
