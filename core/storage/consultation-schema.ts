import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

/** A media-server event already applied, by its id. */
export interface ConsultationEventsTable {
  event_id: string;
  appointment_id: string;
  received_at: DefaultTimestamp;
}

/** One consultation per appointment: when both sides were first present, and how it ended. */
export interface ConsultationsTable {
  appointment_id: string;
  started_at: Timestamp | null;
  ended_at: Timestamp | null;
  ended_by: string | null;
  journey_recorded: Generated<boolean>;
  updated_at: DefaultTimestamp;
}

/** One connection of one participant to an appointment's room. */
export interface ConsultationSessionsTable {
  appointment_id: string;
  session_id: string;
  role: string;
  identity: string;
  joined_at: Timestamp | null;
  left_at: Timestamp | null;
  end_reason: string | null;
}

/** Tables of the video consultation lifecycle (rooms, webhook events). */
export interface ConsultationTables {
  consultation_events: ConsultationEventsTable;
  consultations: ConsultationsTable;
  consultation_sessions: ConsultationSessionsTable;
}
