/**
 * Joint-state tables of tiny RBMs (nV + nH ≤ 20): every x = (v, h) with its exact probability,
 * exact i.i.d. sampling from the table, and the per-state statistics X_θ(x) = −∂E/∂θ in the
 * flat layout [vᵢhⱼ (W), vᵢ (b), hⱼ (c)]. These are the free ("unclamped") samples of
 * Bengio 2013 (arXiv 1305.2982) §5, used by the BM-B2/B3 claims.
 */
import { energy, type Rbm } from "./rbm.js";
import { InputError } from "../errors.js";

export interface JointTable {
  nVisible: number;
  nHidden: number;
  /** S×(nV+nH) 0/1 states, visible first; state index s = Σᵢ xᵢ2ⁱ */
  states: Uint8Array;
  /** p(x) per state (S), normalised */
  prob: Float64Array;
  /** cumulative probabilities (S), for inverse-CDF sampling */
  cdf: Float64Array;
  logZ: number;
}

/** Enumerate all 2^(nV+nH) joint states with p(x) = e^{−E(x)}/Z (nV + nH ≤ 20). */
export function rbmJointTable(rbm: Rbm): JointTable {
  const { nVisible: nV, nHidden: nH } = rbm;
  const n = nV + nH;
  if (n > 20) throw new InputError(`joint table: nVisible + nHidden = ${n} > 20`);
  const S = 2 ** n;
  const states = new Uint8Array(S * n);
  const negE = new Float64Array(S);
  const v = new Float64Array(nV);
  const h = new Float64Array(nH);
  let mx = -Infinity;
  for (let s = 0; s < S; s++) {
    for (let i = 0; i < n; i++) states[s * n + i] = (s >> i) & 1;
    for (let i = 0; i < nV; i++) v[i] = states[s * n + i];
    for (let j = 0; j < nH; j++) h[j] = states[s * n + nV + j];
    negE[s] = -energy(rbm, v, h);
    if (negE[s] > mx) mx = negE[s];
  }
  let z = 0;
  for (let s = 0; s < S; s++) z += Math.exp(negE[s] - mx);
  const prob = new Float64Array(S);
  const cdf = new Float64Array(S);
  let acc = 0;
  for (let s = 0; s < S; s++) {
    prob[s] = Math.exp(negE[s] - mx) / z;
    acc += prob[s];
    cdf[s] = acc;
  }
  return { nVisible: nV, nHidden: nH, states, prob, cdf, logZ: mx + Math.log(z) };
}

/** Inverse-CDF draw: the first state s with cdf[s] > u·cdf[S−1]. u ∈ [0,1). */
export function sampleState(t: JointTable, u: number): number {
  const cdf = t.cdf;
  const target = u * cdf[cdf.length - 1];
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cdf[mid] > target) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/**
 * X_θ(x) = −∂E(x)/∂θ in the flat layout [vᵢhⱼ (nV·nH), vᵢ (nV), hⱼ (nH)] for joint state s.
 * Shapes: out (nV·nH + nV + nH).
 */
export function jointStatistics(t: JointTable, s: number, out: Float64Array): Float64Array {
  const { nVisible: nV, nHidden: nH, states } = t;
  const n = nV + nH;
  const o = s * n;
  for (let i = 0; i < nV; i++) for (let j = 0; j < nH; j++) out[i * nH + j] = states[o + i] * states[o + nV + j];
  for (let i = 0; i < nV; i++) out[nV * nH + i] = states[o + i];
  for (let j = 0; j < nH; j++) out[nV * nH + nV + j] = states[o + nV + j];
  return out;
}

/** Index Σᵢ vᵢ2ⁱ of the visible part of joint state s. */
export function visiblePart(t: JointTable, s: number): number {
  return s & ((1 << t.nVisible) - 1);
}
