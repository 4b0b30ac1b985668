import { sql, type Kysely } from 'kysely';

// Messages to customers are written here first and sent by whichever app instance claims them:
// a claim is a lease (status 'sending' until lease_until), so a message goes out once even
// with several instances, and a crashed sender's claim expires and is retried.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table outbox (
      id uuid primary key,
      dedupe_key text not null unique,
      customer_id uuid not null references customers (id),
      appointment_id uuid references appointments (id),
      kind text not null,
      medium text not null check (medium in ('email', 'sms')),
      recipient text not null,
      subject text,
      body text not null,
      attachments jsonb not null default '[]',
      send_after timestamptz not null,
      status text not null check (status in ('pending', 'sending', 'sent', 'failed', 'cancelled')),
      attempts integer not null default 0,
      lease_until timestamptz,
      -- Which claim owns a 'sending' row: only that claimer may complete it.
      claim_token uuid,
      last_error text,
      sent_at timestamptz,
      created_at timestamptz not null default now()
    );
    create index outbox_due on outbox (send_after) where status in ('pending', 'sending');
    create index outbox_appointment on outbox (appointment_id);
  `.execute(db);
}
