import { describe, expect, it } from 'vitest';
import { pilotReportForManagers, type PilotReportData } from '../../core/evidence.ts';

// What a pilot manager may see of a report: no segment smaller than the minimum, in any table.

const report = (segments: { segment: string; pilot: number; control: number }[]) =>
  ({
    metrics: {
      cohort: { pilot: 60, control: 60 },
      adoptionBySegment: segments.map((s) => ({ segment: s.segment, enrolled: s.pilot, adopters: 1 })),
      sampleRatio: {
        expectedPilotShare: 0.5,
        pilot: 60,
        control: 60,
        chiSquare: 0,
        pValue: 1,
        mismatch: false,
        bySegment: segments.map((s) => ({ ...s, pValue: 1, mismatch: false })),
      },
    },
  }) as unknown as PilotReportData;

describe('a pilot report as a pilot manager reads it', () => {
  it('leaves out a segment smaller than the minimum, from adoption and from the sample-ratio check alike', () => {
    const shown = pilotReportForManagers(
      report([
        { segment: 'family', pilot: 55, control: 52 },
        { segment: 'senior', pilot: 5, control: 8 },
      ]),
      20,
    );
    expect(shown.metrics.adoptionBySegment.map((s) => s.segment)).toEqual(['family']);
    expect(shown.metrics.sampleRatio?.bySegment.map((s) => s.segment)).toEqual(['family']);
    expect(shown.metrics.sampleRatio?.pilot).toBe(60);
  });
});
