import type { ColumnType, Generated } from 'kysely';
import type { ConsultationTables } from './consultation-schema.ts';
import type { PilotTables } from './pilot-schema.ts';
import type { LiveChatTables } from './live-chat-schema.ts';
import type { ChatConsoleTables } from './chat-console-schema.ts';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
/** Dates travel as 'YYYY-MM-DD' strings both ways (the pg driver is told not to parse them). */
type CalendarDate = ColumnType<string, string, string>;
type Json<T> = ColumnType<T, string, string>;

export interface ChannelsTable {
  code: string;
  name: string;
  kind: string;
  staffed: Generated<boolean>;
  touchpoints: Json<{ code: string; name: string }[]>;
}

export interface CustomersTable {
  id: string;
  first_name: string;
  last_name: string;
  locale: string;
  phone: string | null;
  email: string | null;
  segment: string;
  preferred_medium: string | null;
  created_at: DefaultTimestamp;
  source: ColumnType<string | null, string | null | undefined, string | null>;
  external_ref: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface ConsentsTable {
  id: string;
  customer_id: string;
  purpose: string;
  medium: string | null;
  granted: boolean;
  given_at: Timestamp;
  source: string;
}

export interface AccountsTable {
  id: string;
  customer_id: string;
  number: string;
  kind: string;
  supply_address: string;
  tariff: string;
  started_on: CalendarDate;
  closed_on: CalendarDate | null;
}

export interface BillsTable {
  id: string;
  account_id: string;
  customer_id: string;
  number: string;
  period_start: CalendarDate;
  period_end: CalendarDate;
  issued_on: CalendarDate;
  due_on: CalendarDate;
  currency: Generated<string>;
  amount_cents: number;
  consumption_quantity: ColumnType<string | null, number | null, number | null>;
  consumption_unit: string | null;
  lines: Json<unknown[]>;
  cancelled: Generated<boolean>;
}

export interface PaymentsTable {
  id: string;
  customer_id: string;
  bill_id: string | null;
  amount_cents: number;
  paid_at: Timestamp;
  method: string;
  channel: string;
  /** The payment provider's reference, unique: set for payments a provider confirmed. */
  reference: Generated<string | null>;
}

export interface StaffUsersTable {
  id: string;
  username: string;
  display_name: string;
  role: string;
  password_hash: string;
  created_at: DefaultTimestamp;
  disabled_at: Timestamp | null;
}

export interface StaffSessionsTable {
  token_hash: string;
  user_id: string;
  created_at: DefaultTimestamp;
  expires_at: Timestamp;
}

export interface AdvisorsTable {
  id: string;
  name: string;
  email: string;
  languages: string[];
  topics: string[];
  time_zone: string;
  working_hours: Json<unknown[]>;
  staff_user_id: string | null;
}

export interface AppointmentsTable {
  id: string;
  customer_id: string;
  advisor_id: string;
  topic: string;
  locale: string;
  starts_at: Timestamp;
  ends_at: Timestamp;
  status: string;
  booked_via: string;
  journey_id: string | null;
  cancel_reason: string | null;
  /** The time the appointment keeps the advisor busy, buffers included: a tstzrange. */
  blocked: ColumnType<string, string, string>;
  created_at: DefaultTimestamp;
}

export interface InteractionsTable {
  id: string;
  customer_id: string | null;
  channel: string;
  touchpoint: string;
  direction: string;
  reason: string;
  started_at: Timestamp;
  ended_at: Timestamp | null;
  outcome: string;
  journey_id: string;
  journey_step: number;
  /** Position among the journey's settled contacts; null for a turn that asked back. */
  settled_step: Generated<number | null>;
  /** The previous settled contact of the same customer and reason, when it started at most 30 days before. */
  previous_channel: Generated<string | null>;
  previous_started_at: Generated<Date | null>;
  previous_gap_days: Generated<number | null>;
  /** The customer's segment, kept in step with the customer's. */
  segment: Generated<string | null>;
  handoff_from_id: string | null;
  source: Generated<string>;
  external_id: string | null;
  details: Json<Record<string, unknown>>;
}

/** A contact's id in the system it came from, unique per source across the whole log. */
export interface InteractionSourcesTable {
  source: string;
  external_id: string;
  interaction_id: string;
}

export interface SurveyAnswersTable {
  id: string;
  interaction_id: string;
  metric: string;
  score: number;
  comment: string | null;
  answered_at: Timestamp;
}

export interface AdvisorOverridesTable {
  id: string;
  advisor_id: string;
  day: CalendarDate;
  hours: Json<unknown[]>;
  reason: string | null;
}

export interface AppSecretsTable {
  name: string;
  value: Buffer;
  created_at: DefaultTimestamp;
}

export interface AppSettingsTable {
  name: string;
  value: string;
  updated_at: DefaultTimestamp;
}

export interface BillCommunicationsTable {
  id: string;
  bill_id: string;
  customer_id: string;
  style: string;
  medium: string;
  pilot_id: string | null;
  arm: string | null;
  sent_interaction_id: string;
  created_at: Timestamp;
}

export interface OutboxTable {
  id: string;
  dedupe_key: string;
  customer_id: string;
  appointment_id: string | null;
  kind: string;
  medium: string;
  recipient: string;
  subject: string | null;
  body: string;
  html: ColumnType<string | null, string | null | undefined, string | null>;
  attachments: Json<unknown[]>;
  send_after: Timestamp;
  bulk: Generated<boolean>;
  status: string;
  attempts: Generated<number>;
  lease_until: Timestamp | null;
  claim_token: string | null;
  last_error: string | null;
  sent_at: Timestamp | null;
  created_at: DefaultTimestamp;
}

export interface LoginFailuresTable {
  username: string;
  failed_at: Timestamp;
}

export interface AccountLinkCodesTable {
  id: string;
  customer_id: string;
  code_hash: string;
  expires_at: Timestamp;
  used_at: Timestamp | null;
  created_at: DefaultTimestamp;
}

export interface AccountLinksTable {
  platform: string;
  platform_user_id: string;
  customer_id: string;
  linked_at: Timestamp;
}

export interface AccountLinkFailuresTable {
  platform: string;
  platform_user_id: string;
  device_id: string | null;
  failed_at: Timestamp;
}

export interface CallbackRequestsTable {
  id: string;
  customer_id: string;
  interaction_id: string | null;
  channel: string;
  reason: string;
  summary: string;
  context: Json<Record<string, unknown>>;
  status: string;
  created_at: Timestamp;
  done_at: Timestamp | null;
  done_by: string | null;
}

export interface ImportProfilesTable {
  name: string;
  profile: Json<unknown>;
  updated_at: Timestamp;
}

export interface ImportRunsTable {
  id: string;
  kind: string;
  source: string;
  profile: string | null;
  file_name: string | null;
  started_by: string | null;
  started_at: Timestamp;
  finished_at: Timestamp | null;
  status: string;
  bytes_read: ColumnType<number, number | undefined, number>;
  bytes_total: number | null;
  summary: Json<unknown> | null;
  error: string | null;
  /** The run's process holds its lease (an advisory lock) while it runs. */
  leased: ColumnType<boolean, boolean | undefined, boolean>;
  digest: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface Database extends ConsultationTables, PilotTables, LiveChatTables, ChatConsoleTables {
  import_profiles: ImportProfilesTable;
  import_runs: ImportRunsTable;
  account_link_codes: AccountLinkCodesTable;
  account_links: AccountLinksTable;
  account_link_failures: AccountLinkFailuresTable;
  callback_requests: CallbackRequestsTable;
  login_failures: LoginFailuresTable;
  outbox: OutboxTable;
  app_secrets: AppSecretsTable;
  app_settings: AppSettingsTable;
  advisor_overrides: AdvisorOverridesTable;
  channels: ChannelsTable;
  customers: CustomersTable;
  consents: ConsentsTable;
  accounts: AccountsTable;
  bills: BillsTable;
  payments: PaymentsTable;
  staff_users: StaffUsersTable;
  staff_sessions: StaffSessionsTable;
  advisors: AdvisorsTable;
  appointments: AppointmentsTable;
  interactions: InteractionsTable;
  interaction_sources: InteractionSourcesTable;
  survey_answers: SurveyAnswersTable;
  bill_communications: BillCommunicationsTable;
  bill_style_designs: { pilot_id: string; design: Json<unknown> };
}
