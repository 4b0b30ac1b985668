import { beforeAll, describe, expect, it } from 'vitest';
import { twoSidedPValueFromZ } from '../../core/distributions.ts';
import {
  compareAdjusted,
  compareMeans,
  compareNps,
  createCovariateAccumulator,
  createMomentAccumulator,
  createNpsByCustomer,
  minimumDetectableEffect,
  proportionEstimate,
  sequentialZ,
  splitGoodnessOfFit,
  summarize,
  type Moments,
} from '../../core/evidence.ts';
import { python, statsPython } from '../support/python-stats.ts';
import { seededRandom } from '../support/simulate.ts';

// The statistics checked live against SciPy and statsmodels, on data drawn here.

let py: string;
beforeAll(async () => {
  py = await statsPython();
}, 900_000);

function expectClose(actual: number | null | undefined, expected: number, relative = 1e-9) {
  expect(actual).toBeTypeOf('number');
  const tolerance = Math.max(Math.abs(expected) * relative, 1e-12);
  expect(Math.abs((actual as number) - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(tolerance);
}

const momentsOf = (values: readonly number[]): Moments => {
  const accumulator = createMomentAccumulator();
  for (const value of values) accumulator.add(value);
  return accumulator.moments();
};

/** Contacts per customer: Poisson with a gamma-distributed rate, as a real cohort's are. */
function contacts(rng: ReturnType<typeof seededRandom>, n: number, scale = 1): number[] {
  return Array.from({ length: n }, () => rng.poisson(rng.gamma(1.5, scale)));
}

describe("Welch's comparison against SciPy", () => {
  it("gives SciPy's p-value and 95% interval of the difference as the fixed-horizon figures", () => {
    const rng = seededRandom(1);
    const samples = [
      [contacts(rng, 7), contacts(rng, 10)],
      [contacts(rng, 40), contacts(rng, 55, 1.3)],
      [contacts(rng, 280), contacts(rng, 100, 1.1)],
    ];
    const scipy = python<[number, number, number][]>(
      py,
      `import json, sys
from scipy import stats
out = []
for a, b in json.load(sys.stdin):
    r = stats.ttest_ind(a, b, equal_var=False)
    ci = r.confidence_interval(0.95)
    out.append([r.pvalue, ci.low, ci.high])
print(json.dumps(out))`,
      samples,
    );
    samples.forEach(([a, b], i) => {
      const ours = compareMeans(momentsOf(a!), momentsOf(b!));
      const [p, low, high] = scipy[i]!;
      expectClose(ours.pValue, p);
      expectClose(ours.difference.fixed?.low, low);
      expectClose(ours.difference.fixed?.high, high);
    });
  });
});

describe('CUPED against statsmodels', () => {
  it('adjusts the difference as the regression on the arm and the pre-period does, with its pooled θ', () => {
    const rng = seededRandom(2);
    // Pre-period (12 weeks) and pilot-period (8 weeks) contacts of the same customers.
    const draw = (n: number, effect: number) =>
      Array.from({ length: n }, () => {
        const rate = rng.gamma(1.5, 0.3);
        return [rng.poisson(12 * rate), rng.poisson(8 * rate * effect)] as [number, number];
      });
    const pilot = draw(280, 0.9);
    const control = draw(100, 1);
    const reference = python<{ effect: number; theta: number; p: number; low: number; high: number }>(
      py,
      `import json, sys
import numpy as np, statsmodels.api as sm
from scipy import stats
d = json.load(sys.stdin)
p, c = np.array(d["pilot"], float), np.array(d["control"], float)
x = np.concatenate([p[:, 0], c[:, 0]]); y = np.concatenate([p[:, 1], c[:, 1]])
arm = np.concatenate([np.ones(len(p)), np.zeros(len(c))])
fit = sm.OLS(y, sm.add_constant(np.column_stack([arm, x]))).fit()
theta = fit.params[2]
r = stats.ttest_ind(p[:, 1] - theta * p[:, 0], c[:, 1] - theta * c[:, 0], equal_var=False)
ci = r.confidence_interval(0.95)
print(json.dumps({"effect": fit.params[1], "theta": theta, "p": r.pvalue, "low": ci.low, "high": ci.high}))`,
      { pilot, control },
    );
    const arms = [pilot, control].map((pairs) => {
      const accumulator = createCovariateAccumulator();
      for (const [x, y] of pairs) accumulator.add(x, y);
      return accumulator.moments();
    });
    const ours = compareAdjusted(arms[0]!, arms[1]!, 12);
    expectClose(ours.varianceReduction.theta, reference.theta, 1e-9);
    expectClose(ours.difference.value, reference.effect, 1e-9);
    expectClose(ours.pValue, reference.p, 1e-9);
    expectClose(ours.difference.fixed?.low, reference.low, 1e-9);
    expectClose(ours.difference.fixed?.high, reference.high, 1e-9);
    expect(ours.varianceReduction.varianceCut).toBeGreaterThan(0.3);
  });
});

function byCustomer(customers: number[][]) {
  const arm = createNpsByCustomer();
  for (const scores of customers) arm.add(scores);
  return arm.result();
}

describe('NPS against control at the unit of randomisation', () => {
  it("compares each customer's own NPS between the arms as SciPy's Welch test does", () => {
    const rng = seededRandom(3);
    // Customers answer 1 to 6 times; a customer's answers lean the same way.
    const arm = (count: number, lean: number) =>
      Array.from({ length: count }, () => {
        const mood = Math.min(1, rng.next() + lean);
        return Array.from({ length: 1 + rng.int(6) }, () =>
          Math.min(10, Math.max(0, Math.round(mood * 10 + rng.normal()))),
        );
      });
    const pilot = arm(60, 0.1);
    const control = arm(70, 0);
    const reference = python<{ difference: number; p: number; low: number; high: number }>(
      py,
      `import json, sys
import numpy as np
from scipy import stats
def own(c): return 100 * np.mean([1.0 if s >= 9 else 0.0 if s >= 7 else -1.0 for s in c])
d = json.load(sys.stdin)
a, b = [own(c) for c in d["pilot"]], [own(c) for c in d["control"]]
r = stats.ttest_ind(a, b, equal_var=False)
ci = r.confidence_interval(0.95)
print(json.dumps({"difference": np.mean(a) - np.mean(b), "p": r.pvalue, "low": ci.low, "high": ci.high}))`,
      { pilot, control },
    );
    const ours = compareNps(byCustomer(pilot), byCustomer(control));
    expectClose(ours.difference.value, reference.difference);
    expectClose(ours.pValue, reference.p);
    expectClose(ours.difference.fixed?.low, reference.low);
    expectClose(ours.difference.fixed?.high, reference.high);
    expect(ours.difference.n).toBe(130);
  });

  it('does not count one customer’s ten answers as ten customers’ evidence (the per-answer test did)', () => {
    // Pilot arm: 40 customers; four enthusiasts answer 12 times each with a 10. Control: 40 customers, once each.
    const rng = seededRandom(4);
    const score = () => rng.pick([3, 6, 7, 8, 9, 10]);
    const pilot = [
      ...Array.from({ length: 4 }, () => new Array<number>(12).fill(10)),
      ...Array.from({ length: 36 }, () => [score()]),
    ];
    const control = Array.from({ length: 40 }, () => [score()]);
    const ours = compareNps(byCustomer(pilot), byCustomer(control));
    // The method before: every answer an independent draw, variance (p + d − (p − d)²)/n per arm.
    const perAnswer = (answers: number[]) => {
      const p = answers.filter((s) => s >= 9).length / answers.length;
      const d = answers.filter((s) => s <= 6).length / answers.length;
      return { nps: p - d, variance: (p + d - (p - d) ** 2) / answers.length };
    };
    const a = perAnswer(pilot.flat());
    const b = perAnswer(control.flat());
    const naiveP = twoSidedPValueFromZ((a.nps - b.nps) / Math.sqrt(a.variance + b.variance));
    expect(naiveP).toBeLessThan(0.05);
    expect(ours.pValue!).toBeGreaterThan(0.05);
    expect(ours.significantFixed).toBe(false);
    expect(ours.difference.n).toBe(80);
    expect(ours.answers).toEqual({ pilot: 84, control: 40 });
  });
});

describe('the NPS interval with few answers', () => {
  // Exact coverage of a 95% interval at n answers: the probability, over every possible
  // (promoters, detractors) count, that the interval holds the true NPS.
  function coverage(
    n: number,
    promoters: number,
    detractors: number,
    interval: (p: number, d: number) => { low: number; high: number },
  ): number {
    const logFactorial = [0];
    for (let i = 1; i <= n; i++) logFactorial.push(logFactorial[i - 1]! + Math.log(i));
    const truth = 100 * (promoters - detractors);
    let covered = 0;
    for (let p = 0; p <= n; p++) {
      for (let d = 0; p + d <= n; d++) {
        const passives = n - p - d;
        const logProbability =
          logFactorial[n]! -
          logFactorial[p]! -
          logFactorial[d]! -
          logFactorial[passives]! +
          p * Math.log(promoters) +
          d * Math.log(detractors) +
          passives * Math.log(1 - promoters - detractors);
        const { low, high } = interval(p, d);
        if (low <= truth && truth <= high) covered += Math.exp(logProbability);
      }
    }
    return covered;
  }
  const grid: [number, number][] = [];
  for (let p = 0.05; p < 0.95; p += 0.1) for (let d = 0.05; p + d < 0.96; d += 0.1) grid.push([p, d]);
  const n = 50;

  it('keeps its 95% coverage at 50 answers (adjusted Wald, Rocks 2016), where the normal one fell to 90%', async () => {
    const { npsEstimate } = await import('../../core/evidence.ts');
    const adjusted = grid.map(([p, d]) =>
      coverage(n, p, d, (promoters, detractors) => {
        const e = npsEstimate({ promoters, detractors, passives: n - promoters - detractors });
        return e.fixed ?? { low: e.value!, high: e.value! };
      }),
    );
    const normal = grid.map(([p, d]) =>
      coverage(n, p, d, (promoters, detractors) => {
        const share = (k: number) => k / n;
        const nps = share(promoters) - share(detractors);
        const half =
          1.959963984540054 * Math.sqrt((share(promoters) + share(detractors) - nps ** 2) / n) * 100;
        return { low: 100 * nps - half, high: 100 * nps + half };
      }),
    );
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    expect(mean(adjusted)).toBeGreaterThanOrEqual(0.945);
    expect(Math.min(...adjusted)).toBeGreaterThanOrEqual(0.94);
    // The method before: too narrow.
    expect(mean(normal)).toBeLessThan(0.94);
    expect(Math.min(...normal)).toBeLessThan(0.91);
  });
});

describe('relative changes', () => {
  it("cover the true change as often as promised: Fieller's interval counts the control mean's own uncertainty", () => {
    // The pilot arm's mean is 50% above control's; 60 customers an arm; 3,000 pilots.
    const rng = seededRandom(5);
    let fieller = 0;
    let dividedByControl = 0;
    const runs = 3000;
    for (let r = 0; r < runs; r++) {
      const pilot = momentsOf(Array.from({ length: 60 }, () => rng.poisson(rng.gamma(2, 0.75))));
      const control = momentsOf(Array.from({ length: 60 }, () => rng.poisson(rng.gamma(2, 0.5))));
      const comparison = compareMeans(pilot, control);
      const interval = comparison.relative!.fixed!;
      if (interval.low <= 0.5 && 0.5 <= interval.high) fieller++;
      // A method before: the difference's interval divided by the control mean, as if exact.
      const base = summarize(control)!.mean;
      const d = comparison.difference.fixed!;
      if (d.low / base <= 0.5 && 0.5 <= d.high / base) dividedByControl++;
    }
    expect(fieller / runs).toBeGreaterThanOrEqual(0.935);
    expect(dividedByControl / runs).toBeLessThan(0.9);
  });

  it("give Fieller's interval for the ratio of means, computed with NumPy and SciPy, always valid and fixed", () => {
    const rng = seededRandom(6);
    const a = contacts(rng, 300, 1.2);
    const b = contacts(rng, 280);
    const zAlways = sequentialZ(a.length + b.length);
    const [always, fixed] = python<[number, number][]>(
      py,
      `import json, sys
import numpy as np
from scipy import stats
x, y, z_always = json.load(sys.stdin)
a, b = np.array(x, float), np.array(y, float)
ma, mb = a.mean(), b.mean(); va, vb = a.var(ddof=1) / len(a), b.var(ddof=1) / len(b)
df = (va + vb) ** 2 / (va**2 / (len(a) - 1) + vb**2 / (len(b) - 1))
def fieller(z):
    # Roots of (ma - r mb)^2 = z^2 (va + r^2 vb), as changes r - 1.
    A, B, C = mb**2 - z**2 * vb, -2 * ma * mb, ma**2 - z**2 * va
    disc = np.sqrt(B**2 - 4 * A * C)
    return [(-B - disc) / (2 * A) - 1, (-B + disc) / (2 * A) - 1]
print(json.dumps([fieller(z_always), fieller(stats.t.ppf(0.975, df))]))`,
      [a, b, zAlways],
    );
    const ours = compareMeans(momentsOf(a), momentsOf(b)).relative!;
    expectClose(ours.low, always![0]!);
    expectClose(ours.high, always![1]!);
    expectClose(ours.fixed!.low, fixed![0]!);
    expectClose(ours.fixed!.high, fixed![1]!);
  });
});

describe('rates, the sample ratio and the minimum detectable effect against statsmodels and SciPy', () => {
  it("gives statsmodels' Wilson interval, at 1.96 and at the sequence's multiplier", () => {
    const cases: [number, number][] = [
      [3, 10],
      [45, 120],
      [498, 512],
    ];
    const reference = python<[number, number, number, number][]>(
      py,
      `import json, sys
from scipy import stats
from statsmodels.stats.proportion import proportion_confint
out = []
for k, n, z in json.load(sys.stdin):
    fixed = proportion_confint(k, n, alpha=0.05, method="wilson")
    always = proportion_confint(k, n, alpha=2 * stats.norm.sf(z), method="wilson")
    out.append([*fixed, *always])
print(json.dumps(out))`,
      cases.map(([k, n]) => [k, n, sequentialZ(n)]),
    );
    cases.forEach(([k, n], i) => {
      const e = proportionEstimate(k, n);
      const [fixedLow, fixedHigh, low, high] = reference[i]!;
      expectClose(e.fixed?.low, fixedLow, 1e-7);
      expectClose(e.fixed?.high, fixedHigh, 1e-7);
      expectClose(e.low, low, 1e-7);
      expectClose(e.high, high, 1e-7);
    });
  });

  it("gives SciPy's χ² test of a split, per segment as overall", () => {
    const splits: [number, number, number][] = [
      [601, 598, 0.5],
      [180, 70, 0.5],
      [740, 260, 0.7],
    ];
    const reference = python<[number, number][]>(
      py,
      `import json, sys
from scipy import stats
out = []
for a, b, share in json.load(sys.stdin):
    r = stats.chisquare([a, b], [(a + b) * share, (a + b) * (1 - share)])
    out.append([r.statistic, r.pvalue])
print(json.dumps(out))`,
      splits,
    );
    splits.forEach(([a, b, share], i) => {
      const ours = splitGoodnessOfFit(a, b, share);
      expectClose(ours.chiSquare, reference[i]![0]);
      expectClose(ours.pValue, reference[i]![1], 1e-8);
    });
  });

  it("gives statsmodels' detectable effect for two arms of unequal variance", () => {
    const [v1, v2, n1, n2] = [6, 2, 100, 400];
    const reference = python<number>(
      py,
      `import json, sys
import numpy as np
from statsmodels.stats.power import NormalIndPower
v1, v2, n1, n2 = json.load(sys.stdin)
d = NormalIndPower().solve_power(effect_size=None, nobs1=n1, alpha=0.05, power=0.8, ratio=n2 / n1)
# One σ with the same standard error of the difference as the two variances give.
sigma = np.sqrt((v1 / n1 + v2 / n2) / (1 / n1 + 1 / n2))
print(json.dumps(d * sigma))`,
      [v1, v2, n1, n2],
    );
    expectClose(minimumDetectableEffect({ variance1: v1, variance2: v2, n1, n2 }), reference, 1e-4);
  });
});
