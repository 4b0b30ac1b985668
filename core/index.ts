// The public surface of core: the domain, its ports and the storage that implements them.
export * from './errors.ts';
export * from './vocabulary.ts';
export * from './clock.ts';
export * from './validation.ts';
export * from './customers.ts';
export * from './billing.ts';
export * from './advisors.ts';
export * from './interactions.ts';
export * from './surveys.ts';
export * from './channels.ts';
export * from './staff.ts';
export * from './customer-context.ts';
export * from './booking.ts';
export * from './booking-service.ts';
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
export * from './signed-links.ts';
export * from './notifications.ts';
export * from './appointment-notices.ts';
export * from './consultation-desk.ts';
export * from './consultations.ts';
export * from './consultation-lifecycle.ts';
export { sharedSecret } from './storage/postgres-shared-secret.ts';
export { createPostgresConsultationLog } from './storage/postgres-consultation-log.ts';
export * from './account-linking.ts';
export * from './callbacks.ts';
export * from './channel-access.ts';
export * from './expiring-cache.ts';
export * from './payment-links.ts';
export * from './interaction-import.ts';
export * from './customer-import.ts';
export * from './import-summary.ts';
export * from './import-profiles.ts';
export * from './import-runs.ts';
export * from './import-values.ts';
export * from './reasons.ts';
export * from './census.ts';
export * from './analyses.ts';
export * from './pilots.ts';
export * from './pilot-desk.ts';
export * from './pilot-metrics.ts';
export * from './pilot-log.ts';
export * from './guardrail-watch.ts';
export * from './statistics.ts';
export * from './sequential.ts';
export * from './nps-statistics.ts';
export * from './variance-reduction.ts';
export { WEEKLY_NPS_MIN_ANSWERS } from './pilot-weekly-tally.ts';
export * from './distributions.ts';
export * from './scorecard.ts';
export * from './scorecard-rules.ts';
export * from './scorecard-explain.ts';
export * from './capacity.ts';
export * from './pilot-reports.ts';
export * from './census-csv.ts';
export { createPostgresCensusSource } from './storage/postgres-census.ts';
export { createPostgresPilotMetricsSource } from './storage/postgres-pilot-metrics.ts';
export * from './small-groups.ts';
export { createTimeOrderedIds } from './ids.ts';
