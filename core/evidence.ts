// Core's evidence: the census, pilots and their metrics, statistics and the scorecard.
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
  checkCensusReason,
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
  objectiveScales,
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
  COUNT_BOUNDS,
  createMomentAccumulator,
  fiellerInterval,
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
