/**
 * Shared helpers for the propagating family's claims (learned predictor, injected-noise units, ST, STS):
 * exact moments of registry estimators and their MSE split into bias² and variance.
 */
import { exactAnalysis } from "../../src/exact/moments.js";
import { estimators, type EstimatorId } from "../../src/estimators/registry.js";
import type { EstimatorEntry, EstimatorOptions, ExactMoments } from "../../src/estimators/types.js";
import { estimatorEntry } from "../../src/estimators/types.js";
import type { BinaryProblem } from "../../src/problems/types.js";
import { type ExactAnalysis } from "../../src/exact/types.js";

/** Exact analysis at θ with the given registry estimators (keyed by id, or by label → [id, options]). */
export function exactWith(problem: BinaryProblem, theta: Float64Array, specs: Record<string, [EstimatorId, EstimatorOptions?]>): ExactAnalysis {
  const inst: Record<string, EstimatorEntry> = {};
  for (const [key, [id, opts]] of Object.entries(specs)) {
    const spec = estimators[id];
    const why = spec.applicable(problem);
    if (why) throw new Error(`${id}: ${why}`);
    inst[key] = estimatorEntry(spec, problem, theta, opts ?? {});
  }
  return exactAnalysis(problem, theta, inst);
}

export interface MseSplit {
  /** Σ_k (E[ĝ_k] − ∇_k)² */
  bias2: number;
  /** Σ_k Var[ĝ_k] */
  variance: number;
  /** bias2 + variance = E‖ĝ − ∇E[L]‖² */
  mse: number;
}

/** E‖ĝ − g‖² = ‖E ĝ − g‖² + Σ Var ĝ_k, from exact moments. */
export function mseSplit(m: ExactMoments, gradient: ArrayLike<number>): MseSplit {
  let b2 = 0;
  let v = 0;
  for (let k = 0; k < gradient.length; k++) {
    b2 += (m.mean[k] - gradient[k]) ** 2;
    v += m.variance[k];
  }
  return { bias2: b2, variance: v, mse: b2 + v };
}

/** Round for records (keeps JSON readable; full precision is not needed in tables). */
export function r6(x: number): number {
  return Number(x.toPrecision(6));
}
