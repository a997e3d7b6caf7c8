/**
 * The problem contract: a directed graph of binary stochastic neurons evaluated in a fixed
 * order, each h_i = 1[u_i < σ(a_i)], where a_i depends on the parameters θ and on earlier
 * units only. The loss L is a function of the configuration h (it may be a non-differentiable
 * reward). Parameters are a flat Float64Array θ of length nParams; `paramLabels` names them.
 *
 * Explicit noise: `forward` consumes uniforms u (length nUnits) supplied by the caller, so an
 * estimator is a pure function of (problem, θ, noise) and the exact engine can enumerate h.
 */
import type { NdArray } from "../ndarray.js";

/**
 * How a problem's units draw their noise, the key the exact engine dispatches on:
 * "bernoulli" (enumerate the 2ⁿ configurations) or "injected" (nested quadrature over each unit's
 * own noise). A new kind adds one engine to the table in src/exact/moments.ts.
 */
export type UnitNoise = "bernoulli" | "injected";

/** Buffers for one evaluation; allocate once with `createWorkspace`, reuse in per-sample loops. */
export interface Workspace {
  /** unit values h_i ∈ {0,1}, length nUnits */
  readonly h: Float64Array;
  /** logits a_i, length nUnits */
  readonly a: Float64Array;
  /** σ(a_i), length nUnits */
  readonly s: Float64Array;
  /**
   * σ(−a_i) = 1 − σ(a_i), length nUnits, computed without the cancellation of 1 − σ(a_i) (which is
   * 0 in float64 for a_i ≥ 37, while σ(−37) = 8.5e-17). Probabilities of h_i = 0, σ'(a) = σ(a)σ(−a)
   * and h_i − σ(a_i) = h_i·σ(−a_i) − (1 − h_i)·σ(a_i) read it.
   */
  readonly c: Float64Array;
  /** problem-specific scratch */
  readonly scratch: Float64Array;
}

export interface BinaryProblem {
  /** "single" | "sbn" | "delayed" | user kinds */
  readonly kind: string;
  /**
   * Absent or "bernoulli": hᵢ = 1[uᵢ < σ(aᵢ)] (enumerable). "injected": units carry their own
   * noise (noisy rectifiers, STS units; src/problems/noisy-net.ts), so estimators built on
   * Bernoulli units do not apply. `exactAnalysis` dispatches on this kind (src/exact/moments.ts).
   */
  readonly unitNoise?: UnitNoise;
  /** Number of binary stochastic units (= length of the unit noise vector). */
  readonly nUnits: number;
  /** Number of parameters θ. */
  readonly nParams: number;
  /** Parameters the problem was defined with (a copy is safe to mutate). */
  initialParams(): Float64Array;
  /** Human-readable name per parameter, e.g. "W1[0,2]" or "b2[1]". */
  paramLabels(): string[];
  createWorkspace(): Workspace;
  /**
   * Sample: h_i = 1[u_i < σ(a_i)] in unit order; fills ws.h, ws.a, ws.s, ws.c; returns L(h).
   * Shapes: θ (nParams), u (nUnits).
   */
  forward(theta: Float64Array, u: Float64Array, ws: Workspace): number;
  /**
   * Evaluate a given configuration: ws.h is set by the caller; fills ws.a, ws.s, ws.c; returns L(h).
   */
  evaluate(theta: Float64Array, ws: Workspace): number;
  /**
   * g += scale · ∂a_i/∂θ, the direct derivative of unit i's logit (parents' h held fixed).
   * Shapes: g (nParams).
   */
  addLogitGradient(theta: Float64Array, ws: Workspace, i: number, scale: number, g: Float64Array): void;
  /**
   * Optional batched form: g += Σᵢ coef[i] · ∂aᵢ/∂θ in one sweep (coef has length nUnits).
   * Callers fall back to addLogitGradient per unit when absent (see addAllLogitGradients).
   */
  addLogitGradients?(theta: Float64Array, ws: Workspace, coef: Float64Array, g: Float64Array): void;
  /**
   * Back-propagation with each h_i treated as a differentiable function of a_i whose
   * derivative is dhda_i (supplied, length nUnits): g = dL/dθ of that surrogate. Present only
   * for problems whose loss is differentiable in h and whose logits are differentiable in
   * their parents (straight-through estimators need it).
   */
  backpropSurrogate?(theta: Float64Array, ws: Workspace, dhda: Float64Array, g: Float64Array): void;
  /** The same surrogate as per-unit coefficients δaᵢ (g = Σᵢ δaᵢ ∂aᵢ/∂θ), when available. */
  surrogateCoefficients?(theta: Float64Array, ws: Workspace, dhda: Float64Array, coef: Float64Array): void;
  /**
   * Optional structure for the exact engine's block path: `paramUnit()[k]` is the one unit whose
   * logit θₖ enters directly, and the last `leafUnits` units are parents of no unit (so flipping
   * them changes no ∂aᵢ/∂θ). Layered belief nets have both; problems that share a parameter
   * across units (the tabular policy of the delayed-reward problem) must not declare them.
   */
  readonly leafUnits?: number;
  paramUnit?(): Int32Array;
  /** Plain-data description (the JSON problem format), used in records. */
  toJSON(): unknown;
  /** A flat parameter-shaped vector nested like the problem's parameters (JSON output). */
  nest?(v: ArrayLike<number>): unknown;
  /** Optional zero-copy ndarray views of a parameter-shaped vector, one {weights, bias} per layer (layered nets). */
  paramViews?(v: Float64Array): { weights: NdArray<Float64Array>; bias: NdArray<Float64Array> }[];
}

/** null when the problem's units are Bernoulli(σ(a)), else the reason estimators that need them do not apply. */
export function requireBernoulliUnits(problem: BinaryProblem): string | null {
  return problem.unitNoise === "injected" ? `problem kind "${problem.kind}" has units with injected noise, not Bernoulli(σ(a)) units` : null;
}

/** g += Σᵢ coef[i] · ∂aᵢ/∂θ, using the problem's batched form when it has one. */
export function addAllLogitGradients(problem: BinaryProblem, theta: Float64Array, ws: Workspace, coef: Float64Array, g: Float64Array): void {
  if (problem.addLogitGradients) {
    problem.addLogitGradients(theta, ws, coef, g);
    return;
  }
  for (let i = 0; i < problem.nUnits; i++) if (coef[i] !== 0) problem.addLogitGradient(theta, ws, i, coef[i], g);
}

/**
 * hᵢ − σ(aᵢ) for the configuration in ws, as hᵢ·σ(−aᵢ) − (1 − hᵢ)·σ(aᵢ) (branch-free, hᵢ ∈ {0, 1}):
 * the score ∂ log p(hᵢ)/∂aᵢ without the cancellation of 1 − σ(aᵢ).
 */
export function unitResidual(ws: Workspace, i: number): number {
  const h = ws.h[i];
  return h * ws.c[i] - (1 - h) * ws.s[i];
}
