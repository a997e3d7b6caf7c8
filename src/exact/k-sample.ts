/**
 * Exact answers for objectives and estimators over K independent samples h⁽¹⁾ … h⁽ᴷ⁾ ~ p_θ of an
 * enumerable problem, by enumerating the joint configurations (2^{n·K} at most, p > 0 only):
 *   𝓛_K(θ) = E[F(L(h⁽¹⁾), …, L(h⁽ᴷ⁾))],  F symmetric in its K arguments,
 *   ∇θ𝓛_K = K · Σ_h ∇θp(h) · G(h),  G(h) = E[F(L(h), L(h⁽²⁾), …, L(h⁽ᴷ⁾))]   (product rule over the
 *   K independent factors; the K terms are equal by symmetry), with Σ_h ∇p(h)·G(h) computed by the
 *   exact engine's forward-mode product rule (src/exact/moments.ts) on the problem with its loss
 *   replaced by G. It never uses the score identity, so it is a reference for score estimators.
 * `kSampleMoments` evaluates an estimator's own `estimate` at every joint configuration (the
 * midpoint uniforms of each copy's configuration, the K copies' noise laid out one after the
 * other) and accumulates its exact mean and variance with West's weighted algorithm.
 * Used by VIMCO (Mnih & Rezende 2016) and its claim; cost grows as 2^{n·K}, so both refuse beyond
 * MAX_JOINT_LOG2 with an InputError that states the cost.
 */
import { toFiniteVector } from "../ndarray.js";
import type { EstimatorInstance, ExactMoments } from "../estimators/types.js";
import { InputError } from "../errors.js";
import { type BinaryProblem } from "../problems/types.js";
import { WeightedMoments } from "../stats/accumulator.js";
import { enumerateConfigurations } from "./enumerate.js";
import { exactAnalysis } from "./moments.js";

/** Largest log₂ of the number of joint configurations enumerated (2²² ≈ 4.2·10⁶). */
export const MAX_JOINT_LOG2 = 22;

/** Throws an InputError stating the cost unless K copies of the problem can be enumerated jointly. */
export function requireJointEnumerable(problem: BinaryProblem, K: number, what: string): void {
  if (!Number.isInteger(K) || K < 1) throw new InputError(`${what}: K: expected an integer number of samples ≥ 1, got ${K}`);
  const bits = problem.nUnits * K;
  if (problem.unitNoise === "injected") throw new InputError(`${what}: problem kind "${problem.kind}" has units with injected noise; its joint configurations cannot be enumerated`);
  if (bits > MAX_JOINT_LOG2) throw new InputError(`${what}: exact moments enumerate 2^(n·K) = 2^(${problem.nUnits}·${K}) = 2^${bits} ≈ ${(2 ** bits).toExponential(1)} joint configurations, beyond the limit 2^${MAX_JOINT_LOG2}; use fewer samples K, a smaller problem, or stochgrad estimate`);
}

/** Every configuration with p > 0: index Σᵢ hᵢ2ⁱ, probability, loss and midpoint uniforms (count × n). */
interface ConfigurationTable {
  count: number;
  index: Int32Array;
  p: Float64Array;
  L: Float64Array;
  u: Float64Array;
}

function configurationTable(problem: BinaryProblem, thetaIn: Float64Array): ConfigurationTable {
  const theta = toFiniteVector(thetaIn, "θ", problem.nParams);
  const n = problem.nUnits;
  const total = 2 ** n;
  const index = new Int32Array(total);
  const p = new Float64Array(total);
  const L = new Float64Array(total);
  const u = new Float64Array(total * n);
  let count = 0;
  enumerateConfigurations(problem, theta, (ws, uMid, prob, loss) => {
    index[count] = configIndex(ws.h);
    p[count] = prob;
    L[count] = loss;
    u.set(uMid, count * n);
    count++;
  });
  return { count, index, p, L, u };
}

/**
 * Visit every K-tuple of table rows (mixed-radix counter, digit 0 fastest). `visit(digits)` is
 * called once per tuple; `changed` is the highest digit that changed since the previous tuple.
 */
function forEachTuple(count: number, K: number, visit: (digits: Int32Array, changed: number) => void): void {
  const digits = new Int32Array(K);
  visit(digits, K - 1);
  for (;;) {
    let d = 0;
    while (d < K && ++digits[d] === count) digits[d++] = 0;
    if (d === K) return;
    visit(digits, d);
  }
}

/**
 * 𝓛_K(θ) = E[F(L₁, …, L_K)] and its exact gradient (see module comment). F must be symmetric in
 * its arguments; it receives a reused buffer of length K. Shapes: gradient (nParams).
 */
export function kSampleObjective(problem: BinaryProblem, theta: Float64Array, K: number, F: (L: Float64Array) => number, what = "K-sample objective"): { value: number; gradient: Float64Array } {
  requireJointEnumerable(problem, K, what);
  const t = configurationTable(problem, theta);
  const G = new Float64Array(2 ** problem.nUnits); // by configuration index
  const Ls = new Float64Array(K);
  let value = 0;
  forEachTuple(t.count, K, (digits) => {
    let wRest = 1;
    for (let k = 0; k < K; k++) {
      Ls[k] = t.L[digits[k]];
      if (k > 0) wRest *= t.p[digits[k]];
    }
    const f = F(Ls);
    G[t.index[digits[0]]] += wRest * f;
    value += t.p[digits[0]] * wRest * f;
  });
  // Σ_h ∇p(h)·G(h): the engine's product-rule gradient of the problem whose loss is G
  const withLossG: BinaryProblem = {
    kind: problem.kind,
    nUnits: problem.nUnits,
    nParams: problem.nParams,
    initialParams: () => problem.initialParams(),
    paramLabels: () => problem.paramLabels(),
    createWorkspace: () => problem.createWorkspace(),
    forward(th, u, ws) {
      problem.forward(th, u, ws);
      return G[configIndex(ws.h)];
    },
    evaluate(th, ws) {
      problem.evaluate(th, ws);
      return G[configIndex(ws.h)];
    },
    addLogitGradient: (th, ws, i, scale, g) => problem.addLogitGradient(th, ws, i, scale, g),
    toJSON: () => problem.toJSON(),
  };
  const gradient = exactAnalysis(withLossG, theta).gradient;
  for (let k = 0; k < gradient.length; k++) gradient[k] *= K;
  return { value, gradient };
}

function configIndex(h: Float64Array): number {
  let idx = 0;
  for (let i = 0; i < h.length; i++) idx += h[i] * 2 ** i;
  return idx;
}

/**
 * Exact E[ĝ] and Var[ĝ] (per coordinate) of an estimator that reads K·nUnits uniforms, copy k
 * reading u[k·n … (k+1)·n) as its unit noise, by evaluating it at every joint configuration.
 */
export function kSampleMoments(problem: BinaryProblem, theta: Float64Array, K: number, instance: EstimatorInstance, what = "K-sample estimator"): ExactMoments {
  requireJointEnumerable(problem, K, what);
  const n = problem.nUnits;
  if (instance.noiseSize !== K * n) throw new Error(`${what}: reads ${instance.noiseSize} uniforms, expected K·n = ${K * n}`);
  const t = configurationTable(problem, theta);
  const noise = new Float64Array(K * n);
  const g = new Float64Array(problem.nParams);
  const acc = new WeightedMoments(problem.nParams);
  forEachTuple(t.count, K, (digits, changed) => {
    let w = 1;
    for (let k = 0; k < K; k++) {
      const r = digits[k];
      w *= t.p[r];
      if (k <= changed) for (let i = 0; i < n; i++) noise[k * n + i] = t.u[r * n + i];
    }
    instance.estimate(theta, noise, g);
    acc.push(g, w);
  });
  return { mean: acc.mean.slice(), variance: acc.variance() };
}
