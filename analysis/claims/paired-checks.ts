/**
 * The checks shared by MuProp-unbiased, NVIL-unbiased and VIMCO-unbiased: for one problem, the
 * estimator's exact mean against an exact reference (rounding tolerance), the same check on the
 * negative control, and, where the normal approximation is credible, a seeded z-test of the
 * Monte Carlo mean at α for both, with n from the power to reject the control's exact offset.
 *
 * Monte Carlo validity. The z-test uses the sample standard error, which underestimates the
 * spread when a configuration that carries much of the variance is rarely drawn (on the 3→4→4→4
 * reference net the rarest has p ≈ 1e-11, and n = 2000 draws gave a sample variance 100× below the
 * exact one on one coordinate). So Monte Carlo checks run only on problems whose rarest
 * configuration has p ≥ 1e-3, with n ≥ MIN_SAMPLES = 20 000 (each configuration then drawn ≥ 20
 * times in expectation); larger problems get the exact checks alone.
 */
import type { EstimatorInstance, ExactMoments } from "../../src/estimators/types.js";
import { enumerateConfigurations } from "../../src/exact/enumerate.js";
import { exactAnalysis } from "../../src/exact/moments.js";
import type { BinaryProblem } from "../../src/problems/types.js";
import type { Stream } from "../../src/random/stream.js";
import { exactCheck, sampleAndTest } from "./checks.js";
import { maxRelativeError } from "../../src/numerics.js";
import { powerSampleSize } from "./estimator-checks.js";
import type { Verdict } from "./types.js";

/** Fewest Monte Carlo draws of a check (see module comment). */
export const MIN_SAMPLES = 20_000;

/** Rarest configuration probability below which a problem gets exact checks only. */
export const MIN_CONFIGURATION_PROBABILITY = 1e-3;

/**
 * Whether the z-test is credible on this problem at θ: its rarest configuration has
 * p ≥ MIN_CONFIGURATION_PROBABILITY (see module comment).
 */
export function monteCarloCredible(problem: BinaryProblem, theta: Float64Array): boolean {
  let rarest = 1;
  enumerateConfigurations(problem, theta, (_ws, _u, p) => {
    if (p < rarest) rarest = p;
  });
  return rarest >= MIN_CONFIGURATION_PROBABILITY;
}

/** Exact moments of a "units"-noise instance by the exact engine (enumeration of h). */
export function engineMoments(problem: BinaryProblem, theta: Float64Array, inst: EstimatorInstance): ExactMoments {
  return exactAnalysis(problem, theta, { e: { noise: "units", instance: inst } }).estimators.e;
}

export interface PairSide {
  /** exact mean and variance of the quantity tested (ĝ, or ν ⊙ ĝ) */
  moments: ExactMoments;
  /** the instance whose Monte Carlo mean is tested (its estimate path, not the engine's fast path) */
  sampler: EstimatorInstance;
}

export interface PairOptions {
  /** what the exact mean is compared with, e.g. "exact ∇E[L]" */
  referenceName: string;
  tol: number;
  tolWhy: string;
  /** null: no Monte Carlo check (the problem has configurations too rare for the z-test) */
  monteCarlo: { stream: Stream; alpha: number } | null;
  /** prefix of the Monte Carlo description (default "Monte Carlo mean") */
  sampleName?: string;
}

/** Exact check (and Monte Carlo z-test) of estimator and control against one reference. */
export function pairedChecks(label: string, reference: Float64Array, theta: Float64Array, est: PairSide, ctrl: PairSide, o: PairOptions): { checks: Verdict[]; controls: Verdict[]; data: Record<string, unknown> } {
  const checks = [exactCheck(`${label}: exact mean vs ${o.referenceName}, relative ∞-norm (tolerance ${o.tolWhy})`, est.moments.mean, reference, o.tol)];
  const controls = [exactCheck(`${label}: control's exact mean vs ${o.referenceName} (same check)`, ctrl.moments.mean, reference, o.tol)];
  const data: Record<string, unknown> = {
    reference: Array.from(reference),
    exactMean: Array.from(est.moments.mean),
    exactVariance: Array.from(est.moments.variance),
    exactRelativeError: maxRelativeError(est.moments.mean, reference),
    controlExactMean: Array.from(ctrl.moments.mean),
    controlRelativeError: maxRelativeError(ctrl.moments.mean, reference),
  };
  if (o.monteCarlo) {
    const { stream, alpha } = o.monteCarlo;
    const offset = ctrl.moments.mean.map((v, k) => v - reference[k]);
    const n = Math.max(MIN_SAMPLES, powerSampleSize(offset, ctrl.moments.variance, alpha));
    const what = o.sampleName ?? "Monte Carlo mean";
    const a = sampleAndTest(`${label}: ${what} vs ${o.referenceName}, max |z| vs Bonferroni z*`, est.sampler, theta, reference, n, stream.fork("mc"), alpha);
    const b = sampleAndTest(`${label}: control's ${what} vs ${o.referenceName} (same test)`, ctrl.sampler, theta, reference, n, stream.fork("mc-control"), alpha);
    checks.push(a.verdict);
    controls.push(b.verdict);
    Object.assign(data, { samples: n, monteCarloMean: Array.from(a.moments.mean), controlMonteCarloMean: Array.from(b.moments.mean) });
  }
  return { checks, controls, data };
}
