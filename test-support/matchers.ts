/**
 * vitest matchers for keeping gradient-estimator claims as regression tests in your own suite:
 *
 *   import { expect } from "vitest";
 *   import { stochgradMatchers } from "stochgrad/matchers";
 *   expect.extend(stochgradMatchers);
 *   expect(estimators.correlation).toBeExactlyUnbiasedOn(problem);          // exact, 1e-12 relative
 *   expect(estimators["straight-through"]).not.toBeExactlyUnbiasedOn(problem, { theta });
 *   expect(estimators.correlation).toHaveMonteCarloMeanMatchingExact(problem, { samples: 1e5, seed: "s", alpha: 1e-6 });
 *
 * Each matcher takes an estimator *spec* (an entry of `estimators`) and builds its own instance at
 * θ (`theta`, default the problem's initial parameters). Exact matchers use the exact engine
 * (enumeration of ≤ 24 units, or certified quadrature for injected noise); the Monte Carlo matcher
 * is a seeded z-test at a stated α (Bonferroni over coordinates).
 *
 * A matcher that cannot decide throws, with or without `.not`: an estimator that does not apply
 * to the problem, one without exact moments there (e.g. SPSA beyond its enumeration budget), an
 * instance passed where a spec is expected, or bad arguments. A failed verdict is never the
 * answer to a question the matcher could not ask.
 */
import type {} from "vitest";
import { exactAnalysis } from "../src/exact/moments.js";
import { sampleMoments } from "../src/estimators/sample.js";
import type { EstimatorOptions, EstimatorSpec } from "../src/estimators/types.js";
import type { BinaryProblem } from "../src/problems/types.js";
import { Stream } from "../src/random/stream.js";
import { zTest } from "../src/stats/tests.js";
import { maxRelativeError } from "../src/numerics.js";
import { toVector, type VectorInput } from "../src/ndarray.js";

export interface MatcherResult {
  pass: boolean;
  message: () => string;
}

/** Options shared by the exact matchers: the parameters θ and the estimator's options. */
export interface ExactMatcherOptions {
  /** θ at which to check (default problem.initialParams()) */
  theta?: VectorInput;
  options?: EstimatorOptions;
}

/** The spec itself, or an Error saying what was passed instead (an instance, an id string, …). */
function requireSpec(x: unknown, matcher: string): EstimatorSpec {
  const o = x as Partial<EstimatorSpec> & { estimate?: unknown };
  if (o !== null && typeof o === "object" && typeof o.create === "function" && typeof o.applicable === "function" && typeof o.id === "string") return o as EstimatorSpec;
  const what = o !== null && typeof o === "object" && typeof o.estimate === "function" ? "an estimator instance (it has estimate(); the matcher creates its own instance at θ from the spec)" : typeof x === "string" ? `the string ${JSON.stringify(x)} (pass estimators[${JSON.stringify(x)}])` : typeof x;
  return fail(matcher, `expected an estimator spec (e.g. estimators.correlation), got ${what}`);
}

function fail(matcher: string, why: string): never {
  throw new Error(`${matcher}: ${why}`);
}

function thetaOf(problem: BinaryProblem, theta: VectorInput | undefined): Float64Array {
  return theta === undefined ? problem.initialParams() : toVector(theta, "theta", problem.nParams);
}

/** The spec, the problem's exact analysis at θ and the spec's exact moments there; throws if it cannot decide. */
function exactFor(received: unknown, problem: BinaryProblem, matcher: string, opts: ExactMatcherOptions) {
  const spec = requireSpec(received, matcher);
  const why = spec.applicable(problem);
  if (why) fail(matcher, `cannot decide: ${spec.id} does not apply to this problem (${why})`);
  const th = thetaOf(problem, opts.theta);
  const r = exactAnalysis(problem, th, { e: { noise: spec.noise, instance: spec.create(problem, th, opts.options) } });
  const m = r.estimators.e;
  if (!m) fail(matcher, `cannot decide: ${spec.id} has no exact moments on this problem (${r.unavailable?.e ?? "its noise has no exact engine here"}); use toHaveMonteCarloMeanMatchingExact`);
  return { spec, r, m };
}

export const stochgradMatchers = {
  /** E[ĝ] (exact) equals ∇E[L] at θ within `tol` relative in the ∞-norm (default 1e-12). */
  toBeExactlyUnbiasedOn(received: EstimatorSpec, problem: BinaryProblem, opts: ExactMatcherOptions & { tol?: number } = {}): MatcherResult {
    const { spec, r, m } = exactFor(received, problem, "toBeExactlyUnbiasedOn", opts);
    const e = maxRelativeError(m.mean, r.gradient);
    const tol = opts.tol ?? 1e-12;
    return { pass: e <= tol, message: () => `expected ${spec.id} ${e <= tol ? "not " : ""}to be exactly unbiased: max relative error of E[ĝ] vs ∇E[L] is ${e.toExponential(3)} (tolerance ${tol})` };
  },
  /** Exact Var[ĝ_k] ≤ bound for every coordinate k at θ. */
  toHaveExactVarianceAtMost(received: EstimatorSpec, problem: BinaryProblem, bound: number, opts: ExactMatcherOptions = {}): MatcherResult {
    if (typeof bound !== "number" || Number.isNaN(bound)) fail("toHaveExactVarianceAtMost", `expected a numeric bound, got ${String(bound)}`);
    const { spec, m } = exactFor(received, problem, "toHaveExactVarianceAtMost", opts);
    const worst = Math.max(...m.variance);
    return { pass: worst <= bound, message: () => `expected max exact variance of ${spec.id} ${worst <= bound ? ">" : "≤"} ${bound}; it is ${worst}` };
  },
  /** Seeded Monte Carlo mean of n draws at θ agrees with ∇E[L] by a z-test at α (Bonferroni over coordinates). */
  toHaveMonteCarloMeanMatchingExact(received: EstimatorSpec, problem: BinaryProblem, opts: ExactMatcherOptions & { samples: number; seed: string; alpha?: number }): MatcherResult {
    const matcher = "toHaveMonteCarloMeanMatchingExact";
    const spec = requireSpec(received, matcher);
    if (!opts || !Number.isInteger(opts.samples) || opts.samples < 2) fail(matcher, `samples: expected an integer ≥ 2, got ${opts?.samples}`);
    if (typeof opts.seed !== "string") fail(matcher, `seed: expected a string, got ${typeof opts.seed}`);
    const alpha = opts.alpha ?? 1e-6;
    if (!(alpha > 0 && alpha < 1)) fail(matcher, `alpha: expected a number in (0, 1), got ${alpha}`);
    const why = spec.applicable(problem);
    if (why) fail(matcher, `cannot decide: ${spec.id} does not apply to this problem (${why})`);
    const th = thetaOf(problem, opts.theta);
    const r = exactAnalysis(problem, th);
    const m = sampleMoments(spec.create(problem, th, opts.options), th, opts.samples, Stream.fromSeed(opts.seed));
    const z = zTest(m.mean, m.standardError, r.gradient, alpha);
    return { pass: z.pass, message: () => `expected the MC mean of ${spec.id} ${z.pass ? "not " : ""}to match ∇E[L]: max |z| = ${z.maxAbsZ.toFixed(2)} vs critical ${z.critical.toFixed(2)} at α = ${z.alpha}` };
  },
};

declare module "vitest" {
  interface Assertion<T> {
    toBeExactlyUnbiasedOn(problem: BinaryProblem, opts?: ExactMatcherOptions & { tol?: number }): T;
    toHaveExactVarianceAtMost(problem: BinaryProblem, bound: number, opts?: ExactMatcherOptions): T;
    toHaveMonteCarloMeanMatchingExact(problem: BinaryProblem, opts: ExactMatcherOptions & { samples: number; seed: string; alpha?: number }): T;
  }
}
