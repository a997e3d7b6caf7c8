/**
 * BM-B4: Theorem 1 on the unrolled block-Gibbs chain. Every unit at every step is a binary
 * stochastic neuron Xᵢₜ ~ Bernoulli(σ(aᵢₜ)); with R = 1[v_T = v_data],
 *   E[R Σₜ (hⱼₜ − σ(aⱼₜ))] = ∂P(v_T = v_data)/∂cⱼ   exactly, for every T,
 * and for a weight the summand is (hⱼₜ − σ(aⱼₜ))·v_{k,t−1} + (v_{kt} − σ(a_{kt}))·hⱼₜ.
 * Exact reference: the finite-T derivative from the block-Gibbs transition matrix over visible
 * states (src/boltzmann/unrolled.ts).
 */
import { rbmExactGradientFlat } from "../../src/boltzmann/exact.js";
import { unrolledExact, unrolledScoreSample, visibleTransition } from "../../src/boltzmann/unrolled.js";
import { zCritical } from "../../src/stats/tests.js";
import { monteCarloMeanCheck } from "./checks.js";
import { modeOf, nForControl, randomRbm, SEED_BM, sampleVectors } from "./bm-common.js";
import { verdict, type Claim, type Verdict } from "./types.js";

export const bmB4: Claim = {
  id: "BM-B4",
  statement: "On the block-Gibbs chain unrolled for T steps, with R = 1[v_T = v_data], E[R Σₜ (xᵢₜ − σ(aᵢₜ)) ∂aᵢₜ/∂θ] = ∂P(v_T = v_data)/∂θ exactly for every T (Theorem 1 applied to the chain).",
  source: `${SEED_BM}; Theorem 1`,
  control: "credit assigned to the last step only (the t = T summand), for T ≥ 2",
  run(ctx) {
    const rbm = randomRbm(3, 2, ctx.stream.fork("rbm"), 1.5);
    const { nVisible: nV, nHidden: nH } = rbm;
    const tr = visibleTransition(rbm);
    const mode = modeOf(rbm);
    const v0 = new Float64Array(nV); // start at v₀ = 0
    const Ts = ctx.quick ? [1, 3] : [1, 3, 8];
    const P = tr.P;
    const alpha = ctx.alpha / Ts.length; // Bonferroni over the T values as well
    const zStar = zCritical(alpha, P);
    const checks: Verdict[] = [];
    const controls: Verdict[] = [];
    const perT: Record<string, unknown>[] = [];
    const scratch = { v: new Float64Array(nV), vPrev: new Float64Array(nV), h: new Float64Array(nH), sh: new Float64Array(nH), sv: new Float64Array(nV) };
    Ts.forEach((T, ti) => {
      const ex = unrolledExact(tr, 0, mode.index, T);
      const u = new Float64Array(T * (nH + nV));
      const draw = (last: boolean) => (s: import("../../src/random/stream.js").Stream, out: Float64Array) => {
        s.uniforms(u);
        unrolledScoreSample(rbm, v0, mode.index, T, u, out, scratch, last);
      };
      // the control's offset is exact; its per-draw variance comes from a pilot run (a separate
      // fork), doubled for safety, so the control is rejected with power ≈ 1 − 1e-3
      let n = ctx.quick ? 100_000 : 400_000;
      if (T >= 2) {
        const ctl = unrolledExact(tr, 0, mode.index, T, true);
        const bias = ctl.gradient.map((g, k) => g - ex.gradient[k]);
        const pilot = sampleVectors(P, 20_000, ctx.stream.fork(`T${T}/pilot`), draw(true));
        n = nForControl(bias, pilot.variance.map((v) => 2 * v), zStar, n);
      }
      const m = sampleVectors(P, n, ctx.stream.fork(`T${T}/mc`), draw(false), (d, t) => ctx.progress(ti + d / t / 2, Ts.length));
      checks.push(monteCarloMeanCheck(`T = ${T}: seeded MC mean of R·Σₜ score vs exact ∂P(v_T = v_data)/∂θ, max |z| over ${P} (α/${Ts.length}, n = ${n})`, m, ex.gradient, alpha));
      let controlMean: number[] | null = null;
      if (T >= 2) {
        const mc = sampleVectors(P, n, ctx.stream.fork(`T${T}/control`), draw(true), (d, t) => ctx.progress(ti + 0.5 + d / t / 2, Ts.length));
        controls.push(monteCarloMeanCheck(`T = ${T}: last-step-only estimator vs exact ∂P/∂θ (n = ${n})`, mc, ex.gradient, alpha));
        controlMean = Array.from(mc.mean);
      }
      // no controlMean key at T = 1 (there is no earlier step to leave out), rather than a null
      perT.push({ T, n, prob: ex.prob, exact: Array.from(ex.gradient), mcMean: Array.from(m.mean), mcSE: Array.from(m.standardError), ...(controlMean ? { controlMean } : {}) });
    });
    // the limit: ∂P_T/∂θ → p(v_data)·(X⁺ − X⁻) as T → ∞
    const limit = rbmExactGradientFlat(rbm, mode.v, 1).gradient.map((g) => g * mode.prob);
    const far = unrolledExact(tr, 0, mode.index, 200);
    let num = 0;
    let den = 0;
    for (let k = 0; k < P; k++) {
      num = Math.max(num, Math.abs(far.gradient[k] - limit[k]));
      den = Math.max(den, Math.abs(limit[k]));
    }
    checks.push(verdict("T = 200: exact ∂P_T/∂θ vs p(v_data)(X⁺ − X⁻) (relative ∞-norm; the chain has mixed)", num / den, 1e-9, "exact"));
    const near = unrolledExact(tr, 0, mode.index, 1);
    let num1 = 0;
    for (let k = 0; k < P; k++) num1 = Math.max(num1, Math.abs(near.gradient[k] - limit[k]));
    controls.push(verdict("T = 1: exact ∂P_T/∂θ vs p(v_data)(X⁺ − X⁻) (the short chain has not mixed)", num1 / den, 1e-9, "exact"));
    return {
      reference: "exact finite-T derivative Σₜ e_{v₀}ᵀ M^{t−1} ∂M M^{T−t} e_{v_data} from the block-Gibbs transition matrix",
      checks,
      controls,
      data: { shape: [nV, nH], vData: Array.from(mode.v), pData: mode.prob, perT, limit: Array.from(limit) },
    };
  },
};
