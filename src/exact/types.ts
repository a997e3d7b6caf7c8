/**
 * The exact engine's result and options, shared by every engine (enumeration for Bernoulli units,
 * moments.ts; nested quadrature for injected noise, noisy.ts) and by the dispatch in moments.ts.
 */
import type { EstimatorEntry, ExactMoments } from "../estimators/types.js";
import type { BinaryProblem } from "../problems/types.js";
import type { WeightedMoments } from "../stats/accumulator.js";

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
   * the most binary units to enumerate (default MAX_ENUMERABLE_UNITS = 24; at most
   * MAX_SHARDED_ENUMERATION_UNITS = 40, src/limits.ts): for `exact --max-units`, whose caller has
   * stated and checked the cost
   */
  maxUnits?: number;
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
  /**
   * Computes the enumeration blocks elsewhere, e.g. on a worker pool (`poolBlockRunner(pool)`,
   * src/estimators/enumeration-pool.ts); the result is the same bytes as without it.
   */
  blockRunner?: BlockRunner;
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

/** A range [first, end) of Gray-code indices of the enumeration (one block: enumeration-blocks.ts). */
export interface GrayRange {
  first: number;
  end: number;
}

/**
 * One block's contribution, plain data (`blockStateToJSON` / `blockStateFromJSON` round-trip it
 * bit for bit). Shapes: gradient and every estimator's mean and m2 have length nParams.
 */
export interface EnumerationBlockState {
  /** Gray-code range [first, end) */
  first: number;
  end: number;
  /** L(h*), the loss the block's sums are centred at (modeLoss; the same in every block of one analysis) */
  centre: number;
  /** configurations of the block with p > 0 */
  states: number;
  /** Σ_h (L(h) − L(h*)) ∂p(h)/∂θ over the block (∇E[L] = the sum over blocks / the total mass) */
  gradient: Float64Array;
  /** p-weighted moments of L − L(h*) over the block; loss.w is the block's Σp */
  loss: WeightedMoments;
  /** p-weighted moments of each enumerated estimator's ĝ over the block, by key */
  estimators: Record<string, WeightedMoments>;
}

/** What a block runner computes: the blocks of one analysis (see BlockRunner). */
export interface EnumerationJob {
  problem: BinaryProblem;
  theta: Float64Array;
  /** the enumerated instances ("units" or "none" noise), unchecked, in key order */
  entries: [string, EstimatorEntry][];
  /** force the general path */
  general: boolean;
  centre: number;
  /** the blocks to compute, in the order their states are returned */
  blocks: GrayRange[];
}

/**
 * Computes the blocks of a job somewhere else (a worker pool); returns their states in the job's
 * block order, each the bytes `enumerationBlock` gives, or null when it cannot take the job (the
 * engine then computes the blocks on the calling thread). `onBlocks` hears (blocks done, total).
 */
export type BlockRunner = (job: EnumerationJob, onBlocks?: (done: number, total: number) => void) => EnumerationBlockState[] | null;

