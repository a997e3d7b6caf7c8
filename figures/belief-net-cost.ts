/**
 * Belief nets: exact variance and cost per estimator. On the one-layer net (3 units, table
 * loss; every estimator applies) and the two-layer net (2 → 3 → 2 units, squared loss; the
 * estimators defined beyond factorised layers), Σₖ Var[ĝₖ], its product with the loss
 * evaluations per estimate, and the bias — exact where the noise allows, seeded Monte Carlo
 * (20 000 draws; RELAX warmed for 2000 variance steps, then frozen) for relaxations on several
 * units. Wall-clock seconds are measured by bench/estimators.ts, not stored in records.
 */
import { compareEstimators, comparisonCharts } from "../analysis/compare.js";
import { oneLayerNet, twoLayerNet } from "../analysis/claims/toys.js";
import { warmUp } from "../analysis/claims/estimator-checks.js";
import { estimators } from "../src/estimators/registry.js";
import type { Figure, FigureOutput } from "../analysis/figures/types.js";

const IDS = ["correlation", "correlation-optimal", "rloo", "ar", "arm", "disarm", "straight-through-sigmoid", "gumbel-softmax", "st-gumbel", "rebar", "relax"] as const;

export const beliefNetCostFigure: Figure = {
  id: "belief-net-cost",
  claims: ["ARM-unbiased", "DisARM-unbiased", "RLOO-unbiased", "MuProp-unbiased", "NVIL-unbiased", "VIMCO-unbiased"],
  title: "Belief nets: exact variance and cost per estimator",
  caption: "Σₖ Var[ĝₖ] per estimate and × loss evaluations, exact where the noise allows ((MC) = 20 000 seeded draws). Left: one-layer net (3 units); right: two-layer net (5 units; estimators for non-factorised nets only).",
  run(ctx): FigureOutput {
    const samples = ctx.quick ? 4000 : 20000;
    const nets = [
      { name: "one-layer", problem: oneLayerNet() },
      { name: "two-layer", problem: twoLayerNet() },
    ];
    const data: Record<string, unknown> = {};
    const charts: FigureOutput["charts"] = [];
    nets.forEach(({ name, problem }, k) => {
      const specs = IDS.map((id) => estimators[id]).filter((s) => !s.applicable(problem));
      const rec = compareEstimators(problem, specs, {
        exact: true,
        samples,
        seed: "figure",
        alpha: 1e-6,
        options: {},
        stream: ctx.stream.fork(name),
        prepare: (id, inst) => {
          if (id !== "relax" || !inst.observe) return;
          warmUp(inst, problem.initialParams(), 2000, ctx.stream.fork(`${name}/relax-warm`));
          inst.observe = undefined; // frozen from here on
        },
      });
      data[name] = rec;
      for (const c of comparisonCharts(rec, `${name} net`)) charts.push({ name: `${name}-${c.name}`, spec: c.spec });
      ctx.progress(k + 1, nets.length);
    });
    return { data, charts };
  },
};
