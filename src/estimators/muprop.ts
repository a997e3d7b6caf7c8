/**
 * MuProp (Gu, Levine, Sutskever & Mnih 2016, "MuProp: Unbiased backpropagation for stochastic
 * neural networks", ICLR; §3 and Algorithm 1): the likelihood-ratio estimator with the
 * first-order Taylor expansion of the loss around the mean-field configuration h̄ as a control
 * variate, plus the control variate's analytic expectation. For unit i of layer l,
 *   ĝ = Σᵢ [ (L(h) − f̄ − Σ_{j∈l} f̄'ⱼ(hⱼ − h̄ⱼ) − cₗ)·(hᵢ − σ(aᵢ)) + f̄'ᵢ σ'(aᵢ) ] ∂aᵢ/∂θ,
 * where h̄, f̄ = L̃(h̄) and f̄'ⱼ = ∂f̄/∂h̄ⱼ come from the deterministic mean-field pass and its
 * back-propagation (src/estimators/mean-field.ts), and aᵢ, σ(aᵢ), ∂aᵢ/∂θ are those of the sampled
 * pass (parents at their sampled values). The first term is REINFORCE on the residual of the
 * Taylor expansion; the second is ∇θ E[f̄ + f̄'ᵀ(hₗ − h̄ₗ) | earlier layers] = f̄'ᵀ∇θ μₗ, the gradient
 * of the control variate's mean (μᵢ = σ(aᵢ)), with f̄, f̄', h̄ held fixed. Unbiased because f̄, f̄'
 * and h̄ depend on θ only, and layer l's Taylor term is linear in hₗ whose units are independent
 * given the earlier layers.
 *
 * Baseline cₗ (option `baselineDecay` β): 0 (default) = none, as in the paper's plain MuProp;
 * β ∈ (0, 1) adds a moving-average baseline of layer l's residual, cₗ ← βcₗ + (1−β)rₗ, advanced
 * only by `observe()`, so `estimate` stays pure for a frozen state (and unbiased).
 * `analytic = false` drops the analytic term (the negative control of the MuProp-unbiased claim).
 *
 * Noise "units": it reads u only through h, so the exact engine enumerates its exact moments.
 * Cost per estimate: one sampled pass plus one mean-field pass (cached while θ is unchanged) and
 * its backward pass; lossEvaluations = 2.
 */
import { InputError } from "../errors.js";
import { addAllLogitGradients, unitResidual, type BinaryProblem, type Workspace } from "../problems/types.js";
import { meanFieldOf } from "./mean-field.js";
import type { EstimatorInstance, EstimatorOptions, EstimatorSpec } from "./types.js";
import { resolveOptions } from "./options.js";

/** Validate the moving-average decay β of the optional baseline (0 = none, else in (0, 1)). */
export function mupropBaselineDecay(beta: number | undefined): number {
  if (beta === undefined || !Number.isFinite(beta) || beta < 0 || beta >= 1) throw new InputError(`muprop option baselineDecay: expected 0 (no baseline) or a moving-average decay in (0, 1), got ${beta}`);
  return beta;
}

/**
 * A MuProp instance (see module comment). `analytic = false` gives the Taylor control variate
 * without its analytic correction (biased by −Σᵢ f̄'ᵢσ'(aᵢ)∂aᵢ/∂θ on average).
 */
export function createMuprop(problem: BinaryProblem, baselineDecay = 0, analytic = true): EstimatorInstance {
  const mf = meanFieldOf(problem);
  if (typeof mf === "string") throw new InputError(`muprop: ${mf}`);
  const { expand, layer } = mf;
  const n = problem.nUnits;
  let nLayers = 0;
  for (let i = 0; i < n; i++) nLayers = Math.max(nLayers, layer[i] + 1);
  const ws = problem.createWorkspace();
  const mean = new Float64Array(n);
  const slope = new Float64Array(n);
  const residual = new Float64Array(nLayers); // rₗ = L − f̄ − Σ_{j∈l} f̄'ⱼ(hⱼ − h̄ⱼ) of the last estimate
  const baseline = new Float64Array(nLayers);
  const coef = new Float64Array(n);
  let cached: Float64Array | null = null;
  let fbar = 0;

  // the expansion depends on θ only: recomputed when θ changes (compared by value, so an
  // optimiser's in-place update is seen)
  const expansionAt = (theta: Float64Array) => {
    if (cached) {
      let same = true;
      for (let k = 0; k < theta.length && same; k++) same = cached[k] === theta[k];
      if (same) return;
    }
    fbar = expand(theta, mean, slope);
    cached = theta.slice();
  };
  const coefficients = (theta: Float64Array, w: Workspace, L: number, c: Float64Array) => {
    expansionAt(theta);
    residual.fill(L - fbar);
    for (let j = 0; j < n; j++) residual[layer[j]] -= slope[j] * (w.h[j] - mean[j]);
    for (let i = 0; i < n; i++) {
      const s = w.s[i];
      const l = layer[i];
      c[i] = (residual[l] - baseline[l]) * unitResidual(w, i) + (analytic ? slope[i] * s * w.c[i] : 0);
    }
  };

  const inst: EstimatorInstance = {
    noiseSize: n,
    lossEvaluations: 2,
    estimate(theta, u, out) {
      const L = problem.forward(theta, u, ws);
      coefficients(theta, ws, L, coef);
      out.fill(0);
      addAllLogitGradients(problem, theta, ws, coef, out);
      return L;
    },
    estimateAt(theta, w, L, out) {
      coefficients(theta, w, L, coef);
      out.fill(0);
      addAllLogitGradients(problem, theta, w, coef, out);
    },
    coefficientsAt: coefficients,
    describeState: () => ({ meanField: Array.from(mean), meanFieldLoss: fbar, slope: Array.from(slope), baseline: Array.from(baseline), analytic }),
  };
  if (baselineDecay > 0)
    inst.observe = () => {
      for (let l = 0; l < nLayers; l++) baseline[l] = baselineDecay * baseline[l] + (1 - baselineDecay) * residual[l];
    };
  return inst;
}

export const muprop: EstimatorSpec = {
  id: "muprop",
  title: "MuProp (mean-field Taylor control variate)",
  formula: "Σᵢ [(L − f̄ − f̄'ₗᵀ(hₗ − h̄ₗ) − cₗ)(hᵢ−σ(aᵢ)) + f̄'ᵢσ'(aᵢ)] ∂aᵢ/∂θ, h̄ = mean-field pass, f̄' = ∂L̃(h̄)/∂h̄",
  source: "Gu, Levine, Sutskever & Mnih 2016, ICLR (MuProp), §3 and Algorithm 1",
  unbiased: true,
  noise: "units",
  defaults: { baselineDecay: 0 },
  domains: { baselineDecay: { min: 0, max: 1, maxOpen: true, why: "0 = no baseline, else a moving-average decay" } },
  applicable(problem) {
    const mf = meanFieldOf(problem);
    return typeof mf === "string" ? mf : null;
  },
  create(problem: BinaryProblem, _theta: Float64Array, options: EstimatorOptions = {}): EstimatorInstance {
    return createMuprop(problem, mupropBaselineDecay(resolveOptions(this, options).baselineDecay));
  },
};
