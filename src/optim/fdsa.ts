/**
 * The FDSA optimiser (Kiefer & Wolfowitz 1952, Ann. Math. Stat. 23(3); Spall 1992 §3 compares
 * it with SPSA at equal numbers of measurements):
 *   θₖ₊₁ = θₖ − aₖ ĝₖ(θₖ),  ĝ coordinate-wise finite differences with interval cₖ
 * (central: 2p measurements per step; forward: p + 1), with the same gains aₖ = a/(k+1+A)^α,
 * cₖ = c/(k+1)^γ, stopping, blocking, averaging and trace as SPSA (src/optim/types.ts).
 */
import type { Stream } from "../random/stream.js";
import { requireDimension } from "../problems/functions.js";
import type { LossOracle } from "../estimators/oracle.js";
import { FdKernel, type FdScheme } from "../estimators/finite-difference.js";
import { blockingMeasure, kernelStep, runLoop, validateGains, type OptimResult, type RecordOptions, type StopOptions } from "./types.js";
import { resolveGains } from "./spsa.js";
import { InputError } from "../errors.js";
import { toVector, type VectorInput } from "../ndarray.js";

export interface FdsaOptimizeOptions extends StopOptions, RecordOptions {
  a: number;
  c: number;
  A?: number;
  alpha?: number;
  gamma?: number;
  scheme?: FdScheme;
  crn?: boolean;
  blockingTolerance?: number;
}

/** Minimise E[y(θ)] from θ₀ by FDSA. Shapes: θ₀ (p). Noise from stream.fork("iterations") in order. */
export function fdsaOptimize(oracle: LossOracle, theta0In: VectorInput, opts: FdsaOptimizeOptions, stream: Stream): OptimResult {
  const theta0 = toVector(theta0In, "theta0");
  requireDimension(theta0, oracle.dimension, "theta0");
  if (opts.a === undefined) throw new InputError("a: the step-size numerator is required");
  const gains = validateGains(resolveGains(opts));
  const kernel = new FdKernel(oracle, { c: gains.c, scheme: opts.scheme ?? "central", crn: opts.crn });
  return runLoop(
    theta0,
    kernelStep(kernel, stream),
    kernel.lossEvaluations,
    { ...opts, method: `fdsa-${kernel.scheme}`, gains, block: blockingMeasure(oracle, stream, opts.blockingTolerance), details: { scheme: kernel.scheme, crn: kernel.crn } },
  );
}
