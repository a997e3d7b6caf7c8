/**
 * NVIL, neural variational inference and learning (Mnih & Gregor 2014, ICML, §3; the moving
 * averages' α in its appendix): the likelihood-ratio estimator with a learned input-dependent
 * baseline, a moving-average baseline and variance normalisation, one of each per layer ("local
 * learning signals"). For unit i of layer l,
 *   ĝ = Σᵢ (hᵢ − σ(aᵢ)) · (L − bₗ(zₗ) − cₗ) / νₗ · ∂aᵢ/∂θ,    νₗ = max(1, √vₗ),
 * where zₗ is the input of layer l (the constant input x for the first layer, the sampled previous
 * layer hˡ⁻¹ for the others) and bₗ(z) = ψₗᵀ[z; 1] is linear in it. bₗ never reads hˡ or later
 * layers, so for a frozen state (ψ, c, ν) the estimator is exactly unbiased for the rescaled
 * gradient D ∇θE[L], D = diag(1/ν_{layer(k)}): a known positive constant per layer (ν = 1, i.e.
 * unbiased for ∇θE[L] itself, until observe() has seen a signal variance above 1).
 *
 * State advances only through `observe()` (the estimate is pure for a frozen state), from the
 * last estimate's signal rₗ = L − bₗ(zₗ) and centred signal eₗ = rₗ − cₗ:
 *   ψₗ ← ψₗ + lr·eₗ·[zₗ; 1]   (SGD on ½(L − cₗ − bₗ)², the paper's baseline objective)
 *   cₗ ← α cₗ + (1−α) rₗ,    vₗ ← α vₗ + (1−α) eₗ²    (α = `decay`, 0.8 in the paper)
 * Options: lr (0.01), decay (0.8), normalise (1 = on, 0 = off), inputBaseline (1 = learn ψ, 0 = bₗ ≡ 0).
 *
 * Problems other than sigmoid belief nets have no layer inputs: all units form one group whose
 * baseline input is the constant 1, so bₗ is a learned constant (still unbiased).
 * `peek = true` is the negative control of NVIL-unbiased: layer l's baseline reads its own sample
 * hˡ instead of its input, the slip the estimator must not make (biased by −ψₗ,ᵢσ'(aᵢ)∂aᵢ/∂θ/νₗ).
 * Noise "units": reads u only through h, so the exact engine gives exact moments of a frozen state.
 */
import { SigmoidBeliefNet } from "../problems/sbn.js";
import { InputError } from "../errors.js";
import { addAllLogitGradients, requireBernoulliUnits, unitResidual, type BinaryProblem, type Workspace } from "../problems/types.js";
import type { EstimatorInstance, EstimatorOptions, EstimatorSpec } from "./types.js";
import { resolveOptions } from "./options.js";

export interface NvilOptions {
  /** learning rate of the input-dependent baseline ψ */
  lr: number;
  /** moving-average coefficient α of cₗ and vₗ */
  decay: number;
  /** 1: divide the centred signal by νₗ = max(1, √vₗ); 0: no normalisation */
  normalise: number;
  /** 1: learn bₗ(zₗ) = ψₗᵀ[zₗ; 1]; 0: bₗ ≡ 0 (moving average and normalisation only) */
  inputBaseline: number;
}

/** An NVIL instance with access to its per-parameter normaliser (for claims and records). */
export interface NvilInstance extends EstimatorInstance {
  /** out[k] = ν of the layer owning θₖ (nParams): ν ⊙ E[ĝ] = ∇θE[L] for the frozen state */
  scales(out: Float64Array): Float64Array;
}

/** Validated NVIL options (InputError naming the option otherwise). */
export function nvilOptions(o: EstimatorOptions): NvilOptions {
  const bad = (name: string, want: string) => new InputError(`nvil option ${name}: expected ${want}, got ${o[name]}`);
  if (!(o.lr >= 0 && Number.isFinite(o.lr))) throw bad("lr", "a finite learning rate ≥ 0");
  if (!(o.decay >= 0 && o.decay < 1)) throw bad("decay", "a moving-average coefficient in [0, 1)");
  if (o.normalise !== 0 && o.normalise !== 1) throw bad("normalise", "0 or 1");
  if (o.inputBaseline !== 0 && o.inputBaseline !== 1) throw bad("inputBaseline", "0 or 1");
  return { lr: o.lr, decay: o.decay, normalise: o.normalise, inputBaseline: o.inputBaseline };
}

/** Unit groups [start, end) and the baseline input of each: input x, a previous layer, its own layer (peek), or none. */
type Group = { start: number; end: number; input: "x" | "units" | "none"; inStart: number; inEnd: number };

function groupsOf(problem: BinaryProblem, peek: boolean): Group[] {
  if (!(problem instanceof SigmoidBeliefNet)) {
    if (peek) throw new Error("nvil peek control: defined for sigmoid belief nets only");
    return [{ start: 0, end: problem.nUnits, input: "none", inStart: 0, inEnd: 0 }];
  }
  return problem.unitOffset.map((start, l) => {
    const end = start + problem.widths[l + 1];
    if (peek) return { start, end, input: "units", inStart: start, inEnd: end };
    if (l === 0) return { start, end, input: "x", inStart: 0, inEnd: problem.input.length };
    return { start, end, input: "units", inStart: problem.unitOffset[l - 1], inEnd: start };
  });
}

/** NVIL instance (see module comment); `peek` gives the negative control. */
export function createNvil(problem: BinaryProblem, options: NvilOptions, peek = false): NvilInstance {
  const groups = groupsOf(problem, peek);
  const G = groups.length;
  const n = problem.nUnits;
  const x = problem instanceof SigmoidBeliefNet ? problem.input : new Float64Array(0);
  const psiOff = new Int32Array(G + 1); // ψₗ occupies psi[psiOff[l] … psiOff[l+1]): weights, then the bias
  groups.forEach((g, l) => (psiOff[l + 1] = psiOff[l] + g.inEnd - g.inStart + 1));
  const psi = new Float64Array(psiOff[G]);
  const z = new Float64Array(psiOff[G]); // [zₗ; 1] of the last estimate, laid out like ψ
  const c = new Float64Array(G);
  const v = new Float64Array(G);
  const b = new Float64Array(G); // bₗ(zₗ) of the last estimate
  const groupOf = new Int32Array(n);
  groups.forEach((g, l) => groupOf.fill(l, g.start, g.end));
  const coef = new Float64Array(n);
  const ws = problem.createWorkspace();
  const paramUnit = problem.paramUnit?.();
  let lastL = Number.NaN;

  const nu = (l: number) => (options.normalise ? Math.max(1, Math.sqrt(v[l])) : 1);
  const coefficients = (w: Workspace, L: number, out: Float64Array) => {
    lastL = L;
    for (let l = 0; l < G; l++) {
      const g = groups[l];
      const off = psiOff[l];
      const src = g.input === "x" ? x : w.h;
      const d = g.inEnd - g.inStart;
      for (let j = 0; j < d; j++) z[off + j] = src[g.inStart + j];
      z[off + d] = 1;
      let bl = 0;
      if (options.inputBaseline) for (let j = 0; j <= d; j++) bl += psi[off + j] * z[off + j];
      b[l] = bl;
    }
    for (let i = 0; i < n; i++) {
      const l = groupOf[i];
      out[i] = (unitResidual(w, i) * (L - b[l] - c[l])) / nu(l);
    }
  };

  return {
    noiseSize: n,
    lossEvaluations: 1,
    estimate(theta, u, out) {
      const L = problem.forward(theta, u, ws);
      coefficients(ws, L, coef);
      out.fill(0);
      addAllLogitGradients(problem, theta, ws, coef, out);
      return L;
    },
    estimateAt(theta, w, L, out) {
      coefficients(w, L, coef);
      out.fill(0);
      addAllLogitGradients(problem, theta, w, coef, out);
    },
    coefficientsAt: (_theta, w, L, out) => coefficients(w, L, out),
    observe() {
      const a = options.decay;
      for (let l = 0; l < G; l++) {
        const r = lastL - b[l];
        const e = r - c[l];
        if (options.inputBaseline) for (let j = psiOff[l]; j < psiOff[l + 1]; j++) psi[j] += options.lr * e * z[j];
        c[l] = a * c[l] + (1 - a) * r;
        v[l] = a * v[l] + (1 - a) * e * e;
      }
    },
    scales(out) {
      for (let k = 0; k < out.length; k++) out[k] = nu(paramUnit ? groupOf[paramUnit[k]] : 0);
      return out;
    },
    describeState: () => ({
      baselineWeights: groups.map((_, l) => Array.from(psi.subarray(psiOff[l], psiOff[l + 1]))),
      movingAverage: Array.from(c),
      signalVariance: Array.from(v),
      normaliser: groups.map((_, l) => nu(l)),
      baselineInput: groups.map((g) => (g.input === "x" && g.inEnd > 0 ? "input x" : g.input === "units" ? (peek ? "own layer (peek control)" : "previous layer") : "constant")),
    }),
  };
}

export const nvil: EstimatorSpec = {
  id: "nvil",
  title: "NVIL (input-dependent baseline, variance normalisation)",
  formula: "Σᵢ (hᵢ−σ(aᵢ))·(L − ψₗᵀ[zₗ;1] − cₗ)/max(1,√vₗ)·∂aᵢ/∂θ, zₗ = input of layer l; ψ, c, v updated by observe()",
  source: "Mnih & Gregor 2014, ICML (NVIL), §3 (baseline α: appendix)",
  unbiased: true,
  noise: "units",
  defaults: { lr: 0.01, decay: 0.8, normalise: 1, inputBaseline: 1 },
  domains: { lr: { min: 0 }, decay: { min: 0, max: 1, maxOpen: true }, normalise: { values: [0, 1] }, inputBaseline: { values: [0, 1] } },
  applicable: (problem) => requireBernoulliUnits(problem),
  create(problem: BinaryProblem, _theta: Float64Array, options: EstimatorOptions = {}): EstimatorInstance {
    return createNvil(problem, nvilOptions(resolveOptions(this, options)));
  },
};
