import type { ColumnType, Generated } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type CalendarDate = ColumnType<string, string, string>;
type Json<T> = ColumnType<T, string, string>;
/** numeric columns come back as strings from the pg driver. */
type Numeric = ColumnType<string, number | string, number | string>;

export interface PilotsTable {
  id: string;
  code: string;
  name: string;
  channel: string;
  touchpoints: string[];
  reasons: string[];
  objectives: Json<unknown>;
  starts_on: CalendarDate;
  ends_on: CalendarDate;
  status: string;
  segments: string[];
  rollout_percent: Numeric;
  control_percent: Numeric;
  open_to_everyone: boolean;
  closing_survey: boolean;
  within_days: number;
  advisor_share: Numeric;
  /** The explicit list as the definition names it (see migration 0182). */
  named_customer_ids: ColumnType<string[], string[] | undefined, string[]>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface PilotEnrolmentsTable {
  pilot_id: string;
  customer_id: string;
  arm: string;
  via: string;
  enrolled_at: Timestamp;
  invitation_tried_at: Timestamp | null;
  invited_at: Timestamp | null;
}

export interface PilotRatingsTable {
  pilot_id: string;
  criterion: string;
  rating: number;
  note: string;
  rated_by: string | null;
  rated_at: Timestamp;
}

export interface PilotChangesTable {
  id: Generated<string>;
  pilot_id: string;
  at: Timestamp;
  actor_id: string | null;
  actor_name: string;
  action: string;
  summary: string;
}

export interface PilotGuardrailChecksTable {
  pilot_id: string;
  day: CalendarDate;
  claimed_at: Timestamp;
  breached: boolean | null;
}

export interface AnalysisRunsTable {
  id: string;
  kind: string;
  question: string;
  status: string;
  started_at: Timestamp;
  finished_at: Timestamp | null;
  result: Json<unknown> | null;
  error: string | null;
}

export interface ContactReasonsTable {
  reason: string;
  labels: ColumnType<Record<string, string>, string | undefined, string>;
  reason_group: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface PilotTables {
  contact_reasons: ContactReasonsTable;
  pilots: PilotsTable;
  pilot_enrolments: PilotEnrolmentsTable;
  pilot_ratings: PilotRatingsTable;
  pilot_changes: PilotChangesTable;
  pilot_guardrail_checks: PilotGuardrailChecksTable;
  analysis_runs: AnalysisRunsTable;
}
