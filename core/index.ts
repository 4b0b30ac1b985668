// The public surface of core: the vocabulary, customers, billing, contacts, channels and their ports,
// and the storage that implements them. Services, evidence and imports have entry points of their own.
export {
  ChannelPilotError,
  type ErrorCode,
  errorCodes,
  errorStatus,
  type FieldIssue,
  invalidInput,
  notFound,
} from './errors.ts';
export {
  Cents,
  contactMedia,
  ContactMedium,
  dayProblem,
  Instant,
  INSTANT_YEARS,
  IsoDate,
  IsoDateTime,
  Locale,
  locales,
  Segment,
  segments,
  Slug,
  topicName,
  Uuid,
} from './vocabulary.ts';
export { calendarDate, type Clock, REFERENCE_ZONE, systemClock } from './clock.ts';
export { describeIssues, fieldIssues, MAX_NESTING, parseInput, unstorableIssues } from './validation.ts';
export {
  type Account,
  AccountInput,
  AccountKind,
  accountKinds,
  cachedAccounts,
  type Consent,
  ConsentInput,
  consentPurposes,
  consentsInForce,
  consentSources,
  type Customer,
  type CustomerDirectory,
  CustomerInput,
  type CustomerReference,
  type CustomerSearch,
  CustomerUpdate,
  reachableMedia,
} from './customers.ts';
export {
  balance,
  cachedBilling,
  type Balance,
  type Bill,
  type BillComparison,
  type Billing,
  BillInput,
  BillLine,
  billStatus,
  type BillStatus,
  type Change,
  compareBill,
  consumptionUnits,
  type Payment,
  PaymentInput,
  type PaymentMethod,
  paymentMethods,
} from './billing.ts';
export {
  balanceBySupply,
  type BillChange,
  billChanges,
  billForDate,
  type BillReading,
  latestBills,
  risenBills,
  suppliesOf,
  type Supply,
} from './supplies.ts';
export {
  assertSourceOpen,
  DEFAULT_JOURNEY_WINDOW_DAYS,
  directions,
  type Interaction,
  InteractionAmendment,
  InteractionInput,
  type InteractionLoad,
  type InteractionLoader,
  type InteractionLoadResult,
  type InteractionLog,
  type Outcome,
  outcomes,
  type ParsedInteraction,
  reservedSources,
} from './interactions.ts';
export {
  netPromoterScore,
  type SurveyAnswer,
  SurveyAnswerBody,
  SurveyAnswerInput,
  type SurveyAnswers,
  type SurveyMetric,
  surveyScales,
} from './surveys.ts';
export {
  asynchronousChannels,
  type Channel,
  ChannelInput,
  channelKinds,
  type ChannelRegistry,
  isAsynchronous,
  standardChannels,
} from './channels.ts';
export {
  can,
  decoyPasswordHash,
  hashPassword,
  LOGIN_FAILURE_LIMIT,
  newSessionToken,
  type Permission,
  permissions,
  Role,
  roles,
  sessionTokenHash,
  type StaffDirectory,
  type StaffSession,
  type StaffUser,
  StaffUserInput,
  verifyPassword,
} from './staff.ts';
export { createCustomerContext, type CustomerContext, type CustomerContextView } from './customer-context.ts';
export { openDatabase, type DatabaseLocation, type StorageHandle } from './storage/database.ts';
export { oneAtATime } from './storage/own-session.ts';
export { yieldOwnCpu } from './storage/background-sessions.ts';
export { restoreBackup, writeBackup } from './storage/data-transfer.ts';
export { createPostgresStores, type Stores } from './storage/postgres-stores.ts';
export type { Database } from './storage/schema.ts';
export { translateDatabaseError } from './storage/database-errors.ts';
export {
  createSignedLinks,
  type LinkAction,
  linkActions,
  type LinkClaims,
  type LinkInspection,
  type SignedLinks,
} from './signed-links.ts';
export { FORM_PAGE_REFERRER_POLICY, formFromOtherSite, fromThisSite } from './request-origin.ts';
export { signVisit, verifyVisit, VISIT_TTL_MS, type CustomerVisit } from './page-visits.ts';
export {
  type Attachment,
  createOutboxDispatcher,
  messageAddress,
  type MessageAddress,
  type MessageMedium,
  type QueuedMessage,
  type MessageSender,
  type MessageStatus,
  type NewMessage,
  type Outbox,
  type OutboxMessage,
} from './notifications.ts';
export { sharedSecret } from './storage/postgres-shared-secret.ts';
export { readSetting, writeSetting } from './storage/postgres-app-settings.ts';
export {
  cachedChannelAccess,
  type ChannelAccess,
  type ChannelPermit,
  everyoneMayUse,
} from './channel-access.ts';
export {
  createExpiringCache,
  DEFAULT_TURN_CACHE_MS,
  TOLD_TURN_CACHE_MS,
  type ExpiringCacheOptions,
} from './expiring-cache.ts';
export { createTimeOrderedIds } from './ids.ts';
export { ById, ByToken, createRecordLookups } from './record-lookups.ts';
export {
  type BackgroundWork,
  type BrowserBundle,
  type ChannelCommand,
  type ChannelDeps,
  type ChannelLog,
  type ChannelModule,
  type ChannelRoute,
  type CommandGroup,
  type CommandInput,
  type CommandOption,
  type CustomerDocument,
  type HttpHandler,
  type HttpMethod,
  type Markup,
  type OperationDescription,
  type PageKit,
  type RouteKit,
} from './channel-module.ts';
export {
  AccountSchema,
  AdvisorSchema,
  AppointmentSchema,
  BalanceSchema,
  BillComparisonSchema,
  BillSchema,
  BillWithComparisonSchema,
  ChannelSchema,
  ConsentSchema,
  CustomerContextSchema,
  CustomerSchema,
  InteractionSchema,
  page,
  PaymentSchema,
  ProblemSchema,
  StaffUserSchema,
  SurveyAnswerSchema,
} from './api-schemas.ts';
export type { Broadcast } from './broadcast.ts';
export { createPostgresBroadcast, LISTENER_NAME, TOLD_TOPICS } from './storage/postgres-broadcast.ts';
