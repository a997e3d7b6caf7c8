/**
 * The SPSA optimiser (Spall 1992, IEEE TAC 37(3); practical guidelines Spall 1998, IEEE TAES
 * 34(3)):
 *   θₖ₊₁ = θₖ − aₖ ĝₖ(θₖ),  ĝ two-sided SPSA with cₖ (src/estimators/spsa.ts),
 *   aₖ = a/(k+1+A)^α, cₖ = c/(k+1)^γ, α = 0.602, γ = 0.101 by default.
 * Options (src/optim/types.ts, SaOptions): gains left out are calibrated at θ₀
 * (src/optim/calibration.ts), R resamplings (perturbations) averaged per step, blocking with a
 * given or "auto" tolerance, a trust region, the averaged iterate, common random numbers, a
 * per-step callback and a termination checker. Noise: iterations draw in order from
 * `stream.fork("iterations")`, calibration from `fork("calibrate")` and `fork("calibrate/noise")`,
 * blocking from `fork("block")`, so a run is a pure function of (oracle, θ₀, options, stream seed).
 */
import type { Stream } from "../random/stream.js";
import { requireDimension } from "../problems/functions.js";
import type { LossOracle } from "../estimators/oracle.js";
import { SpsaKernel, type SpsaVariant } from "../estimators/spsa.js";
import { blockingMeasure, kernelStep, resolveResamplings, runLoop, SPALL_DEFAULTS, validateSaOptions, type Gains, type OptimResult, type SaOptions } from "./types.js";
import { calibrateGains, withCalibration } from "./calibration.js";
import { toVector, type VectorInput } from "../ndarray.js";

export interface SpsaOptimizeOptions extends SaOptions {
  /** the former name of `resamplings` (perturbations averaged per step); give one of the two */
  perturbations?: number;
  /** common random numbers for the ± measurements */
  crn?: boolean;
  variant?: SpsaVariant;
}

/** Resolve gains: defaults α = 0.602, γ = 0.101, A = ⌊0.1·N⌋ (a and c as given, else the fallbacks). */
export function resolveGains(o: { a?: number; c?: number; A?: number; alpha?: number; gamma?: number; iterations: number }, aFallback = Number.NaN, cFallback = Number.NaN): Gains {
  return { a: o.a ?? aFallback, c: o.c ?? cFallback, A: o.A ?? Math.floor(0.1 * o.iterations), alpha: o.alpha ?? SPALL_DEFAULTS.alpha, gamma: o.gamma ?? SPALL_DEFAULTS.gamma };
}

/**
 * Minimise E[y(θ)] from θ₀ by SPSA. Shapes: θ₀ (p = oracle.dimension). Returns the trace, the
 * final and averaged iterates, evaluations spent (calibration and blocking included).
 */
export function spsaOptimize(oracle: LossOracle, theta0In: VectorInput, opts: SpsaOptimizeOptions, stream: Stream): OptimResult {
  const theta0 = toVector(theta0In, "theta0");
  requireDimension(theta0, oracle.dimension, "theta0");
  validateSaOptions(opts);
  const R = resolveResamplings(opts);
  // the kernel is built with a placeholder c (validated by calibration before any measurement)
  const kernel = new SpsaKernel(oracle, { c: 1, perturbations: R, crn: opts.crn, variant: opts.variant });
  const noise = new Float64Array(kernel.noiseSize);
  const estimate = (t: Float64Array, c: number, s: Stream, out: Float64Array) => {
    kernel.c = c;
    s.uniforms(noise);
    kernel.estimate(t, noise, out);
    return kernel.lossEvaluations;
  };
  const cal = calibrateGains(oracle, theta0, opts, estimate, kernel.lossEvaluations, opts.calibrate, stream);
  const details = { estimator: kernel.variant === "two-sided" ? "spsa" : "spsa-one", resamplings: kernel.m, crn: kernel.crn };
  return runLoop(theta0, kernelStep(kernel, stream), kernel.lossEvaluations, {
    ...opts,
    method: "spsa",
    gains: cal.gains,
    blockingTolerance: cal.blockingTolerance,
    block: blockingMeasure(oracle, stream, cal.blockingTolerance),
    initialEvaluations: cal.evaluations,
    details: withCalibration(details, cal),
  });
}
