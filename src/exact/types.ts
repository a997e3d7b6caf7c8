/**
 * The exact engine's result and options, shared by every engine (enumeration for Bernoulli units,
 * moments.ts; nested quadrature for injected noise, noisy.ts) and by the dispatch in moments.ts.
 */
import type { EstimatorEntry, ExactMoments } from "../estimators/types.js";
import type { BinaryProblem } from "../problems/types.js";

export interface ExactAnalysis {
  expectedLoss: number;
  lossVariance: number;
  /** ∇θ E[L] (nParams) */
  gradient: Float64Array;
  /** exact E[ĝ], Var[ĝ] per estimator key */
  estimators: Record<string, ExactMoments>;
  /** configurations with p > 0 */
  states: number;
  /** Σ p(h); equals 1 up to rounding */
  totalProbability: number;
  /**
   * Per-unit exact facts for problems with non-Bernoulli units (noisy-net: unit type, noise
   * scale s of Gaussian units (absent for STS units), P(h = 0) and E[h] per unit), reported by
   * `stochgrad exact`. Absent otherwise.
   */
  units?: { index: number; layer: number; type: string; s?: number; zeroProbability: number; meanOutput: number }[];
  /** estimators whose own exactMoments declined (too costly), with the reason */
  unavailable?: Record<string, string>;
}

export interface ExactOptions {
  /** force the general per-coordinate path (used by tests to cross-check the block path) */
  general?: boolean;
  /**
   * injected-noise engine: the per-level adaptive rule's targets and interval budget (defaults:
   * relTol 1e-12, absTol 0, 2000 intervals); the results are certified to 1e-10 whatever these are
   */
  quadrature?: QuadratureTargets;
  /**
   * Called as the work advances: done of total (phases: the enumeration or nested quadrature, then
   * each custom estimator's own exact moments), with what is being computed. For progress bars.
   */
  onProgress?: (done: number, total: number, what: string) => void;
}

/** Targets of an adaptive quadrature rule (src/exact/quadrature.ts `IntegrateOptions` extends them). */
export interface QuadratureTargets {
  /** absolute error target per component (default 1e-13; the nested noise engine uses 0) */
  absTol?: number;
  /** relative error target per component (default 1e-12) */
  relTol?: number;
  /** maximum number of subintervals (default 2000) */
  maxIntervals?: number;
}


/** One exact engine: E[L], Var[L], ∇E[L] and the instances' exact moments at θ. */
export type ExactEngine = (problem: BinaryProblem, theta: Float64Array, instances: Record<string, EstimatorEntry>, options: ExactOptions) => ExactAnalysis;
