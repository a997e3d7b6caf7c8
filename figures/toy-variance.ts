/**
 * The single-unit benchmark of the estimator literature (Tucker et al. 2017 §5.1; Grathwohl et al.
 * 2018 §6.1; Yin & Zhou 2019; Dong et al. 2020): f(b) = (b − t)², t ∈ {0.45, 0.499}, b ~ Bern(p).
 * Exact Var[ĝ] of every estimator against p = σ(a), multiplied by its loss evaluations so that
 * estimators are compared at equal numbers of loss evaluations. Exact throughout: unit
 * enumeration, RLOO's closed form, piecewise-affine cells (AR/ARM/DisARM), quadrature
 * (Concrete, ST-Gumbel, REBAR, RELAX). REBAR's η and RELAX's control variate are first tuned for
 * 2000 variance-gradient steps at each p (seeded); the exact moments are at the tuned state.
 */
import { estimators, type EstimatorId } from "../src/estimators/registry.js";
import type { EstimatorEntry } from "../src/estimators/types.js";
import { exactAnalysis } from "../src/exact/moments.js";
import { singleUnitToy } from "../analysis/claims/toys.js";
import type { Stream } from "../src/random/stream.js";
import { warmUp } from "../analysis/claims/estimator-checks.js";
import type { Figure, FigureOutput } from "../analysis/figures/types.js";
import type { SeriesSpec } from "../analysis/charts.js";

/** Options per estimator in the toy benchmarks: REBAR tunes η online (Tucker et al. 2017 §3.3). */
export const TOY_OPTIONS: Partial<Record<EstimatorId, Record<string, number>>> = { rebar: { tune: 0.01 } };

export const TOY_ESTIMATORS: EstimatorId[] = ["correlation", "correlation-optimal", "rloo", "ar", "arm", "disarm", "straight-through-sigmoid", "gumbel-softmax", "st-gumbel", "rebar", "relax"];

export interface ToyRow {
  p: number;
  t: number;
  gradient: number;
  estimators: Record<string, { mean: number; bias: number; variance: number; lossEvaluations: number; varianceTimesCost: number }>;
}

/** Exact moments of every toy estimator at (p, t). Online ones (REBAR's η, RELAX's φ) are warmed by `relaxSteps` steps (fork `id/p/t`), then measured at their state. */
export function toyRow(p: number, t: number, stream: Stream, relaxSteps = 2000): ToyRow {
  const prob = singleUnitToy(p, t);
  const theta = prob.initialParams();
  const set: Record<string, EstimatorEntry> = {};
  for (const id of TOY_ESTIMATORS) {
    const spec = estimators[id];
    const inst = spec.create(prob, theta, TOY_OPTIONS[id] ?? {});
    warmUp(inst, theta, relaxSteps, stream.fork(`${id}/${p}/${t}`));
    set[id] = { noise: spec.noise, instance: inst };
  }
  const r = exactAnalysis(prob, theta, set);
  const row: ToyRow = { p, t, gradient: r.gradient[0], estimators: {} };
  for (const id of TOY_ESTIMATORS) {
    const m = r.estimators[id];
    const c = set[id].instance.lossEvaluations;
    row.estimators[id] = { mean: m.mean[0], bias: m.mean[0] - r.gradient[0], variance: m.variance[0], lossEvaluations: c, varianceTimesCost: m.variance[0] * c };
  }
  return row;
}

export const toyVarianceFigure: Figure = {
  id: "toy-variance",
  claims: ["AR-unbiased", "ARM-unbiased", "DisARM-unbiased", "DisARM-variance", "RLOO-unbiased"],
  title: "Single unit f(b) = (b − t)²: exact estimator variance against p at equal loss evaluations",
  caption: "Exact Var[ĝ] × (loss evaluations per estimate) for every estimator against p = σ(a), t ∈ {0.45, 0.499}. Unbiased: correlation (REINFORCE), its optimal baseline, RLOO (K=2), AR, ARM, DisARM, REBAR (η and λ tuned for 2000 variance-gradient steps from η=1, λ=0.5), RELAX (φ incl. λ trained for 2000 single-sample steps — the variance is that of one trained state, hence the jagged curve); biased: ST-sigmoid, Gumbel-Softmax and ST-Gumbel (τ=0.5). Correlation-optimal has zero variance on one unit.",
  run(ctx): FigureOutput {
    const ps = ctx.quick ? [0.02, 0.1, 0.3, 0.5, 0.7, 0.9, 0.98] : Array.from({ length: 25 }, (_, k) => 0.02 + (0.96 * k) / 24);
    const table = [0.1, 0.5, 0.9];
    const ts = [0.45, 0.499];
    const rows: ToyRow[] = [];
    const tableRows: ToyRow[] = [];
    let done = 0;
    for (const t of ts) {
      for (const p of ps) (rows.push(toyRow(p, t, ctx.stream)), ctx.progress(++done, ts.length * (ps.length + table.length)));
      for (const p of table) (tableRows.push(toyRow(p, t, ctx.stream)), ctx.progress(++done, ts.length * (ps.length + table.length)));
    }
    const charts = ts.map((t) => {
      const series: SeriesSpec[] = TOY_ESTIMATORS.filter((id) => id !== "correlation-optimal").map((id, k) => ({
        label: `${id}${estimators[id].unbiased ? "" : " (biased)"}`,
        // exact zeros (DisARM at p = ½) cannot sit on a log axis: omitted, kept in the record
        points: rows.filter((r) => r.t === t).map((r) => [r.p, r.estimators[id].varianceTimesCost > 0 ? r.estimators[id].varianceTimesCost : Number.NaN] as [number, number]),
        style: estimators[id].unbiased ? "line" : "dashed",
        color: k,
      }));
      let lo = Infinity;
      let hi = 0;
      for (const se of series) for (const [, y] of se.points) if (y > 0) (lo = Math.min(lo, y)), (hi = Math.max(hi, y));
      return {
        name: `t${String(t).replace(".", "")}`,
        spec: {
          title: `f(b) = (b − ${t})²: exact Var[ĝ] × loss evaluations vs p`,
          x: { label: "p = σ(a) (probability of b = 1)", min: 0, max: 1 },
          y: { label: "Var[ĝ] × loss evaluations (per unit logit², log scale)", log: true, min: 10 ** Math.floor(Math.log10(lo)), max: 10 ** Math.ceil(Math.log10(hi)) },
          series,
          legend: "right" as const,
          width: 1100,
        },
      };
    });
    return { data: { estimators: TOY_ESTIMATORS, rows, table: tableRows }, charts };
  },
};
