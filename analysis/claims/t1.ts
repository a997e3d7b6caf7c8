/**
 * Theorem 1 of Bengio (2013), arXiv 1305.2982, as executable claims:
 *   for h = 1[u < σ(a)], the estimator (h − σ(a))·(L − b) is unbiased for ∂E[L]/∂a for any b
 *   that does not depend on h; no small-perturbation assumption; also for a delayed,
 *   non-differentiable reward; and b = E[(h−σ)²L]/E[(h−σ)²] minimises the variance.
 * Exact references come from src/exact (product-rule forward mode, cross-checked by dual numbers),
 * never from the identity being tested.
 */
import { exactAnalysis } from "../../src/exact/moments.js";
import { exactGradientDual } from "../../src/exact/dual.js";
import { optimalBaseline, correlationEstimate } from "../../src/estimators/correlation.js";
import { estimators } from "../../src/estimators/registry.js";
import { sampleMoments, type SampleMoments } from "../../src/estimators/sample.js";
import type { EstimatorEntry, EstimatorInstance } from "../../src/estimators/types.js";
import { sigmoid } from "../../src/numerics.js";
import { referenceDelayed, referenceNet, referenceNetTable, singleUnit } from "../../src/problems/reference.js";
import type { BinaryProblem } from "../../src/problems/types.js";
import { SigmoidBeliefNet } from "../../src/problems/sbn.js";
import { zCritical } from "../../src/stats/tests.js";
import { exactMomentsWithFourth, monteCarloMeanCheck, monteCarloVarianceCheck, samplesToRejectControl } from "./checks.js";
import { verdict, type Claim, type ClaimContext, type Verdict } from "./types.js";
import { maxRelativeError } from "../../src/numerics.js";

const SEED = "Bengio 2013, arXiv 1305.2982";
const EPS = Number.EPSILON;

/** Rounding-level tolerance for comparing two exact enumerations: the relative error of a sum of 2ⁿ terms is ≤ 2ⁿ·ε in the worst case; 1e-12 covers n ≤ 12 with margin. */
const EXACT_TOL = 1e-12;

function units(instance: EstimatorInstance): EstimatorEntry {
  return { noise: "units", instance };
}

/** Exact mean of an estimator on a problem. */
function exactMean(problem: BinaryProblem, theta: Float64Array, instance: EstimatorInstance): { mean: Float64Array; variance: Float64Array; gradient: Float64Array } {
  const r = exactAnalysis(problem, theta, { e: units(instance) });
  return { mean: r.estimators.e.mean, variance: r.estimators.e.variance, gradient: r.gradient };
}

/** Draws for a Monte Carlo check: enough to reject the control (power ≈ 1 − 1e-3), at least 1e6 (5e4 quick), at most 4e6. */
function sampleSize(ctx: ClaimContext, bias: ArrayLike<number>, variance: ArrayLike<number>, zStar: number): number {
  return samplesToRejectControl(bias, variance, zStar, ctx.quick ? 50_000 : 1_000_000, 4_000_000);
}

/** Monte Carlo part shared by the unbiasedness claims: the z-test on the estimator and on the control. */
function mcPair(ctx: ClaimContext, label: string, problem: BinaryProblem, theta: Float64Array, est: EstimatorInstance, control: EstimatorInstance, controlLabel: string, alpha: number): { check: Verdict; controlCheck: Verdict; n: number; mean: number[]; se: number[]; moments: SampleMoments } {
  const ref = exactAnalysis(problem, theta, { c: units(control) });
  const bias = ref.estimators.c.mean.map((m, k) => m - ref.gradient[k]);
  const zStar = zCritical(alpha, problem.nParams);
  const n = sampleSize(ctx, bias, ref.estimators.c.variance, zStar);
  const m = sampleMoments(est, theta, n, ctx.stream.fork(`${label}/estimator`), (d, t) => ctx.progress(d, 2 * t));
  const mc = sampleMoments(control, theta, n, ctx.stream.fork(`${label}/control`), (d, t) => ctx.progress(t + d, 2 * t));
  return {
    check: monteCarloMeanCheck(`${label}: seeded MC mean vs exact gradient, max |z| over ${problem.nParams} coordinates`, m, ref.gradient, alpha),
    controlCheck: monteCarloMeanCheck(`${label}: ${controlLabel} MC mean vs exact gradient`, mc, ref.gradient, alpha),
    n,
    mean: Array.from(m.mean),
    se: Array.from(m.standardError),
    moments: m,
  };
}

export const t1Unbiased: Claim = {
  id: "T1-unbiased",
  statement: "The estimator (hᵢ − σ(aᵢ))·L·∂aᵢ/∂θ is an unbiased estimator of ∂E[L]/∂θ for binary stochastic neurons hᵢ = 1[uᵢ < σ(aᵢ)].",
  source: `${SEED}, Theorem 1 (unbiased estimator of the gradient for binary stochastic neurons)`,
  control: "straight-through (identity) estimator on the same problems and noise",
  run(ctx) {
    const problems: [string, BinaryProblem][] = [
      ["single unit (h−0.45)², a=0.3", singleUnit(0.3, 0.45)],
      ["4-4-4 net, squared loss", referenceNet()],
      ["4-4-4 net, table loss", referenceNetTable()],
    ];
    let worstMean = 0;
    let worstCtl = Infinity;
    let worstDual = 0;
    const perProblem: Record<string, unknown> = {};
    for (const [name, p] of problems) {
      ctx.problem(name, p);
      const th = p.initialParams();
      const r = exactAnalysis(p, th, { corr: units(estimators.correlation.create(p, th)), st: units(estimators["straight-through"].create(p, th)) });
      const dual = exactGradientDual(p, th);
      const eCorr = maxRelativeError(r.estimators.corr.mean, r.gradient);
      const eSt = maxRelativeError(r.estimators.st.mean, r.gradient);
      worstMean = Math.max(worstMean, eCorr);
      worstCtl = Math.min(worstCtl, eSt);
      worstDual = Math.max(worstDual, maxRelativeError(r.gradient, dual.gradient));
      perProblem[name] = { expectedLoss: r.expectedLoss, correlationRelError: eCorr, straightThroughRelBias: eSt, gradientNorm: Math.hypot(...r.gradient) };
    }
    const p = ctx.problem("4-4-4 net, squared loss", referenceNet());
    const th = p.initialParams();
    const alpha = ctx.alpha / 2; // two statistical checks share the claim's α
    const corr = estimators.correlation.create(p, th);
    const mc = mcPair(ctx, "4-4-4 net", p, th, corr, estimators["straight-through"].create(p, th), "straight-through", alpha);
    const ex4 = exactMomentsWithFourth(p, th, corr);
    const varCheck = monteCarloVarianceCheck("4-4-4 net: seeded MC variance vs exact variance, max |z|", mc.moments, ex4.variance, ex4.mu4, alpha);
    return {
      reference: "∇θE[L] by enumerating all 2ⁿ configurations with forward-mode (product-rule) differentiation, cross-checked against dual numbers",
      checks: [
        verdict("exact reference: product-rule gradient vs dual-number gradient, max relative error", worstDual, EXACT_TOL, "exact", "relative-error"),
        verdict("exact E[ĝ_corr] vs exact ∇E[L], max relative error over 3 problems", worstMean, EXACT_TOL, "exact", "relative-error"),
        mc.check,
        varCheck,
      ],
      controls: [verdict("exact E[ĝ_ST] vs exact ∇E[L], smallest relative error over 3 problems", worstCtl, EXACT_TOL, "exact", "relative-error"), mc.controlCheck],
      data: { problems: perProblem, samples: mc.n },
    };
  },
};

export const t1AnyBaseline: Claim = {
  id: "T1-any-baseline",
  statement: "(hᵢ − σ(aᵢ))·(L − bᵢ)·∂aᵢ/∂θ remains unbiased for any baseline bᵢ that does not depend on hᵢ.",
  source: `${SEED}, Theorem 1 (baseline b that does not depend on h)`,
  control: "a baseline that depends on the unit's own sample, bᵢ = hᵢ",
  run(ctx) {
    const p = ctx.problem("4-4-4 net, squared loss", referenceNet());
    const th = p.initialParams();
    const rnd = ctx.stream.fork("per-unit baselines");
    const perUnit = Float64Array.from({ length: p.nUnits }, () => 4 * rnd.uniform() - 1);
    const baselines: [string, Float64Array][] = [
      ["b = −2", new Float64Array(p.nUnits).fill(-2)],
      ["b = 0.7", new Float64Array(p.nUnits).fill(0.7)],
      ["b = 5", new Float64Array(p.nUnits).fill(5)],
      ["bᵢ ~ U(−1, 3) per unit", perUnit],
      ["bᵢ = L̄ᵢ (exact optimal)", optimalBaseline(p, th)],
    ];
    const ws = p.createWorkspace();
    const results: Record<string, number> = {};
    let worst = 0;
    let reference: Float64Array | null = null;
    for (const [name, b] of baselines) {
      const inst: EstimatorInstance = { noiseSize: p.nUnits, lossEvaluations: 1, estimate: (t, u, out) => correlationEstimate(p, t, u, ws, b, out) };
      const r = exactMean(p, th, inst);
      reference = r.gradient;
      const e = maxRelativeError(r.mean, r.gradient);
      results[name] = e;
      worst = Math.max(worst, e);
    }
    const ctl = exactMean(p, th, estimators["correlation-hdep"].create(p, th, { beta: 1 }));
    const ctlErr = maxRelativeError(ctl.mean, reference!);
    const online = estimators["correlation-optimal-online"].create(p, th, { decay: 0.99 });
    const mc = mcPair(ctx, "online optimal baseline", p, th, online, estimators["correlation-hdep"].create(p, th, { beta: 1 }), "h-dependent baseline", ctx.alpha);
    return {
      reference: "∇θE[L] of the 4-4-4 reference net by enumeration (product rule)",
      checks: [verdict(`exact E[ĝ] vs ∇E[L] for ${baselines.length} baselines, max relative error`, worst, EXACT_TOL, "exact", "relative-error"), mc.check],
      controls: [verdict("exact E[ĝ] with bᵢ = hᵢ vs ∇E[L], relative error", ctlErr, EXACT_TOL, "exact", "relative-error"), mc.controlCheck],
      data: { relativeErrorByBaseline: results, controlRelativeError: ctlErr, samples: mc.n, perUnitBaselines: Array.from(perUnit) },
    };
  },
};

/** Exact variance of the constant-baseline correlation estimator at baseline b (all units). */
function varianceAtBaseline(p: BinaryProblem, th: Float64Array, b: number | Float64Array): Float64Array {
  const inst = estimators["correlation-constant"].create(p, th, { baseline: typeof b === "number" ? b : 0 });
  if (typeof b !== "number") {
    const ws = p.createWorkspace();
    return exactMean(p, th, { noiseSize: p.nUnits, lossEvaluations: 1, estimate: (t, u, out) => correlationEstimate(p, t, u, ws, b, out) }).variance;
  }
  return exactMean(p, th, inst).variance;
}

/** Indices of the bias coordinates of every unit of a belief net (∂aᵢ/∂bᵢ = 1). */
function biasCoordinates(p: SigmoidBeliefNet): number[] {
  const out: number[] = [];
  for (let l = 0; l < p.nLayers; l++) for (let i = 0; i < p.widths[l + 1]; i++) out.push(p.biasOffset[l] + i);
  return out;
}

export const t1OptimalBaseline: Claim = {
  id: "T1-optimal-baseline",
  statement: "The variance of (h − σ(a))(L − b) is quadratic in a constant baseline b and is minimised by b = L̄ = E[(h − σ(a))² L] / E[(h − σ(a))²]; for a single unit, L̄ gives zero variance.",
  source: `${SEED}, Theorem 1, corollary on the variance-minimising baseline`,
  control: "the common heuristic b = E[L] taken as the minimiser (same argmin and zero-variance checks)",
  run(ctx) {
    // (1) single unit: Var at L̄ is zero; the control (b = E[L]) is not.
    let maxVarAtOpt = 0;
    let minVarAtMean = Infinity;
    const singles: Record<string, unknown> = {};
    for (const a of [-4, -1, 0.3, 2.5]) {
      const p = ctx.problem(`single unit (h−0.45)², a=${a}`, singleUnit(a, 0.45));
      const th = p.initialParams();
      const Lbar = optimalBaseline(p, th)[0];
      const vOpt = varianceAtBaseline(p, th, Lbar)[0];
      const EL = exactAnalysis(p, th).expectedLoss;
      const vMean = varianceAtBaseline(p, th, EL)[0];
      maxVarAtOpt = Math.max(maxVarAtOpt, vOpt);
      minVarAtMean = Math.min(minVarAtMean, vMean);
      singles[`a=${a}`] = { sigma: sigmoid(a), Lbar, varianceAtLbar: vOpt, expectedLoss: EL, varianceAtExpectedLoss: vMean };
    }
    // (2) 4-4-4 net: per bias coordinate, Var_k(b) is a parabola (fit at b ∈ {−1,0,1}, predicted
    // at b = 2.5) whose minimiser equals L̄ᵢ computed independently by optimalBaseline().
    const net = ctx.problem("4-4-4 net, squared loss", referenceNet());
    const th = net.initialParams();
    const grid = [-1, 0, 1];
    const V = grid.map((b) => varianceAtBaseline(net, th, b));
    const V25 = varianceAtBaseline(net, th, 2.5);
    const Lbar = optimalBaseline(net, th);
    const EL = exactAnalysis(net, th).expectedLoss;
    const coords = biasCoordinates(net);
    let shapeErr = 0;
    let argminErr = 0;
    let argminErrCtl = Infinity;
    let kappa = 1;
    const fits: Record<string, unknown>[] = [];
    coords.forEach((k, i) => {
      const [vm, v0, vp] = [V[0][k], V[1][k], V[2][k]];
      const A = (vp + vm - 2 * v0) / 2; // Var = A b² + B b + C
      const B = (vp - vm) / 2;
      const C = v0;
      const bStar = -B / (2 * A);
      const pred = A * 6.25 + B * 2.5 + C;
      shapeErr = Math.max(shapeErr, Math.abs(pred - V25[k]) / Math.abs(V25[k]));
      argminErr = Math.max(argminErr, Math.abs(bStar - Lbar[i]) / Math.max(1, Math.abs(Lbar[i])));
      argminErrCtl = Math.min(argminErrCtl, Math.abs(bStar - EL) / Math.max(1, Math.abs(EL)));
      kappa = Math.max(kappa, Math.max(vm, v0, vp, V25[k]) / A);
      fits.push({ coordinate: net.paramLabels()[k], A, B, C, argmin: bStar, Lbar: Lbar[i] });
    });
    // Rounding bound: variances are exact to ~100ε relative; a 3-point fit amplifies that by
    // κ = max Var / A, and predicting at b = 2.5 weights the coefficient errors by
    // |b²| + |b| + 1 = 9.75 ≤ 10 (the same bound covers the argmin −B/2A).
    const fitTol = 100 * EPS * kappa * 10;
    // Controls: the same single-unit zero-variance check applied at b = E[L]; the same argmin check against E[L].
    return {
      reference: "exact per-coordinate variances by enumeration; L̄ᵢ by a separate enumeration of E[(hᵢ−σᵢ)²L] and E[(hᵢ−σᵢ)²]",
      checks: [
        verdict("single unit (h−0.45)²: exact Var at b = L̄, max over a ∈ {−4,−1,0.3,2.5}", maxVarAtOpt, 1e-15, "exact", "variance"),
        verdict("4-4-4 net: Var_k(b) is quadratic — 3-point fit predicts Var at b=2.5, max relative error", shapeErr, fitTol, "exact", "relative-error"),
        verdict("4-4-4 net: argmin of the fitted parabola vs L̄ᵢ, max relative error over bias coordinates", argminErr, fitTol, "exact", "relative-error"),
      ],
      controls: [
        verdict("single unit: exact Var at b = E[L], min over a", minVarAtMean, 1e-15, "exact", "variance"),
        verdict("4-4-4 net: argmin vs E[L], min relative error over bias coordinates", argminErrCtl, fitTol, "exact", "relative-error"),
      ],
      data: { singleUnit: singles, net: { expectedLoss: EL, fits, conditionNumber: kappa, tolerance: fitTol } },
    };
  },
};

/**
 * The "first-order finite-difference reading" of the same perturbation: treat δ = h − σ(a) as a
 * small output perturbation and estimate ∂L/∂a ≈ σ'(a)·(L(h) − L(σ(a)))/(h − σ(a)). Exact only
 * when L is linear in h or σ(a) = ½; the seed's point is that Theorem 1 needs no such assumption.
 */
function finiteDifferenceReading(p: SigmoidBeliefNet): EstimatorInstance {
  const ws = p.createWorkspace();
  const y = new Float64Array(1);
  return {
    noiseSize: 1,
    lossEvaluations: 2,
    estimate(t, u, out) {
      const L = p.forward(t, u, ws);
      const s = ws.s[0];
      y[0] = s;
      const Ls = p.loss.value(y, 0);
      out[0] = (s * (1 - s) * (L - Ls)) / (ws.h[0] - s);
      return L;
    },
  };
}

export const t1LargePerturbation: Claim = {
  id: "T1-large-perturbation",
  statement: "Unlike estimators that view the noise as a small perturbation (finite differences), the estimator is unbiased even when the stochastic perturbation is not small, i.e. however far σ(a) is from ½.",
  source: `${SEED}, abstract and Theorem 1 (no small-perturbation assumption)`,
  control: "first-order finite-difference reading σ'(a)·(L(h) − L(σ))/(h − σ) of the same perturbation",
  run(ctx) {
    const grid = [-8, -6, -4, -2, -1, 0, 1, 2, 4, 6, 8];
    let worst = 0;
    let worstCtl = 0;
    const rows: Record<string, unknown>[] = [];
    for (const a of grid) {
      for (const [name, p] of [
        ["(h−0.45)²", singleUnit(a, 0.45)],
        ["(h−0.1)²", singleUnit(a, 0.1)],
      ] as const) {
        ctx.problem(`single unit ${name}, a=${a}`, p);
        const th = p.initialParams();
        const r = exactAnalysis(p, th, { corr: units(estimators.correlation.create(p, th)), fd: units(finiteDifferenceReading(p)) });
        const e = Math.abs(r.estimators.corr.mean[0] - r.gradient[0]) / Math.abs(r.gradient[0]);
        const f = Math.abs(r.estimators.fd.mean[0] - r.gradient[0]) / Math.abs(r.gradient[0]);
        worst = Math.max(worst, e);
        worstCtl = Math.max(worstCtl, f);
        rows.push({ a, sigma: sigmoid(a), loss: name, gradient: r.gradient[0], correlationMean: r.estimators.corr.mean[0], finiteDifferenceMean: r.estimators.fd.mean[0] });
      }
    }
    // MC at the extremes σ(±5) ≈ 0.0067, 0.9933
    const alpha = ctx.alpha / 2;
    const checks: Verdict[] = [verdict("exact E[ĝ_corr] vs dE[L]/da over a ∈ [−8, 8], max relative error", worst, EXACT_TOL, "exact", "relative-error")];
    const controls: Verdict[] = [verdict("exact E[ĝ_FD] vs dE[L]/da over a ∈ [−8, 8], max relative error", worstCtl, EXACT_TOL, "exact", "relative-error")];
    const mcData: Record<string, unknown> = {};
    for (const a of [-5, 5]) {
      const p = ctx.problem(`single unit (h−0.45)², a=${a}`, singleUnit(a, 0.45));
      const th = p.initialParams();
      const mc = mcPair(ctx, `a=${a}`, p, th, estimators.correlation.create(p, th), finiteDifferenceReading(p), "finite-difference reading", alpha);
      checks.push(mc.check);
      controls.push(mc.controlCheck);
      mcData[`a=${a}`] = { samples: mc.n, mean: mc.mean[0], se: mc.se[0] };
    }
    return {
      reference: "dE[L]/da for a single unit by enumeration (closed form σ'(a)(L(1) − L(0)))",
      checks,
      controls,
      data: { grid: rows, monteCarlo: mcData },
    };
  },
};

/** Myopic credit assignment: only the last decision is credited with the delayed reward. */
function lastStepOnly(p: BinaryProblem): EstimatorInstance {
  const ws = p.createWorkspace();
  return {
    noiseSize: p.nUnits,
    lossEvaluations: 1,
    estimate(t, u, out) {
      const L = p.forward(t, u, ws);
      out.fill(0);
      const i = p.nUnits - 1;
      p.addLogitGradient(t, ws, i, (ws.h[i] - ws.s[i]) * L, out);
      return L;
    },
  };
}

export const t1DelayedReward: Claim = {
  id: "T1-delayed-reward",
  statement: "The estimator applies when L is a delayed, non-differentiable reward (as in reinforcement learning): Σₜ (hₜ − σ(aₜ))·L·∂aₜ/∂θ is unbiased for ∂E[L]/∂θ.",
  source: `${SEED}, Theorem 1 and the discussion of future rewards in reinforcement learning`,
  control: "myopic credit: only the last decision is correlated with the reward",
  run(ctx) {
    const p = ctx.problem("corridor T=6", referenceDelayed());
    const th = p.initialParams();
    const r = exactAnalysis(p, th, { corr: units(estimators.correlation.create(p, th)), ctl: units(lastStepOnly(p)) });
    const dual = exactGradientDual(p, th);
    const mc = mcPair(ctx, "corridor T=6", p, th, estimators.correlation.create(p, th), lastStepOnly(p), "myopic credit", ctx.alpha);
    return {
      reference: "∇θE[L] over all 2⁶ action sequences by enumeration (product rule), cross-checked against dual numbers",
      checks: [
        verdict("exact reference: product rule vs dual numbers, max relative error", maxRelativeError(r.gradient, dual.gradient), EXACT_TOL, "exact", "relative-error"),
        verdict("exact E[ĝ_corr] vs ∇E[L], max relative error", maxRelativeError(r.estimators.corr.mean, r.gradient), EXACT_TOL, "exact", "relative-error"),
        mc.check,
      ],
      controls: [verdict("exact E[ĝ_myopic] vs ∇E[L], max relative error", maxRelativeError(r.estimators.ctl.mean, r.gradient), EXACT_TOL, "exact", "relative-error"), mc.controlCheck],
      data: { problem: p.toJSON(), expectedLoss: r.expectedLoss, gradient: Array.from(r.gradient), samples: mc.n },
    };
  },
};

export const t1Claims: Claim[] = [t1Unbiased, t1AnyBaseline, t1OptimalBaseline, t1LargePerturbation, t1DelayedReward];
