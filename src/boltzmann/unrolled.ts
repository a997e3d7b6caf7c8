/**
 * The RBM's block-Gibbs chain unrolled for T steps as a directed net of binary stochastic
 * neurons (Bengio 2013, arXiv 1305.2982, §5 with Theorem 1):
 *   v₀ fixed;  for t = 1..T:  h_t ~ Bernoulli(σ(c + Wᵀv_{t−1})),  v_t ~ Bernoulli(σ(b + W h_t)),
 *   R = 1[v_T = v_data].
 * Theorem 1 gives the unbiased estimator of ∂P(v_T = v_data)/∂θ
 *   ĝ = R · Σₜ Σ_units (x − σ(a)) ∂a/∂θ, i.e.
 *   c_j: Σₜ (h_jt − σ(a_jt));  b_k: Σₜ (v_kt − σ(a_kt));  W_kj: Σₜ (h_jt − σ(a_jt))·v_{k,t−1} + (v_kt − σ(a_kt))·h_jt.
 * The exact reference: P_T = e_{v₀}ᵀ Mᵀ… = e_{v₀}ᵀ M^T e_{v_data} with M the visible→visible
 * transition matrix, and ∂P_T = Σₜ e_{v₀}ᵀ M^{t−1} (∂M) M^{T−t} e_{v_data}.
 * Flat parameter layout as `Rbm.toFlat`: [W (nV·nH), b (nV), c (nH)].
 */
import type { Rbm } from "./rbm.js";
import { InputError } from "../errors.js";
import { sigmoid } from "../numerics.js";


/**
 * The conditional of one layer given a 0/1 state of the other, by state index x = Σₖ xₖ2ᵏ:
 * out[o] = σ(bias[o] + Σ_{k: xₖ = 1} W[k·sk + o·so]) for o < bias.length, k < nIn.
 */
function conditionalGivenState(W: Float64Array, bias: Float64Array, x: number, nIn: number, sk: number, so: number, out: Float64Array): void {
  for (let o = 0; o < bias.length; o++) {
    let a = bias[o];
    for (let k = 0; k < nIn; k++) if ((x >> k) & 1) a += W[k * sk + o * so];
    out[o] = sigmoid(a);
  }
}

/** p(hⱼ = 1 | v) = σ(cⱼ + Σ_{i: vᵢ = 1} Wᵢⱼ) for the visible state with index v = Σᵢ vᵢ2ⁱ. Shapes: out (nH). */
function hiddenGivenVisibleState(rbm: Rbm, v: number, out: Float64Array): void {
  conditionalGivenState(rbm.W, rbm.c, v, rbm.nVisible, rbm.nHidden, 1, out);
}

/** p(vᵢ = 1 | h) = σ(bᵢ + Σ_{j: hⱼ = 1} Wᵢⱼ) for the hidden state with index h = Σⱼ hⱼ2ʲ. Shapes: out (nV). */
function visibleGivenHiddenState(rbm: Rbm, h: number, out: Float64Array): void {
  conditionalGivenState(rbm.W, rbm.b, h, rbm.nHidden, 1, rbm.nHidden, out);
}

/** Πₖ (xₖ ? pₖ : 1 − pₖ) for the 0/1 state with index x = Σₖ xₖ2ᵏ over n factorised units. */
function stateProbability(x: number, p: Float64Array, n: number): number {
  let q = 1;
  for (let k = 0; k < n; k++) q *= (x >> k) & 1 ? p[k] : 1 - p[k];
  return q;
}

export interface VisibleTransition {
  /** number of visible states S = 2^nV (index Σᵢ vᵢ2ⁱ) */
  S: number;
  /** M[v·S + v'] = Σ_h p(h|v) p(v'|h) */
  M: Float64Array;
  /** ∂M/∂θ_p at [p·S·S + v·S + v'] for the P = nV·nH + nV + nH flat parameters */
  dM: Float64Array;
  P: number;
}

/** Exact transition matrix of one block-Gibbs step over visible states and its parameter derivatives (nV, nH ≤ 8). */
export function visibleTransition(rbm: Rbm): VisibleTransition {
  const { nVisible: nV, nHidden: nH } = rbm;
  if (nV > 8 || nH > 8) throw new InputError(`unrolled chain: exact transition matrices need nVisible, nHidden ≤ 8 (got ${nV}×${nH})`);
  const S = 2 ** nV;
  const SH = 2 ** nH;
  const P = nV * nH + nV + nH;
  const M = new Float64Array(S * S);
  const dM = new Float64Array(P * S * S);
  const sh = new Float64Array(nH);
  const sv = new Float64Array(nV);
  const score = new Float64Array(P);
  for (let v = 0; v < S; v++) {
    hiddenGivenVisibleState(rbm, v, sh);
    for (let h = 0; h < SH; h++) {
      const ph = stateProbability(h, sh, nH);
      visibleGivenHiddenState(rbm, h, sv);
      for (let v2 = 0; v2 < S; v2++) {
        const term = ph * stateProbability(v2, sv, nV);
        M[v * S + v2] += term;
        // score of log p(h|v) + log p(v'|h)
        for (let i = 0; i < nV; i++) {
          const vi = (v >> i) & 1;
          const v2i = (v2 >> i) & 1;
          for (let j = 0; j < nH; j++) {
            const hj = (h >> j) & 1;
            score[i * nH + j] = (hj - sh[j]) * vi + (v2i - sv[i]) * hj;
          }
          score[nV * nH + i] = v2i - sv[i];
        }
        for (let j = 0; j < nH; j++) score[nV * nH + nV + j] = ((h >> j) & 1) - sh[j];
        for (let p = 0; p < P; p++) dM[p * S * S + v * S + v2] += term * score[p];
      }
    }
  }
  return { S, M, dM, P };
}

/**
 * Exact P(v_T = v_data | v₀) and its gradient (P) for T ≥ 1; with `lastStepOnly` the gradient
 * keeps only the t = T term (the negative control: credit assigned to the last step only).
 */
export function unrolledExact(tr: VisibleTransition, v0: number, vData: number, T: number, lastStepOnly = false): { prob: number; gradient: Float64Array } {
  const { S, M, dM, P } = tr;
  if (!Number.isInteger(T) || T < 1) throw new InputError(`T: expected an integer ≥ 1, got ${T}`);
  // forward rows α_t = e_{v0}ᵀ M^t (t = 0..T−1), backward columns β_s = M^s e_{vd} (s = 0..T−1)
  const alpha: Float64Array[] = [];
  const beta: Float64Array[] = [];
  let a = new Float64Array(S);
  a[v0] = 1;
  let bvec = new Float64Array(S);
  bvec[vData] = 1;
  for (let t = 0; t < T; t++) {
    alpha.push(a);
    beta.push(bvec);
    const na = new Float64Array(S);
    const nb = new Float64Array(S);
    for (let x = 0; x < S; x++) {
      for (let y = 0; y < S; y++) {
        na[y] += a[x] * M[x * S + y];
        nb[x] += M[x * S + y] * bvec[y];
      }
    }
    a = na;
    bvec = nb;
  }
  const prob = a[vData];
  const g = new Float64Array(P);
  for (let t = 1; t <= T; t++) {
    if (lastStepOnly && t !== T) continue;
    const al = alpha[t - 1];
    const be = beta[T - t];
    for (let p = 0; p < P; p++) {
      let s = 0;
      const off = p * S * S;
      for (let x = 0; x < S; x++) {
        if (al[x] === 0) continue;
        let r = 0;
        for (let y = 0; y < S; y++) r += dM[off + x * S + y] * be[y];
        s += al[x] * r;
      }
      g[p] += s;
    }
  }
  return { prob, gradient: g };
}

/**
 * One draw of Theorem 1's estimator on the unrolled chain, with explicit noise
 * u (T·(nH + nV) uniforms: step t reads nH for h_t, then nV for v_t).
 * Writes ĝ = R·score to out (P) and returns R. `lastStepOnly` keeps only step T's score (control).
 * Scratch: v (nV), vPrev (nV), h (nH), sh (nH) are caller-supplied (no allocation).
 */
export function unrolledScoreSample(rbm: Rbm, v0: ArrayLike<number>, vData: number, T: number, u: Float64Array, out: Float64Array, scratch: { v: Float64Array; vPrev: Float64Array; h: Float64Array; sh: Float64Array; sv: Float64Array }, lastStepOnly = false): number {
  const { nVisible: nV, nHidden: nH, W, b, c } = rbm;
  const { v, vPrev, h, sh, sv } = scratch;
  out.fill(0);
  for (let i = 0; i < nV; i++) v[i] = v0[i];
  let q = 0;
  for (let t = 1; t <= T; t++) {
    vPrev.set(v);
    for (let j = 0; j < nH; j++) {
      let a = c[j];
      for (let i = 0; i < nV; i++) a += W[i * nH + j] * vPrev[i];
      sh[j] = sigmoid(a);
      h[j] = +(u[q++] < sh[j]);
    }
    for (let i = 0; i < nV; i++) {
      let a = b[i];
      for (let j = 0; j < nH; j++) a += W[i * nH + j] * h[j];
      sv[i] = sigmoid(a);
      v[i] = +(u[q++] < sv[i]);
    }
    if (lastStepOnly && t !== T) continue;
    for (let i = 0; i < nV; i++) {
      for (let j = 0; j < nH; j++) out[i * nH + j] += (h[j] - sh[j]) * vPrev[i] + (v[i] - sv[i]) * h[j];
      out[nV * nH + i] += v[i] - sv[i];
    }
    for (let j = 0; j < nH; j++) out[nV * nH + nV + j] += h[j] - sh[j];
  }
  let idx = 0;
  for (let i = 0; i < nV; i++) if (v[i]) idx |= 1 << i;
  const R = idx === vData ? 1 : 0;
  if (R === 0) out.fill(0);
  return R;
}

/**
 * The visible→visible block-Gibbs transition matrix alone, M[v·S + v'] = Σ_h p(h|v)p(v'|h),
 * S = 2^nV (nV ≤ 10, nH ≤ 16). Cost O(S²·2^nH·nV).
 */
export function visibleMarkovMatrix(rbm: Rbm): Float64Array {
  const { nVisible: nV, nHidden: nH } = rbm;
  if (nV > 10 || nH > 16) throw new InputError(`visibleMarkovMatrix: needs nVisible ≤ 10 and nHidden ≤ 16 (got ${nV}×${nH})`);
  const S = 2 ** nV;
  const SH = 2 ** nH;
  const M = new Float64Array(S * S);
  const sh = new Float64Array(nH);
  // p(v'|h) table: SH × S
  const pv = new Float64Array(SH * S);
  const sv = new Float64Array(nV);
  for (let h = 0; h < SH; h++) {
    visibleGivenHiddenState(rbm, h, sv);
    for (let v2 = 0; v2 < S; v2++) pv[h * S + v2] = stateProbability(v2, sv, nV);
  }
  for (let v = 0; v < S; v++) {
    hiddenGivenVisibleState(rbm, v, sh);
    for (let h = 0; h < SH; h++) {
      const ph = stateProbability(h, sh, nH);
      const row = v * S;
      const src = h * S;
      for (let v2 = 0; v2 < S; v2++) M[row + v2] += ph * pv[src + v2];
    }
  }
  return M;
}

/**
 * Exact expected CD-k gradient (chains started at the data, k block-Gibbs steps, hNeg = p(h|v_k)):
 *   E[ĝ_CDk] = E_data[v p(h|v)ᵀ, v, p(h|v)] − Σ_v q_k(v) [v p(h|v)ᵀ, v, p(h|v)],  q_k = q_data Mᵏ.
 * Returns one flat gradient per k in `ks` (layout [W, b, c]). Shapes: data (n×nV), nV ≤ 10.
 * Source: Hinton 2002; Carreira-Perpiñán & Hinton 2005 (CD bias).
 */
export function cdExpectedGradients(rbm: Rbm, data: Float64Array, n: number, ks: number[], M = visibleMarkovMatrix(rbm)): Float64Array[] {
  const { nVisible: nV, nHidden: nH } = rbm;
  const S = 2 ** nV;
  const P = nV * nH + nV + nH;
  // per-visible-state statistics [v σᵀ, v, σ]
  const stat = new Float64Array(S * P);
  const sh = new Float64Array(nH);
  for (let v = 0; v < S; v++) {
    const o = v * P;
    hiddenGivenVisibleState(rbm, v, sh);
    for (let j = 0; j < nH; j++) {
      const s = sh[j];
      stat[o + nV * nH + nV + j] = s;
      for (let i = 0; i < nV; i++) stat[o + i * nH + j] = (v >> i) & 1 ? s : 0;
    }
    for (let i = 0; i < nV; i++) stat[o + nV * nH + i] = (v >> i) & 1;
  }
  let q = new Float64Array(S);
  for (let r = 0; r < n; r++) {
    let idx = 0;
    for (let i = 0; i < nV; i++) if (data[r * nV + i]) idx |= 1 << i;
    q[idx] += 1 / n;
  }
  const expect = (dist: Float64Array): Float64Array => {
    const e = new Float64Array(P);
    for (let v = 0; v < S; v++) if (dist[v] !== 0) for (let p = 0; p < P; p++) e[p] += dist[v] * stat[v * P + p];
    return e;
  };
  const pos = expect(q);
  const out: Float64Array[] = [];
  const sorted = [...ks].sort((a, b) => a - b);
  const byK = new Map<number, Float64Array>();
  let step = 0;
  for (const k of sorted) {
    while (step < k) {
      const nq = new Float64Array(S);
      for (let x = 0; x < S; x++) {
        const qx = q[x];
        if (qx === 0) continue;
        const row = x * S;
        for (let y = 0; y < S; y++) nq[y] += qx * M[row + y];
      }
      q = nq;
      step++;
    }
    const neg = expect(q);
    byK.set(k, pos.map((p, i) => p - neg[i]));
  }
  for (const k of ks) out.push(byK.get(k)!);
  return out;
}
