/**
 * Log-likelihood of an RBM on a training and a test set, exact when it can be and AIS otherwise,
 * saying which: log Z by enumerating the smaller layer when it has ≤ 24 units (exact.ts), else by
 * annealed importance sampling from the base-rate model of the training data (ais.ts; Salakhutdinov
 * & Murray 2008, §3–4) with the spread at a stated α. Then (1/n) Σ_r log p(v_r) = −mean F(v_r) − log Z.
 */
import { InputError } from "../errors.js";
import type { WorkerPool } from "../parallel/pool.js";
import { zCritical } from "../stats/tests.js";
import type { Stream } from "../random/stream.js";
import { aisLogPartition, baseRateBiases, salakhutdinovMurrayBetas } from "./ais.js";
import { MAX_EXACT_LAYER, rbmLogLikelihood, rbmLogPartition } from "./exact.js";
import type { Rbm } from "./rbm.js";
import { toMatrix, type MatrixInput } from "../ndarray.js";

/** How log Z is obtained: "auto" (exact when the smaller layer has ≤ 24 units, else AIS), "exact" or "ais". */
export type LikelihoodMethod = "auto" | "exact" | "ais";

export interface LikelihoodOptions {
  /** "auto" (default), "exact" (an InputError when the smaller layer has > 24 units) or "ais" (also on small models, e.g. to check AIS against the exact answer) */
  method?: LikelihoodMethod;
  /** the pool that runs the AIS chunks (default in-process); the result is the same for any pool */
  pool?: WorkerPool;
  /** AIS runs M when the smaller layer has > 24 units */
  aisRuns: number;
  /** AIS intermediate distributions K */
  aisSteps: number;
  /** family-wise rate of the reported log Z spread: z = z*(α), two-sided (default 1e-6) */
  alpha?: number;
}

export interface LikelihoodEvaluation {
  /** "exact" (enumeration of the smaller layer) or "ais" */
  method: "exact" | "ais";
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
 * (or as `options.method` says; base-rate model from the training rows; randomness from `stream`
 * only). Shapes: train, test n×nV (Float64Arrays of whole rows, or ndarrays).
 */
export function evaluateLikelihood(rbm: Rbm, trainRows: MatrixInput, testRows: MatrixInput, stream: Stream, options: LikelihoodOptions): LikelihoodEvaluation {
  const train = toMatrix(trainRows, rbm.nVisible, "train");
  const test = toMatrix(testRows, rbm.nVisible, "test");
  const method = options.method ?? "auto";
  if (method === "exact" && !likelihoodIsExact(rbm)) throw new InputError(`exact log-likelihood: log Z enumerates the smaller layer, which needs ≤ ${MAX_EXACT_LAYER} units; the model is ${rbm.nVisible}×${rbm.nHidden} (use AIS)`);
  if (method !== "ais" && likelihoodIsExact(rbm)) {
    const logZ = rbmLogPartition(rbm);
    return { method: "exact", logZ, trainLogLikelihood: rbmLogLikelihood(rbm, train.data, train.rows, logZ), testLogLikelihood: rbmLogLikelihood(rbm, test.data, test.rows, logZ) };
  }
  const { aisRuns, aisSteps } = options;
  const r = aisLogPartition(rbm, stream, { runs: aisRuns, betas: salakhutdinovMurrayBetas(aisSteps), baseBias: baseRateBiases(train.data, train.rows, rbm.nVisible), z: zCritical(options.alpha ?? 1e-6), pool: options.pool });
  return {
    method: "ais",
    logZ: r.logZ,
    logZLower: r.lower,
    logZUpper: r.upper,
    aisRuns,
    aisSteps,
    trainLogLikelihood: rbmLogLikelihood(rbm, train.data, train.rows, r.logZ),
    testLogLikelihood: rbmLogLikelihood(rbm, test.data, test.rows, r.logZ),
  };
}
