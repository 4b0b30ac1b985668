import type { PilotMetrics, PilotMetricsSource } from './pilot-metrics.ts';
import { splitGoodnessOfFit } from './statistics.ts';

/** The random split is suspect below this p-value of the χ² test (overall or in a segment). */
const SRM_ALPHA = 0.001;

/**
 * The sample-ratio check of the random split: drawn pilot vs control against the configured
 * percentages, overall and within each segment (null without a control group or a draw).
 */
export function sampleRatio(
  pilot: Pick<Parameters<PilotMetricsSource['compute']>[0], 'rolloutPercent' | 'controlPercent'>,
  drawn: { pilot: number; control: number },
  bySegment: Map<string, { pilot: number; control: number }>,
): PilotMetrics['sampleRatio'] {
  if (!(pilot.rolloutPercent > 0 && pilot.controlPercent > 0)) return null;
  const expectedPilotShare = pilot.rolloutPercent / (pilot.rolloutPercent + pilot.controlPercent);
  const { chiSquare, pValue } = splitGoodnessOfFit(drawn.pilot, drawn.control, expectedPilotShare);
  return {
    expectedPilotShare,
    ...drawn,
    chiSquare,
    pValue,
    mismatch: pValue < SRM_ALPHA,
    bySegment: [...bySegment]
      .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
      .map(([segment, split]) => {
        const test = splitGoodnessOfFit(split.pilot, split.control, expectedPilotShare);
        return { segment, ...split, pValue: test.pValue, mismatch: test.pValue < SRM_ALPHA };
      }),
  };
}
