/**
 * Figures for Theorem 1 (Bengio 2013, arXiv 1305.2982): convergence of sampled means to the exact
 * gradient, exact variance against a constant baseline, and exact bias²/variance per estimator.
 */
import type { ChartSpec, SeriesSpec } from "../analysis/charts.js";
import { exactAnalysis } from "../src/exact/moments.js";
import { optimalBaseline } from "../src/estimators/correlation.js";
import { estimators, type EstimatorId } from "../src/estimators/registry.js";
import type { EstimatorEntry, EstimatorOptions } from "../src/estimators/types.js";
import { sigmoid } from "../src/numerics.js";
import { referenceNet, singleUnit } from "../src/problems/reference.js";
import type { Figure } from "../analysis/figures/types.js";
import { quantileSorted } from "../src/stats/quantile.js";

const NET = "4-4-4 reference belief net (x ∈ {0,1}³, squared loss)";

function logspace(lo: number, hi: number, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < n; i++) out.push(Math.round(10 ** (lo + ((hi - lo) * i) / (n - 1))));
  return [...new Set(out)];
}

const convergenceSet: [EstimatorId, EstimatorOptions, string][] = [
  ["correlation", {}, "correlation, no baseline"],
  ["correlation-optimal", {}, "correlation, optimal baseline L̄ᵢ"],
  ["correlation-optimal-online", { decay: 0.99 }, "correlation, online L̄ᵢ (β = 0.99)"],
  ["straight-through", {}, "straight-through (identity)"],
  ["straight-through-sigmoid", {}, "straight-through (sigmoid-adjusted)"],
];

export const convergenceFigure: Figure = {
  id: "t1-convergence",
  claims: ["T1-unbiased"],
  title: "Sampled means converge to the exact gradient as 1/√N — unless the estimator is biased",
  caption: `Relative error ‖ḡ_N − ∇E[L]‖₂ / ‖∇E[L]‖₂ of the running mean of N draws on the ${NET}. Solid: median over 12 independent seeded replicates; shaded: their 10–90% range. Dashed: the exact expected RMS error √(tr Var[ĝ]/N)/‖∇E[L]‖ of each unbiased estimator (from exact variances), or the exact relative bias ‖E[ĝ] − ∇E[L]‖/‖∇E[L]‖ of each biased one, which the error cannot go below.`,
  run(ctx) {
    const p = referenceNet();
    const th = p.initialParams();
    const Nmax = ctx.quick ? 20_000 : 200_000;
    const R = 12;
    const checkpoints = logspace(1, Math.log10(Nmax), ctx.quick ? 16 : 25);
    const insts: Record<string, EstimatorEntry> = {};
    for (const [id, opt] of convergenceSet) insts[id] = { noise: "units", instance: estimators[id].create(p, th, opt) };
    const ex = exactAnalysis(p, th, insts);
    const gnorm = Math.hypot(...ex.gradient);
    const series: SeriesSpec[] = [];
    const data: Record<string, unknown> = { gradientNorm: gnorm, expectedLoss: ex.expectedLoss, checkpoints, replicates: R };
    const P = p.nParams;
    const sum = new Float64Array(P);
    const g = new Float64Array(P);
    convergenceSet.forEach(([id, opt, label], idx) => {
      const errs: number[][] = checkpoints.map(() => []);
      for (let r = 0; r < R; r++) {
        const inst = estimators[id].create(p, th, opt); // fresh state for the online baseline
        const s = ctx.stream.fork(`${id}/rep/${r}`);
        const u = new Float64Array(inst.noiseSize);
        sum.fill(0);
        let next = 0;
        for (let n = 1; n <= Nmax; n++) {
          s.uniforms(u);
          inst.estimate(th, u, g);
          inst.observe?.();
          for (let k = 0; k < P; k++) sum[k] += g[k];
          if (n === checkpoints[next]) {
            let e = 0;
            for (let k = 0; k < P; k++) e += (sum[k] / n - ex.gradient[k]) ** 2;
            errs[next].push(Math.sqrt(e) / gnorm);
            next++;
          }
        }
        ctx.progress(idx * R + r + 1, convergenceSet.length * R);
      }
      const sorted = errs.map((e) => e.slice().sort((a, b) => a - b));
      series.push({
        label,
        points: checkpoints.map((n, i) => [n, quantileSorted(sorted[i], 0.5)]),
        lower: sorted.map((e) => quantileSorted(e, 0.1)),
        upper: sorted.map((e) => quantileSorted(e, 0.9)),
        style: "band",
        color: idx,
      });
      const m = ex.estimators[id];
      const bias = Math.hypot(...m.mean.map((v, k) => v - ex.gradient[k])) / gnorm;
      const trVar = m.variance.reduce((a, b) => a + b, 0);
      if (estimators[id].unbiased) series.push({ label: `√(tr Var/N), ${label}`, points: checkpoints.map((n) => [n, Math.sqrt(trVar / n) / gnorm]), style: "dashed", color: idx });
      else series.push({ label: `exact bias, ${label}`, points: [[checkpoints[0], bias], [Nmax, bias]], style: "dashed", color: idx });
      data[id] = { exactRelativeBias: bias, exactTraceVariance: trVar, medianErrors: sorted.map((e) => quantileSorted(e, 0.5)) };
    });
    const spec: ChartSpec = {
      title: "Convergence of sampled means to the exact gradient (4-4-4 belief net, 12 replicates)",
      x: { label: "number of samples N (log scale)", log: true },
      y: { label: "relative error ‖ḡ_N − ∇E[L]‖ / ‖∇E[L]‖ (log scale)", log: true },
      series,
      legend: "bottom",
      width: 1150,
      height: 760,
    };
    return { data, charts: [{ name: "", spec }] };
  },
};

/** Added to variances so the exact zero at L̄ can be drawn on a log axis. */
const VFLOOR = 1e-12;

export const baselineVarianceFigure: Figure = {
  id: "t1-baseline-variance",
  claims: ["T1-optimal-baseline"],
  title: "Exact variance is quadratic in a constant baseline, minimised at L̄",
  caption: "Exact Var[(h − σ(a))(L − b)] of a single unit with L = (h − 0.45)² against a constant baseline b, for three logits a. Markers: the variance-minimising baseline L̄ = E[(h−σ)²L]/E[(h−σ)²], where the variance is exactly 0, and the heuristic b = E[L] (open triangles), which is not the minimiser unless σ(a) = ½. Log scale: every variance is drawn as Var + 1e-12, so the exact zero at L̄ appears as a notch down to 1e-12.",
  run() {
    const series: SeriesSpec[] = [];
    const bs = [...Array.from({ length: 201 }, (_, i) => -0.2 + (1 * i) / 200)];
    const data: Record<string, unknown> = {};
    [-2, 0, 2].forEach((a, idx) => {
      const p = singleUnit(a, 0.45);
      const th = p.initialParams();
      const v = (b: number) => VFLOOR + exactAnalysis(p, th, { e: { noise: "units", instance: estimators["correlation-constant"].create(p, th, { baseline: b }) } }).estimators.e.variance[0];
      const Lbar = optimalBaseline(p, th)[0];
      const EL = exactAnalysis(p, th).expectedLoss;
      const label = `a = ${a} (σ = ${sigmoid(a).toFixed(3)})`;
      // include L̄ itself so the notch reaches the floor
      const grid = [...bs, Lbar].sort((x, y) => x - y);
      series.push({ label, points: grid.map((b) => [b, v(b)]), color: idx });
      series.push({ label: `L̄ for a = ${a} (Var = 0)`, points: [[Lbar, v(Lbar)]], style: "scatter", color: idx, size: 7 });
      series.push({ label: `E[L] for a = ${a}`, points: [[EL, v(EL)]], style: "scatter", color: idx, marker: "triangle", size: 8 });
      data[`a=${a}`] = { sigma: sigmoid(a), Lbar, varianceAtLbar: v(Lbar), expectedLoss: EL, varianceAtExpectedLoss: v(EL) };
    });
    const spec: ChartSpec = {
      title: "Single unit, L = (h − 0.45)²: exact variance against a constant baseline",
      x: { label: "baseline b (loss units)" },
      y: { label: "exact Var[ĝ] + 1e-12 (loss² units, log scale)", log: true, min: 1e-13 },
      series,
      legend: "right",
      width: 1100,
    };
    return { data, charts: [{ name: "", spec }] };
  },
};

const biasVarianceSet: [EstimatorId, EstimatorOptions, string][] = [
  ["correlation", {}, "correlation"],
  ["correlation-constant", { baseline: 1 }, "correlation, b = 1"],
  ["correlation-optimal", {}, "correlation, L̄ᵢ"],
  ["straight-through", {}, "ST identity"],
  ["straight-through-sigmoid", {}, "ST sigmoid-adj."],
  ["correlation-hdep", { beta: 1 }, "control: bᵢ = hᵢ"],
];

/** Floor for drawing values that are zero up to rounding on a log axis. */
const FLOOR = 1e-20;

export const biasVarianceFigure: Figure = {
  id: "t1-bias-variance",
  claims: ["T1-unbiased"],
  title: "Exact squared bias and variance per estimator on the reference belief net",
  caption: `Exact ‖E[ĝ] − ∇E[L]‖² (squared bias) and tr Var[ĝ] summed over all 56 parameters of the ${NET}, by enumeration of all 2¹² configurations. Unbiased estimators have squared bias at rounding level; values below ${FLOOR} are drawn at ${FLOOR}.`,
  run() {
    const p = referenceNet();
    const th = p.initialParams();
    const insts: Record<string, EstimatorEntry> = {};
    for (const [id, opt] of biasVarianceSet) insts[id] = { noise: "units", instance: estimators[id].create(p, th, opt) };
    const ex = exactAnalysis(p, th, insts);
    const rows = biasVarianceSet.map(([id, , label]) => {
      const m = ex.estimators[id];
      const bias2 = m.mean.reduce((a, v, k) => a + (v - ex.gradient[k]) ** 2, 0);
      const trVar = m.variance.reduce((a, b) => a + b, 0);
      return { id, label, bias2, trVar, mse: bias2 + trVar };
    });
    const spec: ChartSpec = {
      kind: "bar",
      title: "Exact squared bias and variance (4-4-4 belief net, 56 parameters)",
      categories: rows.map((r) => r.label),
      x: { label: "estimator" },
      y: { label: "sum over parameters (gradient² units, log scale)", log: true, min: FLOOR / 10 },
      series: [
        { label: "squared bias ‖E[ĝ] − ∇E[L]‖²", points: rows.map((r, i) => [i, Math.max(FLOOR, r.bias2)]), style: "bar", color: 1 },
        { label: "variance tr Var[ĝ]", points: rows.map((r, i) => [i, Math.max(FLOOR, r.trVar)]), style: "bar", color: 0 },
      ],
    };
    return { data: { expectedLoss: ex.expectedLoss, gradientNormSquared: ex.gradient.reduce((a, b) => a + b * b, 0), rows }, charts: [{ name: "", spec }] };
  },
};

export const t1Figures: Figure[] = [convergenceFigure, baselineVarianceFigure, biasVarianceFigure];
