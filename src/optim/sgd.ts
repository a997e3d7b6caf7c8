/**
 * SGD driven by any estimator of the registry on a binary stochastic network:
 *   θₖ₊₁ = θₖ − aₖ ĝₖ,  ĝₖ = estimator(θₖ, ξₖ),  aₖ = a/(k+1+A)^α
 * (Robbins & Monro 1951; the seed's use of Theorem 1 for learning, Bengio 2013, arXiv
 * 1305.2982, §3). Same stopping, averaging and trace as SPSA and FDSA (src/optim/types.ts);
 * evaluations are counted in the estimator's own loss evaluations, so curves are comparable.
 * Estimators with a `c` option (SPSA, FDSA) get cₖ = c/(k+1)^γ through their options only at
 * creation; use spsaOptimize / fdsaOptimize for decaying perturbations.
 */
import type { Stream } from "../random/stream.js";
import { type BinaryProblem } from "../problems/types.js";
import { requireDimension } from "../problems/functions.js";
import { getEstimator } from "../estimators/registry.js";
import type { EstimatorOptions } from "../estimators/types.js";
import { runLoop, SPALL_DEFAULTS, type OptimResult, type RecordOptions, type StopOptions } from "./types.js";
import { InputError } from "../errors.js";
import { toVector, type VectorInput } from "../ndarray.js";

export interface SgdOptions extends StopOptions, RecordOptions {
  /** registry id, e.g. "correlation-ma" */
  estimator: string;
  estimatorOptions?: EstimatorOptions;
  a: number;
  /** default 0 */
  A?: number;
  /** default 0.602 */
  alpha?: number;
}

/** Minimise E[L] of a problem from θ₀ with a registry estimator. Shapes: θ₀ (nParams). */
export function sgdOptimize(problem: BinaryProblem, theta0In: VectorInput, opts: SgdOptions, stream: Stream): OptimResult {
  const theta0 = toVector(theta0In, "theta0");
  requireDimension(theta0, problem.nParams, "theta0");
  const spec = getEstimator(opts.estimator);
  const why = spec.applicable(problem);
  if (why) throw new InputError(`estimator ${spec.id}: ${why}`);
  const inst = spec.create(problem, theta0, opts.estimatorOptions);
  const noise = new Float64Array(inst.noiseSize);
  const iterStream = stream.fork("iterations");
  const gains = { a: opts.a, c: 1, A: opts.A ?? 0, alpha: opts.alpha ?? SPALL_DEFAULTS.alpha, gamma: 0 };
  return runLoop(
    theta0,
    (t, _k, _ck, out, report) => {
      iterStream.uniforms(noise);
      report.loss = inst.estimate(t, noise, out);
      inst.observe?.();
      return inst.lossEvaluations;
    },
    inst.lossEvaluations,
    { ...opts, method: `sgd/${spec.id}`, gains, details: { estimator: spec.id, options: { ...spec.defaults, ...opts.estimatorOptions } } },
  );
}
