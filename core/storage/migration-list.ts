import type { Migration } from 'kysely';
import * as initial from './migrations/0001-initial.ts';
import * as booking from './migrations/0002-booking.ts';
import * as consultations from './migrations/0003-consultations.ts';
import * as outbox from './migrations/0004-outbox.ts';
import * as journeySteps from './migrations/0005-journey-steps.ts';
import * as loginFailures from './migrations/0006-login-failures.ts';
import * as voiceAccess from './migrations/0007-voice-access.ts';
import * as pilots from './migrations/0008-pilots.ts';
import * as censusRollups from './migrations/0009-census-rollups.ts';
import * as paymentReferences from './migrations/0110-payment-references.ts';
import * as appSettings from './migrations/0111-app-settings.ts';
import * as imports from './migrations/0120-imports.ts';
import * as pilotChanges from './migrations/0170-pilot-changes.ts';
import * as linkFailureDevices from './migrations/0180-link-failure-devices.ts';
import * as staffDisabled from './migrations/0181-staff-disabled.ts';
import * as pilotNamedCustomers from './migrations/0182-pilot-named-customers.ts';
import * as interactionsByMonth from './migrations/0190-interactions-by-month.ts';
import * as censusRollupKeysOnce from './migrations/0200-census-rollup-keys-once.ts';
import * as billCommunications from './migrations/0250-bill-communications.ts';
import * as outboxHtml from './migrations/0251-outbox-html.ts';
import * as billStyleDesigns from './migrations/0252-bill-style-designs.ts';
import * as marketingConsent from './migrations/0253-marketing-consent.ts';
import * as liveChat from './migrations/0270-live-chat.ts';
import * as chatConsole from './migrations/0340-chat-console.ts';
import * as chatHandledRecently from './migrations/0355-chat-handled-recently.ts';
import * as liveChatParts from './migrations/0356-live-chat-parts.ts';
import * as chatAdvisorsHeard from './migrations/0360-chat-advisors-heard.ts';
import * as chatPageIdentity from './migrations/0361-chat-page-identity.ts';
import * as rollupsDeferred from './migrations/0370-rollups-deferred.ts';
import * as toldChanges from './migrations/0380-told-changes.ts';
import * as toldAccounts from './migrations/0390-told-accounts.ts';
import * as rollupsChangedColumns from './migrations/0400-rollups-changed-columns.ts';
import * as outboxBulk from './migrations/0410-outbox-bulk.ts';
import * as billsIssued from './migrations/0420-bills-issued.ts';
import * as toldBills from './migrations/0430-told-bills.ts';
import * as importDigests from './migrations/0440-import-digests.ts';
import * as importRunLeases from './migrations/0445-import-run-leases.ts';

export const migrations: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-booking': booking,
  '0003-consultations': consultations,
  '0004-outbox': outbox,
  '0005-journey-steps': journeySteps,
  '0006-login-failures': loginFailures,
  '0007-voice-access': voiceAccess,
  '0008-pilots': pilots,
  '0009-census-rollups': censusRollups,
  '0110-payment-references': paymentReferences,
  '0111-app-settings': appSettings,
  '0120-imports': imports,
  '0170-pilot-changes': pilotChanges,
  '0180-link-failure-devices': linkFailureDevices,
  '0181-staff-disabled': staffDisabled,
  '0182-pilot-named-customers': pilotNamedCustomers,
  '0190-interactions-by-month': interactionsByMonth,
  '0200-census-rollup-keys-once': censusRollupKeysOnce,
  '0250-bill-communications': billCommunications,
  '0251-outbox-html': outboxHtml,
  '0252-bill-style-designs': billStyleDesigns,
  '0253-marketing-consent': marketingConsent,
  '0270-live-chat': liveChat,
  '0340-chat-console': chatConsole,
  '0355-chat-handled-recently': chatHandledRecently,
  '0356-live-chat-parts': liveChatParts,
  '0360-chat-advisors-heard': chatAdvisorsHeard,
  '0361-chat-page-identity': chatPageIdentity,
  '0370-rollups-deferred': rollupsDeferred,
  '0380-told-changes': toldChanges,
  '0390-told-accounts': toldAccounts,
  '0400-rollups-changed-columns': rollupsChangedColumns,
  '0410-outbox-bulk': outboxBulk,
  '0420-bills-issued': billsIssued,
  '0430-told-bills': toldBills,
  '0440-import-digests': importDigests,
  '0445-import-run-leases': importRunLeases,
};

/** The schema's migrations, in the order they run. */
export function migrationNames(): string[] {
  return Object.keys(migrations).sort();
}
