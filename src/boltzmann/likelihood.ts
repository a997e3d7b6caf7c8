/**
 * Log-likelihood of an RBM on a training and a test set, exact when it can be and AIS otherwise,
 * saying which: log Z by enumerating the smaller layer when it has ≤ 24 units (exact.ts), else by
 * annealed importance sampling from the base-rate model of the training data (ais.ts; Salakhutdinov
 * & Murray 2008, §3–4) with the spread at a stated α. Then (1/n) Σ_r log p(v_r) = −mean F(v_r) − log Z,
 * with the free energies on the compute core (`meanFreeEnergy`). With `raiseExamples` the AIS
 * estimate comes with RAISE (Burda, Grosse & Salakhutdinov 2015; ais.ts) from the first test rows:
 * AIS's log Ẑ tends low (its log-likelihood optimistic), RAISE's bound high (its log-likelihood
 * conservative), so together they bracket log Z and the test log-likelihood.
 */
import { InputError } from "../errors.js";
import { wasmCore } from "../linalg/wasm.js";
import { WorkerPool } from "../parallel/pool.js";
import { defineTask } from "../parallel/task.js";
import { zCritical } from "../stats/tests.js";
import type { Stream } from "../random/stream.js";
import { aisLogPartition, annealingLogWeights, baseRateBiases, raiseLogPartition, salakhutdinovMurrayBetas } from "./ais.js";
import { BinaryRows } from "./binary-rows.js";
import { MAX_EXACT_LAYER, rbmLogPartition } from "./exact.js";
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
  /** with AIS: also run RAISE from the first `raiseExamples` test rows (≥ 2; 0 or absent: no RAISE), same schedule */
  raiseExamples?: number;
  /**
   * with AIS: every AIS run's and RAISE run's log-weight, in run order, computed elsewhere (the
   * states of `annealingChunks`, by `annealingChunkStates` in separate processes): the evaluation
   * is then formed from them, the same bytes as annealing here
   */
  logWeights?: { ais: Float64Array; raise?: Float64Array };
}

/** Annealing runs per chunk of a sharded evaluation: fixed, so the chunks never depend on the number of shards or workers. */
export const ANNEALING_CHUNK_RUNS = 8;

/** A chunk of annealing runs: AIS runs or RAISE runs [first, end). */
export interface AnnealingChunk {
  kind: "ais" | "raise";
  first: number;
  end: number;
}

/** RAISE beside AIS (ais.ts): the upper estimate of log Z and the conservative test log-likelihood. */
export interface RaiseEvaluation {
  /** log Z_A + mean log w_rev over the reverse runs (stochastically ≥ log Z) */
  logZ: number;
  /** logZ + z·se over the runs */
  logZUpper: number;
  /** test rows the reverse runs start from (one run each) */
  runs: number;
  /** −mean F(test) − logZ: the RAISE estimate of the test log-likelihood (conservative) */
  testLogLikelihood: number;
  /** −mean F(test) − logZUpper: the lower end of the bracket on the test log-likelihood */
  testLogLikelihoodLower: number;
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
  /** AIS only: −mean F(test) − logZLower, the upper end of the bracket on the test log-likelihood */
  testLogLikelihoodUpper?: number;
  /** AIS with raiseExamples: the RAISE side of the bracket */
  raise?: RaiseEvaluation;
}

/** Rows of one free-energy chunk. */
const FREE_ENERGY_ROWS = 64;

/**
 * Chunk c = rows [c·64, …): SP_r = Σⱼ softplus(cⱼ + (v_rW)ⱼ) and BV_r = bᵀv_r, with the act rows in
 * this participant's block of `scratch` (64×nH each).
 */
export const freeEnergyTask = defineTask(import.meta.url, "freeEnergyTask", ["idx", "start", "cnt", "n", "nH", "W", "b", "c", "SP", "BV", "scratch"], (a, ch, ctx) => {
  const r0 = ch * FREE_ENERGY_ROWS;
  const m = Math.min(FREE_ENERGY_ROWS, a.n - r0);
  const act = a.scratch + ctx.worker * FREE_ENERGY_ROWS * a.nH * 8;
  const s = a.start + 4 * r0;
  const q = a.cnt + 4 * r0;
  ctx.k.rowSumsF64(a.idx, s, q, m, a.W, a.nH, a.nH, a.c, act, a.nH);
  ctx.k.softplusRowSumsF64(act, a.nH, m, a.nH, a.SP + r0 * 8, 1);
  ctx.k.rowSumsF64(a.idx, s, q, m, a.b, 1, 1, 0, a.BV + r0 * 8, 1);
});

/**
 * mean_r F(v_r) = −(1/n) Σ_r [bᵀv_r + Σⱼ softplus(cⱼ + (v_rW)ⱼ)] over the 0/1 rows of `data` (nRows×nV),
 * in float64 on the compute core: row additions over the rows' index lists, softplusRowSums, the
 * sum over rows in row order on the calling thread (the same bytes for any pool).
 */
export function meanFreeEnergy(rbm: Rbm, data: MatrixInput, nRows?: number, pool?: WorkerPool, where = "data"): number {
  const { nVisible: nV, nHidden: nH } = rbm;
  const rows = BinaryRows.fromMatrix(data, nRows, nV, where);
  const p = pool ?? new WorkerPool({ workers: 1, scratchBytes: 0 });
  const arena = wasmCore().arena();
  try {
    const n = rows.rows;
    const f64 = (x: ArrayLike<number> | number) => {
      const out = arena.f64(typeof x === "number" ? x : x.length);
      if (typeof x !== "number") out.set(x);
      return out;
    };
    const SP = f64(n);
    const BV = f64(n);
    const ix = rows.index;
    p.run(freeEnergyTask, { idx: ix.idx.byteOffset, start: ix.start.byteOffset, cnt: ix.count.byteOffset, n, nH, W: f64(rbm.W).byteOffset, b: f64(rbm.b).byteOffset, c: f64(rbm.c).byteOffset, SP: SP.byteOffset, BV: BV.byteOffset, scratch: f64(p.workers * FREE_ENERGY_ROWS * nH).byteOffset }, Math.ceil(n / FREE_ENERGY_ROWS));
    let s = 0;
    for (let r = 0; r < n; r++) s -= BV[r] + SP[r];
    return s / n;
  } finally {
    arena.release();
    rows.release();
    if (!pool) p.close();
  }
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

/** The schedule, base model, z and RAISE rows of an AIS evaluation (the same for the whole run, its chunks and their merge). */
function annealingSetup(train: { data: Float64Array; rows: number }, test: { rows: number }, nV: number, options: LikelihoodOptions) {
  return { betas: salakhutdinovMurrayBetas(options.aisSteps), baseBias: baseRateBiases(train.data, train.rows, nV), z: zCritical(options.alpha ?? 1e-6), raiseRows: raiseRowCount(options, test.rows) };
}

/** The test rows RAISE starts from: min(raiseExamples, test rows), 0 for none; raiseExamples must be 0 or an integer ≥ 2. */
function raiseRowCount(options: LikelihoodOptions, testRows: number): number {
  const R = options.raiseExamples ?? 0;
  if (R !== 0 && (!Number.isInteger(R) || R < 2)) throw new InputError(`RAISE: expected an integer number of test rows ≥ 2 (or 0 for none), got ${R}`);
  return R ? Math.min(R, testRows) : 0;
}

/**
 * The chunks of annealing runs of an AIS evaluation, in order: AIS runs [0, aisRuns) then RAISE's
 * (one per test row used) in chunks of ANNEALING_CHUNK_RUNS. Depends on the options and the test
 * set's size only, never on who computes them.
 */
export function annealingChunks(options: LikelihoodOptions, testRows: number): AnnealingChunk[] {
  const raise = raiseRowCount(options, testRows);
  const out: AnnealingChunk[] = [];
  for (const [kind, n] of [["ais", options.aisRuns], ["raise", raise]] as const) for (let first = 0; first < n; first += ANNEALING_CHUNK_RUNS) out.push({ kind, first, end: Math.min(n, first + ANNEALING_CHUNK_RUNS) });
  return out;
}

/**
 * The log-weights of the annealing chunks numbered `ids` (of `annealingChunks`) of the AIS
 * evaluation `evaluateLikelihood(rbm, train, test, stream, options)` would run: each run's
 * log-weight bit for bit (ais.ts `annealingLogWeights`), so the chunks of all shards, concatenated
 * in chunk order into `options.logWeights`, give that evaluation's bytes. Shapes: → one array per id.
 */
export function annealingChunkStates(rbm: Rbm, trainRows: MatrixInput, testRows: MatrixInput, stream: Stream, options: LikelihoodOptions, ids: readonly number[]): Float64Array[] {
  const train = toMatrix(trainRows, rbm.nVisible, "train");
  const test = toMatrix(testRows, rbm.nVisible, "test");
  const { betas, baseBias, z, raiseRows } = annealingSetup(train, test, rbm.nVisible, options);
  const chunks = annealingChunks(options, test.rows);
  for (const c of ids) if (!Number.isInteger(c) || c < 0 || c >= chunks.length) throw new InputError(`annealing chunk ${c}: expected an integer in [0, ${chunks.length})`);
  const runs = (kind: "ais" | "raise") => ids.flatMap((c) => (chunks[c].kind === kind ? Array.from({ length: chunks[c].end - chunks[c].first }, (_, j) => chunks[c].first + j) : []));
  const o = { betas, baseBias, z, pool: options.pool };
  const ais = annealingLogWeights(rbm, stream, o, runs("ais"));
  const raise = annealingLogWeights(rbm, stream.fork("raise"), o, runs("raise"), test.data.subarray(0, raiseRows * rbm.nVisible), raiseRows);
  const at = { ais: 0, raise: 0 };
  return ids.map((c) => {
    const { kind, first, end } = chunks[c];
    const src = kind === "ais" ? ais : raise;
    const out = src.slice(at[kind], at[kind] + end - first);
    at[kind] += end - first;
    return out;
  });
}

function evaluateLikelihoodRaw(rbm: Rbm, trainRows: MatrixInput, testRows: MatrixInput, stream: Stream, options: LikelihoodOptions): LikelihoodEvaluation {
  const train = toMatrix(trainRows, rbm.nVisible, "train");
  const test = toMatrix(testRows, rbm.nVisible, "test");
  const method = options.method ?? "auto";
  if (method === "exact" && !likelihoodIsExact(rbm)) throw new InputError(`exact log-likelihood: log Z enumerates the smaller layer, which needs ≤ ${MAX_EXACT_LAYER} units; the model is ${rbm.nVisible}×${rbm.nHidden} (use AIS)`);
  const logLikelihood = (d: { data: Float64Array; rows: number }, logZ: number, where: string) => -meanFreeEnergy(rbm, d.data, d.rows, options.pool, where) - logZ;
  if (method !== "ais" && likelihoodIsExact(rbm)) {
    const logZ = rbmLogPartition(rbm);
    return { likelihood: "exact", logZ, trainLogLikelihood: logLikelihood(train, logZ, "train"), testLogLikelihood: logLikelihood(test, logZ, "test") };
  }
  const { aisRuns, aisSteps } = options;
  const { betas, baseBias, z, raiseRows } = annealingSetup(train, test, rbm.nVisible, options);
  const r = aisLogPartition(rbm, stream, { runs: aisRuns, betas, baseBias, z, pool: options.pool, logWeights: options.logWeights?.ais });
  const negF = -meanFreeEnergy(rbm, test.data, test.rows, options.pool, "test");
  let raise: RaiseEvaluation | undefined;
  if (raiseRows) {
    const n = raiseRows;
    if (options.logWeights && !options.logWeights.raise) throw new InputError("RAISE: given AIS log-weights but none of RAISE");
    const q = raiseLogPartition(rbm, test.data.subarray(0, n * rbm.nVisible), n, stream.fork("raise"), { betas, baseBias, z, pool: options.pool, logWeights: options.logWeights?.raise });
    raise = { logZ: q.logZ, logZUpper: q.upper, runs: n, testLogLikelihood: negF - q.logZ, testLogLikelihoodLower: negF - q.upper };
  }
  return {
    likelihood: "ais",
    logZ: r.logZ,
    ...(Number.isFinite(r.lower) ? { logZLower: r.lower } : {}), // absent when r̂ − zσ̂_r ≤ 0 (no finite lower end)
    logZUpper: r.upper,
    aisRuns,
    aisSteps,
    trainLogLikelihood: logLikelihood(train, r.logZ, "train"),
    testLogLikelihood: negF - r.logZ,
    ...(Number.isFinite(r.lower) ? { testLogLikelihoodUpper: negF - r.lower } : {}), // no finite upper end when r̂ − zσ̂_r ≤ 0
    ...(raise ? { raise } : {}),
  };
}
