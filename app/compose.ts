import { randomUUID } from 'node:crypto';
import {
  cachedAccounts,
  cachedBilling,
  createOutboxDispatcher,
  createCustomerContext,
  createSignedLinks,
  sharedSecret,
  createPostgresStores,
  systemClock,
  TOLD_TOPICS,
  type ChannelAccess,
  type ChannelDeps,
  type ChannelModule,
  type Clock,
  type MessageSender,
  type StorageHandle,
  type Stores,
} from '../core/index.ts';
import {
  createAccountLinking,
  createAppointmentNotices,
  defaultConsultationPolicy,
  createBookingService,
  createClosedDays,
  createConsultationDesk,
  createPaymentLinks,
  BookingRules,
  type Appointment,
} from '../core/services.ts';
import {
  createAnalyses,
  createGuardrailWatch,
  createPilotDesk,
  createPilotReports,
  createPostgresCensusSource,
  createPostgresPilotMetricsSource,
  checkCensusReason,
  registerStandards,
  type CensusFilter,
} from '../core/evidence.ts';
import { configDefaults, type Config } from './config.ts';
import { version } from './configured-database.ts';
import { alexaSettings, dialogflowSettings, liveChatSettings, registerChannels } from './channel-settings.ts';
import { billPaymentCodes, billUnitCosts } from './config-bills.ts';
import { createBillsChannel } from '../bills/index.ts';
import { createVoiceChannel, type Identify } from '../voice/index.ts';
import { createVideoChannel, type VideoServer } from '../video/index.ts';
import { createLiveChatChannel } from '../chat/index.ts';
import type { Logger } from './logger.ts';
import { createHttpApp } from './http/server.ts';
import { createAppointmentLinks } from './http/appointment-routes.ts';
import { createDevelopmentSender } from './notify/development-sender.ts';
import { appBundles, createBrowserBundles } from './web/browser-bundles.ts';
import { createDevelopmentPaymentProvider } from './payments/development-payment-provider.ts';
import { createPaymentPages } from './web/payment-page.ts';
import { createMetrics } from './http/metrics.ts';
import { sessionUser } from './http/staff-auth.ts';
import { createPageKit } from './web/page-kit.ts';

export type { VideoServer } from '../video/index.ts';

/** A census answer is served again for this long (its CSV tables, a page reloaded). */
const CENSUS_FRESH_MS = 60_000;

/** Builds everything the server needs on an open database: the one place parts are wired together. */
export async function composeApp(options: {
  storage: StorageHandle;
  /** The settings the app needs; any other key takes its default. */
  config: Pick<Config, 'PUBLIC_URL' | 'SESSION_TTL_HOURS' | 'COOKIE_SECURE'> & Partial<Config>;
  logger: Logger;
  clock?: Clock;
  isAccepting?: () => boolean;
  /** Providers for customer messages; development senders (the /outbox page) by default. */
  senders?: MessageSender[];
  /** Video consultations need a LiveKit server; without one their routes answer 503. */
  video?: VideoServer | null;
  /** Who may use the voice channel; by default the pilots decide (everyone while no pilot governs it). */
  voiceAccess?: ChannelAccess;
  /** Who is asking the voice assistant; the real account linking by default (the typed chat acts as one customer). */
  voiceIdentify?: Identify;
  /** Test certificate chains for signed Alexa requests (tests and benchmarks only). */
  alexaCertificates?: ReadonlyMap<string, string>;
  /** Channels beyond the configured ones (a channel being built, a test's). */
  channels?: ((deps: ChannelDeps) => ChannelModule)[];
}) {
  const clock = options.clock ?? systemClock;
  const stores: Stores = createPostgresStores(options.storage.db, { clock, url: options.storage.url });
  await registerStandards(stores);
  const context = createCustomerContext({ ...stores, clock });
  const booking = createBookingService({
    advisors: stores.advisors,
    book: stores.appointments,
    clock,
    closedOn: createClosedDays(options.config.CLOSED_DAYS ?? []),
  });
  const linkSecret = options.config.LINK_SECRET
    ? Buffer.from(options.config.LINK_SECRET, 'utf8')
    : await sharedSecret(options.storage.db, 'customer-links');
  const links = createSignedLinks({ secret: linkSecret });
  // Payments go through the provider PAYMENT_PROVIDER names; `development` is a page of this app.
  const paymentProvider = createDevelopmentPaymentProvider({
    links,
    clock,
    publicUrl: options.config.PUBLIC_URL,
  });
  // One service for every channel that sends payment links (the voice assistant, the advisor console).
  const paymentLinks = createPaymentLinks({
    links,
    customers: stores.customers,
    billing: stores.billing,
    interactions: stores.interactions,
    outbox: stores.outbox,
    provider: paymentProvider,
    clock,
    url: (token) => `${options.config.PUBLIC_URL}/pay/${token}`,
  });
  const appointmentLinks = createAppointmentLinks({
    links,
    publicUrl: options.config.PUBLIC_URL,
    joinGraceMinutes: defaultConsultationPolicy.lateGraceMs / 60_000,
  });
  const notices = createAppointmentNotices({
    customers: stores.customers,
    advisors: stores.advisors,
    outbox: stores.outbox,
    clock,
    urls: (appointment) => {
      const { join, reschedule, cancel } = appointmentLinks.forAppointment(appointment);
      return { join: join.url, reschedule: reschedule.url, cancel: cancel.url };
    },
  });
  const dispatcher = createOutboxDispatcher({
    outbox: stores.outbox,
    senders: options.senders ?? [
      createDevelopmentSender('email', options.logger),
      createDevelopmentSender('sms', options.logger),
    ],
    clock,
    onError: (message, error) =>
      options.logger.warn({ err: error, messageId: message.id }, 'message not sent; will retry'),
  });
  const onFollowUpError = (error: unknown, appointment: Appointment) =>
    options.logger.error(
      { err: error, appointmentId: appointment.id },
      'a step after a booking change failed',
    );
  const desk = createConsultationDesk({
    booking,
    notices,
    // A cancelled consultation's room, if it was opened, goes with it.
    afterCancel: async (appointment) => {
      await video.rooms.close(appointment.id);
    },
    onFollowUpError,
  });
  const analyses = createAnalyses({
    runs: stores.analysisRuns,
    clock,
    onError: (error, kind, question) =>
      options.logger.error({ err: error, kind, question }, 'analysis failed'),
  });
  // A pilot report reads its cohort from one cursor, in fetches of customers sized to about 100 ms
  // each: a few thousand customers' rows at a time bound its memory, and each fetch is a round trip.
  const walk = { targetChunkMs: 100 };
  // Analytics read on their own background sessions (StorageHandle.analytics).
  const censusSource = createPostgresCensusSource(options.storage.analytics);
  // The same filter is the same question, for the pages, the API and the CLI. A census takes
  // milliseconds (rollups): it is computed when asked, and kept a minute for its CSV tables.
  // A reason the catalogue does not hold is named, not counted as an empty census.
  const census = async (filter: CensusFilter, refresh = false) => {
    await checkCensusReason(filter, stores.reasons);
    return analyses.answerNow('census', JSON.stringify(filter), () => censusSource.compute(filter), {
      refresh,
      freshForMs: CENSUS_FRESH_MS,
    });
  };
  const computeCensus = async (filter: CensusFilter) => {
    await checkCensusReason(filter, stores.reasons);
    return analyses.compute('census', JSON.stringify(filter), () => censusSource.compute(filter));
  };
  const config = { ...configDefaults, ...options.config };
  // What a voice turn asks on every turn (may this customer use the channel, who is this speaker,
  // which supplies they have) is kept a minute: the database tells every instance of each change to it.
  const { broadcast } = options.storage;
  broadcast.onGap((cause) =>
    options.logger.warn({ err: cause }, 'not hearing of other instances’ changes; connecting again'),
  );
  const pilotDesk = createPilotDesk({
    pilots: stores.pilots,
    log: stores.pilotLog,
    channels: stores.channels,
    reasons: stores.reasons,
    customers: stores.customers,
    outbox: stores.outbox,
    clock,
    closingSurveyWithoutPilot: config.VOICE_CLOSING_SURVEY,
    accessCache: { told: { broadcast, topic: TOLD_TOPICS.channelAccess } },
  });
  const pilotReports = createPilotReports({
    pilots: stores.pilots,
    metrics: createPostgresPilotMetricsSource(options.storage.analytics, walk),
    census: censusSource,
    channels: stores.channels,
    advisors: stores.advisors,
    appointments: stores.appointments,
    customers: stores.customers,
    analyses,
    clock,
    consultationMinutes: BookingRules.parse({}).slotMinutes,
  });
  const metrics = createMetrics({
    storage: options.storage,
    liveRooms: () => video.openRooms(),
  });
  const guardrails = createGuardrailWatch({
    pilots: stores.pilots,
    log: stores.pilotLog,
    reports: pilotReports,
    desk: pilotDesk,
    clock,
  });
  const channelDeps: ChannelDeps = {
    stores,
    clock,
    booking,
    desk,
    links,
    paymentLinks,
    linking: createAccountLinking({
      store: stores.accountLinks,
      customers: stores.customers,
      outbox: stores.outbox,
      clock,
      secret: linkSecret,
      linkCache: { told: { broadcast, topic: TOLD_TOPICS.accountLinks } },
    }),
    access: pilotDesk.access,
    pages: createPageKit({
      staff: stores.staff,
      bundles: () => channels.flatMap((c) => c.bundles ?? []),
      links,
      clock,
    }),
    publicUrl: options.config.PUBLIC_URL,
    publicUrlLastServed: options.config.publicUrlFromEnvironment === false,
    joinUrl: (appointment) => appointmentLinks.forAppointment(appointment).join.url,
    log: options.logger,
  };
  // A conversation's bill questions read the customer's supplies, bills and payments on every
  // turn. Only the conversations: a bill's page must find the account of a bill just loaded.
  const conversationStores: Stores = {
    ...stores,
    customers: cachedAccounts(stores.customers, { told: { broadcast, topic: TOLD_TOPICS.accounts } }),
    billing: cachedBilling(stores.billing, { told: { broadcast, topic: TOLD_TOPICS.bills } }),
  };
  const voice = createVoiceChannel({
    ...channelDeps,
    stores: conversationStores,
    ...(options.voiceAccess ? { access: options.voiceAccess } : {}),
    alexa: alexaSettings(config, options.alexaCertificates),
    dialogflow: dialogflowSettings(config),
    identify: options.voiceIdentify,
    watch: metrics.voiceTurns,
  });
  const video = createVideoChannel({
    ...channelDeps,
    server: options.video,
  });
  const bills = createBillsChannel({
    ...channelDeps,
    db: options.storage.db,
    databaseUrl: options.storage.url,
    newId: randomUUID,
    organisation: config.BILL_ORGANISATION,
    paymentCodes: billPaymentCodes(config),
    defaultStyle: config.BILL_DEFAULT_STYLE,
    costs: billUnitCosts(config),
    minimumGroup: config.REPORT_MINIMUM_GROUP,
  });
  const chat = config.CHAT_ENABLED ? await createChat() : null;
  const channels: ChannelModule[] = [
    voice,
    video,
    bills,
    ...(chat ? [chat] : []),
    ...(options.channels ?? []).map((make) => make(channelDeps)),
  ];
  async function createChat() {
    await broadcast.ready(10_000); // the chat catches up on each heartbeat should it start deaf
    return createLiveChatChannel({
      ...channelDeps,
      stores: conversationStores,
      broadcast,
      settings: liveChatSettings(config),
      staffOf: (request) => sessionUser(stores.staff, request.headers.cookie),
    });
  }
  await registerChannels(stores, channels);
  const bundles = createBrowserBundles([...appBundles, ...channels.flatMap((c) => c.bundles ?? [])]);
  const http = createHttpApp({
    storage: options.storage,
    stores,
    context,
    booking,
    links,
    appointmentLinks,
    desk,
    paymentLinks,
    onFollowUpError,
    channels,
    linking: channelDeps.linking,
    bundles,
    customerPages: [
      createPaymentPages({ paymentLinks, publicUrl: options.config.PUBLIC_URL, kit: channelDeps.pages }),
      paymentProvider.router((confirmed) => paymentLinks.settle(confirmed)),
    ],
    metrics,
    metricsToken: config.METRICS_TOKEN,
    pilots: {
      desk: pilotDesk,
      reports: pilotReports,
      census,
      minimumGroup: config.REPORT_MINIMUM_GROUP,
      styleReport: bills.report,
    },
    clock,
    logger: options.logger,
    version,
    publicUrl: options.config.PUBLIC_URL,
    sessionTtlMs: options.config.SESSION_TTL_HOURS * 3_600_000,
    secureCookie: options.config.COOKIE_SECURE,
    ...(options.isAccepting ? { isAccepting: options.isAccepting } : {}),
  });
  return {
    enableVideo: video.enable,
    channels,
    stores,
    context,
    booking,
    desk,
    links,
    appointmentLinks,
    paymentLinks,
    notices,
    dispatcher,
    lifecycle: video.lifecycle,
    voice: { ...voice, linking: channelDeps.linking },
    bills,
    pilotDesk,
    pilotReports,
    guardrails,
    census,
    computeCensus,
    clock,
    app: http.app,
    responses: http.responses,
    bundles,
  };
}
