import { describe, expect, it } from 'vitest';
import {
  chiSquareOneDfPValue,
  chiSquareSf,
  logGamma,
  normalCdf,
  normalQuantile,
  regularizedIncompleteBeta,
  studentTQuantile,
  studentTSf,
  studentTTwoSidedPValue,
  twoSidedPValueFromZ,
} from '../../core/distributions.ts';
import {
  compareMeans,
  createMomentAccumulator,
  meanEstimate,
  median,
  minimumDetectableEffect,
  proportionEstimate,
  splitGoodnessOfFit,
  summarize,
  welchTTest,
  wilsonInterval,
  type Moments,
} from '../../core/statistics.ts';

// Every expected number below was computed with SciPy 1.17.1 (the one-liner is beside it).

/** Equal within `relative` of the expected value (or 1e-15 absolute, for values at zero). */
function expectClose(actual: number | null | undefined, expected: number, relative = 1e-9) {
  expect(actual).toBeTypeOf('number');
  const tolerance = Math.max(Math.abs(expected) * relative, 1e-15);
  expect(Math.abs((actual as number) - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(tolerance);
}

const momentsOf = (values: number[]): Moments => {
  const accumulator = createMomentAccumulator();
  for (const value of values) accumulator.add(value);
  return accumulator.moments();
};

describe('the normal distribution', () => {
  it('gives the cumulative probability, far tails included', () => {
    // python3 -c 'from scipy import stats; print([stats.norm.cdf(z) for z in [-8,-3,-1.5,0,0.5,1.96,4]])'
    const expected: [number, number][] = [
      [-8, 6.22096057427174e-16],
      [-3, 0.0013498980316300933],
      [-1.5, 0.06680720126885807],
      [0, 0.5],
      [0.5, 0.6914624612740131],
      [1.96, 0.9750021048517795],
      [4, 0.9999683287581669],
    ];
    for (const [z, p] of expected) expectClose(normalCdf(z), p);
  });

  it('gives two-sided p-values of z statistics', () => {
    // python3 -c 'from scipy import stats; print([2*stats.norm.sf(abs(z)) for z in [0,1,1.959963984540054,-3.5,7]])'
    const expected: [number, number][] = [
      [0, 1],
      [1, 0.31731050786291415],
      [1.959963984540054, 0.05],
      [-3.5, 0.00046525815807105003],
      [7, 2.55962508777167e-12],
    ];
    for (const [z, p] of expected) expectClose(twoSidedPValueFromZ(z), p);
  });

  it('inverts the cumulative probability', () => {
    // python3 -c 'from scipy import stats; print([stats.norm.ppf(p) for p in [1e-10,0.025,0.3,0.8,0.975,0.9999]])'
    const expected: [number, number][] = [
      [1e-10, -6.361340902404056],
      [0.025, -1.9599639845400545],
      [0.3, -0.5244005127080409],
      [0.8, 0.8416212335729143],
      [0.975, 1.959963984540054],
      [0.9999, 3.719016485455709],
    ];
    for (const [p, z] of expected) expectClose(normalQuantile(p), z);
  });
});

describe("Student's t distribution", () => {
  it('gives tail probabilities at small and fractional degrees of freedom', () => {
    // python3 -c 'from scipy import stats; print([stats.t.sf(t,d) for t,d in [(2,1),(1.5,2),(3.2,3),(-0.7,4),(2.2,2.5),(10,1),(1.1,30),(4.5,7.3)]])'
    const expected: [number, number, number][] = [
      [2, 1, 0.14758361765043326],
      [1.5, 2, 0.13619656244550055],
      [3.2, 3, 0.0246659214813481],
      [-0.7, 4, 0.7387499172032749],
      [2.2, 2.5, 0.06645699270983456],
      [10, 1, 0.03172551743055357],
      [1.1, 30, 0.1400404590438199],
      [4.5, 7.3, 0.0012596868666213978],
    ];
    for (const [t, df, p] of expected) expectClose(studentTSf(t, df), p);
  });

  it('gives two-sided p-values of t statistics', () => {
    // python3 -c 'from scipy import stats; print([2*stats.t.sf(abs(t),d) for t,d in [(2.5,1),(2.1,3),(0.4,9)]])'
    expectClose(studentTTwoSidedPValue(2.5, 1), 0.24223788318168682);
    expectClose(studentTTwoSidedPValue(-2.1, 3), 0.1265652025496846);
    expectClose(studentTTwoSidedPValue(0.4, 9), 0.6984840916713654);
  });

  it('gives the 97.5% quantile', () => {
    // python3 -c 'from scipy import stats; print([stats.t.ppf(0.975,d) for d in [1,2,5,29,3.7]])'
    const expected: [number, number][] = [
      [1, 12.706204736174694],
      [2, 4.302652729749462],
      [5, 2.5705818356363146],
      [29, 2.045229642132703],
      [3.7, 2.8675207071911895],
    ];
    for (const [df, t] of expected) expectClose(studentTQuantile(0.975, df), t);
    expectClose(studentTQuantile(0.025, 5), -2.5705818356363146);
  });
});

describe('the special functions', () => {
  it('gives the regularized incomplete beta function', () => {
    // python3 -c 'from scipy import special; print([special.betainc(a,b,x) for x,a,b in [(0.3,2,3),(0.9,0.5,0.5),(0.2,10,20),(0.75,1.5,0.5)]])'
    expectClose(regularizedIncompleteBeta(0.3, 2, 3), 0.34829999999999994);
    expectClose(regularizedIncompleteBeta(0.9, 0.5, 0.5), 0.7951672353008665);
    expectClose(regularizedIncompleteBeta(0.2, 10, 20), 0.049263517304212585);
    expectClose(regularizedIncompleteBeta(0.75, 1.5, 0.5), 0.3910022189557705);
  });

  it('gives ln Γ', () => {
    // python3 -c 'from scipy import special; print([special.gammaln(x) for x in [0.1,1.5,7,123.4]])'
    expectClose(logGamma(0.1), 2.252712651734206);
    expectClose(logGamma(1.5), -0.12078223763524526);
    expectClose(logGamma(7), 6.579251212010101);
    expectClose(logGamma(123.4), 469.3360974421906);
  });
});

describe('the χ² distribution', () => {
  it('gives p-values with one degree of freedom, far tail included', () => {
    // python3 -c 'from scipy import stats; print([stats.chi2.sf(x,1) for x in [0.1,3.841458820694124,10.83,25,100]])'
    const expected: [number, number][] = [
      [0.1, 0.7518296340458492],
      [3.841458820694124, 0.04999999999999989],
      [10.83, 0.0009986863791802592],
      [25, 5.733031437583875e-7],
      [100, 1.5239706048320995e-23],
    ];
    for (const [x, p] of expected) expectClose(chiSquareOneDfPValue(x), p);
    // python3 -c 'from scipy import stats; print(stats.chi2.sf(7.5,3))'
    expectClose(chiSquareSf(7.5, 3), 0.0575584519726364);
  });

  it('tests a split against the expected shares', () => {
    // python3 -c 'from scipy import stats; print(stats.chisquare([300,100],[200,200]), stats.chisquare([52,48],[50,50]), stats.chisquare([740,260],[700,300]))'
    const skewed = splitGoodnessOfFit(300, 100, 0.5);
    expectClose(skewed.chiSquare, 100);
    expectClose(skewed.pValue, 1.5239706048320995e-23);
    const even = splitGoodnessOfFit(52, 48, 0.5);
    expectClose(even.chiSquare, 0.16);
    expectClose(even.pValue, 0.6891565167793516);
    const seventy = splitGoodnessOfFit(740, 260, 0.7);
    expectClose(seventy.chiSquare, 7.619047619047619);
    expectClose(seventy.pValue, 0.005775498089305212);
    expect(splitGoodnessOfFit(0, 0, 0.5)).toEqual({ chiSquare: 0, pValue: 1 });
  });
});

describe("Welch's t-test", () => {
  const a = [3, 5, 4, 6, 9, 2, 7];
  const b = [8, 12, 9, 15, 11, 10, 14, 13, 9, 16];

  it('gives the statistic, the Welch–Satterthwaite degrees of freedom and the p-value', () => {
    // python3 -c 'from scipy import stats; r=stats.ttest_ind([3,5,4,6,9,2,7],[8,12,9,15,11,10,14,13,9,16],equal_var=False); print(r.statistic,r.pvalue,r.df)'
    const result = welchTTest(summarize(momentsOf(a))!, summarize(momentsOf(b))!);
    expectClose(result?.t, -5.205723616928981);
    expectClose(result?.df, 14.109300338924196);
    expectClose(result?.pValue, 0.00012987339054427047);
  });

  it('compares two arms with the fixed-horizon interval of the difference and the relative change', () => {
    // python3 -c 'from scipy import stats; r=stats.ttest_ind([3,5,4,6,9,2,7],[8,12,9,15,11,10,14,13,9,16],equal_var=False); c=r.confidence_interval(0.95); print(c.low,c.high)'
    const comparison = compareMeans(momentsOf(a), momentsOf(b));
    const difference = 36 / 7 - 11.7;
    expectClose(comparison.difference.value, difference);
    expectClose(comparison.difference.fixed?.low, -9.256759589124217);
    expectClose(comparison.difference.fixed?.high, -3.857526125161495);
    expect(comparison.difference.n).toBe(17);
    expectClose(comparison.relative?.value, difference / 11.7);
    expectClose(comparison.pValue, 0.00012987339054427047);
    expect(comparison.significantFixed).toBe(true);
    // The always-valid interval is wider than the fixed-horizon one at the same n.
    expect(comparison.difference.low!).toBeLessThan(comparison.difference.fixed!.low);
    expect(comparison.difference.high!).toBeGreaterThan(comparison.difference.fixed!.high);
    expectClose(comparison.pilot.value, 36 / 7);
  });

  it('stays right with two values in one arm', () => {
    // python3 -c 'from scipy import stats; r=stats.ttest_ind([1,2],[1,1,2,5],equal_var=False); c=r.confidence_interval(0.95); print(r.statistic,r.pvalue,r.df,c.low,c.high)'
    const comparison = compareMeans(momentsOf([1, 2]), momentsOf([1, 1, 2, 5]));
    expectClose(comparison.pValue, 0.5223316343033613);
    expectClose(comparison.difference.fixed?.low, -3.728346332878232);
    expectClose(comparison.difference.fixed?.high, 2.228346332878232);
    expect(comparison.significant).toBe(false);
    expect(comparison.significantFixed).toBe(false);
  });

  it('gives an arm without spread the other arm’s variance: no pilot complaint in 30 is no proof', () => {
    // 0 complaints among 30 pilot customers, 150 among 3,000 in control (5%): 1.5 expected, so
    // seeing none happens 22% of the time. The pilot arm's variance, 0, taken as is, made this
    // "significant" (t ≈ −12.6); with control's variance for it:
    // python3 -c 'from scipy import stats; import numpy as np; c=np.array([1]*150+[0]*2850.); s=c.std(ddof=1); r=stats.ttest_ind_from_stats(0,s,30,c.mean(),s,3000,equal_var=False); print(r.statistic,r.pvalue)'
    const none = momentsOf(Array.from({ length: 30 }, () => 0));
    const control = momentsOf([
      ...Array.from({ length: 150 }, () => 1),
      ...Array.from({ length: 2850 }, () => 0),
    ]);
    const comparison = compareMeans(none, control, { min: 0, max: Infinity });
    expectClose(comparison.pValue, 0.22105580954906034, 1e-6);
    expect(comparison.significant).toBe(false);
    expect(comparison.significantFixed).toBe(false);
    expect(comparison.difference.low).toBeLessThan(0);
    expect(comparison.difference.high).toBeGreaterThan(0);
    // The pilot arm's own figure keeps its own (empty) spread.
    expect(comparison.pilot.value).toBe(0);
  });

  it('says nothing when an arm has fewer than two values or neither arm varies', () => {
    expect(welchTTest({ n: 1, mean: 2, variance: 0 }, { n: 5, mean: 1, variance: 1 })).toBeNull();
    expect(welchTTest({ n: 4, mean: 0, variance: 0 }, { n: 5, mean: 0, variance: 0 })).toBeNull();
    const allZero = compareMeans(momentsOf([0, 0, 0]), momentsOf([0, 0]));
    expect(allZero.difference.value).toBe(0);
    expect(allZero.pValue).toBeNull();
    expect(allZero.significant).toBe(false);
    expect(allZero.relative).toBeNull();
    const noControl = compareMeans(momentsOf([1, 2]), momentsOf([]));
    expect(noControl.control).toEqual({ value: null, low: null, high: null, n: 0 });
    expect(noControl.difference.value).toBeNull();
  });
});

describe('estimates', () => {
  it('gives a share with its fixed-horizon Wilson score interval', () => {
    // python3 -c 'from scipy import stats; print([tuple(stats.binomtest(k,n).proportion_ci(0.95,method="wilson")) for k,n in [(0,10),(3,10),(10,10),(45,120),(1,2)]])'
    const expected: [number, number, number, number][] = [
      [0, 10, 0, 0.27753279986288926],
      [3, 10, 0.10779126740630102, 0.6032218525388546],
      [10, 10, 0.7224672001371109, 1],
      [45, 120, 0.293524297864468, 0.46423049374020786],
      [1, 2, 0.09453120573423074, 0.9054687942657693],
    ];
    for (const [k, n, low, high] of expected) {
      const interval = wilsonInterval(k, n);
      expectClose(interval.low, low);
      expectClose(interval.high, high);
      const estimate = proportionEstimate(k, n);
      expect(estimate.value).toBe(k / n);
      expectClose(estimate.fixed?.low, low);
      expect(estimate.n).toBe(n);
      // Always valid: wider, still inside 0–1.
      expect(estimate.low!).toBeLessThanOrEqual(low);
      expect(estimate.low!).toBeGreaterThanOrEqual(0);
      expect(estimate.high!).toBeLessThanOrEqual(1);
    }
    expect(proportionEstimate(0, 0)).toEqual({ value: null, low: null, high: null, n: 0 });
    expect(proportionEstimate(1, 1)).toEqual({ value: 1, low: null, high: null, n: 1 });
  });

  it('gives a mean with its fixed-horizon t interval from the sums', () => {
    // python3 -c 'import numpy as np; from scipy import stats; x=np.array([3,5,4,6,9,2,7.]); print(x.mean(), stats.t.interval(0.95,len(x)-1,loc=x.mean(),scale=stats.sem(x)))'
    const estimate = meanEstimate(momentsOf([3, 5, 4, 6, 9, 2, 7]));
    expectClose(estimate.value, 5.142857142857143);
    expectClose(estimate.fixed?.low, 2.9137057102626516);
    expectClose(estimate.fixed?.high, 7.372008575451635);
    expect(estimate.n).toBe(7);
    // python3 -c 'import numpy as np; from scipy import stats; x=np.array([2.5,4.0]); print(stats.t.interval(0.95,1,loc=x.mean(),scale=stats.sem(x)))'
    const two = meanEstimate(momentsOf([2.5, 4]));
    expectClose(two.fixed?.low, -6.27965355213102);
    expectClose(two.fixed?.high, 12.77965355213102);
    expect(meanEstimate(momentsOf([]))).toEqual({ value: null, low: null, high: null, n: 0 });
    expect(meanEstimate(momentsOf([4]))).toEqual({ value: 4, low: null, high: null, n: 1 });
  });

  it('keeps a mean on a bounded scale inside it', () => {
    // Five CSAT answers of 5 and one of 4: the interval of a 1–5 scale stops at 5.
    const csat = meanEstimate(momentsOf([5, 5, 5, 5, 5, 4]), { min: 1, max: 5 });
    expect(csat.high).toBe(5);
    expect(csat.fixed?.high).toBe(5);
    expect(csat.low!).toBeGreaterThanOrEqual(1);
  });

  it('gives the minimum detectable effect of a two-sample comparison with each arm’s own variance', () => {
    // python3 -c 'import numpy as np; from scipy import stats; print((stats.norm.ppf(0.975)+stats.norm.ppf(0.8))*np.sqrt(6.0/100+2.0/400))'
    const mde = minimumDetectableEffect({ variance1: 6, variance2: 2, n1: 100, n2: 400 });
    expectClose(mde, 0.7142668848075563);
    // With the control arm's variance for both arms (the method before), a pilot arm three times as
    // variable would look able to detect 0.44: a power it does not have.
    const controlOnly = minimumDetectableEffect({ variance1: 2, variance2: 2, n1: 100, n2: 400 });
    expect(controlOnly!).toBeLessThan(0.45);
    expect(minimumDetectableEffect({ variance1: 2.5, variance2: 2.5, n1: 400, n2: 0 })).toBeNull();
  });
});

describe('the moment accumulator', () => {
  it('merges partial sums into the same summary as one pass', () => {
    const values = [0, 3, 1, 0, 7, 2, 2, 5, 0, 1];
    const first = createMomentAccumulator();
    const second = createMomentAccumulator();
    values.forEach((value, i) => (i < 4 ? first : second).add(value));
    first.merge(second.moments());
    expect(first.moments()).toEqual(momentsOf(values));
    const mean = values.reduce((s, v) => s + v, 0) / values.length;
    const variance = values.reduce((s, v) => s + (v - mean) ** 2, 0) / (values.length - 1);
    const summary = summarize(first.moments())!;
    expectClose(summary.mean, mean);
    expectClose(summary.variance, variance);
  });

  it('counts a repeated value as many values', () => {
    const repeated = createMomentAccumulator();
    repeated.add(0, 3);
    repeated.add(2, 2);
    expect(repeated.moments()).toEqual(momentsOf([0, 0, 0, 2, 2]));
  });
});

describe('the median', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([10, 2, 4, 100])).toBe(7);
    expect(median([])).toBeNull();
  });
});
