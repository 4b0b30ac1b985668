import type { AdvisorRoster } from '../advisors.ts';
import type { Billing } from '../billing.ts';
import type { BookingService } from '../booking-service.ts';
import type { CallbackQueue } from '../callbacks.ts';
import type { ChannelAccess } from '../channel-access.ts';
import type { Clock } from '../clock.ts';
import type { ConsultationDesk } from '../consultation-desk.ts';
import type { CustomerDirectory } from '../customers.ts';
import type { InteractionLog } from '../interactions.ts';
import type { PaymentLinks } from '../payment-links.ts';
import type { SurveyAnswers } from '../surveys.ts';
import type { Locale } from '../vocabulary.ts';
import { createAppointmentIntents } from './appointment-intents.ts';
import { createBillIntents } from './bill-intents.ts';
import { createServiceIntents } from './service-intents.ts';
import { createConversationSession, customerIntentNames } from './session.ts';
import { createTurnLog, type TurnWatch } from './turn-log.ts';

/** Every customer intent on core's services, for a channel that holds the conversations. */
export function createCustomerIntents(options: {
  stores: {
    billing: Billing;
    customers: CustomerDirectory;
    callbacks: CallbackQueue;
    surveys: SurveyAnswers;
    advisors: AdvisorRoster;
  };
  clock: Clock;
  booking: BookingService;
  desk: ConsultationDesk;
  paymentLinks: PaymentLinks;
  /** Told of every failure that was turned into an apology. */
  onError: (error: unknown, at?: object) => void;
  /** The channel bookings are recorded as made on. */
  bookedVia: string;
  /** Resolves once the turns answered so far are logged (a survey answer names the last one). */
  written?: () => Promise<void>;
  /** The channel shows a payment link's address itself (a chat), so it needs no consent to give it. */
  showsLinks?: boolean;
}) {
  const { stores, clock, onError } = options;
  return {
    ...createBillIntents({ billing: stores.billing, customers: stores.customers, clock, onError }),
    ...createServiceIntents({
      billing: stores.billing,
      customers: stores.customers,
      paymentLinks: options.paymentLinks,
      callbacks: stores.callbacks,
      surveys: stores.surveys,
      clock,
      ...(options.written ? { written: options.written } : {}),
      ...(options.showsLinks ? { showsLinks: true } : {}),
      onError,
    }),
    ...createAppointmentIntents({
      booking: options.booking,
      desk: options.desk,
      advisors: stores.advisors,
      clock,
      onError,
      bookedVia: options.bookedVia,
    }),
  };
}
export type CustomerIntents = ReturnType<typeof createCustomerIntents>;

/** A conversation on one touchpoint of a channel: its turns logged there, the same rules everywhere. */
export function createLoggedConversation(options: {
  intents: CustomerIntents;
  interactions: InteractionLog;
  clock: Clock;
  access: ChannelAccess;
  channel: string;
  touchpoint: string;
  /** Told of a turn that could not be logged. */
  onLogError: (error: unknown) => void;
  /** Told of each turn answered and of each stored. */
  watch?: TurnWatch | undefined;
  /** What a customer outside the pilot's cohort is told (SSML); the voice assistant's words by default. */
  notInPilot?: ((locale: Locale) => string) | undefined;
}) {
  const { intents, channel } = options;
  const turnLog = createTurnLog({
    interactions: options.interactions,
    clock: options.clock,
    channel,
    touchpoint: options.touchpoint,
    onError: options.onLogError,
    watch: options.watch,
  });
  const session = createConversationSession({
    intents: Object.fromEntries(
      customerIntentNames.map((intent) => [intent, turnLog.wrap(intent, intents[intent])]),
    ) as Parameters<typeof createConversationSession>[0]['intents'],
    log: (intent, handler) => turnLog.wrap(intent, handler),
    access: options.access,
    channel,
    notInPilot: options.notInPilot,
  });
  return { turnLog, session };
}
