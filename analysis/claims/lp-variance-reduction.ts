/**
 * LP-variance-reduction (Bengio 2013, arXiv 1305.2982, §3): a predictor of the unbiased but
 * noisy correlation estimator ĝ_corr, learned by least squares from a biased low-variance one
 * (ĝ_ST and per-unit quantities), has lower mean squared error against the exact gradient than
 * either ĝ_corr or ĝ_ST.
 *
 * Setting: a toy supervised task — K examples (xₑ, tₑ), one sigmoid belief net per example,
 * all sharing θ. A step's estimator sees one example and one noise draw; its MSE is
 *   E_e E_noise ‖ĝ − ∇E[L | e]‖²  (mean over examples of per-example bias² + variance),
 * exact by enumeration of each example's 2⁵ configurations. The predictor's coefficients are
 * shared across examples (per parameter), fitted on a seeded batch of (example, noise) draws and
 * then fixed. (On a single example at fixed θ an intercept-only predictor would trivially win by
 * averaging; shared coefficients across examples make the features do the work.)
 *
 * Bias check (z-test): with an intercept, the fitted predictor's mean over the fitting
 * distribution (examples × noise) equals the batch mean of ĝ_corr, so
 *   E_mix[ĝ_pred,k] − ∇̄_k ≈ N(0, Var_mix[r_k]/n),  r_k = ĝ_pred,k − ĝ_corr,k,  ∇̄ = mean_e ∇E[L|e]
 * (coefficient-estimation error is O(1/n) and ignored); Var_mix[r_k] is exact, Bonferroni over
 * coordinates at α. Control: the same predictor fitted on draws at θ + 0.75, used at θ.
 */
import { PredictorFeatures, fitLearnedPredictor, predict } from "../../src/estimators/learned-predictor.js";
import { enumerateConfigurations } from "../../src/exact/enumerate.js";
import type { ExactMoments } from "../../src/estimators/types.js";
import { problemFromJSON } from "../../src/problems/json.js";
import type { BinaryProblem } from "../../src/problems/types.js";
import { WeightedMoments } from "../../src/stats/accumulator.js";
import { zCritical } from "../../src/stats/tests.js";
import { exactWith, mseSplit, r6, type MseSplit } from "./exact-helpers.js";
import { verdict, type Claim, type Verdict } from "./types.js";

const LAYERS = [
  { weights: [[0.5, -0.3], [0.2, 0.8], [-0.4, 0.1]], bias: [0.1, -0.2, 0.3] },
  { weights: [[0.7, -0.5, 0.4], [-0.6, 0.3, 0.9]], bias: [0.2, -0.1] },
];
const EXAMPLES: { x: number[]; t: number[] }[] = [
  { x: [1, 0.5], t: [0.9, 0.1] },
  { x: [-1, 1], t: [0.1, 0.9] },
  { x: [0.5, -1.5], t: [0.8, 0.8] },
  { x: [2, 1], t: [0.2, 0.3] },
];

/** The data set: one 2→3→2 sigmoid belief net per example (xₑ, tₑ), sharing θ. */
export function lpProblems(): BinaryProblem[] {
  return EXAMPLES.map((e) => problemFromJSON({ kind: "sbn", input: e.x, layers: LAYERS, loss: { kind: "squared", target: e.t } }));
}

/** The first example alone (used by other claims and tests as a small reference net). */
export function lpProblem(): BinaryProblem {
  return lpProblems()[0];
}

/**
 * Exact moments of a fitted predictor on one example, plus the exact variance of its residual
 * against ĝ_corr. Shapes: all nParams.
 */
export function predictorExact(problem: BinaryProblem, theta: Float64Array, coef: Float64Array, mask = 0b1111): ExactMoments & { residualMean: Float64Array; residualVariance: Float64Array; residualSecond: Float64Array } {
  const P = problem.nParams;
  const feats = new PredictorFeatures(problem, 0, mask);
  const pred = new Float64Array(P);
  const resid = new Float64Array(P);
  const mp = new WeightedMoments(P);
  const mr = new WeightedMoments(P);
  enumerateConfigurations(problem, theta, (ws, _u, p, L) => {
    feats.ws.h.set(ws.h);
    feats.ws.a.set(ws.a);
    feats.ws.s.set(ws.s);
    feats.ws.c.set(ws.c);
    feats.fill(theta, L);
    predict(coef, feats.x, pred);
    for (let k = 0; k < P; k++) resid[k] = pred[k] - feats.y[k];
    mp.push(pred, p);
    mr.push(resid, p);
  });
  const rv = mr.variance();
  return { mean: mp.mean.slice(), variance: mp.variance(), residualMean: mr.mean.slice(), residualVariance: rv, residualSecond: rv.map((v, k) => v + mr.mean[k] ** 2) };
}

/** Mean over examples of MSE splits. */
function meanSplit(splits: MseSplit[]): MseSplit {
  const K = splits.length;
  return { bias2: splits.reduce((s, x) => s + x.bias2, 0) / K, variance: splits.reduce((s, x) => s + x.variance, 0) / K, mse: splits.reduce((s, x) => s + x.mse, 0) / K };
}

export interface LpEvaluation {
  rows: Record<string, MseSplit>;
  /** mean over examples of ∇E[L | e] */
  meanGradient: Float64Array;
  /** mixture mean of the predictor, and mixture variance of its residual r = ĝ_pred − ĝ_corr */
  predictorMixtureMean: Float64Array;
  residualMixtureVariance: Float64Array;
}

/** Exact evaluation of a fitted predictor and the reference estimators on the data set at θ. */
export function lpEvaluate(problems: BinaryProblem[], theta: Float64Array, coef: Float64Array, mask = 0b1111): LpEvaluation {
  const K = problems.length;
  const P = theta.length;
  const acc: Record<string, MseSplit[]> = { "learned predictor": [], "ĝ_corr (no baseline)": [], "ĝ_ST (identity)": [], "ĝ_ST (sigmoid-adjusted)": [], "ĝ_corr (optimal baseline)": [] };
  const meanGradient = new Float64Array(P);
  const mixMean = new Float64Array(P);
  const resMean = new Float64Array(P);
  const resSecond = new Float64Array(P);
  for (const q of problems) {
    const r = exactWith(q, theta, { corr: ["correlation"], st: ["straight-through"], stSig: ["straight-through-sigmoid"], corrOpt: ["correlation-optimal"] });
    const pe = predictorExact(q, theta, coef, mask);
    acc["learned predictor"].push(mseSplit(pe, r.gradient));
    acc["ĝ_corr (no baseline)"].push(mseSplit(r.estimators.corr, r.gradient));
    acc["ĝ_ST (identity)"].push(mseSplit(r.estimators.st, r.gradient));
    acc["ĝ_ST (sigmoid-adjusted)"].push(mseSplit(r.estimators.stSig, r.gradient));
    acc["ĝ_corr (optimal baseline)"].push(mseSplit(r.estimators.corrOpt, r.gradient));
    for (let k = 0; k < P; k++) {
      meanGradient[k] += r.gradient[k] / K;
      mixMean[k] += pe.mean[k] / K;
      resMean[k] += pe.residualMean[k] / K;
      resSecond[k] += pe.residualSecond[k] / K;
    }
  }
  const rows = Object.fromEntries(Object.entries(acc).map(([k, v]) => [k, meanSplit(v)]));
  return { rows, meanGradient, predictorMixtureMean: mixMean, residualMixtureVariance: resSecond.map((s, k) => Math.max(0, s - resMean[k] ** 2)) };
}

function biasCheck(label: string, ev: LpEvaluation, n: number, alpha: number): Verdict {
  const P = ev.meanGradient.length;
  let maxZ = 0;
  for (let k = 0; k < P; k++) {
    const se = Math.sqrt(ev.residualMixtureVariance[k] / n);
    const d = Math.abs(ev.predictorMixtureMean[k] - ev.meanGradient[k]);
    maxZ = Math.max(maxZ, se > 0 ? d / se : d <= 1e-12 ? 0 : Infinity);
  }
  return verdict(`${label}: max_k |E_mix[ĝ_pred,k] − ∇̄_k| / √(Var_mix[r_k]/n), z-test at α=${alpha} (Bonferroni over ${P} coordinates, n = ${n})`, maxZ, zCritical(alpha, P), "statistical");
}

export const lpVarianceReduction: Claim = {
  id: "LP-variance-reduction",
  statement: "Learning to predict the unbiased (high-variance) correlation estimator from a biased low-variance one gives a gradient estimator whose MSE against the exact gradient is below both.",
  source: "Bengio 2013, arXiv 1305.2982, §3 (learning to predict the unbiased estimator)",
  control: "the same predictor fitted on noise drawn at θ + 0.75 (different parameters) and used at θ",
  run(ctx) {
    const problems = lpProblems();
    const theta = problems[0].initialParams();
    const n = ctx.quick ? 4000 : 20000;
    const coef = fitLearnedPredictor(problems, theta, n, ctx.stream.fork("fit"), 0);
    const ev = lpEvaluate(problems, theta, coef);
    const mp = ev.rows["learned predictor"].mse;
    const best = Math.min(ev.rows["ĝ_corr (no baseline)"].mse, ev.rows["ĝ_ST (identity)"].mse);
    const coefBad = fitLearnedPredictor(problems, theta.map((v) => v + 0.75), n, ctx.stream.fork("fit-shifted"), 0);
    const bad = lpEvaluate(problems, theta, coefBad);
    // Feature ablation (exact, enumeration-weighted fit): which features carry the gain.
    const names = ["ĝ_ST", "ĝ_STσ", "h·∂a/∂θ", "σ·∂a/∂θ"];
    const ablation = [];
    for (let mask = 1; mask < 16; mask++) {
      const row = lpEvaluate(problems, theta, fitLearnedPredictor(problems, theta, 0, null, 0, mask), mask).rows["learned predictor"];
      ablation.push({ features: names.filter((_, a) => (mask >> a) & 1).join(" + "), mask, bias2: r6(row.bias2), variance: r6(row.variance), mse: r6(row.mse) });
    }
    const table = Object.fromEntries(Object.entries({ ...ev.rows, "control: fitted at θ+0.75": bad.rows["learned predictor"] }).map(([k, v]) => [k, { bias2: r6(v.bias2), variance: r6(v.variance), mse: r6(v.mse) }]));
    return {
      reference: "exact per-example ∇E[L|e] and exact bias²/variance of every estimator by enumeration of each example's 2⁵ configurations (predictor coefficients fixed after the seeded fit)",
      checks: [
        // exact comparison of exact quantities: strictly below means ratio < 1 (ties are not reductions)
        verdict("exact MSE(predictor) / min(MSE(ĝ_corr), MSE(ĝ_ST identity)), mean over examples (must be < 1)", mp / best, 1 - 1e-12, "exact"),
        biasCheck("predictor fitted at θ", ev, n, ctx.alpha),
      ],
      controls: [biasCheck("predictor fitted at θ+0.75", bad, n, ctx.alpha)],
      data: {
        note: "the check compares with ĝ_corr without baseline and identity ĝ_ST as the claim states; ĝ_ST (sigmoid-adjusted) and ĝ_corr with the optimal baseline have lower MSE than this all-feature predictor on this task (see mseTable), and the predictor on the noise-free feature σ·∂a/∂θ alone beats all of them (exactFitFeatureAblation)",
        examples: EXAMPLES, fitBatch: n, features: "all four (ĝ_ST, ĝ_STσ, h·∂a/∂θ, σ·∂a/∂θ) + intercept", mseTable: table, exactFitFeatureAblation: ablation, parameters: theta.length },
    };
  },
};
