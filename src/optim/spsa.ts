/**
 * The SPSA optimiser (Spall 1992, IEEE TAC 37(3); practical guidelines Spall 1998, IEEE TAES
 * 34(3)):
 *   θₖ₊₁ = θₖ − aₖ ĝₖ(θₖ),  ĝ two-sided SPSA with cₖ (src/estimators/spsa.ts),
 *   aₖ = a/(k+1+A)^α, cₖ = c/(k+1)^γ, α = 0.602, γ = 0.101 by default.
 * Options: calibration of a from a few gradient estimates at θ₀, blocking of steps that raise
 * the measured loss by more than a tolerance, the averaged iterate, m perturbations per step,
 * common random numbers. Noise: iterations draw in order from `stream.fork("iterations")`,
 * calibration from `fork("calibrate")`, blocking from `fork("block")`, so a run is a pure
 * function of (oracle, θ₀, options, stream seed).
 */
import type { Stream } from "../random/stream.js";
import { requireDimension } from "../problems/functions.js";
import type { LossOracle } from "../estimators/oracle.js";
import { SpsaKernel, type SpsaVariant } from "../estimators/spsa.js";
import { blockingMeasure, kernelStep, perturbationGain, runLoop, SPALL_DEFAULTS, validateGains, type Gains, type OptimResult, type RecordOptions, type StopOptions } from "./types.js";
import { InputError } from "../errors.js";
import { toVector, type VectorInput } from "../ndarray.js";

export interface Calibration {
  /** gradient estimates averaged at θ₀ (each costs the kernel's evaluations) */
  measurements: number;
  /** desired magnitude of the first steps' change in each θᵢ */
  step: number;
}

export interface SpsaOptimizeOptions extends StopOptions, RecordOptions {
  /** gains; a may be omitted when `calibrate` is given; A defaults to 10% of the iterations */
  a?: number;
  c: number;
  A?: number;
  alpha?: number;
  gamma?: number;
  /** perturbations averaged per step (default 1) */
  perturbations?: number;
  /** common random numbers for the ± measurements */
  crn?: boolean;
  variant?: SpsaVariant;
  /** set a so that a/(A+1)^α · mean|ĝ₀ᵢ| = step (Spall 1998, §III guideline) */
  calibrate?: Calibration;
  /** reject θₖ₊₁ when y(θₖ₊₁) > y(θₖ) + tolerance (two extra measurements per step) */
  blockingTolerance?: number;
}

/** Resolve gains: defaults α = 0.602, γ = 0.101, A = ⌊0.1·N⌋. */
export function resolveGains(o: { a?: number; c: number; A?: number; alpha?: number; gamma?: number; iterations: number }, aFallback = Number.NaN): Gains {
  return { a: o.a ?? aFallback, c: o.c, A: o.A ?? Math.floor(0.1 * o.iterations), alpha: o.alpha ?? SPALL_DEFAULTS.alpha, gamma: o.gamma ?? SPALL_DEFAULTS.gamma };
}

/**
 * Minimise E[y(θ)] from θ₀ by SPSA. Shapes: θ₀ (p = oracle.dimension). Returns the trace, the
 * final and averaged iterates, evaluations spent (calibration and blocking included).
 */
export function spsaOptimize(oracle: LossOracle, theta0In: VectorInput, opts: SpsaOptimizeOptions, stream: Stream): OptimResult {
  const theta0 = toVector(theta0In, "theta0");
  requireDimension(theta0, oracle.dimension, "theta0");
  if (opts.a === undefined && !opts.calibrate) throw new InputError("a: give the step-size numerator a, or ask for calibration");
  const gains = resolveGains(opts, 1);
  validateGains(gains);
  const kernel = new SpsaKernel(oracle, { c: gains.c, perturbations: opts.perturbations, crn: opts.crn, variant: opts.variant });
  const noise = new Float64Array(kernel.noiseSize);
  const p = oracle.dimension;
  let spent = 0;
  const details: Record<string, unknown> = { estimator: kernel.variant === "two-sided" ? "spsa" : "spsa-one", perturbations: kernel.m, crn: kernel.crn };
  if (opts.calibrate) {
    const { measurements, step } = opts.calibrate;
    if (!Number.isInteger(measurements) || measurements < 1) throw new InputError(`calibration measurements: expected an integer ≥ 1, got ${measurements}`);
    if (!(step > 0) || !Number.isFinite(step)) throw new InputError(`calibration step: expected a finite number > 0, got ${step}`);
    const g = new Float64Array(p);
    let meanAbs = 0;
    const cs = stream.fork("calibrate");
    kernel.c = perturbationGain(gains, 0);
    for (let j = 0; j < measurements; j++) {
      cs.uniforms(noise);
      kernel.estimate(theta0, noise, g);
      spent += kernel.lossEvaluations;
      for (let i = 0; i < p; i++) meanAbs += Math.abs(g[i]) / (p * measurements);
    }
    if (!(meanAbs > 0)) throw new InputError("calibration: every gradient estimate at θ₀ was zero; give a explicitly");
    gains.a = (step * (gains.A + 1) ** gains.alpha) / meanAbs;
    details.calibration = { measurements, step, meanAbsGradient: meanAbs, a: gains.a };
  }
  return runLoop(
    theta0,
    kernelStep(kernel, stream),
    kernel.lossEvaluations,
    { ...opts, method: "spsa", gains, block: blockingMeasure(oracle, stream, opts.blockingTolerance), blockingTolerance: opts.blockingTolerance, initialEvaluations: spent, details },
  );
}
