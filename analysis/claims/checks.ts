/**
 * Reusable checks for claims. Exact checks compare to rounding tolerances; statistical checks
 * are z-tests at a stated family-wise α (Bonferroni over coordinates).
 */
import { formatAlpha } from "../format.js";
import { sampleMoments, type SampleMoments } from "../../src/estimators/sample.js";
import type { EstimatorInstance } from "../../src/estimators/types.js";
import type { Stream } from "../../src/random/stream.js";
import { sampleVarianceSE, zTest } from "../../src/stats/tests.js";
import { WeightedMoments } from "../../src/stats/accumulator.js";
import { enumerateConfigurations } from "../../src/exact/enumerate.js";
import type { BinaryProblem } from "../../src/problems/types.js";
import { verdict, type Verdict } from "./types.js";
import { maxRelativeError } from "../../src/numerics.js";

/** Exact check: relative ∞-norm error ≤ tol. */
export function exactCheck(description: string, value: ArrayLike<number>, reference: ArrayLike<number>, tol = 1e-12): Verdict {
  return verdict(description, maxRelativeError(value, reference), tol, "exact", "relative-error");
}

/**
 * Statistical check of H0: E[ĝ] = reference (all coordinates) from n seeded draws:
 * measured = max_k |mean_k − ref_k|/se_k, tolerance = Bonferroni z* at α.
 * Coordinates whose estimator has zero variance must match exactly.
 */
export function monteCarloMeanCheck(description: string, m: SampleMoments, reference: ArrayLike<number>, alpha: number): Verdict {
  const z = zTest(m.mean, m.standardError, reference, alpha);
  return verdict(`${description} (n = ${m.n}, α = ${formatAlpha(alpha)})`, z.maxAbsZ, z.critical, "statistical", "z");
}

/** Draw n samples of an instance and z-test the mean against a reference. */
export function sampleAndTest(description: string, instance: EstimatorInstance, theta: Float64Array, reference: ArrayLike<number>, n: number, stream: Stream, alpha: number): { verdict: Verdict; moments: SampleMoments } {
  const m = sampleMoments(instance, theta, n, stream);
  return { verdict: monteCarloMeanCheck(description, m, reference, alpha), moments: m };
}

/**
 * Sample size that gives power ≈ 1 − β to detect a mean offset δ in one coordinate whose
 * per-draw standard deviation is sd, at critical value z*: n = ((z* + z_β)·sd/δ)².
 */
export function samplesForPower(delta: number, sd: number, zCrit: number, zBeta = 3.0902): number {
  return Math.ceil((((zCrit + zBeta) * sd) / Math.abs(delta)) ** 2);
}

/**
 * Sample size at which a control whose mean is offset by `offset` (per-draw variance
 * `variance`) is rejected at critical value z* with power ≈ 1 − 1e-3: the most detectable
 * coordinate decides (smallest samplesForPower over non-zero offsets with |offset| ≥ `ignoreBelow`;
 * variances are floored at 1e-30). Clamped to [nMin, nMax]; nMax when no coordinate is offset.
 */
export function samplesToRejectControl(offset: ArrayLike<number>, variance: ArrayLike<number>, zStar: number, nMin: number, nMax: number, ignoreBelow = 1e-9): number {
  let best = Infinity;
  for (let k = 0; k < offset.length; k++) {
    const a = Math.abs(offset[k]);
    if (a === 0 || a < ignoreBelow) continue;
    best = Math.min(best, samplesForPower(offset[k], Math.sqrt(Math.max(variance[k], 1e-30)), zStar));
  }
  return Math.min(nMax, Math.max(nMin, best));
}

/**
 * Exact E[ĝ], Var[ĝ] and fourth central moment μ₄ = E[(ĝ−E ĝ)⁴] per coordinate of a "units"-noise
 * estimator, by two enumeration passes. Shapes: all nParams.
 */
export function exactMomentsWithFourth(problem: BinaryProblem, theta: Float64Array, instance: EstimatorInstance): { mean: Float64Array; variance: Float64Array; mu4: Float64Array } {
  const P = problem.nParams;
  const g = new Float64Array(P);
  const wm = new WeightedMoments(P);
  enumerateConfigurations(problem, theta, (_ws, u, p) => {
    instance.estimate(theta, u, g);
    wm.push(g, p);
  });
  const mean = wm.mean.slice();
  const mu4 = new Float64Array(P);
  let mass = 0;
  enumerateConfigurations(problem, theta, (_ws, u, p) => {
    instance.estimate(theta, u, g);
    mass += p;
    for (let k = 0; k < P; k++) {
      const d = g[k] - mean[k];
      mu4[k] += p * d * d * d * d;
    }
  });
  for (let k = 0; k < P; k++) mu4[k] /= mass;
  return { mean, variance: wm.variance(), mu4 };
}

/**
 * Statistical check of H0: Var[ĝ_k] = σ²_k for all k from a sample: z_k = |s²_k − σ²_k| / SE(s²_k)
 * with SE from the exact σ² and μ₄ (asymptotic normality of s²). Bonferroni over coordinates
 * with σ² > 0; coordinates with σ² = 0 must have s² = 0.
 */
export function monteCarloVarianceCheck(description: string, m: SampleMoments, variance: ArrayLike<number>, mu4: ArrayLike<number>, alpha: number): Verdict {
  const P = variance.length;
  const mean = new Float64Array(P);
  const se = new Float64Array(P);
  for (let k = 0; k < P; k++) {
    mean[k] = m.variance[k];
    se[k] = sampleVarianceSE(variance[k], mu4[k], m.n);
  }
  const z = zTest(mean, se, variance, alpha, 1e-12);
  return verdict(`${description} (n = ${m.n}, α = ${formatAlpha(alpha)})`, z.maxAbsZ, z.critical, "statistical", "z");
}
