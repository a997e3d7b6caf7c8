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
 */
import { gemm } from "../linalg/gemm.js";
import { sigmoidInPlace } from "../numerics.js";
import type { Stream } from "../random/stream.js";
import { sumSoftplus } from "./exact.js";
import type { Rbm } from "./rbm.js";
import { InputError } from "../errors.js";
import { toMatrix, type MatrixInput } from "../ndarray.js";

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
  onProgress?: (done: number, total: number) => void;
}

export interface AisResult {
  /** log Ẑ = log Z_A + log mean(w) */
  logZ: number;
  /** log(r̂ − zσ̂_r) + log Z_A (−∞ when the lower end is ≤ 0) */
  lower: number;
  /** log(r̂ + zσ̂_r) + log Z_A */
  upper: number;
  logZBase: number;
  /** log w per run (M) */
  logWeights: Float64Array;
  runs: number;
  steps: number;
  /** effective sample size (Σw)²/Σw² of the importance weights */
  ess: number;
}

/**
 * AIS estimate of log Z with its spread. Shapes: rbm nV×nH; options.baseBias (nV).
 * Cost O(K·M·nV·nH). Randomness from `stream` only.
 */
export function aisLogPartition(rbm: Rbm, stream: Stream, options: AisOptions): AisResult {
  const { nVisible: nV, nHidden: nH, W, b, c } = rbm;
  const M = options.runs;
  if (!Number.isInteger(M) || M < 2) throw new InputError(`AIS: runs must be an integer ≥ 2, got ${M}`);
  const betas = options.betas ?? salakhutdinovMurrayBetas();
  if (betas.length < 2 || betas[0] !== 0 || betas[betas.length - 1] !== 1) throw new InputError("AIS: the β schedule must run from 0 to 1");
  for (let k = 1; k < betas.length; k++) if (!(betas[k] > betas[k - 1])) throw new InputError(`AIS: β schedule must increase (β[${k}] = ${betas[k]})`);
  const bA = options.baseBias ?? new Float64Array(nV);
  if (bA.length !== nV) throw new InputError(`AIS: base biases have ${bA.length} entries, expected ${nV}`);
  const z = options.z ?? 3;

  let logZA = nH * Math.LN2;
  for (let i = 0; i < nV; i++) logZA += Math.log1p(Math.exp(-Math.abs(bA[i]))) + Math.max(bA[i], 0);

  const V = new Float64Array(M * nV);
  const H = new Float64Array(M * nH);
  const act = new Float64Array(M * nH); // c + vᵀW
  const pH = new Float64Array(M * nH); // σ(β_k act)
  const vAct = new Float64Array(M * nV);
  const scaled = new Float64Array(nH);
  const uV = new Float64Array(M * nV);
  const uH = new Float64Array(M * nH);
  const logw = new Float64Array(M);
  const mix = new Float64Array(nV);

  // v₁ ~ p_A: vᵢ ~ Bernoulli(σ(b_Aᵢ))
  const pA = new Float64Array(nV);
  for (let i = 0; i < nV; i++) pA[i] = 1 / (1 + Math.exp(-bA[i]));
  stream.uniforms(uV);
  for (let r = 0; r < M; r++) for (let i = 0; i < nV; i++) V[r * nV + i] = +(uV[r * nV + i] < pA[i]);

  // log p*_β(v) for every run, given act = c + vᵀW for the current V
  const logPStar = (beta: number, r: number): number => {
    let lin = 0;
    const vo = r * nV;
    for (let i = 0; i < nV; i++) if (V[vo + i]) lin += (1 - beta) * bA[i] + beta * b[i];
    const ao = r * nH;
    for (let j = 0; j < nH; j++) scaled[j] = beta * act[ao + j];
    return lin + sumSoftplus(scaled, nH);
  };

  const K = betas.length - 1;
  for (let k = 1; k <= K; k++) {
    const bPrev = betas[k - 1];
    const bk = betas[k];
    for (let r = 0; r < M; r++) act.set(c, r * nH);
    gemm(false, false, M, nH, nV, 1, V, nV, W, nH, 1, act, nH);
    for (let r = 0; r < M; r++) logw[r] += logPStar(bk, r) - logPStar(bPrev, r);
    if (k === K) break;
    // T_k: h ~ σ(β_k act), v ~ σ((1−β_k) b_A + β_k(b + W h))
    stream.uniforms(uH);
    for (let q = 0; q < M * nH; q++) pH[q] = bk * act[q];
    sigmoidInPlace(pH);
    for (let q = 0; q < M * nH; q++) H[q] = +(uH[q] < pH[q]);
    for (let i = 0; i < nV; i++) mix[i] = (1 - bk) * bA[i] + bk * b[i];
    for (let r = 0; r < M; r++) vAct.set(mix, r * nV);
    gemm(false, true, M, nV, nH, bk, H, nH, W, nH, 1, vAct, nV);
    stream.uniforms(uV);
    sigmoidInPlace(vAct);
    for (let q = 0; q < M * nV; q++) V[q] = +(uV[q] < vAct[q]);
    if (options.onProgress && (k & 255) === 0) options.onProgress(k, K);
  }

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
