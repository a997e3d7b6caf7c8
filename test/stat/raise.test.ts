/**
 * RAISE (Burda, Grosse & Salakhutdinov 2015) on the compute core: for a data vector v, the mean of
 * p̂(v) = p*(v)/Z_A · exp(−log w_rev) over independent reverse runs is p_ann(v), the probability of
 * v under the annealing model Σ p_A(x₀) T₁(x₁|x₀) … T_K(v|x_{K−1}), computed exactly on a 4×3 RBM
 * by the transition matrices (z-test, α = 1e-6). Control: the same mean is rejected against the
 * model's own p(v) (K = 3 temperatures make p_ann differ from p).
 */
import { describe, expect, it } from "vitest";
import { raiseLogPartition } from "../../src/boltzmann/ais.js";
import { rbmLogPartition } from "../../src/boltzmann/exact.js";
import { freeEnergy, Rbm } from "../../src/boltzmann/rbm.js";
import { Stream } from "../../src/random/stream.js";
import { zTest } from "../../src/stats/tests.js";

const ALPHA = 1e-6;
const NV = 4;
const NH = 3;
const sig = (x: number) => 1 / (1 + Math.exp(-x));
const bits = (x: number, n: number) => Array.from({ length: n }, (_, i) => (x >> i) & 1);

/** T_β(x'|x) = Σ_h p_β(h|x) p_β(x'|h) with p_β(h_j|x) = σ(β(c + Wᵀx)_j), p_β(x'_i|h) = σ(β(b + Wh)_i + (1−β)b_Aᵢ); 16×16 row-major [x][x']. */
function transition(rbm: Rbm, bA: Float64Array, beta: number): Float64Array {
  const T = new Float64Array(16 * 16);
  for (let x = 0; x < 16; x++) {
    const v = bits(x, NV);
    for (let y = 0; y < 1 << NH; y++) {
      const h = bits(y, NH);
      let ph = 1;
      for (let j = 0; j < NH; j++) {
        let a = rbm.c[j];
        for (let i = 0; i < NV; i++) a += rbm.W[i * NH + j] * v[i];
        const p = sig(beta * a);
        ph *= h[j] ? p : 1 - p;
      }
      for (let x2 = 0; x2 < 16; x2++) {
        const v2 = bits(x2, NV);
        let pv = 1;
        for (let i = 0; i < NV; i++) {
          let a = rbm.b[i];
          for (let j = 0; j < NH; j++) a += rbm.W[i * NH + j] * h[j];
          const p = sig(beta * a + (1 - beta) * bA[i]);
          pv *= v2[i] ? p : 1 - p;
        }
        T[x * 16 + x2] += ph * pv;
      }
    }
  }
  return T;
}

describe("RAISE", () => {
  it("mean of p̂(v) over reverse runs is p_ann(v) exactly; control: it is not p(v)", () => {
    const s = Stream.fromSeed("stat/raise/model");
    const rbm = Rbm.random(NV, NH, s.fork("W"), 1.5);
    s.normals(rbm.b);
    s.normals(rbm.c);
    const bA = Float64Array.from({ length: NV }, () => 0.5 * s.normal());
    const betas = Float64Array.from([0, 0.4, 0.8, 1]);
    // p_ann = p_A T_1 T_2 T_3 (row vector)
    let q = new Float64Array(16);
    for (let x = 0; x < 16; x++) q[x] = bits(x, NV).reduce((p, b, i) => p * (b ? sig(bA[i]) : 1 - sig(bA[i])), 1);
    for (let k = 1; k < betas.length; k++) {
      const T = transition(rbm, bA, betas[k]);
      const nq = new Float64Array(16);
      for (let x = 0; x < 16; x++) for (let x2 = 0; x2 < 16; x2++) nq[x2] += q[x] * T[x * 16 + x2];
      q = nq;
    }
    const x = 11;
    const v = Float64Array.from(bits(x, NV));
    const M = 40_000;
    const data = new Float64Array(M * NV);
    for (let r = 0; r < M; r++) data.set(v, r * NV);
    const res = raiseLogPartition(rbm, data, M, Stream.fromSeed("stat/raise/runs"), { betas, baseBias: bA });
    const logPStar = -freeEnergy(rbm, v, 1)[0];
    let s1 = 0;
    let s2 = 0;
    for (const lw of res.logWeights) {
      const p = Math.exp(logPStar - res.logZBase - lw);
      s1 += p;
      s2 += p * p;
    }
    const mean = s1 / M;
    const se = Math.sqrt((s2 / M - mean * mean) / (M - 1));
    expect(zTest([mean], [se], [q[x]], ALPHA).pass).toBe(true);
    const p = Math.exp(logPStar - rbmLogPartition(rbm));
    expect(zTest([mean], [se], [p], ALPHA).pass).toBe(false);
  });
});
