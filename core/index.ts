// The public surface of core: the domain, its ports and the storage that implements them.
export {
  ChannelPilotError,
  type ErrorCode,
  errorCodes,
  type FieldIssue,
  invalidInput,
  notFound,
} from './errors.ts';
export {
  Cents,
  contactMedia,
  ContactMedium,
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
  type Advisor,
  AdvisorInput,
  type AdvisorRoster,
  type Appointment,
  AppointmentInput,
  type AppointmentStatus,
  appointmentStatuses,
  type ScheduledAppointment,
  WorkingHours,
} from './advisors.ts';
export {
  assertSourceOpen,
  DEFAULT_JOURNEY_WINDOW_DAYS,
  directions,
  type Interaction,
  InteractionAmendment,
  InteractionInput,
  type InteractionLog,
  type Outcome,
  outcomes,
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
export {
  type AdvisorOverride,
  AdvisorOverrideInput,
  type AppointmentBook,
  blockedTime,
  BookingRequest,
  BookingRules,
  type BusyPeriod,
  localDay,
  rankAdvisors,
  type Slot,
  SlotQuery,
  workingSlots,
} from './booking.ts';
export { type BookingService, createBookingService } from './booking-service.ts';
export {
  type ClosedDay,
  ClosedDaySpec,
  createClosedDays,
  easterSunday,
  italianPublicHolidays,
} from './holidays.ts';
export { openDatabase, type DatabaseLocation, type StorageHandle } from './storage/database.ts';
export { restoreBackup, writeBackup } from './storage/data-transfer.ts';
export { createPostgresStores, type Stores } from './storage/postgres-stores.ts';
export type { Database } from './storage/schema.ts';
export { translateDatabaseError } from './storage/database-errors.ts';
export {
  createPostgresBulkLoader,
  type BulkLoader,
  type BillRecord,
  type CustomerRecord,
} from './storage/postgres-bulk-loader.ts';
export {
  createSignedLinks,
  type LinkAction,
  linkActions,
  type LinkClaims,
  type LinkInspection,
  type SignedLinks,
} from './signed-links.ts';
export {
  type Attachment,
  createOutboxDispatcher,
  messageAddress,
  type MessageAddress,
  type MessageMedium,
  type MessageSender,
  type MessageStatus,
  type NewMessage,
  type Outbox,
  type OutboxMessage,
} from './notifications.ts';
export {
  type AppointmentNotices,
  type AppointmentUrls,
  createAppointmentNotices,
} from './appointment-notices.ts';
export { type ConsultationDesk, createConsultationDesk, type DeskChange } from './consultation-desk.ts';
export {
  advanceConsultation,
  appointmentIdOfRoom,
  assertJoinable,
  consultationDurationMs,
  type ConsultationEvent,
  type ConsultationParticipant,
  type ConsultationPolicy,
  type ConsultationRole,
  consultationRoles,
  type ConsultationRoomLimits,
  consultationRoomName,
  type ConsultationRooms,
  type ConsultationSession,
  type ConsultationState,
  consultationWindow,
  defaultConsultationPolicy,
  expireConsultation,
  finalStatuses,
  parseParticipantIdentity,
  participantIdentity,
  type SessionEndReason,
  sidesThatCame,
} from './consultations.ts';
export {
  type ApplyResult,
  type ConsultationLifecycle,
  type ConsultationLog,
  type ConsultationRecord,
  createConsultationLifecycle,
} from './consultation-lifecycle.ts';
export { sharedSecret } from './storage/postgres-shared-secret.ts';
export { readSetting, writeSetting } from './storage/postgres-app-settings.ts';
export { createPostgresConsultationLog } from './storage/postgres-consultation-log.ts';
export {
  type AccountLinking,
  type AccountLinkStore,
  cachedAccountLinks,
  type CodeRedemption,
  createAccountLinking,
  LINK_CODE_RULES,
  type StoredRedemption,
} from './account-linking.ts';
export { type CallbackQueue, type CallbackRequest, CallbackRequestInput } from './callbacks.ts';
export {
  cachedChannelAccess,
  type ChannelAccess,
  type ChannelPermit,
  everyoneMayUse,
} from './channel-access.ts';
export { createExpiringCache, DEFAULT_TURN_CACHE_MS, type ExpiringCacheOptions } from './expiring-cache.ts';
export {
  createPaymentLinks,
  PAYMENT_LINK_TTL_MS,
  type PaymentLinks,
  type PaymentPage,
  type PaymentProvider,
} from './payment-links.ts';
export {
  billPaymentPayload,
  EPC_MAX_BYTES,
  isValidCreditorTaxCode,
  noticeCheckDigits,
  noticeCodeProblem,
  pagoPaNoticeCode,
  pagoPaPayload,
  type PaymentCodeScheme,
  type SepaTransfer,
  sepaTransferPayload,
} from './payment-codes.ts';
export {
  BILL_LINK_SOURCE,
  BILL_LINK_TTL_MS,
  BILL_SENT_SOURCE,
  type BillCommunication,
  type BillCommunicationStore,
  type BillLinks,
  billMedia,
  type BillMedium,
  billMediumContact,
  billMediumFor,
  type BillPage,
  type BillStyle,
  billStyles,
  type BillView,
  CHART_MONTHS,
  createBillLinks,
  isPaperless,
  type NewBillCommunication,
} from './bill-communications.ts';
export {
  BILL_STYLE_CHANNEL,
  type CommunicationFacts,
  communicationOutcome,
  type CommunicationOutcome,
  holmAdjusted,
  type StyleArmReport,
  styleArmOf,
  StylePilotDesign,
  styleReport,
  styleReportOf,
  type UnitCosts,
} from './bill-styles.ts';
export { createPostgresBillCommunications } from './storage/postgres-bill-communications.ts';
export {
  BILL_CONSULTATION_TOPIC,
  BILL_PAPERLESS_SOURCE,
  BillBookingInput,
  type BillPageActions,
  createBillPageActions,
  PaperlessInput,
} from './bill-page-actions.ts';
export {
  DEFAULT_CUSTOMER_SOURCE,
  importInteractions,
  type InteractionImportOptions,
  reasonCode,
} from './interaction-import.ts';
export { importCustomers, maskPreview, personalColumns } from './customer-import.ts';
export {
  createSummary,
  describeCounts,
  describeGroup,
  describeNotes,
  describeProblem,
  IMPORT_BATCH,
  type ImportKind,
  type ImportRejection,
  type ImportRow,
  importRows,
  type ImportSummary,
  PREVIEW_ROWS,
  type RejectionGroup,
  REJECTIONS_KEPT,
  type RowProblem,
  type SummaryBuilder,
} from './import-summary.ts';
export {
  type CustomerColumn,
  customerColumns,
  importColumnNames,
  importDelimiters,
  type ImportEncoding,
  importEncodings,
  ImportProfile,
  type ImportProfileInput,
  type ImportProfileStore,
  type InteractionColumn,
  interactionColumns,
  mappableColumns,
  plainProfile,
  type SavedImportProfile,
} from './import-profiles.ts';
export { importKinds, type ImportRun, type ImportRuns, type ImportRunStart } from './import-runs.ts';
export {
  createDateTimeReader,
  createLabelMap,
  type DateTimeReader,
  defaultDateFormats,
  isTimeZone,
  type LabelMap,
  type LocalTimeKind,
  normalizeLabel,
  type ReadDateTime,
} from './import-values.ts';
export {
  type ContactReason,
  ContactReasonInput,
  type ReasonCatalogue,
  registerStandards,
  standardReasons,
} from './reasons.ts';
export {
  type Census,
  CensusFilter,
  CensusFilterFields,
  type CensusSource,
  contactsPerCustomer,
  daysBetween,
  defaultCensusRange,
  LAST_STEP_BUCKET,
} from './census.ts';
export {
  type AnalysesOptions,
  type AnalysisAnswer,
  type AnalysisKind,
  analysisKinds,
  type AnalysisRun,
  type AnalysisRunStore,
  createAnalyses,
} from './analyses.ts';
export {
  type Arm,
  CohortRules,
  DRAW_BUCKETS,
  drawBucket,
  drawnArm,
  type Enrolment,
  Objective,
  type ObjectiveMetric,
  objectiveMetrics,
  type Pilot,
  PilotInput,
  type PilotRating,
  type PilotStatus,
  pilotStatuses,
  type PilotStore,
  pilotTransitions,
} from './pilots.ts';
export { createPilotDesk, type PilotDesk, PilotRatingInput } from './pilot-desk.ts';
export {
  type AdjustedComparison,
  type ArmComparison,
  BASELINE_WEEKS,
  type Estimate,
  type PilotMetrics,
  type PilotMetricsSource,
  type WeeklyFigures,
} from './pilot-metrics.ts';
export {
  type Actor,
  describeRevision,
  type PilotChange,
  pilotChangeActions,
  type PilotLog,
  staffActor,
} from './pilot-log.ts';
export { createGuardrailWatch, GUARDRAIL_ACTOR, type GuardrailWatch } from './guardrail-watch.ts';
export {
  type Bounds,
  compareMeans,
  compareSummaries,
  createMomentAccumulator,
  incomparable,
  meanEstimate,
  median,
  minimumDetectableEffect,
  type MomentAccumulator,
  type Moments,
  proportionEstimate,
  relativeChange,
  type SampleSummary,
  splitGoodnessOfFit,
  summarize,
  summaryEstimate,
  symmetricEstimate,
  type WelchResult,
  welchTTest,
  wilsonInterval,
} from './statistics.ts';
export {
  SEQUENTIAL_ALPHA,
  SEQUENTIAL_TUNED_FOR,
  sequentialPValue,
  sequentialRhoSquared,
  sequentialTuning,
  type SequentialTuning,
  sequentialZ,
} from './sequential.ts';
export {
  compareNps,
  createNpsByCustomer,
  customerNps,
  type NpsByCustomer,
  npsCategory,
  type NpsCounts,
  npsEstimate,
} from './nps-statistics.ts';
export {
  adjustArms,
  adjustedSummary,
  compareAdjusted,
  type CovariateMoments,
  createCovariateAccumulator,
  outcomeMoments,
  pooledTheta,
  type VarianceReduction,
} from './variance-reduction.ts';
export { WEEKLY_NPS_MIN_ANSWERS } from './pilot-weekly-tally.ts';
export {
  chiSquareOneDfPValue,
  chiSquareSf,
  complementaryErrorFunction,
  logGamma,
  normalCdf,
  normalQuantile,
  regularizedGammaP,
  regularizedGammaQ,
  regularizedIncompleteBeta,
  studentTCdf,
  studentTQuantile,
  studentTSf,
  studentTTwoSidedPValue,
  twoSidedPValueFromZ,
  Z_95,
} from './distributions.ts';
export {
  type Capacity,
  criteria,
  type Criterion,
  type CriterionAssessment,
  criterionQuestions,
  type JudgingRule,
  type PilotReportData,
  type Recommendation,
  type Scorecard,
  type ScorecardEvidence,
  type TimeToVerdict,
  type Verdict,
} from './scorecard.ts';
export { defaultThresholds, evaluateScorecard, guardrailLimits, judge } from './scorecard-rules.ts';
export { type StyleArmScorecard, styleScorecards } from './style-scorecard.ts';
export { explain, ruleText, timeToVerdict, verdictOf } from './scorecard-explain.ts';
export { assessCapacity, ASSUMED_TAKE_UP, CAPACITY_WARNING_SHARE, type CapacityInput } from './capacity.ts';
export { createPilotReports, type PilotReports, RELEVANCE_WEEKS } from './pilot-reports.ts';
export { censusCsv, type CensusTable, censusTables, NO_NEXT_CHANNEL } from './census-csv.ts';
export { createPostgresCensusSource } from './storage/postgres-census.ts';
export { createPostgresPilotMetricsSource } from './storage/postgres-pilot-metrics.ts';
export {
  censusForManagers,
  cohortSizeForManagers,
  DEFAULT_MINIMUM_GROUP,
  mapAnswer,
  pilotReportForManagers,
} from './small-groups.ts';
export { createTimeOrderedIds } from './ids.ts';
export { ById, ByToken, createRecordLookups } from './record-lookups.ts';
export {
  type BackgroundWork,
  type BrowserBundle,
  type ChannelDeps,
  type ChannelLog,
  type ChannelModule,
  type ChannelRoute,
  type HttpHandler,
  type HttpMethod,
  type OperationDescription,
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
export { createAppointmentIntents } from './conversation/appointment-intents.ts';
export { createBillIntents } from './conversation/bill-intents.ts';
export {
  createLinkingIntent,
  linkingTurn,
  type LinkingReply,
  type LinkingRequest,
} from './conversation/linking-intent.ts';
export { speak } from './conversation/messages.ts';
export { createServiceIntents } from './conversation/service-intents.ts';
export { sessionMessages, type SessionMessages } from './conversation/session-messages.ts';
export {
  answerOf,
  createConversationSession,
  customerIntentNames,
  remember,
  settledForTurn,
  type CustomerIntentName,
  type SessionAnswer,
  type SessionEvent,
  type SessionState,
  type Slots,
} from './conversation/session.ts';
export { createTurnLog } from './conversation/turn-log.ts';
export {
  createCustomerIntents,
  createLoggedConversation,
  type CustomerIntents,
} from './conversation/customer-conversation.ts';
export {
  chatAuthors,
  ChatCloseOutcome,
  chatIdentities,
  chatStatuses,
  type ChatAuthor,
  type ChatConversation,
  type ChatIdentity,
  type ChatMessage,
  type ChatStatus,
  type LiveChatStore,
  type QueuedChat,
  type QuickReply,
} from './live-chat.ts';
export { createLiveChatDesk, type LiveChatDesk } from './live-chat-desk.ts';
export type { Broadcast } from './broadcast.ts';
export { createPostgresBroadcast } from './storage/postgres-broadcast.ts';
