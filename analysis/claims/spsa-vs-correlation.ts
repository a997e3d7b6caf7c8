/**
 * SPSA-vs-correlation: on one binary stochastic neuron h = 1[u < σ(a)] with loss L = (h − t)²,
 * SPSA and finite differences on E[L](a) have a c-dependent bias, while the correlation estimator
 * of Theorem 1 is unbiased at any σ(a) with one loss evaluation (SPSA uses two); and with
 * independent noise SPSA's variance grows as 1/c² when c → 0 (with common random numbers only
 * as 1/c). Exact moments by enumeration (Δ jointly with the unit's noise) plus seeded Monte Carlo.
 * Source: Bengio 2013, arXiv 1305.2982, §3 (Theorem 1 and the remark contrasting it with SPSA).
 */
import { correlation } from "../../src/estimators/correlation.js";
import { fdsaCentral, fdsaForward } from "../../src/estimators/finite-difference.js";
import { spsa } from "../../src/estimators/spsa.js";
import { sampleMoments } from "../../src/estimators/sample.js";
import type { EstimatorInstance } from "../../src/estimators/types.js";
import { exactAnalysis } from "../../src/exact/moments.js";
import { singleUnit as referenceUnit } from "../../src/problems/reference.js";
import type { BinaryProblem } from "../../src/problems/types.js";
import { zCritical } from "../../src/stats/tests.js";
import { monteCarloMeanCheck, samplesForPower } from "./checks.js";
import { verdict, type Claim } from "./types.js";
import { logGrid, logLogSlope } from "./spsa-common.js";

/** The seed's running example: one unit with logit a, L = (h − t)², t = 0.3 here. */
export function singleUnit(a: number, target = 0.3): BinaryProblem {
  return referenceUnit(a, target);
}

function exactOf(problem: BinaryProblem, inst: EstimatorInstance, noise: "units" | "custom") {
  const theta = problem.initialParams();
  const r = exactAnalysis(problem, theta, { e: { noise, instance: inst } });
  return { gradient: r.gradient[0], mean: r.estimators.e.mean[0], variance: r.estimators.e.variance[0] };
}

/** Exact Var[ĝ_SPSA](c) on one unit, independent noise and CRN (for the claim and figure). */
export function spsaVarianceCurves(a: number, cs: number[]): { independent: number[]; crn: number[]; fdsaForward: number[]; correlation: number } {
  const problem = singleUnit(a);
  const theta = problem.initialParams();
  const v = (crn: 0 | 1, c: number) => exactOf(problem, spsa.create(problem, theta, { c, crn }), "custom").variance;
  return {
    independent: cs.map((c) => v(0, c)),
    crn: cs.map((c) => v(1, c)),
    fdsaForward: cs.map((c) => exactOf(problem, fdsaForward.create(problem, theta, { c, crn: 0 }), "custom").variance),
    correlation: exactOf(problem, correlation.create(problem, theta), "units").variance,
  };
}

export const spsaVsCorrelation: Claim = {
  id: "SPSA-vs-correlation",
  statement:
    "For a binary stochastic neuron, the correlation estimator (hᵢ − σ(aᵢ))·L of Theorem 1 is unbiased for ∂E[L]/∂a at any σ(a), from one loss evaluation, with no small-perturbation assumption; SPSA and finite differences on E[L](a) (two evaluations) are biased by an amount that depends on c, and with independent noise SPSA's variance grows as 1/c² as c → 0.",
  source: "Bengio 2013, arXiv 1305.2982, §3 (Theorem 1; the remark that SPSA divides a change in loss by the perturbation whereas the estimator multiplies the perturbation by the loss); Spall 1992",
  control: "the same exact and Monte Carlo unbiasedness checks applied to SPSA and FDSA at c = 1 must fail; the 1/c² variance-slope check applied to SPSA with common random numbers (variance ∝ 1/c) must fail",
  run(ctx) {
    const logits = [-3, -1, 0, 1, 3];
    const cBig = 1;
    const alpha = ctx.alpha;
    // exact: correlation unbiased at every σ(a); SPSA/FDSA(c = 1) biased
    const rows = logits.map((a) => {
      const problem = ctx.problem(`single unit a=${a}`, singleUnit(a));
      const theta = problem.initialParams();
      const corr = exactOf(problem, correlation.create(problem, theta), "units");
      const sp = exactOf(problem, spsa.create(problem, theta, { c: cBig, crn: 1 }), "custom");
      const fc = exactOf(problem, fdsaCentral.create(problem, theta, { c: cBig, crn: 1 }), "custom");
      const ff = exactOf(problem, fdsaForward.create(problem, theta, { c: cBig, crn: 1 }), "custom");
      const rel = (m: number) => Math.abs(m - corr.gradient) / Math.abs(corr.gradient);
      return { logit: a, sigma: 1 / (1 + Math.exp(-a)), gradient: corr.gradient, correlation: corr, spsa: sp, fdsaCentral: fc, fdsaForward: ff, relErr: { correlation: rel(corr.mean), spsa: rel(sp.mean), fdsaCentral: rel(fc.mean), fdsaForward: rel(ff.mean) } };
    });
    ctx.progress(1, 4);
    // Rounding tolerance: E[ĝ] of the correlation estimator is a two-term sum of products of
    // numbers of order 1 (σ, 1−σ, L ≤ 1); its error is a few ulps of ‖∇‖ at worst when the
    // gradient is small relative to L (σ(a) near 0 or 1) — 1e-12 relative leaves ×1000 headroom
    // over the 1e-15 observed and is 10⁸ below the smallest SPSA bias at c = 1.
    const tol = 1e-12;
    const worst = (k: "correlation" | "spsa" | "fdsaCentral" | "fdsaForward") => Math.max(...rows.map((r) => r.relErr[k]));
    // Monte Carlo at a = 0: correlation and SPSA(c = 1, CRN) sample means vs the exact gradient;
    // n gives power 1 − 1e-3 to reject SPSA's exact bias at α.
    const r0 = rows[2];
    const zc = zCritical(alpha, 1);
    const nPower = samplesForPower(r0.spsa.mean - r0.gradient, Math.sqrt(Math.max(r0.spsa.variance, r0.correlation.variance)), zc);
    const n = Math.max(nPower, ctx.quick ? 20_000 : 200_000);
    const problem0 = ctx.problem("single unit a=0", singleUnit(0));
    const theta0 = problem0.initialParams();
    const corrMc = sampleMoments(correlation.create(problem0, theta0), theta0, n, ctx.stream.fork("mc/correlation"));
    ctx.progress(2, 4);
    const spMc = sampleMoments(spsa.create(problem0, theta0, { c: cBig, crn: 1 }), theta0, n, ctx.stream.fork("mc/spsa"));
    ctx.progress(3, 4);
    // variance slope over c ∈ [1e-3, 1e-1] at a = 0
    const cs = logGrid(1e-3, 1e-1, 9);
    const vc = spsaVarianceCurves(0, cs);
    const slopeIndep = logLogSlope(cs, vc.independent);
    const slopeCrn = logLogSlope(cs, vc.crn);
    // Seeded MC variance at three c (independent noise), beside the exact values
    const mcVar = [1e-3, 1e-2, 1e-1].map((c) => {
      const m = sampleMoments(spsa.create(problem0, theta0, { c, crn: 0 }), theta0, ctx.quick ? 20_000 : 100_000, ctx.stream.fork(`mc/var/${c}`));
      return { c, sampleVariance: m.variance[0], exactVariance: vc.independent[cs.findIndex((x) => Math.abs(x - c) < 1e-12 * c)] };
    });
    // exact bias of SPSA and forward FDSA against c at a = 1 (at a = 0 they coincide by the symmetry
    // of σ); the correlation estimator has no c and no bias
    const biasC = logGrid(1e-2, 2, 8);
    const problem1 = ctx.problem("single unit a=1", singleUnit(1));
    const theta1 = problem1.initialParams();
    const r1 = rows[3];
    const biasByC = biasC.map((c) => ({
      c,
      spsa: exactOf(problem1, spsa.create(problem1, theta1, { c, crn: 1 }), "custom").mean - r1.gradient,
      fdsaForward: exactOf(problem1, fdsaForward.create(problem1, theta1, { c, crn: 1 }), "custom").mean - r1.gradient,
      correlation: r1.correlation.mean - r1.gradient,
    }));
    ctx.progress(4, 4);
    return {
      reference: "∂E[L]/∂a by exact enumeration (forward-mode product rule, not the score identity); exact estimator moments by enumerating h and, for SPSA/FDSA, Δ jointly with the unit's uniform (CRN via the coupled 3-way partition of u)",
      checks: [
        verdict(`correlation estimator, exact: max relative abs(E[ĝ] − ∂E[L]/∂a) over σ(a) ∈ {${rows.map((r) => r.sigma.toFixed(3)).join(", ")}}`, worst("correlation"), tol, "exact", "relative-error"),
        monteCarloMeanCheck("correlation estimator, Monte Carlo at a = 0: max abs(z) of the sample mean against the exact gradient", corrMc, [r0.gradient], alpha),
        monteCarloMeanCheck(`SPSA (c = ${cBig}, CRN), Monte Carlo at a = 0: max abs(z) of the sample mean against SPSA's exact mean (MC converges to the exact moments)`, spMc, [r0.spsa.mean], alpha),
        verdict("SPSA with independent noise: abs(log–log slope of exact Var[ĝ] vs c − (−2)) over c ∈ [1e-3, 1e-1]", Math.abs(slopeIndep + 2), 0.1, "exact", "slope"),
      ],
      controls: [
        verdict(`control — SPSA (c = ${cBig}), exact: max relative abs(E[ĝ] − ∂E[L]/∂a)`, worst("spsa"), tol, "exact", "relative-error"),
        verdict(`control — forward FDSA (c = ${cBig}), exact: max relative abs(E[ĝ] − ∂E[L]/∂a)`, worst("fdsaForward"), tol, "exact", "relative-error"),
        monteCarloMeanCheck(`control — SPSA (c = ${cBig}, CRN), Monte Carlo at a = 0: max abs(z) of the sample mean against the exact gradient`, spMc, [r0.gradient], alpha),
        verdict("control — SPSA with common random numbers: abs(slope of exact Var[ĝ] vs c − (−2))", Math.abs(slopeCrn + 2), 0.1, "exact", "slope"),
      ],
      data: {
        target: 0.3,
        c: cBig,
        lossEvaluations: { correlation: 1, spsa: 2, fdsaCentral: 2, fdsaForward: 2 },
        exactByLogit: rows,
        biasByC: { logit: 1, rows: biasByC },
        monteCarlo: { n, correlationMean: corrMc.mean[0], correlationSE: corrMc.standardError[0], spsaMean: spMc.mean[0], spsaSE: spMc.standardError[0] },
        variance: { c: cs, independent: vc.independent, crn: vc.crn, correlation: vc.correlation, slopeIndependent: slopeIndep, slopeCrn },
        monteCarloVariance: mcVar,
      },
    };
  },
};
