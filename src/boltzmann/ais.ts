/**
 * Annealed importance sampling (Neal 2001) for the RBM partition function, following
 * Salakhutdinov & Murray (2008), "On the quantitative analysis of deep belief networks", §3–4:
 *
 *   base model A: W = 0, c = 0, visible biases b_A fitted to the data (base-rate model),
 *     Z_A = 2^{nH} Πᵢ (1 + e^{b_Aᵢ});
 *   intermediate p*_β(v) = e^{((1−β)b_A + βb)ᵀv} Πⱼ (1 + e^{β(cⱼ + (vᵀW)ⱼ)}),   0 = β₀ < … < β_K = 1;
 *   v₁ ~ p_A;  v_{k+1} ~ T_k(v_k) (block Gibbs leaving p_{β_k} invariant:
 *     h ~ σ(β_k(c + Wᵀv)),  v ~ σ((1−β_k)b_A + β_k(b + Wh)));
 *   log w = Σ_{k=1..K} [log p*_{β_k}(v_k) − log p*_{β_{k−1}}(v_k)],   Ẑ = Z_A · mean(w).
 *
 * The spread is the paper's: log(r̂ ± z·σ̂_r) with r̂ = mean(w), σ̂_r = sd(w)/√M over the M runs,
 * here with z = z*(α) (two-sided normal critical value) instead of a fixed 3.
 *
 * On the compute core: run r draws from its own keyed stream (stream.fork(`run/${r}`), moved into
 * the xor4096 kernel), the runs are split into chunks of the worker pool, and every step is the
 * kernels of RBM training on a chunk's rows — act = c + vW and L = b + hWᵀ as row additions over
 * the index lists of the sampled v and h, draws straight into those lists (annealed: σ(β·act),
 * σ(β·L + (1 − β)b_A)), log p* through softplusRowSums at β. Every quantity is per run, so the
 * chunking follows the number of workers without changing a bit; the weights are combined on the
 * calling thread in run order. The result is the same for any number of workers, and the first M
 * runs do not change when more runs are added.
 *
 * RAISE (Burda, Grosse & Salakhutdinov 2015, "Accurate and conservative estimates of MRF
 * log-likelihood using reverse annealing", AISTATS) runs the same chain backwards from a data
 * vector x_K = v: x_{k−1} ~ T_k(x_k) for k = K … 1 (T_k is reversible for p*_{β_k}, so it is its
 * own reversal), and
 *   log p̂(v) = log p*_1(v) − log Z_A − Σ_{k=0}^{K−1} [log p*_{β_{k+1}}(x_k) − log p*_{β_k}(x_k)],
 * an unbiased estimate of p_ann(v), the probability of v under the annealing model (the forward
 * chain from p_A). So E log p̂(v) ≤ log p_ann(v) (Jensen), and p_ann falls short of p on data in
 * practice: averaged over test vectors, log p̂ is a conservative, stochastic lower bound on the
 * test log-likelihood, and log Z_A + mean(log w_rev) a stochastic upper bound on log Z (rigorous in
 * expectation when v is drawn from the model). With AIS (whose log Ẑ tends low) it brackets log Z.
 */
import { InputError } from "../errors.js";
import { binaryIndex } from "../linalg/kernels.js";
import { wasmCore } from "../linalg/wasm.js";
import { toMatrix, type MatrixInput } from "../ndarray.js";
import { ChunkStreams } from "../parallel/chunk-streams.js";
import { WorkerPool } from "../parallel/pool.js";
import { defineTask } from "../parallel/task.js";
import type { Stream } from "../random/stream.js";
import type { Rbm } from "./rbm.js";

/**
 * The β schedule of Salakhutdinov & Murray (2008): uniform steps of 1e-3 on [0, 0.5), 1e-4 on
 * [0.5, 0.9), 1e-5 on [0.9, 1] — 14 500 intermediate distributions. `K` rescales the three
 * segments' counts proportionally (500 : 4000 : 10000). Returns K+1 values from 0 to 1.
 */
export function salakhutdinovMurrayBetas(K = 14500): Float64Array {
  if (!Number.isInteger(K) || K < 3) throw new InputError(`AIS: number of intermediate distributions must be an integer ≥ 3, got ${K}`);
  const n1 = Math.max(1, Math.round((K * 500) / 14500));
  const n2 = Math.max(1, Math.round((K * 4000) / 14500));
  const n3 = K - n1 - n2;
  const out = new Float64Array(K + 1);
  let k = 0;
  for (let i = 0; i < n1; i++) out[k++] = (0.5 * i) / n1;
  for (let i = 0; i < n2; i++) out[k++] = 0.5 + (0.4 * i) / n2;
  for (let i = 0; i <= n3; i++) out[k++] = 0.9 + (0.1 * i) / n3;
  out[K] = 1;
  return out;
}

/**
 * Base-rate visible biases b_Aᵢ = log(p̄ᵢ/(1−p̄ᵢ)), p̄ᵢ = (Σ_r vᵣᵢ + 1)/(N + 2) (add-one
 * smoothing keeps always-off pixels finite). Shapes: data (N×nV; a Float64Array or an ndarray, N
 * optional) → nV.
 */
export function baseRateBiases(rows: MatrixInput, nRowsIn: number | undefined, nV: number): Float64Array {
  const { data, rows: nRows } = toMatrix(rows, nV, "data", nRowsIn);
  const out = new Float64Array(nV);
  for (let r = 0; r < nRows; r++) for (let i = 0; i < nV; i++) out[i] += data[r * nV + i];
  for (let i = 0; i < nV; i++) {
    const p = (out[i] + 1) / (nRows + 2);
    out[i] = Math.log(p / (1 - p));
  }
  return out;
}

export interface AisOptions {
  /** number of independent annealing runs M */
  runs: number;
  /** β schedule from 0 to 1 (default: salakhutdinovMurrayBetas()) */
  betas?: Float64Array;
  /** base-rate visible biases (default: zeros, i.e. the uniform base) */
  baseBias?: Float64Array;
  /** critical value z for the reported spread (default 3, as in the paper) */
  z?: number;
  /** the worker pool that runs the chunks of runs (default: in-process); the result is the same for any pool */
  pool?: WorkerPool;
  /** called after each block of AIS_BLOCK steps with (steps done, K) */
  onProgress?: (done: number, total: number) => void;
  /**
   * the log-weights of every run, in run order, computed elsewhere (`annealingLogWeights` of
   * each shard's runs, a sharded run's merge): the estimate is then formed from them, no annealing
   */
  logWeights?: Float64Array;
}

/** An estimate of log Z from annealing runs with its spread (AIS or RAISE). */
export interface AnnealingResult {
  /** the estimate of log Z */
  logZ: number;
  /** the ends of its spread at the stated z */
  lower: number;
  upper: number;
  /** log Z_A of the base-rate model */
  logZBase: number;
  /** log w per run (M) */
  logWeights: Float64Array;
  runs: number;
  /** intermediate distributions K */
  steps: number;
}

/** AIS: logZ = log Z_A + log mean(w); lower/upper = log(r̂ ∓ zσ̂_r) + log Z_A (lower −∞ when r̂ − zσ̂_r ≤ 0). */
export interface AisResult extends AnnealingResult {
  /** effective sample size (Σw)²/Σw² of the importance weights */
  ess: number;
}

/** Steps per pool job (a job runs every chunk of runs through AIS_BLOCK transitions). */
export const AIS_BLOCK = 256;

/**
 * Chunk c = runs [c·R, …): with k0 = 0 the first visible sample v₁ ~ p_A; otherwise the steps
 * k ∈ [k0, k1) of the module comment for the chunk's runs. States, lists and log w persist in the
 * shared memory between jobs.
 */
export const aisRunsTask = defineTask(
  import.meta.url,
  "aisRunsTask",
  ["M", "R", "nV", "nH", "W", "Wt", "b", "c", "bA", "dvec", "betas", "K", "k0", "k1", "rev", "vIdx", "vStart", "vCnt", "hIdx", "hStart", "hCnt", "act", "L", "U", "ldu", "states", "lw", "d", "sp1", "sp0", "O"],
  (a, ch, ctx) => {
    const k = ctx.k;
    const r0 = ch * a.R;
    const m = Math.min(a.R, a.M - r0);
    const { nV, nH, ldu } = a;
    const u = a.U + r0 * ldu * 8;
    const fill = (N: number) => {
      for (let r = 0; r < m; r++) k.xor4096Fill(a.states + (r0 + r) * 520, u + r * ldu * 8, N, 0);
    };
    const vs = a.vStart + 4 * r0;
    const vc = a.vCnt + 4 * r0;
    const hs = a.hStart + 4 * r0;
    const hc = a.hCnt + 4 * r0;
    if (a.k0 === 0 && a.rev) {
      k.rowSumsF64(a.vIdx, vs, vc, m, a.W, nH, nH, a.c, a.act + r0 * nH * 8, nH); // act of the data vectors x_K
      return;
    }
    if (a.k0 === 0) {
      fill(nV);
      k.sigmoidBernoulliIndexF64(a.bA, 0, m, nV, u, ldu, 0, 0, a.vIdx, vs, vc, 1, 0);
      return;
    }
    const buf = ctx.core.buffer;
    const betas = new Float64Array(buf, a.betas, a.K + 1);
    const bA = new Float64Array(buf, a.bA, nV);
    const O = new Float64Array(buf, a.O + ch * nV * 8, nV);
    const lw = new Float64Array(buf, a.lw + r0 * 8, m);
    const d = new Float64Array(buf, a.d + r0 * 8, m);
    const sp1 = new Float64Array(buf, a.sp1 + r0 * 8, m);
    const sp0 = new Float64Array(buf, a.sp0 + r0 * 8, m);
    const act = a.act + r0 * nH * 8;
    const L = a.L + r0 * nV * 8;
    const transition = (bk: number) => {
      // T at β: h ~ σ(β act), v ~ σ(β(b + Wh) + (1 − β) b_A)
      fill(nH);
      k.sigmoidBernoulliIndexF64(act, nH, m, nH, u, ldu, 0, 0, a.hIdx, hs, hc, bk, 0);
      k.rowSumsF64(a.hIdx, hs, hc, m, a.Wt, nV, nV, a.b, L, nV);
      for (let i = 0; i < nV; i++) O[i] = (1 - bk) * bA[i];
      fill(nV);
      k.sigmoidBernoulliIndexF64(L, nV, m, nV, u, ldu, 0, 0, a.vIdx, vs, vc, bk, O.byteOffset);
    };
    if (a.rev) {
      for (let s = a.k0; s < a.k1; s++) {
        // RAISE step s = K + 1 − j: x_{j−1} ~ T_{β_j}(x_j), then log w += log p*_{β_j}(x_{j−1}) − log p*_{β_{j−1}}(x_{j−1})
        const j = a.K + 1 - s;
        const bk = betas[j];
        const bp = betas[j - 1];
        transition(bk);
        k.rowSumsF64(a.vIdx, vs, vc, m, a.W, nH, nH, a.c, act, nH);
        k.rowSumsF64(a.vIdx, vs, vc, m, a.dvec, 1, 1, 0, a.d + r0 * 8, 1);
        k.softplusRowSumsF64(act, nH, m, nH, a.sp1 + r0 * 8, bk);
        k.softplusRowSumsF64(act, nH, m, nH, a.sp0 + r0 * 8, bp);
        for (let r = 0; r < m; r++) lw[r] += (bk - bp) * d[r] + sp1[r] - sp0[r];
      }
      return;
    }
    for (let s = a.k0; s < a.k1; s++) {
      const bk = betas[s];
      const bp = betas[s - 1];
      // log w += log p*_{β_s}(v_s) − log p*_{β_{s−1}}(v_s) = (β_s − β_{s−1})·Σ_{i∈v}(b − b_A)ᵢ + Σⱼ softplus(β_s actⱼ) − Σⱼ softplus(β_{s−1} actⱼ)
      k.rowSumsF64(a.vIdx, vs, vc, m, a.W, nH, nH, a.c, act, nH);
      k.rowSumsF64(a.vIdx, vs, vc, m, a.dvec, 1, 1, 0, a.d + r0 * 8, 1);
      k.softplusRowSumsF64(act, nH, m, nH, a.sp1 + r0 * 8, bk);
      k.softplusRowSumsF64(act, nH, m, nH, a.sp0 + r0 * 8, bp);
      for (let r = 0; r < m; r++) lw[r] += (bk - bp) * d[r] + sp1[r] - sp0[r];
      if (s === a.K) break;
      transition(bk); // T_s
    }
  },
);

/**
 * AIS estimate of log Z with its spread. Shapes: rbm nV×nH; options.baseBias (nV).
 * Cost O(K·M·(ones of v + ones of h)·(nV + nH)) row additions. Randomness from `stream` only
 * (run r: stream.fork(`run/${r}`)); the same bytes for any `options.pool`.
 */
export function aisLogPartition(rbm: Rbm, stream: Stream, options: AisOptions): AisResult {
  const M = options.runs;
  if (!Number.isInteger(M) || M < 2) throw new InputError(`AIS: runs must be an integer ≥ 2, got ${M}`);
  const { logw, logZA, K } = options.logWeights ? given(rbm, options, M) : anneal(rbm, stream, options, runIds(M), null);
  return aisSummary(logw, logZA, K, options.z ?? 3);
}

/** RAISE: logZ = log Z_A + mean(log w_rev), stochastically above log Z; lower/upper = logZ ∓ z·sd(log w_rev)/√M over the M data rows (one run each). */
export type RaiseResult = AnnealingResult;

/**
 * RAISE (module comment): one reverse annealing run from each of the M rows of `data` (0/1,
 * M×nV, M ≥ 2), the log-weights Σ_k [log p*_{β_{k+1}}(x_k) − log p*_{β_k}(x_k)] and the bound
 * log Z_A + mean(log w) on log Z (so mean_v log p(v) ≥ −mean F(v) − that, stochastically and
 * conservatively). Same schedule, base model, pool and determinism as `aisLogPartition`: run r
 * draws from stream.fork(`run/${r}`).
 */
export function raiseLogPartition(rbm: Rbm, data: MatrixInput, nRows: number | undefined, stream: Stream, options: Omit<AisOptions, "runs">): RaiseResult {
  const { data: x, rows: M } = toMatrix(data, rbm.nVisible, "RAISE data", nRows);
  if (M < 2) throw new InputError(`RAISE: needs at least 2 data vectors, got ${M}`);
  const { logw, logZA, K } = options.logWeights ? given(rbm, options, M) : anneal(rbm, stream, options, runIds(M), x);
  let s1 = 0;
  for (let r = 0; r < M; r++) s1 += logw[r];
  const mean = s1 / M;
  let s2 = 0;
  for (let r = 0; r < M; r++) s2 += (logw[r] - mean) ** 2;
  const se = Math.sqrt(s2 / (M - 1) / M);
  const z = options.z ?? 3;
  const logZ = logZA + mean;
  return { logZ, lower: logZ - z * se, upper: logZ + z * se, logZBase: logZA, logWeights: logw, runs: M, steps: K };
}

/**
 * The log-weights of some of the annealing runs of AIS (`data` absent) or RAISE (from the rows of
 * `data`, M×nV), the runs numbered in `ids` (each < M): run r draws from stream.fork(`run/${r}`)
 * and RAISE's starts from data row r, so every run's log-weight is the one it has in the whole job
 * (bit for bit, whatever else runs beside it), and the log-weights of every shard's runs, put in
 * run order into `options.logWeights`, give the whole job's estimate. Shapes: → ids.length.
 */
export function annealingLogWeights(rbm: Rbm, stream: Stream, options: Omit<AisOptions, "runs" | "logWeights">, ids: readonly number[], data?: MatrixInput, nRows?: number): Float64Array {
  if (ids.length === 0) return new Float64Array(0);
  const x = data === undefined ? null : toMatrix(data, rbm.nVisible, "RAISE data", nRows);
  for (const r of ids) if (!Number.isInteger(r) || r < 0 || (x && r >= x.rows)) throw new InputError(`annealing run ${r}: expected an integer in [0, ${x ? x.rows : "∞"})`);
  let start: Float64Array | null = null;
  if (x) {
    start = new Float64Array(ids.length * rbm.nVisible);
    ids.forEach((r, p) => start!.set(x.data.subarray(r * rbm.nVisible, (r + 1) * rbm.nVisible), p * rbm.nVisible));
  }
  return anneal(rbm, stream, options, ids, start).logw;
}

function runIds(M: number): number[] {
  return Array.from({ length: M }, (_, r) => r);
}

/** log Z_A of the base-rate model: nH log 2 + Σᵢ softplus(b_Aᵢ). */
function baseLogPartition(nH: number, bA: Float64Array): number {
  let logZA = nH * Math.LN2;
  for (let i = 0; i < bA.length; i++) logZA += Math.log1p(Math.exp(-Math.abs(bA[i]))) + Math.max(bA[i], 0);
  return logZA;
}

/** The given log-weights (options.logWeights, M of them) with the schedule's length and log Z_A, as `anneal` returns them. */
function given(rbm: Rbm, options: Omit<AisOptions, "runs">, M: number): { logw: Float64Array; logZA: number; K: number } {
  const lw = options.logWeights!;
  if (lw.length !== M) throw new InputError(`AIS: ${lw.length} given log-weights for ${M} runs`);
  const betas = checkedBetas(options.betas);
  const bA = options.baseBias ?? new Float64Array(rbm.nVisible);
  if (bA.length !== rbm.nVisible) throw new InputError(`AIS: base biases have ${bA.length} entries, expected ${rbm.nVisible}`);
  return { logw: lw.slice(), logZA: baseLogPartition(rbm.nHidden, bA), K: betas.length - 1 };
}

function checkedBetas(given: Float64Array | undefined): Float64Array {
  const betas = given ?? salakhutdinovMurrayBetas();
  if (betas.length < 2 || betas[0] !== 0 || betas[betas.length - 1] !== 1) throw new InputError("AIS: the β schedule must run from 0 to 1");
  for (let k = 1; k < betas.length; k++) if (!(betas[k] > betas[k - 1])) throw new InputError(`AIS: β schedule must increase (β[${k}] = ${betas[k]})`);
  return betas;
}

/** The annealing runs of AIS (start = null: v₁ ~ p_A) or RAISE (start: one data row per run, reversed schedule) numbered `ids`; log w per run. */
function anneal(rbm: Rbm, stream: Stream, options: Omit<AisOptions, "runs">, ids: readonly number[], start: Float64Array | null): { logw: Float64Array; logZA: number; K: number } {
  const { nVisible: nV, nHidden: nH } = rbm;
  const M = ids.length;
  const betas = checkedBetas(options.betas);
  const bA = options.baseBias ?? new Float64Array(nV);
  if (bA.length !== nV) throw new InputError(`AIS: base biases have ${bA.length} entries, expected ${nV}`);
  const logZA = baseLogPartition(nH, bA);

  const K = betas.length - 1;
  const pool = options.pool ?? new WorkerPool({ workers: 1, scratchBytes: 0 });
  const arena = wasmCore().arena();
  try {
    const f64 = (x: ArrayLike<number> | number) => {
      const out = arena.f64(typeof x === "number" ? x : x.length);
      if (typeof x !== "number") out.set(x);
      return out;
    };
    const W = f64(rbm.W);
    const Wt = f64(nH * nV);
    wasmCore().k.transposeF64(W.byteOffset, nH, nV, nH, Wt.byteOffset, nV);
    const dvec = f64(nV);
    for (let i = 0; i < nV; i++) dvec[i] = rbm.b[i] - bA[i];
    const R = pool.workers === 1 ? M : Math.ceil(M / (32 * pool.workers)); // many chunks: the last one decides the balance
    const chunks = Math.ceil(M / R);
    const vl = binaryIndex(M, nV + 1, arena);
    const hl = binaryIndex(M, nH + 1, arena);
    const ldu = Math.max(nV, nH);
    const lw = f64(M);
    const a = {
      M, R, nV, nH, W: W.byteOffset, Wt: Wt.byteOffset, b: f64(rbm.b).byteOffset, c: f64(rbm.c).byteOffset, bA: f64(bA).byteOffset, dvec: dvec.byteOffset,
      betas: f64(betas).byteOffset, K, k0: 0, k1: 0, rev: start ? 1 : 0,
      vIdx: vl.idx.byteOffset, vStart: vl.start.byteOffset, vCnt: vl.count.byteOffset, hIdx: hl.idx.byteOffset, hStart: hl.start.byteOffset, hCnt: hl.count.byteOffset,
      act: f64(M * nH).byteOffset, L: f64(M * nV).byteOffset, U: f64(M * ldu).byteOffset, ldu,
      states: ChunkStreams.fromStream(stream, "run", M, arena, ids).states.byteOffset,
      lw: lw.byteOffset, d: f64(M).byteOffset, sp1: f64(M).byteOffset, sp0: f64(M).byteOffset, O: f64(chunks * nV).byteOffset,
    };
    if (start)
      for (let r = 0; r < M; r++) {
        let m = vl.start[r];
        for (let i = 0; i < nV; i++) {
          const b = start[r * nV + i];
          if (b !== 0 && b !== 1) throw new InputError(`RAISE data[${r}][${i}] = ${b}: expected 0/1`);
          vl.idx[m] = i;
          m += b;
        }
        vl.count[r] = m - vl.start[r];
      }
    pool.run(aisRunsTask, a, chunks);
    for (let k0 = 1; k0 <= K; k0 += AIS_BLOCK) {
      const k1 = Math.min(K + 1, k0 + AIS_BLOCK);
      pool.run(aisRunsTask, { ...a, k0, k1 }, chunks);
      options.onProgress?.(k1 - 1, K);
    }
    return { logw: lw.slice(), logZA, K };
  } finally {
    arena.release();
    if (!options.pool) pool.close();
  }
}

/** log Ẑ, its spread and the ESS from the runs' log-weights, combined in run order (stable: shifted by the largest). */
function aisSummary(logw: Float64Array, logZA: number, K: number, z: number): AisResult {
  const M = logw.length;
  let mx = -Infinity;
  for (let r = 0; r < M; r++) mx = Math.max(mx, logw[r]);
  let s1 = 0;
  let s2 = 0;
  for (let r = 0; r < M; r++) {
    const w = Math.exp(logw[r] - mx);
    s1 += w;
    s2 += w * w;
  }
  const mean = s1 / M;
  const sd = Math.sqrt(Math.max(0, (s2 - M * mean * mean) / (M - 1)));
  const se = sd / Math.sqrt(M);
  const logZ = logZA + mx + Math.log(mean);
  const lo = mean - z * se;
  return {
    logZ,
    lower: lo > 0 ? logZA + mx + Math.log(lo) : -Infinity,
    upper: logZA + mx + Math.log(mean + z * se),
    logZBase: logZA,
    logWeights: logw,
    runs: M,
    steps: K,
    ess: (s1 * s1) / s2,
  };
}
