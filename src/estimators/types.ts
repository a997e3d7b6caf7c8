/**
 * The one estimator contract. An estimator of ∇θ E[L] is a pure function of
 * (problem, θ, noise): `instance.estimate(θ, noise, out)`. Noise is explicit — a Float64Array
 * the caller fills (uniforms for binary units; Rademacher Δ for SPSA; …) — so antithetic pairs,
 * SPSA's ±cΔ and common random numbers reuse it, and the exact engine can feed every outcome.
 *
 * Estimators whose `noise` is "units" read the noise only through hᵢ = 1[uᵢ < σ(aᵢ)]; the exact
 * engine (src/exact) then enumerates all 2^nUnits configurations for exact E[ĝ] and Var[ĝ].
 * Others must provide `exactMoments` themselves where their noise allows, or are checked by
 * seeded Monte Carlo.
 */
import type { BinaryProblem, Workspace } from "../problems/types.js";

/** Estimator options: numeric knobs (baseline value, decay, temperature, c, K, …). */
export type EstimatorOptions = Record<string, number>;

/** The values an option may take (bounds inclusive unless open), checked by `resolveOptions`. */
export interface OptionDomain {
  min?: number;
  max?: number;
  minOpen?: boolean;
  maxOpen?: boolean;
  integer?: boolean;
  /** exactly one of these values (e.g. switches 0 | 1) */
  values?: readonly number[];
  /** why the domain is what it is, for the error message */
  why?: string;
}

/**
 * How an estimator consumes noise.
 * - "units": one uniform per binary unit, used only through h = 1[u < σ(a)] (enumerable).
 * - "none": deterministic (exact reference).
 * - "custom": anything else; `noiseSize` says how many uniforms/normals it reads, and the
 *   instance documents the layout.
 */
export type NoiseKind = "units" | "none" | "custom";

export interface ExactMoments {
  /** E[ĝ] per parameter (nParams) */
  mean: Float64Array;
  /** Var[ĝ] per parameter (nParams) */
  variance: Float64Array;
}

export interface EstimatorInstance {
  /** number of noise entries one estimate consumes */
  readonly noiseSize: number;
  /** loss evaluations per estimate (the cost unit of the field) */
  readonly lossEvaluations: number;
  /**
   * ĝ(θ, noise) written to out (nParams). Returns the loss L of the configuration sampled at θ
   * (NaN if the estimator evaluates no loss). Pure: same (θ, noise, state) ⇒ same out.
   */
  estimate(theta: Float64Array, noise: Float64Array, out: Float64Array): number;
  /**
   * Optional fast path for "units" estimators: the same ĝ, evaluated on a configuration that is
   * already in `ws` (h, a, σ(a) set by the caller, e.g. the exact engine) with loss L, so the
   * forward pass is not repeated. Must equal estimate() on the midpoint noise of that
   * configuration (tested).
   */
  estimateAt?(theta: Float64Array, ws: Workspace, L: number, out: Float64Array): void;
  /**
   * Optional per-unit coefficient form for the configuration in ws: ĝ = Σᵢ coef[i]·∂aᵢ/∂θ
   * (coef has length nUnits). Every estimator that scales each unit's logit gradient has it
   * (correlation with any baseline, straight-through's back-propagated δaᵢ). The exact engine
   * then accumulates O(nUnits) per configuration instead of O(nParams).
   */
  coefficientsAt?(theta: Float64Array, ws: Workspace, L: number, coef: Float64Array): void;
  /**
   * Online estimators (moving-average baselines, online fits, tuned relaxations) update their state
   * from the last estimate; present exactly when the instance has state to advance (`isOnline`).
   */
  observe?(): void;
  /** Exact moments for noise the engine cannot enumerate itself (kind "custom"). */
  exactMoments?(theta: Float64Array): ExactMoments;
  /**
   * Why `exactMoments` is absent where the estimator could have it (e.g. its cost: "exact moments
   * would visit 3.2e7 cells (limit 2^21); use stochgrad estimate or stochgrad compare"), for the
   * user-facing reason; absent when exactMoments is present or the noise has no exact engine at all.
   */
  exactUnavailable?: string;
  /** State for records (baseline values, fitted coefficients). */
  describeState?(): Record<string, unknown>;
}

export interface EstimatorSpec {
  /** registry key, e.g. "correlation-optimal" */
  readonly id: string;
  /** short human title for tables and legends */
  readonly title: string;
  /** one-line formula */
  readonly formula: string;
  /** paper and section that introduced it */
  readonly source: string;
  /** unbiased for ∇θ E[L] by theory (claims check this) */
  readonly unbiased: boolean;
  readonly noise: NoiseKind;
  /** the option names understood by `create`, with defaults; any other name is refused */
  readonly defaults: EstimatorOptions;
  /** the domain of each option (every key of `defaults`); checked by `resolveOptions` in `create` */
  readonly domains?: Readonly<Record<string, OptionDomain>>;
  /** null when usable on this problem, else the reason */
  applicable(problem: BinaryProblem): string | null;
  create(problem: BinaryProblem, theta: Float64Array, options?: EstimatorOptions): EstimatorInstance;
}

/** An estimator instance together with its noise kind: what the exact engine takes (`exactAnalysis`). */
export interface EstimatorEntry {
  readonly noise: NoiseKind;
  readonly instance: EstimatorInstance;
}

/** { noise: spec.noise, instance: spec.create(problem, θ, options) }. Shapes: θ (nParams). */
export function estimatorEntry(spec: EstimatorSpec, problem: BinaryProblem, theta: Float64Array, options?: EstimatorOptions): EstimatorEntry {
  return { noise: spec.noise, instance: spec.create(problem, theta, options) };
}

/** true when the instance has online state (an observe() method): its exact moments are of its current, frozen state. */
export function isOnline(instance: EstimatorInstance): boolean {
  return typeof instance.observe === "function";
}

/** Where a checked face (estimators/checked.ts) keeps the instance behind it, and nParams. */
export const UNCHECKED = Symbol("stochgrad.uncheckedInstance");
export const CHECKED_PARAMS = Symbol("stochgrad.nParams");

/** An instance as the registry hands it out: its arguments are checked on every public call. */
export interface CheckedFace extends EstimatorInstance {
  [UNCHECKED]: EstimatorInstance;
  [CHECKED_PARAMS]: number;
}

/**
 * The instance behind a checked face, for loops that have validated their arguments once (an
 * observe the caller set on the face stays there: callers keep calling face.observe). Any other
 * instance is returned as is.
 */
export function uncheckedInstance(inst: EstimatorInstance): EstimatorInstance {
  return (inst as Partial<CheckedFace>)[UNCHECKED] ?? inst;
}

/** nParams of a checked face (undefined for other instances), for callers that validate θ's length. */
export function checkedParams(inst: EstimatorInstance): number | undefined {
  return (inst as Partial<CheckedFace>)[CHECKED_PARAMS];
}
