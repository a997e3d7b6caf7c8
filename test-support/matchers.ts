/**
 * vitest matchers for keeping gradient-estimator claims as regression tests in your own suite:
 *
 *   import { expect } from "vitest";
 *   import { stochgradMatchers } from "stochgrad/matchers";
 *   expect.extend(stochgradMatchers);
 *   expect(estimators.correlation).toBeExactlyUnbiasedOn(problem);          // exact, 1e-12 relative
 *   expect(estimators["straight-through"]).not.toBeExactlyUnbiasedOn(problem);
 *   expect(estimators.correlation).toHaveMonteCarloMeanMatchingExact(problem, { samples: 1e5, seed: "s", alpha: 1e-6 });
 *
 * Exact matchers enumerate every unit configuration (≤ 24 units); the Monte Carlo matcher is a
 * seeded z-test at a stated α (Bonferroni over coordinates).
 */
import type {} from "vitest";
import { exactAnalysis } from "../src/exact/moments.js";
import { sampleMoments } from "../src/estimators/sample.js";
import type { EstimatorOptions, EstimatorSpec } from "../src/estimators/types.js";
import type { BinaryProblem } from "../src/problems/types.js";
import { Stream } from "../src/random/stream.js";
import { zTest } from "../src/stats/tests.js";
import { maxRelativeError } from "../src/numerics.js";

export interface MatcherResult {
  pass: boolean;
  message: () => string;
}

function exactFor(spec: EstimatorSpec, problem: BinaryProblem, options?: EstimatorOptions) {
  const th = problem.initialParams();
  const inst = spec.create(problem, th, options);
  return exactAnalysis(problem, th, { e: { noise: spec.noise, instance: inst } });
}

export const stochgradMatchers = {
  /** E[ĝ] (exact, by enumeration) equals ∇E[L] within `tol` relative (default 1e-12). */
  toBeExactlyUnbiasedOn(spec: EstimatorSpec, problem: BinaryProblem, opts: { tol?: number; options?: EstimatorOptions } = {}): MatcherResult {
    const r = exactFor(spec, problem, opts.options);
    const m = r.estimators.e;
    if (!m) return { pass: false, message: () => `${spec.id}: no exact moments on this problem` };
    const e = maxRelativeError(m.mean, r.gradient);
    const tol = opts.tol ?? 1e-12;
    return { pass: e <= tol, message: () => `expected ${spec.id} ${e <= tol ? "not " : ""}to be exactly unbiased: max relative error of E[ĝ] vs ∇E[L] is ${e.toExponential(3)} (tolerance ${tol})` };
  },
  /** Exact Var[ĝ_k] ≤ bound for every coordinate k. */
  toHaveExactVarianceAtMost(spec: EstimatorSpec, problem: BinaryProblem, bound: number, options?: EstimatorOptions): MatcherResult {
    const m = exactFor(spec, problem, options).estimators.e;
    const worst = m ? Math.max(...m.variance) : Infinity;
    return { pass: worst <= bound, message: () => `expected max exact variance of ${spec.id} ${worst <= bound ? ">" : "≤"} ${bound}; it is ${worst}` };
  },
  /** Seeded Monte Carlo mean of n draws agrees with ∇E[L] by a z-test at α (Bonferroni over coordinates). */
  toHaveMonteCarloMeanMatchingExact(spec: EstimatorSpec, problem: BinaryProblem, opts: { samples: number; seed: string; alpha?: number; options?: EstimatorOptions }): MatcherResult {
    const th = problem.initialParams();
    const r = exactAnalysis(problem, th);
    const m = sampleMoments(spec.create(problem, th, opts.options), th, opts.samples, Stream.fromSeed(opts.seed));
    const z = zTest(m.mean, m.standardError, r.gradient, opts.alpha ?? 1e-6);
    return { pass: z.pass, message: () => `expected the MC mean of ${spec.id} ${z.pass ? "not " : ""}to match ∇E[L]: max |z| = ${z.maxAbsZ.toFixed(2)} vs critical ${z.critical.toFixed(2)} at α = ${z.alpha}` };
  },
};

declare module "vitest" {
  interface Assertion<T> {
    toBeExactlyUnbiasedOn(problem: BinaryProblem, opts?: { tol?: number; options?: EstimatorOptions }): T;
    toHaveExactVarianceAtMost(problem: BinaryProblem, bound: number, options?: EstimatorOptions): T;
    toHaveMonteCarloMeanMatchingExact(problem: BinaryProblem, opts: { samples: number; seed: string; alpha?: number; options?: EstimatorOptions }): T;
  }
}
