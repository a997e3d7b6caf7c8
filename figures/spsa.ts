/**
 * Figures for SPSA and finite differences against the correlation estimator (Bengio 2013,
 * arXiv 1305.2982, §3; Spall 1992): exact bias against c, exact variance against c, exact MSE
 * against loss evaluations, and optimisation curves over seeds.
 */
import { bandSeries, type ChartSpec, type SeriesSpec } from "../analysis/charts.js";
import { biasCurves, type BiasMethod } from "../analysis/claims/spsa-bias-c2.js";
import { logGrid } from "../analysis/claims/spsa-common.js";
import { runMethod, type SaMethod } from "../analysis/claims/spsa-efficiency.js";
import { singleUnit, spsaVarianceCurves } from "../analysis/claims/spsa-vs-correlation.js";
import { exactAnalysis } from "../src/exact/moments.js";
import { estimators, type EstimatorId } from "../src/estimators/registry.js";
import { sampleMoments } from "../src/estimators/sample.js";
import type { EstimatorEntry, EstimatorOptions } from "../src/estimators/types.js";
import { estimatorEntry } from "../src/estimators/types.js";
import { randomSbn } from "../src/problems/reference.js";
import type { OptimResult } from "../src/optim/types.js";
import type { Figure } from "../analysis/figures/types.js";

const BIAS_LABELS: Record<BiasMethod, string> = {
  spsa: "SPSA, two-sided",
  "spsa-one": "SPSA, one measurement",
  "fdsa-central": "FDSA, central",
  "fdsa-forward": "FDSA, forward",
};

export const spsaBiasFigure: Figure = {
  id: "spsa-bias",
  claims: ["SPSA-bias-c2"],
  title: "Exact bias of SPSA and finite differences against the perturbation size c",
  caption:
    "‖E[ĝ] − ∇L‖∞ on Spall's skewed quartic (p = 10, θ₀ = 1), exact by enumerating all Rademacher Δ. Two-sided SPSA, one-measurement SPSA and central differences follow c² (grey dashed guide); forward differences follow c (black dashed guide). On a quadratic, two-sided SPSA is exactly unbiased (claim SPSA-bias-c2).",
  run() {
    const cs = logGrid(1e-3, 1, 13);
    const r = biasCurves(cs);
    const series: SeriesSpec[] = (Object.keys(BIAS_LABELS) as BiasMethod[]).map((m, i) => ({ label: `${BIAS_LABELS[m]} (slope ${r.slope[m].toFixed(2)})`, points: cs.map((c, k) => [c, r.bias[m][k]] as [number, number]), color: i }));
    const k2 = r.bias.spsa[0] / cs[0] ** 2;
    const k1 = r.bias["fdsa-forward"][0] / cs[0];
    series.push({ label: "guide ∝ c²", points: cs.map((c) => [c, 0.5 * k2 * c * c]), style: "dashed", color: 8 });
    series.push({ label: "guide ∝ c", points: cs.map((c) => [c, 2 * k1 * c]), style: "dashed", color: 7 });
    const spec: ChartSpec = {
      title: "Exact bias against c (skewed quartic, p = 10)",
      x: { label: "perturbation size c (log scale)", log: true },
      y: { label: "exact bias ‖E[ĝ] − ∇L‖∞ (loss units per θ unit, log scale)", log: true },
      series,
    };
    return { data: { c: cs, bias: r.bias, slope: r.slope }, charts: [{ name: "", spec }] };
  },
};

export const spsaVarianceFigure: Figure = {
  id: "spsa-variance",
  claims: ["SPSA-vs-correlation"],
  title: "Variance of SPSA against c on one binary neuron: 1/c² with independent noise, 1/c with common random numbers",
  caption:
    "Exact Var[ĝ] of the estimators of ∂E[L]/∂a for one unit h = 1[u < σ(a)], a = 0, L = (h − 0.3)²: two-sided SPSA with independent noise for the two measurements (∝ 1/c²), with common random numbers (∝ 1/c), forward differences with independent noise, and the correlation estimator of Theorem 1 (no c, one evaluation). Markers: seeded Monte Carlo sample variances.",
  run(ctx) {
    const cs = logGrid(1e-3, 1, 13);
    const v = spsaVarianceCurves(0, cs);
    const problem = singleUnit(0);
    const theta = problem.initialParams();
    const mcC = [1e-3, 1e-2, 1e-1, 1];
    const n = ctx.quick ? 20_000 : 100_000;
    const mc = (crn: 0 | 1) => mcC.map((c) => [c, sampleMoments(estimators.spsa.create(problem, theta, { c, crn }), theta, n, ctx.stream.fork(`mc/${crn}/${c}`)).variance[0]] as [number, number]);
    const mcIndep = mc(0);
    const mcCrn = mc(1);
    const series: SeriesSpec[] = [
      { label: "SPSA, independent noise (exact)", points: cs.map((c, i) => [c, v.independent[i]]), color: 0 },
      { label: `SPSA, independent (Monte Carlo, n = ${n})`, points: mcIndep, style: "scatter", color: 0 },
      { label: "SPSA, common random numbers (exact)", points: cs.map((c, i) => [c, v.crn[i]]), color: 1 },
      { label: `SPSA, CRN (Monte Carlo, n = ${n})`, points: mcCrn, style: "scatter", color: 1 },
      { label: "FDSA forward, independent (exact)", points: cs.map((c, i) => [c, v.fdsaForward[i]]), color: 2 },
      { label: "correlation estimator, Theorem 1 (exact, no c)", points: [[cs[0], v.correlation], [cs[cs.length - 1], v.correlation]], style: "dashed", color: 3 },
    ];
    const spec: ChartSpec = {
      title: "Exact variance against c (one binary neuron, a = 0)",
      x: { label: "perturbation size c (log scale)", log: true },
      y: { label: "Var[ĝ] ((∂L/∂a units)², log scale)", log: true },
      series,
    };
    return { data: { c: cs, ...v, monteCarlo: { n, independent: mcIndep, crn: mcCrn } }, charts: [{ name: "", spec }] };
  },
};

const MSE_SET: [EstimatorId, EstimatorOptions, string][] = [
  ["spsa", { c: 0.5, crn: 1 }, "SPSA (c = 0.5, CRN)"],
  ["spsa", { c: 0.1, crn: 1 }, "SPSA (c = 0.1, CRN)"],
  ["fdsa-central", { c: 0.5, crn: 1 }, "FDSA central (c = 0.5, CRN)"],
  ["correlation", {}, "correlation (Thm 1), no baseline"],
  ["correlation-optimal", {}, "correlation, optimal baseline"],
];

export const spsaMseFigure: Figure = {
  id: "spsa-mse",
  claims: ["SPSA-vs-correlation"],
  title: "Mean squared error against loss evaluations: SPSA, FDSA and the correlation estimator",
  caption:
    "Exact MSE ‖E[ĝ] − ∇E[L]‖² + tr Var[ĝ]/K of the mean of K = n / (evaluations per estimate) independent estimates, against the loss-evaluation budget n, on a random 2-3-1 sigmoid belief net (13 parameters). SPSA and FDSA fall as 1/n until they level off at their squared bias (visible for c = 0.5 beyond 10⁵ evaluations); the unbiased correlation estimator keeps falling as 1/n, from a lower start (one evaluation per estimate, smaller variance). Markers: seeded Monte Carlo MSE over 200 repetitions.",
  run(ctx) {
    const p = randomSbn([2, 3, 1], "spsa-mse");
    const th = p.initialParams();
    const insts: Record<string, EstimatorEntry> = {};
    MSE_SET.forEach(([id, opt], i) => (insts[`${i}`] = estimatorEntry(estimators[id], p, th, opt)));
    const ex = exactAnalysis(p, th, insts);
    const budgets = logGrid(10, 1e6, 15);
    const series: SeriesSpec[] = [];
    const data: Record<string, unknown> = { gradient: Array.from(ex.gradient), budgets };
    const reps = ctx.quick ? 50 : 200;
    const mcBudgets = [100, 1000, 10000];
    MSE_SET.forEach(([id, , label], i) => {
      const m = ex.estimators[`${i}`];
      const inst = insts[`${i}`].instance;
      const bias2 = m.mean.reduce((s, v, k) => s + (v - ex.gradient[k]) ** 2, 0);
      const trVar = m.variance.reduce((s, v) => s + v, 0);
      const per = inst.lossEvaluations;
      series.push({ label, points: budgets.filter((n) => n >= per).map((n) => [n, bias2 + trVar / Math.floor(n / per)] as [number, number]), color: i });
      // Monte Carlo: mean of K estimates, squared error, averaged over repetitions
      const pts: [number, number][] = [];
      for (const n of mcBudgets) {
        const K = Math.floor(n / per);
        let mse = 0;
        for (let r = 0; r < reps; r++) {
          const s = sampleMoments(inst, th, K, ctx.stream.fork(`mc/${i}/${n}/${r}`));
          mse += s.mean.reduce((acc, v, k) => acc + (v - ex.gradient[k]) ** 2, 0) / reps;
        }
        pts.push([n, mse]);
      }
      series.push({ label: `${label}, MC`, points: pts, style: "scatter", color: i });
      data[label] = { squaredBias: bias2, traceVariance: trVar, lossEvaluationsPerEstimate: per, monteCarlo: pts };
      ctx.progress(i + 1, MSE_SET.length);
    });
    const spec: ChartSpec = {
      title: "Exact MSE against loss evaluations (2-3-1 belief net)",
      x: { label: "loss evaluations n (log scale)", log: true },
      y: { label: "MSE of the averaged gradient estimate (squared gradient units, log scale)", log: true },
      series,
      legend: "right",
      width: 1200,
    };
    return { data, charts: [{ name: "", spec }] };
  },
};

export const spsaOptimisationFigure: Figure = {
  id: "spsa-optimisation",
  claims: ["SPSA-efficiency"],
  title: "SPSA and FDSA on the noisy skewed quartic: median and quartiles over seeds",
  caption:
    "L(θₖ)/L(θ₀) against loss measurements on Spall's skewed quartic (p = 10, N(0, 1) measurement noise), 20 seeds per method: median (line) and interquartile band. SPSA and FDSA with identical gains (a = 0.5, c = 2, SPSA's tuned gains in SPSA-efficiency), and FDSA with its own tuned gains (a = 2, c = 8).",
  run(ctx) {
    const budget = 10_000;
    const seeds = 20;
    const runs = (m: SaMethod, a: number, c: number, key: string) => Array.from({ length: seeds }, (_, s) => runMethod(m, a, c, budget, ctx.stream.fork(`${key}/${s}`), m === "spsa" ? 5 : 1));
    const sp = runs("spsa", 0.5, 2, "spsa");
    ctx.progress(1, 3);
    const fd = runs("fdsa", 0.5, 2, "fdsa");
    ctx.progress(2, 3);
    const ft = runs("fdsa", 2, 8, "fdsa-tuned");
    ctx.progress(3, 3);
    const spec: ChartSpec = {
      title: "Skewed quartic (p = 10, σ = 1): L(θₖ)/L(θ₀), median and quartiles over 20 seeds",
      x: { label: "loss measurements (log scale)", log: true, min: 10 },
      y: { label: "L(θₖ) / L(θ₀) (noise-free, log scale)", log: true },
      series: [bandSeries(sp, "SPSA (a = 0.5, c = 2)", 0), bandSeries(fd, "FDSA central (a = 0.5, c = 2)", 1), bandSeries(ft, "FDSA central, own tuning (a = 2, c = 8)", 2)],
    };
    const fin = (r: OptimResult[]) => r.map((x) => x.finalLoss / x.initialLoss);
    return { data: { budget, seeds, final: { spsa: fin(sp), fdsa: fin(fd), fdsaTuned: fin(ft) } }, charts: [{ name: "", spec }] };
  },
};

export const spsaFigures: Figure[] = [spsaBiasFigure, spsaVarianceFigure, spsaMseFigure, spsaOptimisationFigure];
