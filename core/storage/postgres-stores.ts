import { randomUUID } from 'node:crypto';
import { createTimeOrderedIds } from '../ids.ts';
import type { Kysely } from 'kysely';
import type { Clock } from '../clock.ts';
import { systemClock } from '../clock.ts';
import type { CustomerDirectory } from '../customers.ts';
import type { Billing } from '../billing.ts';
import type { AdvisorRoster } from '../advisors.ts';
import type { InteractionLoader, InteractionLog } from '../interactions.ts';
import { createPostgresInteractionLoader } from './postgres-interaction-loader.ts';
import type { SurveyAnswers } from '../surveys.ts';
import type { ChannelRegistry } from '../channels.ts';
import type { StaffDirectory } from '../staff.ts';
import type { AppointmentBook } from '../booking.ts';
import type { Outbox } from '../notifications.ts';
import type { ConsultationLog } from '../consultation-lifecycle.ts';
import { createPostgresCustomerDirectory } from './postgres-customer-directory.ts';
import { createPostgresBilling } from './postgres-billing.ts';
import { createPostgresAdvisorRoster } from './postgres-advisor-roster.ts';
import { createPostgresInteractionLog } from './postgres-interaction-log.ts';
import { createPostgresSurveyAnswers } from './postgres-survey-answers.ts';
import { createPostgresChannelRegistry } from './postgres-channel-registry.ts';
import { createPostgresStaffDirectory } from './postgres-staff-directory.ts';
import { createPostgresAppointmentBook } from './postgres-appointment-book.ts';
import { createPostgresOutbox } from './postgres-outbox.ts';
import { createPostgresConsultationLog } from './postgres-consultation-log.ts';
import { createPostgresAccountLinks } from './postgres-account-links.ts';
import { createPostgresCallbackQueue } from './postgres-callback-queue.ts';
import type { AccountLinkStore } from '../account-linking.ts';
import type { CallbackQueue } from '../callbacks.ts';
import type { PilotStore } from '../pilots.ts';
import type { PilotLog } from '../pilot-log.ts';
import { createPostgresPilotLog } from './postgres-pilot-log.ts';
import type { AnalysisRunStore } from '../analyses.ts';
import { createPostgresPilotStore } from './postgres-pilot-store.ts';
import { createPostgresAnalysisRuns } from './postgres-analysis-runs.ts';
import type { ReasonCatalogue } from '../reasons.ts';
import type { ImportProfileStore } from '../import-profiles.ts';
import type { ImportRuns } from '../import-runs.ts';
import { createPostgresReasonCatalogue } from './postgres-reason-catalogue.ts';
import { createPostgresImportProfiles } from './postgres-import-profiles.ts';
import { createPostgresImportRuns } from './postgres-import-runs.ts';
import type { Database } from './schema.ts';
import type { LiveChatStore } from '../live-chat.ts';
import { createPostgresLiveChat } from './postgres-live-chat.ts';
import type { ChatConsoleStore } from '../chat-console.ts';
import { createPostgresChatConsole } from './postgres-chat-console.ts';
import { createPostgresCustomerContextReads } from './postgres-customer-context.ts';
import type { CustomerContextReads } from '../customer-context.ts';

/** Every port core persists, on one database. */
export interface Stores {
  customers: CustomerDirectory;
  billing: Billing;
  advisors: AdvisorRoster;
  interactions: InteractionLog;
  /** A customer's records for their context, read together. */
  contextReads: CustomerContextReads;
  /** Fills an empty log in one load (seeds, first imports); there when the stores know the database's connection string. */
  interactionLoader?: InteractionLoader;
  surveys: SurveyAnswers;
  channels: ChannelRegistry;
  staff: StaffDirectory;
  appointments: AppointmentBook;
  outbox: Outbox;
  consultations: ConsultationLog;
  accountLinks: AccountLinkStore;
  callbacks: CallbackQueue;
  pilots: PilotStore;
  pilotLog: PilotLog;
  analysisRuns: AnalysisRunStore;
  reasons: ReasonCatalogue;
  importProfiles: ImportProfileStore;
  importRuns: ImportRuns;
  chats: LiveChatStore;
  chatConsole: ChatConsoleStore;
}

export function createPostgresStores(
  db: Kysely<Database>,
  options: {
    newId?: () => string;
    clock?: Clock;
    journeyWindowDays?: number;
    /** The database's connection string: a bulk load holds a session of its own. */
    url?: string;
  } = {},
): Stores {
  const newId = options.newId ?? randomUUID;
  const clock = options.clock ?? systemClock;
  const window = options.journeyWindowDays ? { journeyWindowDays: options.journeyWindowDays } : {};
  return {
    ...(options.url
      ? {
          interactionLoader: createPostgresInteractionLoader({
            url: options.url,
            db,
            ...(options.newId ? { newId: options.newId } : {}),
            ...window,
          }),
        }
      : {}),
    customers: createPostgresCustomerDirectory(db, newId),
    billing: createPostgresBilling(db, newId),
    advisors: createPostgresAdvisorRoster(db, newId),
    contextReads: createPostgresCustomerContextReads(db),
    interactions: createPostgresInteractionLog(db, {
      // Contacts that start at the same instant are ordered by their ids: made in time order.
      newId: options.newId ?? createTimeOrderedIds(),
      ...window,
    }),
    surveys: createPostgresSurveyAnswers(db, newId),
    channels: createPostgresChannelRegistry(db),
    staff: createPostgresStaffDirectory(db, newId, clock),
    appointments: createPostgresAppointmentBook(db, newId),
    outbox: createPostgresOutbox(db, newId),
    consultations: createPostgresConsultationLog(db),
    accountLinks: createPostgresAccountLinks(db, newId),
    callbacks: createPostgresCallbackQueue(db, newId),
    pilots: createPostgresPilotStore(db, newId),
    pilotLog: createPostgresPilotLog(db),
    analysisRuns: createPostgresAnalysisRuns(db, newId),
    reasons: createPostgresReasonCatalogue(db),
    importProfiles: createPostgresImportProfiles(db, clock),
    importRuns: createPostgresImportRuns(db, options.url),
    chats: createPostgresLiveChat(db),
    chatConsole: createPostgresChatConsole(db),
  };
}
