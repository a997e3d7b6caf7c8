/**
 * Reusable checks for claims. Exact checks compare to rounding tolerances; statistical checks
 * are z-tests at a stated family-wise α (Bonferroni over coordinates).
 */
import { sampleMoments, type SampleMoments } from "../../src/estimators/sample.js";
import type { EstimatorInstance } from "../../src/estimators/types.js";
import type { Stream } from "../../src/random/stream.js";
import { zTest } from "../../src/stats/tests.js";
import { verdict, type Verdict } from "./types.js";

/** max_k |a_k − b_k| / max(‖b‖_∞, floor): relative error in the ∞-norm. */
export function maxRelativeError(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-300): number {
  let num = 0;
  let den = floor;
  for (let k = 0; k < b.length; k++) {
    num = Math.max(num, Math.abs(a[k] - b[k]));
    den = Math.max(den, Math.abs(b[k]));
  }
  return num / den;
}

/** max_k |a_k − b_k| */
export function maxAbsError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let k = 0; k < b.length; k++) m = Math.max(m, Math.abs(a[k] - b[k]));
  return m;
}

/** Exact check: relative ∞-norm error ≤ tol. */
export function exactCheck(description: string, value: ArrayLike<number>, reference: ArrayLike<number>, tol = 1e-12): Verdict {
  return verdict(description, maxRelativeError(value, reference), tol, "exact");
}

/**
 * Statistical check of H0: E[ĝ] = reference (all coordinates) from n seeded draws:
 * measured = max_k |mean_k − ref_k|/se_k, tolerance = Bonferroni z* at α.
 * Coordinates whose estimator has zero variance must match exactly.
 */
export function monteCarloMeanCheck(description: string, m: SampleMoments, reference: ArrayLike<number>, alpha: number): Verdict {
  const z = zTest(m.mean, m.standardError, reference, alpha);
  return verdict(description, z.maxAbsZ, z.critical, "statistical");
}

/** Draw n samples of an instance and z-test the mean against a reference. */
export function sampleAndTest(description: string, instance: EstimatorInstance, theta: Float64Array, reference: ArrayLike<number>, n: number, stream: Stream, alpha: number): { verdict: Verdict; moments: SampleMoments } {
  const m = sampleMoments(instance, theta, n, stream);
  return { verdict: monteCarloMeanCheck(`${description} (n = ${n})`, m, reference, alpha), moments: m };
}

/**
 * Sample size that gives power ≈ 1 − β to detect a mean offset δ in one coordinate whose
 * per-draw standard deviation is sd, at critical value z*: n = ((z* + z_β)·sd/δ)².
 */
export function samplesForPower(delta: number, sd: number, zCrit: number, zBeta = 3.0902): number {
  return Math.ceil((((zCrit + zBeta) * sd) / Math.abs(delta)) ** 2);
}
