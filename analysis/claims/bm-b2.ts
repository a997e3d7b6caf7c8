/**
 * BM-B2: the Boltzmann gradient as a reward correlation. Sample x freely from the model (no
 * clamping) and let R = 1[v = v_data]; then for every statistic X ∈ {vᵢ, hⱼ, vᵢhⱼ}
 *   Cov(X, R) / E[R] = E[X | v = v_data] − E[X] = X⁺ − X⁻.
 * Exact: enumeration of all joint states, compared with the RBM module's phases (and the
 * general-BM module's). Monte Carlo: the unbiased per-draw statistic ĝ = X·(R − p)/p,
 * p = E[R] = p(v_data), whose mean is Cov(X, R)/E[R] exactly.
 */
import { BoltzmannMachine, bmExactGradient } from "../../src/boltzmann/bm.js";
import { rbmExactGradientFlat } from "../../src/boltzmann/exact.js";
import { jointStatistics, rbmJointTable, sampleState, visiblePart } from "../../src/boltzmann/joint.js";
import { zCritical } from "../../src/stats/tests.js";
import { monteCarloMeanCheck } from "./checks.js";
import { modeOf, nForControl, randomRbm, SEED_BM, sampleVectors } from "./bm-common.js";
import { verdict, type Claim } from "./types.js";
import { maxRelativeError } from "../../src/numerics.js";

/** Both sides are sums of ≤ 2^7 positive terms: rounding ≤ 2^7·ε ≈ 3e-14 relative; 1e-12 leaves a margin of 30×. */
const EXACT_TOL = 1e-12;

/** Exact Cov(X, R)/E[R] for all RBM statistics by enumeration; `independent` draws R ⟂ x (control). */
function exactCovOverMean(table: ReturnType<typeof rbmJointTable>, vIndex: number, independent: boolean): { value: Float64Array; p: number } {
  const nV = table.nVisible;
  const nH = table.nHidden;
  const P = nV * nH + nV + nH;
  let p = 0;
  for (let s = 0; s < table.prob.length; s++) if (visiblePart(table, s) === vIndex) p += table.prob[s];
  const EX = new Float64Array(P);
  const EXR = new Float64Array(P);
  const X = new Float64Array(P);
  for (let s = 0; s < table.prob.length; s++) {
    jointStatistics(table, s, X);
    const w = table.prob[s];
    // E[R | x] = 1[v = v_data], or p when R is drawn independently of x
    const r = independent ? p : visiblePart(table, s) === vIndex ? 1 : 0;
    for (let k = 0; k < P; k++) {
      EX[k] += w * X[k];
      EXR[k] += w * X[k] * r;
    }
  }
  const out = new Float64Array(P);
  for (let k = 0; k < P; k++) out[k] = (EXR[k] - EX[k] * p) / p;
  return { value: out, p };
}

/** The same identity on a general BM: all 2^n joint states, statistics [xᵢxⱼ (i<j), xᵢ]. */
function bmCheck(bm: BoltzmannMachine, v: Float64Array): { value: Float64Array; control: Float64Array; reference: Float64Array } {
  const n = bm.n;
  const S = 2 ** n;
  const logw = new Float64Array(S);
  const x = new Float64Array(n);
  let mx = -Infinity;
  for (let s = 0; s < S; s++) {
    for (let i = 0; i < n; i++) x[i] = (s >> i) & 1;
    logw[s] = -bm.energy(x);
    mx = Math.max(mx, logw[s]);
  }
  let z = 0;
  for (let s = 0; s < S; s++) z += Math.exp(logw[s] - mx);
  const vIdx = Array.from(v).reduce((a, b, i) => a | (b ? 1 << i : 0), 0);
  const mask = (1 << bm.nVisible) - 1;
  let p = 0;
  for (let s = 0; s < S; s++) if ((s & mask) === vIdx) p += Math.exp(logw[s] - mx) / z;
  const P = bm.nParams;
  const EX = new Float64Array(P);
  const EXR = new Float64Array(P);
  const stat = new Float64Array(P);
  for (let s = 0; s < S; s++) {
    const w = Math.exp(logw[s] - mx) / z;
    for (let i = 0; i < n; i++) x[i] = (s >> i) & 1;
    let q = 0;
    for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) stat[q++] = x[i] * x[j];
    for (let i = 0; i < n; i++) stat[q++] = x[i];
    const r = (s & mask) === vIdx ? 1 : 0;
    for (let k = 0; k < P; k++) {
      EX[k] += w * stat[k];
      EXR[k] += w * stat[k] * r;
    }
  }
  const value = EXR.map((e, k) => (e - EX[k] * p) / p);
  const control = new Float64Array(P); // R ⟂ x: E[XR] = E[X]·p exactly, so the covariance is 0
  for (let k = 0; k < P; k++) control[k] = (EX[k] * p - EX[k] * p) / p;
  return { value, control, reference: bmExactGradient(bm, v, 1).gradient };
}

export const bmB2: Claim = {
  id: "BM-B2",
  statement: "Sampling freely from the Boltzmann machine with reward R = 1[v = v_data], Cov(Xᵢ, R)/E[R] = X⁺ᵢ − X⁻ᵢ, and likewise for XᵢXⱼ: the log-likelihood gradient is a reward correlation.",
  source: SEED_BM,
  control: "R drawn independently of v (Bernoulli with the same mean E[R])",
  run(ctx) {
    const rbm = ctx.problem("RBM 4×3", randomRbm(4, 3, ctx.stream.fork("rbm"), 1));
    const mode = modeOf(rbm);
    const table = rbmJointTable(rbm);
    const reference = rbmExactGradientFlat(rbm, mode.v, 1).gradient;
    const exact = exactCovOverMean(table, mode.index, false);
    const exactControl = exactCovOverMean(table, mode.index, true);
    const bm = BoltzmannMachine.random(3, 3, ctx.stream.fork("bm"), 1, 0.5);
    const bv = new Float64Array([1, 0, 1]);
    const bmr = bmCheck(bm, bv);

    // Monte Carlo: ĝ = X·(R − p)/p from exact free samples
    const p = exact.p;
    const P = reference.length;
    const X = new Float64Array(P);
    const EX = new Float64Array(P);
    for (let s = 0; s < table.prob.length; s++) {
      jointStatistics(table, s, X);
      for (let k = 0; k < P; k++) EX[k] += table.prob[s] * X[k];
    }
    // control: ĝ' = X·(R' − p)/p with R' ~ Bernoulli(p) ⟂ x: mean 0, variance E[X](1−p)/p
    const zStar = zCritical(ctx.alpha, P);
    const ctlVar = EX.map((e) => (e * (1 - p)) / p);
    const n = nForControl(reference, ctlVar, zStar, ctx.quick ? 50_000 : 400_000);
    const draw = (independent: boolean) => (s: import("../../src/random/stream.js").Stream, out: Float64Array) => {
      const st = sampleState(table, s.uniform());
      jointStatistics(table, st, out);
      const R = independent ? +(s.uniform() < p) : visiblePart(table, st) === mode.index ? 1 : 0;
      const f = (R - p) / p;
      for (let k = 0; k < P; k++) out[k] *= f;
    };
    const m = sampleVectors(P, n, ctx.stream.fork("mc"), draw(false), (d, t) => ctx.progress(d, 2 * t));
    const mc = sampleVectors(P, n, ctx.stream.fork("mc-control"), draw(true), (d, t) => ctx.progress(t + d, 2 * t));
    return {
      reference: "X⁺ − X⁻ from the RBM module's exact phases (rbmExactGradient) and the BM module's (bmExactGradient)",
      checks: [
        verdict("RBM 4×3: exact Cov(X,R)/E[R] by enumeration vs X⁺ − X⁻ (relative ∞-norm)", maxRelativeError(exact.value, reference), EXACT_TOL, "exact", "relative-error"),
        verdict("general BM 3+3: exact Cov(X,R)/E[R] vs X⁺ − X⁻ (relative ∞-norm)", maxRelativeError(bmr.value, bmr.reference), EXACT_TOL, "exact", "relative-error"),
        monteCarloMeanCheck(`RBM 4×3: seeded MC mean of X(R−p)/p vs X⁺ − X⁻, max |z| over ${P} coordinates (n = ${n})`, m, reference, ctx.alpha),
      ],
      controls: [
        verdict("RBM: R ⟂ v, exact Cov(X,R)/E[R] vs X⁺ − X⁻", maxRelativeError(exactControl.value, reference), EXACT_TOL, "exact", "relative-error"),
        verdict("BM: R ⟂ v, exact Cov(X,R)/E[R] vs X⁺ − X⁻", maxRelativeError(bmr.control, bmr.reference), EXACT_TOL, "exact", "relative-error"),
        monteCarloMeanCheck(`RBM: R ⟂ v, MC mean vs X⁺ − X⁻ (n = ${n})`, mc, reference, ctx.alpha),
      ],
      data: { vData: Array.from(mode.v), pData: p, n, reference: Array.from(reference), exact: Array.from(exact.value), mcMean: Array.from(m.mean), mcSE: Array.from(m.standardError) },
    };
  },
};
