/**
 * The FDSA optimiser (Kiefer & Wolfowitz 1952, Ann. Math. Stat. 23(3); Spall 1992 §3 compares
 * it with SPSA at equal numbers of measurements):
 *   θₖ₊₁ = θₖ − aₖ ĝₖ(θₖ),  ĝ coordinate-wise finite differences with interval cₖ
 * (central: 2p measurements per step; forward: p + 1), averaged over R resamplings (fresh noise
 * each), with the same gains aₖ = a/(k+1+A)^α, cₖ = c/(k+1)^γ, calibration of omitted gains
 * (src/optim/calibration.ts: the same rules as SPSA, Spall 1998 §III), stopping, blocking, trust
 * region, averaging, observers and trace as SPSA (src/optim/types.ts).
 */
import type { Stream } from "../random/stream.js";
import { requireDimension } from "../problems/functions.js";
import type { LossOracle } from "../estimators/oracle.js";
import { FdKernel, type FdScheme } from "../estimators/finite-difference.js";
import { blockingMeasure, resolveResamplings, runLoop, validateSaOptions, type GradientStep, type OptimResult, type SaOptions } from "./types.js";
import { calibrateGains, withCalibration } from "./calibration.js";
import { toVector, type VectorInput } from "../ndarray.js";

export interface FdsaOptimizeOptions extends SaOptions {
  scheme?: FdScheme;
  crn?: boolean;
}

/** Minimise E[y(θ)] from θ₀ by FDSA. Shapes: θ₀ (p). Noise from stream.fork("iterations") in order. */
export function fdsaOptimize(oracle: LossOracle, theta0In: VectorInput, opts: FdsaOptimizeOptions, stream: Stream): OptimResult {
  const theta0 = toVector(theta0In, "theta0");
  requireDimension(theta0, oracle.dimension, "theta0");
  validateSaOptions(opts);
  const R = resolveResamplings(opts);
  const kernel = new FdKernel(oracle, { c: 1, scheme: opts.scheme ?? "central", crn: opts.crn });
  const p = oracle.dimension;
  const noise = new Float64Array(kernel.noiseSize);
  const one = new Float64Array(p);
  // mean of R estimates, each on fresh noise drawn in order from `s`; returns the mean measured loss
  const averaged = (t: Float64Array, c: number, s: Stream, out: Float64Array): number => {
    kernel.c = c;
    if (R === 1) return s.uniforms(noise), kernel.estimate(t, noise, out);
    out.fill(0);
    let loss = 0;
    for (let r = 0; r < R; r++) {
      s.uniforms(noise);
      loss += kernel.estimate(t, noise, one) / R;
      for (let i = 0; i < p; i++) out[i] += one[i] / R;
    }
    return loss;
  };
  const evals = R * kernel.lossEvaluations;
  const cal = calibrateGains(oracle, theta0, opts, (t, c, s, out) => (averaged(t, c, s, out), evals), evals, opts.calibrate, stream);
  const iterStream = stream.fork("iterations");
  const step: GradientStep = (t, _k, ck, out, report) => {
    report.loss = averaged(t, ck, iterStream, out);
    return evals;
  };
  return runLoop(theta0, step, evals, {
    ...opts,
    method: `fdsa-${kernel.scheme}`,
    gains: cal.gains,
    blockingTolerance: cal.blockingTolerance,
    block: blockingMeasure(oracle, stream, cal.blockingTolerance),
    initialEvaluations: cal.evaluations,
    details: withCalibration({ scheme: kernel.scheme, crn: kernel.crn, resamplings: R }, cal),
  });
}
