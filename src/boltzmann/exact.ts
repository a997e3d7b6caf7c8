/**
 * Exact RBM quantities by enumerating the smaller layer (≤ 24 units, 2^24 ≈ 1.7e7 states) in
 * Gray-code order: each step flips one unit and updates the other layer's pre-activations in
 * O(size of the other layer).
 *
 * Enumerating the hidden layer (nH ≤ nV):  log p*(h) = cᵀh + Σᵢ softplus(bᵢ + (Wh)ᵢ),
 * enumerating the visible layer (nV < nH): log p*(v) = bᵀv + Σⱼ softplus(cⱼ + (vᵀW)ⱼ),
 * log Z = logsumexp over the enumerated layer. The other layer is summed out analytically.
 *
 * STABLE API (used by other modules, e.g. SPSA on the exact RBM likelihood):
 *   rbmLogPartition(rbm)                 → log Z
 *   rbmLogLikelihood(rbm, data, n)       → (1/n) Σ_r log p(v_r)
 *   rbmExactGradient(rbm, data, n)       → ∂/∂θ of that mean, {W, b, c, logLikelihood, logZ}
 *   rbmExactGradientFlat(rbm, data, n)   → same, flat [W (nV·nH row-major), b, c] (Rbm.toFlat layout)
 *   rbmModelStats(rbm)                   → negative phase {logZ, v = E[v], h = E[h], vh = E[v hᵀ]}
 *   rbmDataStats(rbm, data, n)           → positive phase {v, h, vh} with h = p(h|v) averaged
 *   rbmMarginalLogProbs(rbm)             → log p(v) for all 2^nV visible states (nV ≤ 24)
 * Data: row-major n×nV Float64Array of 0/1 values (n optional: length/nV), or an ndarray n×nV.
 * Source: Bengio 2013 (arXiv 1305.2982) §5; Salakhutdinov & Murray 2008 §3 (exact Z for ≤ 25 hidden units).
 */
import { grayFlipBit, softplus } from "../numerics.js";
import { gemm } from "../linalg/gemm.js";
import { EXPNEG_LIMIT, expNeg } from "../linalg/expneg.js";
import { freeEnergy, hiddenProbabilities, type Rbm, type RbmGradient, zeroGradient } from "./rbm.js";
import { InputError } from "../errors.js";
import ops from "ndarray-ops";
import { isNdArray, toMatrix, vectorView, type MatrixInput } from "../ndarray.js";

/** Largest enumerated layer (2^24 states). */
export const MAX_EXACT_LAYER = 24;

/** Phase statistics: E[v] (nV), E[h] (nH), E[v hᵀ] (nV×nH row-major). */
export interface PhaseStats {
  v: Float64Array;
  h: Float64Array;
  vh: Float64Array;
}

/** Throws InputError unless min(nV, nH) ≤ 24. */
export function assertExactSize(rbm: Rbm): void {
  if (Math.min(rbm.nVisible, rbm.nHidden) > MAX_EXACT_LAYER) {
    throw new InputError(`exact RBM quantities enumerate the smaller layer; ${rbm.nVisible}×${rbm.nHidden} has min layer ${Math.min(rbm.nVisible, rbm.nHidden)} > ${MAX_EXACT_LAYER} (use AIS)`);
  }
}

/**
 * The enumeration core, written for "enumerated layer s (n units), other layer o (m units)":
 *   log p*(s) = βˢᵀs + Σᵢ softplus(βᵒᵢ + (Ms)ᵢ),  M is m×n, given as Mt = Mᵀ (n×m, row j = unit j's fan-out).
 * Visits every s with its unnormalised log-probability and the other layer's pre-activations.
 */
interface LayerView {
  n: number;
  m: number;
  /** n×m row-major: weights from enumerated unit j to other unit i */
  Mt: Float64Array;
  biasS: Float64Array;
  biasO: Float64Array;
  /** true when the enumerated layer is the hidden layer */
  hiddenEnumerated: boolean;
}

function layerView(rbm: Rbm): LayerView {
  assertExactSize(rbm);
  const { nVisible: nV, nHidden: nH, W, b, c } = rbm;
  if (nH <= nV) {
    const Mt = new Float64Array(nH * nV);
    for (let i = 0; i < nV; i++) for (let j = 0; j < nH; j++) Mt[j * nV + i] = W[i * nH + j];
    return { n: nH, m: nV, Mt, biasS: c, biasO: b, hiddenEnumerated: true };
  }
  return { n: nV, m: nH, Mt: W, biasS: b, biasO: c, hiddenEnumerated: false };
}

/**
 * Σᵢ softplus(aᵢ) = Σᵢ max(aᵢ, 0) + log Πᵢ (1 + e^{−|aᵢ|}): one exp per term and one log per
 * 512 terms (each factor is in (1, 2], so a block product stays below 2^512). Absolute error
 * ≤ (m + m/512)·ε·(1 + |result|) — rounding level; 6× faster than softplus per term here.
 * Shapes: a (≥ m).
 */
export function sumSoftplus(a: Float64Array, m: number): number {
  let lin = 0;
  let total = 0;
  let prod = 1;
  for (let i = 0; i < m; i++) {
    const x = a[i];
    const ax = Math.abs(x);
    lin += (x + ax) * 0.5;
    // for |x| ≥ 40, e^{−|x|} < 2^{−54} so 1 + e^{−|x|} rounds to exactly 1: skip the exp
    // (this also avoids slow subnormal arithmetic for |x| > 708)
    prod *= ax < EXPNEG_LIMIT ? 1 + expNeg(ax) : 1;
    if ((i & 511) === 511) {
      total += Math.log(prod);
      prod = 1;
    }
  }
  return lin + total + Math.log(prod);
}

/** Visit all 2^n states s (Gray order); act = βᵒ + Ms; returns the count. */
function enumerate(view: LayerView, visit: (s: Uint8Array, act: Float64Array, logp: number) => void): void {
  const { n, m, Mt, biasS, biasO } = view;
  const s = new Uint8Array(n);
  const act = Float64Array.from(biasO);
  let lin = 0;
  const total = 2 ** n;
  for (let k = 0; k < total; k++) {
    if (k > 0) {
      const j = grayFlipBit(k);
      const row = j * m;
      if (s[j]) {
        s[j] = 0;
        lin -= biasS[j];
        for (let i = 0; i < m; i++) act[i] -= Mt[row + i];
      } else {
        s[j] = 1;
        lin += biasS[j];
        for (let i = 0; i < m; i++) act[i] += Mt[row + i];
      }
    }
    visit(s, act, lin + sumSoftplus(act, m));
  }
}

/**
 * log Z = log Σ_{v,h} e^{−E(v,h)}, exactly, by enumerating the smaller layer.
 * Cost O(2^min(nV,nH) · max(nV,nH)). Source: Salakhutdinov & Murray 2008, §3.
 */
export function rbmLogPartition(rbm: Rbm): number {
  const view = layerView(rbm);
  // streaming log-sum-exp: running max mx and Σ e^{lp − mx}
  let mx = -Infinity;
  let sum = 0;
  enumerate(view, (_s, _a, lp) => {
    if (lp > mx) {
      sum = sum * Math.exp(mx - lp) + 1;
      mx = lp;
    } else sum += Math.exp(lp - mx);
  });
  return mx + Math.log(sum);
}

/**
 * Negative phase, exactly: E[v], E[h], E[v hᵀ] under the model, and log Z, in one Gray-code
 * pass: weights are kept relative to the running maximum of log p* (accumulators are rescaled
 * when it grows), and E[s oᵀ] is accumulated by a GEMM over blocks of 256 states.
 * Cost O(2^min(nV,nH) · nV·nH).
 */
export function rbmModelStats(rbm: Rbm): PhaseStats & { logZ: number } {
  const view = layerView(rbm);
  const { n, m, Mt, biasS, biasO } = view;
  const BLK = 256;
  const Sblk = new Float64Array(BLK * n);
  const Pblk = new Float64Array(BLK * m);
  const wblk = new Float64Array(BLK);
  const lpblk = new Float64Array(BLK);
  let nb = 0;
  const Es = new Float64Array(n);
  const Eo = new Float64Array(m);
  const cross = new Float64Array(n * m); // Σ w s_j σ(o_i) at [j·m + i], relative to e^{mx}
  let mx = -Infinity;
  let sum = 0;
  const s = new Uint8Array(n);
  const act = Float64Array.from(biasO);
  const ex = new Float64Array(m);
  let lin = 0;
  const flush = () => {
    if (nb === 0) return;
    for (let r = 0; r < nb; r++) {
      const w = Math.exp(lpblk[r] - mx);
      wblk[r] = w;
      sum += w;
      const po = r * m;
      for (let i = 0; i < m; i++) {
        const p = Pblk[po + i] * w;
        Pblk[po + i] = p;
        Eo[i] += p;
      }
      const so = r * n;
      for (let j = 0; j < n; j++) Es[j] += Sblk[so + j] * w;
    }
    gemm(true, false, n, m, nb, 1, Sblk, n, Pblk, m, 1, cross, m);
    nb = 0;
  };
  const total = 2 ** n;
  for (let k = 0; k < total; k++) {
    if (k > 0) {
      const j = grayFlipBit(k);
      const row = j * m;
      const sg = s[j] ? -1 : 1;
      s[j] ^= 1;
      lin += sg * biasS[j];
      for (let i = 0; i < m; i++) act[i] += sg * Mt[row + i];
    }
    // log p*(s) = lin + Σ softplus(act), sharing e^{−|a|} with σ(a)
    let pos = 0;
    let logs = 0;
    let prod = 1;
    for (let i = 0; i < m; i++) {
      const a = act[i];
      const aa = Math.abs(a);
      pos += (a + aa) * 0.5;
      // e^{−700} ≈ 1e−304: below that, 0 changes σ by < 1e−304 and avoids subnormals
      const e = aa < EXPNEG_LIMIT ? expNeg(aa) : aa < 700 ? Math.exp(-aa) : 0;
      ex[i] = e;
      prod *= 1 + e;
      if ((i & 511) === 511) {
        logs += Math.log(prod);
        prod = 1;
      }
    }
    const lp = lin + pos + logs + Math.log(prod);
    if (lp > mx) {
      flush();
      const f = Math.exp(mx - lp);
      if (mx !== -Infinity) {
        sum *= f;
        for (let i = 0; i < m; i++) Eo[i] *= f;
        for (let j = 0; j < n; j++) Es[j] *= f;
        for (let q = 0; q < cross.length; q++) cross[q] *= f;
      }
      mx = lp;
    }
    const po = nb * m;
    for (let i = 0; i < m; i++) {
      const e = ex[i];
      const t = +(act[i] >= 0);
      Pblk[po + i] = (t + (1 - t) * e) / (1 + e); // σ(act), branch-free as numerics.sigmoidInPlace
    }
    const so = nb * n;
    for (let j = 0; j < n; j++) Sblk[so + j] = s[j];
    lpblk[nb] = lp;
    if (++nb === BLK) flush();
  }
  flush();
  const logZ = mx + Math.log(sum);
  const inv = 1 / sum;
  for (let i = 0; i < m; i++) Eo[i] *= inv;
  for (let j = 0; j < n; j++) Es[j] *= inv;
  for (let q = 0; q < cross.length; q++) cross[q] *= inv;
  const { nVisible: nV, nHidden: nH } = rbm;
  const vh = new Float64Array(nV * nH);
  if (view.hiddenEnumerated) {
    for (let j = 0; j < nH; j++) for (let i = 0; i < nV; i++) vh[i * nH + j] = cross[j * nV + i];
    return { logZ, v: Eo, h: Es, vh };
  }
  vh.set(cross);
  return { logZ, v: Es, h: Eo, vh };
}

/** The data rows as a row-major Float64Array (zero-copy for a Float64Array or a contiguous ndarray) and their count. */
function checkData(rbm: Rbm, data: MatrixInput, n: number | undefined): { data: Float64Array; n: number } {
  if (n !== undefined && (!Number.isInteger(n) || n < 1)) throw new InputError(`data: expected at least one row, got ${n}`);
  if (isNdArray(data)) {
    const m = toMatrix(data, rbm.nVisible, "data", n);
    return { data: m.data, n: m.rows };
  }
  const rows = n ?? Math.floor(data.length / rbm.nVisible);
  if (rows < 1 || data.length < rows * rbm.nVisible) throw new InputError(`data: expected ${rows}×${rbm.nVisible} = ${rows * rbm.nVisible} values, got ${data.length}`);
  return { data, n: rows };
}

/**
 * Positive phase, exactly: E_data[v], E_data[p(h|v)], E_data[v p(h|v)ᵀ] over the n rows.
 * Shapes: data (n×nV).
 */
export function rbmDataStats(rbm: Rbm, rows: MatrixInput, nRows?: number): PhaseStats {
  const { data, n } = checkData(rbm, rows, nRows);
  const { nVisible: nV, nHidden: nH } = rbm;
  const P = hiddenProbabilities(rbm, data, n, new Float64Array(n * nH));
  const v = new Float64Array(nV);
  const h = new Float64Array(nH);
  const vh = new Float64Array(nV * nH);
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < nV; i++) {
      const x = data[r * nV + i];
      v[i] += x;
      if (x !== 0) for (let j = 0; j < nH; j++) vh[i * nH + j] += x * P[r * nH + j];
    }
    for (let j = 0; j < nH; j++) h[j] += P[r * nH + j];
  }
  for (let i = 0; i < nV; i++) v[i] /= n;
  for (let j = 0; j < nH; j++) h[j] /= n;
  for (let k = 0; k < vh.length; k++) vh[k] /= n;
  return { v, h, vh };
}

/** Rows per free-energy chunk of `rbmLogLikelihood` (bounds the n×nH scratch). */
const LIKELIHOOD_CHUNK = 1000;

/**
 * (1/n) Σ_r log p(v_r) = −mean F(v_r) − log Z, exactly given log Z (default: by enumeration).
 * Free energies are computed in chunks of 1000 rows, so 60 000 MNIST rows need 1000×nH scratch,
 * not 60 000×nH. Shapes: data (n×nV).
 */
export function rbmLogLikelihood(rbm: Rbm, rows: MatrixInput, nRows?: number, logZ = rbmLogPartition(rbm)): number {
  const { data, n } = checkData(rbm, rows, nRows);
  const nV = rbm.nVisible;
  const ch = Math.min(LIKELIHOOD_CHUNK, n);
  const F = new Float64Array(ch);
  const act = new Float64Array(ch * rbm.nHidden);
  let s = 0;
  for (let r = 0; r < n; r += ch) {
    const m = Math.min(ch, n - r);
    freeEnergy(rbm, data.subarray(r * nV, (r + m) * nV), m, F, act);
    for (let k = 0; k < m; k++) s -= F[k];
  }
  return s / n - logZ;
}

/**
 * Exact gradient of the mean log-likelihood: positive phase − negative phase,
 *   ∂/∂W = E_data[v p(h|v)ᵀ] − E_model[v hᵀ],  ∂/∂b = E_data[v] − E_model[v],  ∂/∂c = E_data[p(h|v)] − E_model[h].
 * Shapes: data (n×nV); result W (nV×nH), b (nV), c (nH). Source: Bengio 2013 §5 (X⁺ − X⁻).
 */
export function rbmExactGradient(rbm: Rbm, rows: MatrixInput, nRows?: number): RbmGradient & { logLikelihood: number; logZ: number; positive: PhaseStats; negative: PhaseStats } {
  const { data, n } = checkData(rbm, rows, nRows);
  const pos = rbmDataStats(rbm, data, n);
  const neg = rbmModelStats(rbm);
  const g = zeroGradient(rbm);
  ops.sub(vectorView(g.W), vectorView(pos.vh), vectorView(neg.vh));
  ops.sub(vectorView(g.b), vectorView(pos.v), vectorView(neg.v));
  ops.sub(vectorView(g.c), vectorView(pos.h), vectorView(neg.h));
  return { ...g, logLikelihood: rbmLogLikelihood(rbm, data, n, neg.logZ), logZ: neg.logZ, positive: pos, negative: neg };
}

/** `rbmExactGradient` as a flat vector in the `Rbm.toFlat` layout [W, b, c], with the log-likelihood. */
export function rbmExactGradientFlat(rbm: Rbm, rows: MatrixInput, nRows?: number): { gradient: Float64Array; logLikelihood: number; logZ: number } {
  const g = rbmExactGradient(rbm, rows, nRows);
  const out = new Float64Array(rbm.nParams);
  out.set(g.W, 0);
  out.set(g.b, g.W.length);
  out.set(g.c, g.W.length + rbm.nVisible);
  return { gradient: out, logLikelihood: g.logLikelihood, logZ: g.logZ };
}

/**
 * log p(v) for every visible state v ∈ {0,1}^nV, indexed by the integer Σᵢ vᵢ2ⁱ (nV ≤ 24).
 * Shapes: returns 2^nV.
 */
export function rbmMarginalLogProbs(rbm: Rbm, logZ = rbmLogPartition(rbm)): Float64Array {
  const { nVisible: nV, nHidden: nH, W, b, c } = rbm;
  if (nV > MAX_EXACT_LAYER) throw new InputError(`rbmMarginalLogProbs: nVisible = ${nV} > ${MAX_EXACT_LAYER}`);
  const out = new Float64Array(2 ** nV);
  const act = Float64Array.from(c);
  let lin = 0;
  let idx = 0;
  for (let k = 0; k < out.length; k++) {
    if (k > 0) {
      const i = grayFlipBit(k);
      const sgn = (idx >> i) & 1 ? -1 : 1;
      idx ^= 1 << i;
      lin += sgn * b[i];
      for (let j = 0; j < nH; j++) act[j] += sgn * W[i * nH + j];
    }
    let lp = lin;
    for (let j = 0; j < nH; j++) lp += softplus(act[j]);
    out[idx] = lp - logZ;
  }
  return out;
}

/** Integer index Σᵢ vᵢ2ⁱ of a 0/1 visible vector (the index used by `rbmMarginalLogProbs`). */
export function visibleIndex(v: ArrayLike<number>, off = 0, n = v.length - off): number {
  let idx = 0;
  for (let i = 0; i < n; i++) if (v[off + i]) idx |= 1 << i;
  return idx;
}
