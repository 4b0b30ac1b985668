// Core's imports: contacts and customers from other systems' exports, profiles, runs and the bulk loader.
export {
  createPostgresBulkLoader,
  type BulkLoader,
  type BillRecord,
  type CustomerRecord,
} from './storage/postgres-bulk-loader.ts';
export { createPostgresInteractionLoader } from './storage/postgres-interaction-loader.ts';
export {
  type CheckedInteraction,
  DEFAULT_CUSTOMER_SOURCE,
  importInteractions,
  type InteractionImportOptions,
} from './interaction-import.ts';
export { importCustomers, maskPreview, personalColumns } from './customer-import.ts';
export { headerProblem } from './import-fields.ts';
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
export { profileCodeIssues, saveImportProfile } from './import-profile-codes.ts';
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
