import { sql, type Kysely } from 'kysely';

// The video consultation lifecycle: which media-server events were processed (a redelivered
// webhook is applied once, whichever instance receives it), each participant's connections,
// and each consultation's real start, end and journey entry.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table consultation_events (
      event_id text primary key,
      appointment_id uuid not null references appointments (id) on delete cascade,
      received_at timestamptz not null default now()
    );
    create index consultation_events_received on consultation_events (received_at);

    create table consultations (
      appointment_id uuid primary key references appointments (id) on delete cascade,
      started_at timestamptz,
      ended_at timestamptz check (ended_at is null or started_at is null or ended_at >= started_at),
      ended_by text check (ended_by in ('advisor', 'customer', 'room', 'no_show')),
      journey_recorded boolean not null default false,
      updated_at timestamptz not null default now()
    );
    create index consultations_unrecorded on consultations (ended_at)
      where ended_at is not null and not journey_recorded;

    create table consultation_sessions (
      appointment_id uuid not null references appointments (id) on delete cascade,
      session_id text not null,
      role text not null check (role in ('advisor', 'customer')),
      identity text not null,
      joined_at timestamptz,
      left_at timestamptz,
      end_reason text check (end_reason in ('left', 'replaced', 'connection_aborted', 'room_finished')),
      primary key (appointment_id, session_id),
      check ((left_at is null) = (end_reason is null))
    );

    -- The no-show sweep looks for appointments still booked after their start.
    create index appointments_booked_start on appointments (starts_at) where status = 'booked';
  `.execute(db);
}
