/**
 * Log-likelihood of an RBM on a training and a test set, exact when it can be and AIS otherwise,
 * saying which: log Z by enumerating the smaller layer when it has ≤ 24 units (exact.ts), else by
 * annealed importance sampling from the base-rate model of the training data (ais.ts; Salakhutdinov
 * & Murray 2008, §3–4) with the spread at a stated α. Then (1/n) Σ_r log p(v_r) = −mean F(v_r) − log Z.
 */
import { zCritical } from "../stats/tests.js";
import type { Stream } from "../random/stream.js";
import { aisLogPartition, baseRateBiases, salakhutdinovMurrayBetas } from "./ais.js";
import { MAX_EXACT_LAYER, rbmLogLikelihood, rbmLogPartition } from "./exact.js";
import type { Rbm } from "./rbm.js";
import { toMatrix, type MatrixInput } from "../ndarray.js";
import { InputError } from "../errors.js";

export interface LikelihoodOptions {
  /** AIS runs M when the smaller layer has > 24 units */
  aisRuns: number;
  /** AIS intermediate distributions K */
  aisSteps: number;
  /** family-wise rate of the reported log Z spread: z = z*(α), two-sided (default 1e-6) */
  alpha?: number;
}

export interface LikelihoodEvaluation {
  /**
   * how log Z (and so the likelihood) was computed: "exact" (enumeration of the smaller layer)
   * or "ais". Named apart from the training method (RbmTrainOptions.method: cd, pcd, exact).
   */
  likelihood: "exact" | "ais";
  logZ: number;
  /** AIS only: spread of log Ẑ at the stated z */
  logZLower?: number;
  logZUpper?: number;
  aisRuns?: number;
  aisSteps?: number;
  trainLogLikelihood: number;
  testLogLikelihood: number;
}

/** True when log Z is computed exactly (the smaller layer has ≤ 24 units). */
export function likelihoodIsExact(rbm: { nVisible: number; nHidden: number }): boolean {
  return Math.min(rbm.nVisible, rbm.nHidden) <= MAX_EXACT_LAYER;
}

/**
 * Mean log p(v) on `train` and `test`: exact when the smaller layer has ≤ 24 units, AIS otherwise
 * (base-rate model from the training rows; randomness from `stream` only). Shapes: train, test
 * n×nV (Float64Arrays of whole rows, or ndarrays).
 */
export function evaluateLikelihood(rbm: Rbm, trainRows: MatrixInput, testRows: MatrixInput, stream: Stream, options: LikelihoodOptions): LikelihoodEvaluation {
  return requireFiniteLikelihood(rbm, evaluateLikelihoodRaw(rbm, trainRows, testRows, stream, options));
}

/**
 * Throws InputError unless log Z and both log-likelihoods are finite: a model whose parameters
 * overflow the free energy (a diverged training run: |W| of 1e307 after --lr 1e308) has no
 * float64 likelihood, and the record would otherwise carry nulls.
 */
function requireFiniteLikelihood(rbm: Rbm, e: LikelihoodEvaluation): LikelihoodEvaluation {
  if (Number.isFinite(e.logZ) && Number.isFinite(e.trainLogLikelihood) && Number.isFinite(e.testLogLikelihood)) return e;
  let big = 0;
  for (const arr of [rbm.W, rbm.b, rbm.c]) for (let k = 0; k < arr.length; k++) big = Math.max(big, Math.abs(arr[k]));
  throw new InputError(`the model's ${e.likelihood} log-likelihood is not a finite float64 (log Z = ${e.logZ}, train ${e.trainLogLikelihood}, test ${e.testLogLikelihood}): its parameters reach |θ| = ${big.toExponential(2)}, beyond what the free energy can hold; if it comes from training, the run diverged (lower the learning rate)`);
}

function evaluateLikelihoodRaw(rbm: Rbm, trainRows: MatrixInput, testRows: MatrixInput, stream: Stream, options: LikelihoodOptions): LikelihoodEvaluation {
  const train = toMatrix(trainRows, rbm.nVisible, "train");
  const test = toMatrix(testRows, rbm.nVisible, "test");
  if (likelihoodIsExact(rbm)) {
    const logZ = rbmLogPartition(rbm);
    return { likelihood: "exact", logZ, trainLogLikelihood: rbmLogLikelihood(rbm, train.data, train.rows, logZ), testLogLikelihood: rbmLogLikelihood(rbm, test.data, test.rows, logZ) };
  }
  const { aisRuns, aisSteps } = options;
  const r = aisLogPartition(rbm, stream, { runs: aisRuns, betas: salakhutdinovMurrayBetas(aisSteps), baseBias: baseRateBiases(train.data, train.rows, rbm.nVisible), z: zCritical(options.alpha ?? 1e-6) });
  return {
    likelihood: "ais",
    logZ: r.logZ,
    logZLower: r.lower,
    logZUpper: r.upper,
    aisRuns,
    aisSteps,
    trainLogLikelihood: rbmLogLikelihood(rbm, train.data, train.rows, r.logZ),
    testLogLikelihood: rbmLogLikelihood(rbm, test.data, test.rows, r.logZ),
  };
}
