// Core's services to customers: advisors, booking, consultations, callbacks, account linking, payment
// links, bill communications, live chat and the conversations the assistants share.
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
export {
  type AppointmentNotices,
  type AppointmentUrls,
  createAppointmentNotices,
} from './appointment-notices.ts';
export {
  type ConsultationDesk,
  createConsultationDesk,
  type DeskChange,
  toldOn,
} from './consultation-desk.ts';
export { type ConsultationLinks, createConsultationLinks, type LinkBooking } from './consultation-links.ts';
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
  consultationContact,
  consultationEntry,
  type ConsultationLifecycle,
  type ConsultationLog,
  type ConsultationRecord,
  createConsultationLifecycle,
} from './consultation-lifecycle.ts';
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
export { createAppointmentIntents } from './conversation/appointment-intents.ts';
export { createBillIntents, EACH_SUPPLY } from './conversation/bill-intents.ts';
export {
  createLinkingIntent,
  linkingTurn,
  type LinkingReply,
  type LinkingRequest,
} from './conversation/linking-intent.ts';
export { escapeXml, speak } from './conversation/messages.ts';
export { supplyWords } from './conversation/supply-words.ts';
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
export { createTurnLog, type TurnWatch } from './conversation/turn-log.ts';
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
  heardSince,
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
export { CannedReplyInput, type CannedReply, type ChatAgent, type ChatConsoleStore } from './chat-console.ts';
export {
  estimateWaitMinutes,
  WAIT_LOOKBACK_DAYS,
  WAIT_MINIMUM_CHATS,
  type WaitFacts,
} from './live-chat-wait.ts';
export {
  createLiveChatVisitorDesk,
  type LiveChatVisitorDesk,
  type RenderedEmail,
} from './live-chat-visitor.ts';
export {
  createOpeningHours,
  OpeningHoursSpec,
  type OpeningHours,
  type OpeningState,
} from './opening-hours.ts';
