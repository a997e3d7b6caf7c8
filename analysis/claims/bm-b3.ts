/**
 * BM-B3: the phase-pooled ±1 reward. Pool clamped samples (v = v_data, h ~ p(h|v_data);
 * reward R = +1) with free samples (x ~ p(x); R = −1) in equal numbers. Then
 *   E[X·R] = ½(X⁺ − X⁻)
 * for X ∈ {vᵢ, hⱼ, vᵢhⱼ}. Fed the same samples, the correlation estimator (1/N)Σ R_k X_k
 * (×2) and the RBM module's phase statistics (`phaseGradient`, GEMM-based) agree bit for bit:
 * with 0/1 samples and n = 2^k per phase every operation in both is exact in float64.
 */
import { rbmExactGradientFlat } from "../../src/boltzmann/exact.js";
import { jointStatistics, rbmJointTable, sampleState } from "../../src/boltzmann/joint.js";
import { gradientToFlat, hiddenProbabilities, phaseGradient, zeroGradient } from "../../src/boltzmann/rbm.js";
import type { Stream } from "../../src/random/stream.js";
import { zCritical } from "../../src/stats/tests.js";
import { monteCarloMeanCheck } from "./checks.js";
import { modeOf, nForControl, randomRbm, SEED_BM, sampleVectors } from "./bm-common.js";
import { verdict, type Claim } from "./types.js";
import { maxAbsError, maxRelativeError } from "../../src/numerics.js";

const EXACT_TOL = 1e-12;

export const bmB3: Claim = {
  id: "BM-B3",
  statement: "Pooling clamped samples with reward +1 and free samples with reward −1, E[XᵢR] = ½(X⁺ᵢ − X⁻ᵢ), and likewise for XᵢXⱼ; fed the same samples, the correlation estimator equals the RBM's phase statistics.",
  source: SEED_BM,
  control: "a 2:1 pool of clamped to free samples (exact and MC), and rewards shuffled across the pool (bit-for-bit check)",
  run(ctx) {
    const rbm = ctx.problem("RBM 4×3", randomRbm(4, 3, ctx.stream.fork("rbm"), 1));
    const { nVisible: nV, nHidden: nH } = rbm;
    const mode = modeOf(rbm);
    const table = rbmJointTable(rbm);
    const reference = rbmExactGradientFlat(rbm, mode.v, 1).gradient; // X⁺ − X⁻
    const P = reference.length;
    const ph = hiddenProbabilities(rbm, mode.v, 1, new Float64Array(nH)); // p(h|v_data)

    // exact E[XR] over a pool with fraction πc of clamped samples
    const pooled = (pc: number): Float64Array => {
      const out = new Float64Array(P);
      const X = new Float64Array(P);
      // clamped: v = v_data, h ~ p(h|v_data), enumerated over the 2^nH hidden states
      for (let hs = 0; hs < 2 ** nH; hs++) {
        let w = 1;
        for (let j = 0; j < nH; j++) w *= (hs >> j) & 1 ? ph[j] : 1 - ph[j];
        jointStatistics(table, mode.index | (hs << nV), X);
        for (let k = 0; k < P; k++) out[k] += pc * w * X[k];
      }
      for (let s = 0; s < table.prob.length; s++) {
        jointStatistics(table, s, X);
        for (let k = 0; k < P; k++) out[k] -= (1 - pc) * table.prob[s] * X[k];
      }
      return out.map((x) => 2 * x); // 2·E[XR] should equal X⁺ − X⁻
    };

    // bit-for-bit: n = 2^k samples per phase
    const n = ctx.quick ? 1 << 12 : 1 << 14;
    const s = ctx.stream.fork("pool");
    const vPos = new Float64Array(n * nV);
    const hPos = new Float64Array(n * nH);
    const vNeg = new Float64Array(n * nV);
    const hNeg = new Float64Array(n * nH);
    const u = new Float64Array(nH);
    for (let r = 0; r < n; r++) {
      vPos.set(mode.v, r * nV);
      s.uniforms(u);
      for (let j = 0; j < nH; j++) hPos[r * nH + j] = +(u[j] < ph[j]);
      const st = sampleState(table, s.uniform());
      for (let i = 0; i < nV; i++) vNeg[r * nV + i] = (st >> i) & 1;
      for (let j = 0; j < nH; j++) hNeg[r * nH + j] = (st >> (nV + j)) & 1;
    }
    const phases = gradientToFlat(phaseGradient(nV, nH, vPos, hPos, n, { kind: "samples", v: vNeg, h: hNeg, n }, zeroGradient(rbm)));
    // the correlation estimator over the pooled, shuffled samples: (1/2n) Σ_k R_k X_k, times 2
    const order = new Int32Array(2 * n).map((_, k) => k);
    s.fork("shuffle").shuffle(order);
    const R = new Float64Array(2 * n).map((_, k) => (k < n ? 1 : -1));
    const corr = (rewards: Float64Array): Float64Array => {
      const acc = new Float64Array(P);
      const X = new Float64Array(P);
      for (const k of order) {
        const pos = k < n;
        const r = pos ? k : k - n;
        const V = pos ? vPos : vNeg;
        const Hh = pos ? hPos : hNeg;
        let idx = 0;
        for (let i = 0; i < nV; i++) if (V[r * nV + i]) idx |= 1 << i;
        for (let j = 0; j < nH; j++) if (Hh[r * nH + j]) idx |= 1 << (nV + j);
        jointStatistics(table, idx, X);
        const rw = rewards[k];
        for (let q = 0; q < P; q++) acc[q] += rw * X[q];
      }
      return acc.map((a) => 2 * (a / (2 * n)));
    };
    const corrSame = corr(R);
    const shuffled = R.slice();
    s.fork("control-labels").shuffle(shuffled);
    const corrShuffled = corr(shuffled);

    // Monte Carlo z-test of the pooled estimator: per pair d = X(clamped) − X(free), mean X⁺ − X⁻
    const zStar = zCritical(ctx.alpha, P);
    const Xp = new Float64Array(P);
    const pairDraw = (ratio: number) => (st: Stream, out: Float64Array) => {
      // clamped sample with probability ratio/(1+ratio) for the control; the claim uses equal pairs
      for (let j = 0; j < nH; j++) u[j] = st.uniform();
      let hs = 0;
      for (let j = 0; j < nH; j++) if (u[j] < ph[j]) hs |= 1 << j;
      jointStatistics(table, mode.index | (hs << nV), out);
      const fs = sampleState(table, st.uniform());
      jointStatistics(table, fs, Xp);
      for (let q = 0; q < P; q++) out[q] = 2 * (ratio * out[q] - (1 - ratio) * Xp[q]);
    };
    const exactHalf = pooled(0.5);
    const exactControl = pooled(2 / 3);
    const bias = exactControl.map((x, k) => x - reference[k]);
    const nMc = nForControl(bias, new Float64Array(P).fill(4), zStar, ctx.quick ? 50_000 : 400_000);
    const m = sampleVectors(P, nMc, ctx.stream.fork("mc"), pairDraw(0.5), (d, t) => ctx.progress(d, 2 * t));
    const mc = sampleVectors(P, nMc, ctx.stream.fork("mc-control"), pairDraw(2 / 3), (d, t) => ctx.progress(t + d, 2 * t));
    return {
      reference: "X⁺ − X⁻ from the RBM module's exact phases (rbmExactGradient)",
      checks: [
        verdict("exact 2·E[XR] over the ½:½ pool vs X⁺ − X⁻ (relative ∞-norm)", maxRelativeError(exactHalf, reference), EXACT_TOL, "exact", "relative-error"),
        verdict(`bit-for-bit: max |2·(1/2n)Σ R X − phaseGradient| on the same ${n}+${n} samples`, maxAbsError(corrSame, phases), 0, "exact", "absolute-error"),
        monteCarloMeanCheck(`seeded MC mean of the pooled estimator vs X⁺ − X⁻, max |z| over ${P} coordinates (n = ${nMc} pairs)`, m, reference, ctx.alpha),
      ],
      controls: [
        verdict("2:1 pool: exact 2·E[XR] vs X⁺ − X⁻", maxRelativeError(exactControl, reference), EXACT_TOL, "exact", "relative-error"),
        verdict("rewards shuffled across the pool: max |correlation − phaseGradient|", maxAbsError(corrShuffled, phases), 0, "exact", "absolute-error"),
        monteCarloMeanCheck(`2:1 pool: MC mean vs X⁺ − X⁻ (n = ${nMc})`, mc, reference, ctx.alpha),
      ],
      data: { vData: Array.from(mode.v), samplesPerPhase: n, nMc, reference: Array.from(reference), phases: Array.from(phases), correlation: Array.from(corrSame) },
    };
  },
};
